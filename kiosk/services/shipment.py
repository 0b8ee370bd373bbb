"""Shipments of cancelled keys to the provider, and the provider's verdict on each.

The clerk picks confirmed cancellations (due first, see
:func:`kiosk.services.cancellation.confirmed_awaiting_shipment`), enters courier and
waybill, and prints the manifest; the keys move to shipped. The provider later cancels each
key, or refuses it with a remark (through sync, or entered by hand).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal, get_args

from data.audit import append_event
from data.models import Case, CaseKind, CaseState, KeyState
from data.store import Store
from kiosk.errors import StateError, ValidationError
from kiosk.rules.tracking import make_tracking_code
from kiosk.rules.workdays import WorkCalendar
from kiosk.services import keys as moves
from kiosk.services.cases import Counter, _next_sequence, close_case, get_case
from kiosk.services.mail_out import validate_courier, validate_waybill

Verdict = Literal["cancelled", "refused"]
VERDICTS: Final = frozenset(get_args(Verdict))
CANCELLED_OUTCOME: Final = "cancelled"
REFUSED_OUTCOME_PREFIX: Final = "refused: "


@dataclass(frozen=True)
class Shipment:
    """A parcel of cancellations sent to the provider.

    Attributes:
        id: the ``shipments`` row.
        tracking_code: the manifest's own code, from the same daily sequence as the cases'
            codes, so the two never collide.
        case_ids: the cancellation cases in the parcel, in the order given.
    """

    id: int
    tracking_code: str
    courier: str
    waybill: str
    shipped_at: datetime
    operator: str
    case_ids: tuple[int, ...]


def get_shipment(store: Store, shipment_id: int) -> Shipment:
    """The shipment with this id, with its cases.

    Raises:
        ValidationError: ``shipment.not_found`` (``shipment_id``).
    """
    row = store.query_one("SELECT * FROM shipments WHERE id = ?", (shipment_id,))
    if row is None:
        raise ValidationError("shipment.not_found", shipment_id=shipment_id)
    items = store.query(
        "SELECT case_id FROM shipment_items WHERE shipment_id = ? ORDER BY rowid", (shipment_id,)
    )
    return Shipment(
        id=int(row["id"]),
        tracking_code=str(row["tracking_code"]),
        courier=str(row["courier"]),
        waybill=str(row["waybill"]),
        shipped_at=datetime.fromisoformat(str(row["shipped_at"])),
        operator=str(row["operator"]),
        case_ids=tuple(int(item[0]) for item in items),
    )


def _check_shippable(store: Store, case_id: int) -> Case:
    """The case, if it is a confirmed cancellation whose key waits at the office."""
    case = get_case(store, case_id)
    code = case.tracking_code
    if case.kind is not CaseKind.CANCELLATION or case.key_id is None:
        raise ValidationError("shipment.not_cancellation", code=code)
    key = moves.get_key(store, case.key_id)
    # In a parcel and awaiting the provider's verdict. A refused key is back to
    # cancel_requested and may be shipped again.
    if key.state is KeyState.SHIPPED:
        raise StateError("shipment.already_shipped", code=code)
    if case.state is not CaseState.OPEN:
        raise StateError("shipment.case_closed", code=code)
    if case.confirmed_by is None:
        raise StateError("shipment.not_confirmed", code=code)
    if key.state is not KeyState.CANCEL_REQUESTED:
        raise StateError("shipment.key_state", code=code, state=key.state.value)
    return case


def ship_cancellations(
    store: Store,
    *,
    case_ids: list[int],
    courier: str,
    waybill: str,
    operator: str,
    counter: Counter,
    now: datetime,
    calendar: WorkCalendar,
) -> Shipment:
    """Send confirmed cancellations to the provider in one parcel.

    One transaction gives the shipment its tracking code, inserts the ``shipments`` row and
    one ``shipment_items`` row per case, moves each key to shipped (a ``key.shipped`` event
    on each case, naming the shipment) and writes one ``shipment.sent`` event.
    ``calendar`` is taken for symmetry with the other workflows; a shipment has no deadline
    of its own (the provider's 2 working days start when it receives the parcel).

    Raises:
        ValidationError: ``shipment.empty``; ``courier.required``; a ``waybill.*`` error;
            ``case.not_found``; ``shipment.not_cancellation`` (``code``).
        StateError: ``shipment.not_confirmed``, ``shipment.already_shipped``,
            ``shipment.case_closed`` (``code``); ``shipment.key_state`` (``code``,
            ``state``).
    """
    del calendar  # no deadline to compute (see above)
    ordered = list(dict.fromkeys(case_ids))
    if not ordered:
        raise ValidationError("shipment.empty")
    courier = validate_courier(courier)
    waybill = validate_waybill(waybill)
    with store.transaction() as conn:
        cases = [_check_shippable(store, case_id) for case_id in ordered]
        sequence = _next_sequence(conn, now.date())
        code = make_tracking_code(counter.office_code, counter.counter_id, now.date(), sequence)
        cursor = conn.execute(
            "INSERT INTO shipments (tracking_code, courier, waybill, shipped_at, operator)"
            " VALUES (?, ?, ?, ?, ?)",
            (code.text(), courier, waybill, now.isoformat(timespec="seconds"), operator),
        )
        shipment_id = cursor.lastrowid
        assert shipment_id is not None
        for case in cases:
            assert case.key_id is not None
            conn.execute(
                "INSERT INTO shipment_items (shipment_id, case_id) VALUES (?, ?)",
                (shipment_id, case.id),
            )
            moves.change_key_state(
                store,
                case.key_id,
                KeyState.SHIPPED,
                operator=operator,
                now=now,
                case_id=case.id,
                details={"shipment": code.text(), "courier": courier, "waybill": waybill},
            )
        append_event(
            conn,
            kind="shipment.sent",
            at=now,
            operator=operator,
            payload={
                "tracking_code": code.text(),
                "courier": courier,
                "waybill": waybill,
                "cases": [case.tracking_code for case in cases],
            },
        )
        return get_shipment(store, shipment_id)


def record_provider_verdict(
    store: Store,
    *,
    case_id: int,
    verdict: Verdict,
    remark: str,
    operator: str,
    now: datetime,
) -> Case:
    """Record the provider's verdict on a shipped cancellation.

    ``cancelled``: the key becomes cancelled and the case closes with outcome
    ``cancelled`` (a remark is optional). ``refused``: the remark is required; the key goes
    back to cancel_requested, the case stays open with outcome ``refused: <remark>``.
    Either way a ``cancellation.verdict`` event holds the verdict and remark; all in one
    transaction.

    Raises:
        ValidationError: ``provider_verdict.bad`` (``verdict``);
            ``provider_verdict.remark_required``; ``case.not_found``;
            ``shipment.not_cancellation`` (``code``).
        StateError: ``provider_verdict.not_shipped`` (``code``, ``state``): the key is not
            with the provider.
    """
    if verdict not in VERDICTS:
        raise ValidationError("provider_verdict.bad", verdict=verdict)
    remark = " ".join(remark.split())
    if verdict == "refused" and not remark:
        raise ValidationError("provider_verdict.remark_required")
    with store.transaction() as conn:
        case = get_case(store, case_id)
        if case.kind is not CaseKind.CANCELLATION or case.key_id is None:
            raise ValidationError("shipment.not_cancellation", code=case.tracking_code)
        key = moves.get_key(store, case.key_id)
        if key.state is not KeyState.SHIPPED or case.state is not CaseState.OPEN:
            raise StateError(
                "provider_verdict.not_shipped", code=case.tracking_code, state=key.state.value
            )
        append_event(
            conn,
            kind="cancellation.verdict",
            at=now,
            operator=operator,
            case_id=case.id,
            key_id=key.id,
            payload={"verdict": verdict, "remark": remark},
        )
        if verdict == "cancelled":
            moves.change_key_state(
                store, key.id, KeyState.CANCELLED, operator=operator, now=now, case_id=case.id
            )
            return close_case(store, case.id, outcome=CANCELLED_OUTCOME, operator=operator, now=now)
        moves.change_key_state(
            store,
            key.id,
            KeyState.CANCEL_REQUESTED,
            operator=operator,
            now=now,
            case_id=case.id,
            details={"verdict": verdict, "remark": remark},
        )
        conn.execute(
            "UPDATE cases SET outcome = ? WHERE id = ?",
            (REFUSED_OUTCOME_PREFIX + remark, case.id),
        )
        return get_case(store, case.id)
