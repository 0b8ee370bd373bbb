"""At most 3 live keys an enterprise: one replacement per live key at a time, and a
replacement counts in the limit until the old key is void, at the counter and from the
centre's change feed."""

from __future__ import annotations

import json

import pytest

from data.models import KeyState
from data.sync_client import ChangeIn
from kiosk.context import KioskContext
from kiosk.errors import ValidationError
from kiosk.rules.key_limits import MAX_LIVE_KEYS, KeyKind
from kiosk.services import keys as moves
from kiosk.services.enterprises import expect_key
from kiosk.services.sync_apply import change_applier
from tests.conftest import NOW
from tests.services.test_cancellation import USCC, add_enterprise, key_in_state, snapshot


def _held_keys(context: KioskContext, count: int = MAX_LIVE_KEYS) -> list[int]:
    add_enterprise(context)
    return [key_in_state(context, KeyState.HANDED_OVER, serial=f"SN-L-{n}") for n in range(count)]


def _replace(context: KioskContext, old_id: int, serial: str) -> int:
    return expect_key(
        context.store,
        uscc=USCC,
        token_serial=serial,
        kind=KeyKind.REPLACEMENT,
        operator="clerk",
        now=NOW,
        replaces_key_id=old_id,
    ).id


def test_second_replacement_of_the_same_key_is_refused(context: KioskContext) -> None:
    held = _held_keys(context)
    _replace(context, held[0], "SN-R-1")
    before = snapshot(context.store)
    with pytest.raises(ValidationError) as caught:
        _replace(context, held[0], "SN-R-2")
    assert caught.value.key == "keys.replacement_pending"
    assert snapshot(context.store) == before
    assert moves.count_live_keys(context.store, USCC) == MAX_LIVE_KEYS


def test_each_live_key_may_have_one_replacement(context: KioskContext) -> None:
    held = _held_keys(context)
    for n, old in enumerate(held):
        _replace(context, old, f"SN-R-{n}")
    assert moves.count_live_keys(context.store, USCC) == MAX_LIVE_KEYS


def test_old_key_may_be_replaced_again_once_its_replacement_is_void(
    context: KioskContext,
) -> None:
    held = _held_keys(context, 1)
    first = _replace(context, held[0], "SN-R-1")
    moves.change_key_state(context.store, first, KeyState.RECEIVED, operator="clerk", now=NOW)
    moves.change_key_state(context.store, first, KeyState.HANDED_OVER, operator="c", now=NOW)
    moves.change_key_state(context.store, first, KeyState.LOST, operator="clerk", now=NOW)
    _replace(context, held[0], "SN-R-2")  # the lost replacement no longer holds the place


def test_replacing_a_lost_key_counts_in_the_limit(context: KioskContext) -> None:
    held = _held_keys(context)
    moves.report_lost(context.store, held[0], operator="clerk", now=NOW)
    _replace(context, held[0], "SN-R-1")  # 2 live + the replacement = 3
    assert moves.count_live_keys(context.store, USCC) == MAX_LIVE_KEYS
    with pytest.raises(ValidationError) as caught:
        expect_key(
            context.store,
            uscc=USCC,
            token_serial="SN-A-1",
            kind=KeyKind.ADDITIONAL,
            operator="clerk",
            now=NOW,
        )
    assert caught.value.key == "keys.limit_reached"


def test_replacing_a_lost_key_over_the_limit_is_refused(context: KioskContext) -> None:
    held = _held_keys(context)
    moves.report_lost(context.store, held[0], operator="clerk", now=NOW)
    expect_key(  # the lost key's place is taken by an additional key
        context.store,
        uscc=USCC,
        token_serial="SN-A-1",
        kind=KeyKind.ADDITIONAL,
        operator="clerk",
        now=NOW,
    )
    with pytest.raises(ValidationError) as caught:
        _replace(context, held[0], "SN-R-1")
    assert caught.value.key == "keys.limit_reached"


def _feed(context: KioskContext, change_id: int, serial: str, replaces: str) -> None:
    apply = change_applier(context.store, lambda: NOW)
    data = {
        "uscc": USCC,
        "token_serial": serial,
        "key_kind": "replacement",
        "replaces_token_serial": replaces,
    }
    apply(ChangeIn(id=change_id, kind="key_expected", data=data))


def test_change_feed_applies_only_one_replacement_per_key(context: KioskContext) -> None:
    _held_keys(context)
    _feed(context, 1, "SN-F-1", "SN-L-0")
    _feed(context, 2, "SN-F-2", "SN-L-0")
    assert moves.find_key_by_serial(context.store, "SN-F-1") is not None
    assert moves.find_key_by_serial(context.store, "SN-F-2") is None
    skipped = context.store.query("SELECT payload FROM events WHERE kind = 'sync.change_skipped'")
    reasons = [json.loads(row[0])["reason"] for row in skipped]
    assert reasons == ["keys.replacement_pending"]
    assert moves.count_live_keys(context.store, USCC) == MAX_LIVE_KEYS
