"""Mail-out: the key goes to the enterprise by courier; waybill numbers are checked."""

from __future__ import annotations

import json
from typing import Any

import pytest

from data.audit import verify_chain
from data.models import CaseKind, CaseState, KeyState
from kiosk.context import KioskContext
from kiosk.errors import KioskError, StateError, ValidationError
from kiosk.services import keys as moves
from kiosk.services.mail_out import mail_key, validate_waybill
from tests.conftest import NOW
from tests.services.test_cancellation import (
    SERIAL,
    USCC,
    add_enterprise,
    event_kinds,
    key_in_state,
    payload,
    snapshot,
)

PHONE = "13812345678"


@pytest.fixture
def enterprise(context: KioskContext, operators: object) -> str:
    return add_enterprise(context)


def mail(context: KioskContext, key_id: int, **overrides: Any) -> Any:
    arguments: dict[str, Any] = {
        "key_id": key_id,
        "recipient": "李娜",
        "address": "北京市朝阳区建国路 1 号",
        "courier": "顺丰速运",
        "waybill": "SF1234567890123",
        "operator": "clerk",
        "counter": context.counter,
        "now": NOW,
        "calendar": context.calendar,
        "recipient_phone": PHONE,
    }
    arguments.update(overrides)
    return mail_key(context.store, **arguments)


# --- validate_waybill ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SF1234567890123", "SF1234567890123"),
        (" sf 1234-5678-90 ", "SF1234567890"),
        ("ＳＦ１２３４５６７８", "SF12345678"),  # full-width, as an input method may type it
        ("12345678", "12345678"),  # shortest
        ("A" * 20, "A" * 20),  # longest
    ],
)
def test_a_waybill_is_normalised(text, expected) -> None:
    assert validate_waybill(text) == expected


@pytest.mark.parametrize(
    ("text", "key", "params"),
    [
        ("", "waybill.empty", {}),
        (" - ", "waybill.empty", {}),
        ("SF123456/789", "waybill.bad_chars", {"chars": "/"}),
        ("顺丰12345678", "waybill.bad_chars", {"chars": "丰 顺"}),
        ("1234567", "waybill.bad_length", {"length": 7, "minimum": 8, "maximum": 20}),
        ("1" * 21, "waybill.bad_length", {"length": 21, "minimum": 8, "maximum": 20}),
    ],
)
def test_a_bad_waybill_is_refused_with_its_reason(text, key, params) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_waybill(text)
    assert caught.value.key == key
    assert caught.value.params == params
    for language in ("zh", "en"):
        assert "{" not in caught.value.message(language)


# --- mail_key ---


@pytest.mark.parametrize("state", [KeyState.RECEIVED, KeyState.NOTIFIED])
def test_a_received_or_notified_key_is_mailed(context, enterprise, state) -> None:
    store = context.store
    key_id = key_in_state(context, state)
    case = mail(context, key_id, waybill="sf 1234 5678 90")
    assert case.kind is CaseKind.MAIL_OUT and case.state is CaseState.CLOSED
    assert case.outcome == "mailed" and case.closed_at == NOW
    assert case.enterprise_uscc == USCC and case.key_id == key_id
    assert case.tracking_code.startswith("BJ03-261125-0001-")
    key = moves.get_key(store, key_id)
    assert key.state is KeyState.MAILED and key.token_serial == SERIAL
    assert event_kinds(store, case.id) == ["case.opened", "key.mailed", "case.closed"]
    opened = payload(store, case.id, "case.opened")
    assert opened["courier"] == "顺丰速运"
    assert opened["waybill"] == "SF1234567890"
    assert opened["recipient"] == "李娜"
    assert opened["address"] == "北京市朝阳区建国路 1 号"
    assert opened["recipient_phone_masked"] == "138****5678"
    assert payload(store, case.id, "key.mailed")["waybill"] == "SF1234567890"
    trail = "".join(r[0] for r in store.query("SELECT payload FROM events"))
    assert PHONE not in trail
    assert verify_chain(store.conn).ok


def test_without_a_phone_none_is_recorded(context, enterprise) -> None:
    case = mail(context, key_in_state(context, KeyState.RECEIVED), recipient_phone="")
    assert "recipient_phone_masked" not in payload(context.store, case.id, "case.opened")


def _refused(context: KioskContext, error: type[KioskError], key: str, action: Any) -> KioskError:
    before = snapshot(context.store)
    with pytest.raises(error) as caught:
        action()
    assert caught.value.key == key
    assert snapshot(context.store) == before
    return caught.value


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"recipient": "  "}, "mail.recipient_required"),
        ({"address": ""}, "mail.address_required"),
        ({"courier": " "}, "courier.required"),
        ({"waybill": ""}, "waybill.empty"),
        ({"waybill": "SF12"}, "waybill.bad_length"),
        ({"waybill": "SF1234567890#"}, "waybill.bad_chars"),
    ],
)
def test_missing_or_bad_details_are_refused(context, enterprise, overrides, key) -> None:
    key_id = key_in_state(context, KeyState.RECEIVED)
    _refused(context, ValidationError, key, lambda: mail(context, key_id, **overrides))
    assert moves.get_key(context.store, key_id).state is KeyState.RECEIVED


@pytest.mark.parametrize(
    "state", [KeyState.EXPECTED, KeyState.HANDED_OVER, KeyState.MAILED, KeyState.LOST]
)
def test_a_key_not_at_the_counter_is_not_mailed(context, enterprise, state) -> None:
    key_id = key_in_state(context, state)
    error = _refused(context, StateError, "mail.key_not_ready", lambda: mail(context, key_id))
    assert error.params == {"state": state.value}


def test_an_unknown_key_is_refused(context, enterprise) -> None:
    _refused(context, ValidationError, "key.not_found", lambda: mail(context, 999))


def test_the_event_payload_is_json_of_the_case(context, enterprise) -> None:
    case = mail(context, key_in_state(context, KeyState.RECEIVED))
    row = context.store.query_one(
        "SELECT payload FROM events WHERE case_id = ? AND kind = 'case.opened'", (case.id,)
    )
    assert json.loads(row[0])["tracking_code"] == case.tracking_code
