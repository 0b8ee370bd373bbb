"""Shipments to the provider and the provider's verdict."""

from __future__ import annotations

import json
from typing import Any

import pytest

from data.audit import verify_chain
from data.models import Case, CaseKind, CaseState, KeyState
from kiosk.context import KioskContext
from kiosk.errors import KioskError, StateError, ValidationError
from kiosk.rules.tracking import parse_tracking_code
from kiosk.services import keys as moves
from kiosk.services.cancellation import confirmed_awaiting_shipment
from kiosk.services.cases import get_case, open_case
from kiosk.services.shipment import get_shipment, record_provider_verdict, ship_cancellations
from tests.conftest import NOW
from tests.services.test_cancellation import (
    add_enterprise,
    confirm,
    event_kinds,
    key_in_state,
    payload,
    snapshot,
    take,
)

WAYBILL = "EMS0012345678"


@pytest.fixture
def enterprise(context: KioskContext, operators: object) -> str:
    return add_enterprise(context)


def cancellation(context: KioskContext, serial: str, *, confirmed: bool = True) -> Case:
    """A cancellation of a handed-over key, confirmed by the supervisor unless told not to."""
    case = take(
        context, key_in_state(context, KeyState.HANDED_OVER, serial=serial), key_serial_read=serial
    )
    return confirm(context, case.id) if confirmed else case


def ship(context: KioskContext, case_ids: list[int], **overrides: Any) -> Any:
    arguments: dict[str, Any] = {
        "case_ids": case_ids,
        "courier": "中国邮政 EMS",
        "waybill": WAYBILL,
        "operator": "clerk",
        "counter": context.counter,
        "now": NOW,
        "calendar": context.calendar,
    }
    arguments.update(overrides)
    return ship_cancellations(context.store, **arguments)


def verdict(context: KioskContext, case_id: int, value: str, remark: str = "") -> Case:
    return record_provider_verdict(
        context.store,
        case_id=case_id,
        verdict=value,  # type: ignore[arg-type]
        remark=remark,
        operator="clerk",
        now=NOW,
    )


def _refused(context: KioskContext, error: type[KioskError], key: str, action: Any) -> KioskError:
    before = snapshot(context.store)
    with pytest.raises(error) as caught:
        action()
    assert caught.value.key == key
    assert snapshot(context.store) == before
    return caught.value


# --- shipping ---


def test_confirmed_cancellations_are_shipped_together(context, enterprise) -> None:
    store = context.store
    first = cancellation(context, "SN-A")
    second = cancellation(context, "SN-B")
    shipment = ship(context, [first.id, second.id, first.id])  # a double scan counts once
    assert shipment.case_ids == (first.id, second.id)
    assert shipment.courier == "中国邮政 EMS" and shipment.waybill == WAYBILL
    assert shipment.shipped_at == NOW and shipment.operator == "clerk"
    # The shipment's code continues the day's case sequence: two cases, then the shipment.
    assert parse_tracking_code(shipment.tracking_code).sequence == 3
    assert get_shipment(store, shipment.id) == shipment
    items = store.query("SELECT shipment_id, case_id FROM shipment_items ORDER BY case_id")
    assert [tuple(r) for r in items] == [(shipment.id, first.id), (shipment.id, second.id)]
    for case in (first, second):
        assert moves.get_key(store, case.key_id).state is KeyState.SHIPPED
        assert get_case(store, case.id).state is CaseState.OPEN
        assert event_kinds(store, case.id)[-1] == "key.shipped"
        assert payload(store, case.id, "key.shipped")["shipment"] == shipment.tracking_code
    sent = store.query("SELECT payload, case_id FROM events WHERE kind = 'shipment.sent'")
    assert len(sent) == 1 and sent[0][1] is None
    assert json.loads(sent[0][0])["cases"] == [first.tracking_code, second.tracking_code]
    assert confirmed_awaiting_shipment(store) == []
    assert verify_chain(store.conn).ok


def test_the_next_case_after_a_shipment_gets_a_fresh_code(context, enterprise) -> None:
    shipment = ship(context, [cancellation(context, "SN-A").id])
    later = open_case(
        context.store,
        kind=CaseKind.UNLOCK_HELP,
        counter=context.counter,
        operator="clerk",
        now=NOW,
        calendar=context.calendar,
    )
    assert parse_tracking_code(later.tracking_code).sequence == 3
    assert later.tracking_code != shipment.tracking_code


def test_an_unconfirmed_cancellation_is_not_shipped_and_named(context, enterprise) -> None:
    good = cancellation(context, "SN-A")
    pending = cancellation(context, "SN-B", confirmed=False)
    error = _refused(
        context,
        StateError,
        "shipment.not_confirmed",
        lambda: ship(context, [good.id, pending.id]),
    )
    assert error.params == {"code": pending.tracking_code}
    assert moves.get_key(context.store, good.key_id).state is KeyState.CANCEL_REQUESTED


