"""The lists the cancellation and shipment screens show: open cancellations with their
key serial, enterprise name, reason and (once shipped) courier and waybill."""

from __future__ import annotations

from dataclasses import dataclass

from data.models import Case, CaseKind, CaseState, KeyState
from data.store import Store


@dataclass(frozen=True)
class ListedCancellation:
    """A cancellation case with what its list row shows."""

    case: Case
    serial: str
    name: str
    reason: str
    courier: str = ""
    waybill: str = ""


_LISTED_SQL = (
    "SELECT c.*, coalesce(k.token_serial, '') AS x_serial, coalesce(e.name, '') AS x_name,"
    " coalesce((SELECT json_extract(ev.payload, '$.reason') FROM events ev"
    "   WHERE ev.case_id = c.id AND ev.kind = 'case.opened' ORDER BY ev.seq LIMIT 1), '')"
    "   AS x_reason,"
    " coalesce((SELECT s.courier FROM shipment_items i JOIN shipments s ON s.id = i.shipment_id"
    "   WHERE i.case_id = c.id ORDER BY s.id DESC LIMIT 1), '') AS x_courier,"
    " coalesce((SELECT s.waybill FROM shipment_items i JOIN shipments s ON s.id = i.shipment_id"
    "   WHERE i.case_id = c.id ORDER BY s.id DESC LIMIT 1), '') AS x_waybill"
    " FROM cases c JOIN keys k ON k.id = c.key_id"
    " LEFT JOIN enterprises e ON e.uscc = c.enterprise_uscc"
    " WHERE c.kind = ? AND c.state = ? AND {where}"
    " ORDER BY c.due_on IS NULL, c.due_on, c.opened_at, c.id"
)


def listed_cancellations(
    store: Store, where: str, params: tuple[object, ...] = ()
) -> list[ListedCancellation]:
    """Open cancellations matching ``where`` (on ``c`` cases and ``k`` keys), due first."""
    rows = store.query(
        _LISTED_SQL.format(where=where),
        (CaseKind.CANCELLATION.value, CaseState.OPEN.value, *params),
    )
    listed = []
    for row in rows:
        data = dict(row)
        extra = {name: str(data.pop(name) or "") for name in list(data) if name.startswith("x_")}
        listed.append(
            ListedCancellation(
                case=Case.model_validate(data),
                serial=extra["x_serial"],
                name=extra["x_name"],
                reason=extra["x_reason"],
                courier=extra["x_courier"],
                waybill=extra["x_waybill"],
            )
        )
    return listed


def unconfirmed_cancellations(store: Store) -> list[ListedCancellation]:
    """Open cancellations no supervisor has confirmed yet, due first."""
    return listed_cancellations(
        store, "c.confirmed_by IS NULL AND k.state = ?", (KeyState.CANCEL_REQUESTED.value,)
    )
