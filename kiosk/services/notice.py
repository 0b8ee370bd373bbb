"""Notice: received keys waiting for the enterprise to be told, overdue ones first; the
clerk records how it was told and whether it will collect or wants the key mailed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from data.audit import append_event
from data.models import Case, Enterprise, Key, KeyState
from data.store import Store
from kiosk.errors import StateError, ValidationError
from kiosk.rules.workdays import WorkCalendar
from kiosk.services.cases import close_case, get_case
from kiosk.services.enterprises import get_enterprise
from kiosk.services.keys import get_key, record_notice

NoticeChannel = Literal["phone", "sms", "email"]
Delivery = Literal["collect", "mail"]
CHANNELS: tuple[NoticeChannel, ...] = ("phone", "sms", "email")
DELIVERIES: tuple[Delivery, ...] = ("collect", "mail")


@dataclass(frozen=True)
class AwaitingNotice:
    """One received key whose enterprise has not been told yet."""

    case: Case
    key: Key
    enterprise: Enterprise | None
    workdays_left: int
    """Working days until the deadline; negative when overdue."""

    @property
    def overdue(self) -> bool:
        """True once the deadline has passed."""
        return self.workdays_left < 0


def awaiting_notice(store: Store, today: date, calendar: WorkCalendar) -> list[AwaitingNotice]:
    """Open intake cases of keys still 'received', overdue first, then by due date."""
    rows = store.query(
        "SELECT cases.id AS case_id, keys.id AS key_id FROM cases"
        " JOIN keys ON keys.id = cases.key_id"
        " WHERE cases.kind = 'intake' AND cases.state = 'open' AND keys.state = 'received'"
        " ORDER BY cases.due_on, cases.id"
    )
    found = []
    for row in rows:
        case = get_case(store, row["case_id"])
        key = get_key(store, row["key_id"])
        left = calendar.workdays_left(today, case.due_on) if case.due_on else 0
        found.append(AwaitingNotice(case, key, get_enterprise(store, key.enterprise_uscc), left))
    return sorted(found, key=lambda item: (not item.overdue, item.case.due_on or today))


def record_enterprise_told(
    store: Store,
    *,
    case_id: int,
    channel: str,
    delivery: str,
    operator: str,
    now: datetime,
    note: str = "",
) -> Case:
    """The enterprise was told (by phone, SMS or e-mail) and said collect or mail."""
    if channel not in CHANNELS:
        raise ValidationError("notice.bad_channel", channel=channel)
    if delivery not in DELIVERIES:
        raise ValidationError("notice.bad_delivery", delivery=delivery)
    case = get_case(store, case_id)
    if case.key_id is None or case.kind.value != "intake":
        raise StateError("notice.not_an_intake")
    key = get_key(store, case.key_id)
    if key.state is not KeyState.RECEIVED:
        raise StateError("key.illegal_move", from_state=key.state.value, to_state="notified")
    on_time = case.due_on is None or now.date() <= case.due_on
    with store.transaction() as conn:
        record_notice(store, key.id, operator=operator, now=now, how=channel, case_id=case.id)
        append_event(
            conn,
            kind="notice.recorded",
            at=now,
            operator=operator,
            case_id=case.id,
            key_id=key.id,
            payload={
                "channel": channel,
                "delivery": delivery,
                "on_time": on_time,
                "note": note.strip(),
            },
        )
        return close_case(
            store, case.id, outcome=f"notified:{channel}:{delivery}", operator=operator, now=now
        )
