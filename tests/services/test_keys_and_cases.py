"""Key moves and cases: legal steps only, the state row and its event in one transaction."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from data.audit import verify_chain
from data.models import CaseKind, EnterpriseKind, KeyState
from kiosk.errors import StateError, ValidationError
from kiosk.rules.key_limits import KeyKind
from kiosk.rules.tracking import parse_tracking_code
from kiosk.services import keys as moves
from kiosk.services.cases import DueCounts, close_case, count_due, find_case_by_code, open_case
from kiosk.services.enterprises import expect_key, save_enterprise
from tests.conftest import NOW


@pytest.fixture
def enterprise(context, operators) -> str:
    from stdnum.cn import uscc

    body = "91110108MA01A2B3C"
    code = body + uscc.calc_check_digit(body)
    save_enterprise(
        context.store,
        uscc=code,
        name="北京华贸进出口有限公司",
        kind=EnterpriseKind.DOMESTIC,
        operator="admin",
        now=NOW,
    )
    return code


@pytest.fixture
def key_id(context, enterprise) -> int:
    return expect_key(
        context.store,
        uscc=enterprise,
        token_serial="SN-0001",
        kind=KeyKind.FIRST,
        operator="clerk",
        now=NOW,
    ).id


def test_a_key_walks_its_whole_life(context, key_id) -> None:
    store = context.store
    moves.receive_key(store, key_id, operator="clerk", now=NOW)
    moves.record_notice(store, key_id, operator="clerk", now=NOW, how="phone")
    moves.hand_over_key(store, key_id, operator="clerk", now=NOW)
    moves.request_cancellation(store, key_id, operator="clerk", now=NOW, reason="damaged")
    moves.change_key_state(store, key_id, KeyState.SHIPPED, operator="clerk", now=NOW)
    key = moves.change_key_state(store, key_id, KeyState.CANCELLED, operator="clerk", now=NOW)
    assert key.state is KeyState.CANCELLED
    kinds = [
        r[0]
        for r in store.query("SELECT kind FROM events WHERE key_id = ? ORDER BY seq", (key_id,))
    ]
    assert kinds == [
        "key.expected",
        "key.received",
        "key.notified",
        "key.handed_over",
        "key.cancel_requested",
        "key.shipped",
        "key.cancelled",
    ]
    assert verify_chain(store.conn).ok


def test_an_illegal_move_is_refused_with_both_states_named(context, key_id) -> None:
    with pytest.raises(StateError) as caught:
        moves.hand_over_key(context.store, key_id, operator="clerk", now=NOW)
    assert caught.value.key == "key.illegal_move"
    assert "expected" in caught.value.message("en") and "handed_over" in caught.value.message("en")
    assert moves.get_key(context.store, key_id).state is KeyState.EXPECTED


def test_a_cancelled_key_moves_nowhere(context, key_id) -> None:
    assert moves.ALLOWED_MOVES[KeyState.CANCELLED] == frozenset()
    assert moves.ALLOWED_MOVES[KeyState.REPLACED] == frozenset()


def test_state_row_and_event_commit_together(context, key_id, monkeypatch) -> None:
    def broken_append(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(moves, "append_event", broken_append)
    events_before = context.store.query_one("SELECT count(*) FROM events")[0]
    with pytest.raises(OSError):
        moves.receive_key(context.store, key_id, operator="clerk", now=NOW)
    assert moves.get_key(context.store, key_id).state is KeyState.EXPECTED
    assert context.store.query_one("SELECT count(*) FROM events")[0] == events_before


def test_unknown_key_is_a_clear_error(context) -> None:
    with pytest.raises(ValidationError) as caught:
        moves.receive_key(context.store, 999, operator="clerk", now=NOW)
    assert caught.value.key == "key.not_found"


def test_live_keys_count_towards_the_limit(context, enterprise, key_id) -> None:
    store = context.store
    for serial in ("SN-0002", "SN-0003"):
        expect_key(
            store,
            uscc=enterprise,
            token_serial=serial,
            kind=KeyKind.ADDITIONAL,
            operator="clerk",
            now=NOW,
        )
    assert moves.count_live_keys(store, enterprise) == 3
    with pytest.raises(ValidationError) as caught:
        expect_key(
            store,
            uscc=enterprise,
            token_serial="SN-0004",
            kind=KeyKind.ADDITIONAL,
            operator="clerk",
            now=NOW,
        )
    assert caught.value.key == "keys.limit_reached"
    # A replacement takes the place of a live key: allowed, and still three counted.
    expect_key(
        store,
        uscc=enterprise,
        token_serial="SN-0005",
        kind=KeyKind.REPLACEMENT,
        operator="clerk",
        now=NOW,
        replaces_key_id=key_id,
    )
    assert moves.count_live_keys(store, enterprise) == 3


def test_a_void_key_no_longer_counts(context, enterprise, key_id) -> None:
    store = context.store
    moves.receive_key(store, key_id, operator="clerk", now=NOW)
    moves.hand_over_key(store, key_id, operator="clerk", now=NOW)
    moves.report_lost(store, key_id, operator="clerk", now=NOW)
    assert moves.count_live_keys(store, enterprise) == 0


def test_cases_get_sequential_checked_tracking_codes(context, enterprise) -> None:
    first = open_case(
        context.store,
        kind=CaseKind.HANDOVER,
        counter=context.counter,
        operator="clerk",
        now=NOW,
        calendar=context.calendar,
        enterprise_uscc=enterprise,
    )
    second = open_case(
        context.store,
        kind=CaseKind.CERT_CHECK,
        counter=context.counter,
        operator="clerk",
        now=NOW,
        calendar=context.calendar,
    )
    assert first.tracking_code.startswith("BJ03-261125-0001-")
    assert second.tracking_code.startswith("BJ03-261125-0002-")
    assert parse_tracking_code(second.tracking_code).sequence == 2
    assert find_case_by_code(context.store, first.tracking_code.lower()).id == first.id


def test_a_mistyped_tracking_code_is_refused(context, operators) -> None:
    case = open_case(
        context.store,
        kind=CaseKind.UNLOCK_HELP,
        counter=context.counter,
        operator="clerk",
        now=NOW,
        calendar=context.calendar,
    )
    body, check = case.tracking_code[:-1], case.tracking_code[-1]
    wrong = body + ("0" if check != "0" else "1")
    with pytest.raises(ValidationError) as caught:
        find_case_by_code(context.store, wrong)
    assert caught.value.key == "tracking.bad_check"


def test_due_dates_count_working_days(context, operators) -> None:
    # Wednesday 2026-11-25 + 2 working days = Friday 2026-11-27.
    case = open_case(
        context.store,
        kind=CaseKind.INTAKE,
        counter=context.counter,
        operator="clerk",
        now=NOW,
        calendar=context.calendar,
        due_in_workdays=2,
    )
    assert case.due_on == date(2026, 11, 27) and not case.due_estimated
    friday = NOW + timedelta(days=2)
    late = open_case(
        context.store,
        kind=CaseKind.INTAKE,
        counter=context.counter,
        operator="clerk",
        now=friday,
        calendar=context.calendar,
        due_in_workdays=2,
    )
    assert late.due_on == date(2026, 12, 1)  # over the weekend


def test_due_counts_for_the_home_screen(context, operators) -> None:
    open_case(
        context.store,
        kind=CaseKind.INTAKE,
        counter=context.counter,
        operator="clerk",
        now=NOW - timedelta(days=7),
        calendar=context.calendar,
        due_in_workdays=2,
    )
    due_today = open_case(
        context.store,
        kind=CaseKind.INTAKE,
        counter=context.counter,
        operator="clerk",
        now=NOW - timedelta(days=2),
        calendar=context.calendar,
        due_in_workdays=2,
    )
    assert due_today.due_on == NOW.date()
    assert count_due(context.store, NOW.date()) == DueCounts(due_today=1, overdue=1)
    close_case(context.store, due_today.id, outcome="done", operator="clerk", now=NOW)
    assert count_due(context.store, NOW.date()) == DueCounts(due_today=0, overdue=1)
    with pytest.raises(StateError):
        close_case(context.store, due_today.id, outcome="again", operator="clerk", now=NOW)


def test_the_only_key_once_lost_can_be_replaced(context, enterprise, key_id) -> None:
    store = context.store
    moves.receive_key(store, key_id, operator="clerk", now=NOW)
    moves.hand_over_key(store, key_id, operator="clerk", now=NOW)
    moves.report_lost(store, key_id, operator="clerk", now=NOW)
    replacement = expect_key(
        store,
        uscc=enterprise,
        token_serial="SN-NEW",
        kind=KeyKind.REPLACEMENT,
        operator="clerk",
        now=NOW,
        replaces_key_id=key_id,
    )
    assert replacement.replaces_key_id == key_id
    assert moves.count_live_keys(store, enterprise) == 1