def test_a_cancellation_is_shipped_once(context, enterprise) -> None:
    case = cancellation(context, "SN-A")
    ship(context, [case.id])
    error = _refused(
        context, StateError, "shipment.already_shipped", lambda: ship(context, [case.id])
    )
    assert error.params == {"code": case.tracking_code}


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"case_ids": []}, "shipment.empty"),
        ({"courier": ""}, "courier.required"),
        ({"waybill": "EMS-1"}, "waybill.bad_length"),
        ({"case_ids": [999]}, "case.not_found"),
    ],
)
def test_bad_shipment_details_are_refused(context, enterprise, overrides, key) -> None:
    case = cancellation(context, "SN-A")
    arguments = {"case_ids": [case.id], **overrides}
    _refused(context, ValidationError, key, lambda: ship(context, **arguments))


def test_a_case_of_another_kind_is_not_shipped(context, enterprise) -> None:
    other = open_case(
        context.store,
        kind=CaseKind.HANDOVER,
        counter=context.counter,
        operator="clerk",
        now=NOW,
        calendar=context.calendar,
        key_id=key_in_state(context, KeyState.RECEIVED),
    )
    _refused(
        context, ValidationError, "shipment.not_cancellation", lambda: ship(context, [other.id])
    )


# --- the provider's verdict ---


def test_the_provider_cancels_the_key(context, enterprise) -> None:
    store = context.store
    case = cancellation(context, "SN-A")
    ship(context, [case.id])
    closed = verdict(context, case.id, "cancelled")
    assert closed.state is CaseState.CLOSED and closed.outcome == "cancelled"
    assert moves.get_key(store, case.key_id).state is KeyState.CANCELLED
    assert event_kinds(store, case.id)[-3:] == [
        "cancellation.verdict",
        "key.cancelled",
        "case.closed",
    ]
    assert payload(store, case.id, "cancellation.verdict") == {
        "verdict": "cancelled",
        "remark": "",
    }
    assert verify_chain(store.conn).ok


def test_the_provider_refuses_with_a_remark(context, enterprise) -> None:
    store = context.store
    case = cancellation(context, "SN-A")
    ship(context, [case.id])
    refused = verdict(context, case.id, "refused", "  申请表未加盖公章 ")
    assert refused.state is CaseState.OPEN
    assert refused.outcome == "refused: 申请表未加盖公章"
    assert moves.get_key(store, case.key_id).state is KeyState.CANCEL_REQUESTED
    assert event_kinds(store, case.id)[-2:] == ["cancellation.verdict", "key.cancel_requested"]
    assert payload(store, case.id, "cancellation.verdict")["remark"] == "申请表未加盖公章"
    assert verify_chain(store.conn).ok


def test_a_refusal_needs_a_remark(context, enterprise) -> None:
    case = cancellation(context, "SN-A")
    ship(context, [case.id])
    _refused(
        context,
        ValidationError,
        "provider_verdict.remark_required",
        lambda: verdict(context, case.id, "refused", "   "),
    )
    assert moves.get_key(context.store, case.key_id).state is KeyState.SHIPPED


def test_no_verdict_on_a_key_not_shipped(context, enterprise) -> None:
    case = cancellation(context, "SN-A")
    error = _refused(
        context,
        StateError,
        "provider_verdict.not_shipped",
        lambda: verdict(context, case.id, "cancelled"),
    )
    assert error.params == {"code": case.tracking_code, "state": "cancel_requested"}


def test_an_unknown_verdict_is_refused(context, enterprise) -> None:
    case = cancellation(context, "SN-A")
    ship(context, [case.id])
    _refused(
        context,
        ValidationError,
        "provider_verdict.bad",
        lambda: verdict(context, case.id, "maybe", "?"),
    )


def test_a_refused_cancellation_goes_out_again(context, enterprise) -> None:
    case = cancellation(context, "SN-A")
    ship(context, [case.id])
    verdict(context, case.id, "refused", "表单未盖章")
    assert [c.id for c in confirmed_awaiting_shipment(context.store)] == [case.id]
    second = ship(context, [case.id])
    assert second.case_ids == (case.id,)
    verdict(context, case.id, "cancelled")
    assert moves.get_key(context.store, get_case(context.store, case.id).key_id).state is (
        KeyState.CANCELLED
    )
    assert verify_chain(context.store.conn).ok


def test_a_cancellation_shipped_in_time_is_not_overdue_while_awaiting_the_verdict(
    context, enterprise
) -> None:
    from datetime import timedelta

    from kiosk.services.case_search import search_cases
    from kiosk.services.cases import count_due

    case = cancellation(context, "SN-A")
    ship(context, [case.id])
    later = (NOW + timedelta(days=20)).date()
    assert count_due(context.store, later).overdue == 0
    assert search_cases(context.store, scope="overdue", today=later) == []
