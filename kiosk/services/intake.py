"""Key intake: a key from the provider is inserted, matched to the key we expect, checked
against the enterprise's code, and recorded received; the notice deadline starts.

A key that matches nothing, or whose certificate names another enterprise, is set aside
(recorded as a closed intake case saying why), never received.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from data.audit import append_event
from data.models import Case, CaseKind, Key, KeyState
from data.store import Store
from devices.token import TokenReading
from kiosk.rules.workdays import WorkCalendar
from kiosk.services.cases import Counter, open_case, record_case
from kiosk.services.cert_check import view_certificates
from kiosk.services.keys import find_key_by_serial, get_key, receive_key


@dataclass(frozen=True)
class IntakeResult:
    """What happened to an inserted key.

    Attributes:
        received: True when the key was recorded received.
        case: the intake case (open with its notice deadline, or closed as set aside).
        key: our record of the key, if one matched.
        reason: catalog key of why it was set aside ("" when received).
        params: values for that message.
    """

    received: bool
    case: Case
    key: Key | None
    reason: str = ""
    params: dict[str, str] | None = None


def receive_inserted_key(
    store: Store,
    reading: TokenReading,
    *,
    counter: Counter,
    operator: str,
    now: datetime,
    calendar: WorkCalendar,
    notice_workdays: int,
) -> IntakeResult:
    """Match, check and receive the key just read, or set it aside saying why."""
    serial = reading.token.serial
    key = find_key_by_serial(store, serial)
    views = [view for view in view_certificates(reading) if view.facts is not None]
    codes = {view.uscc for view in views if view.uscc}
    problem: tuple[str, dict[str, str]] | None = None
    if key is None:
        problem = ("intake.no_match", {"serial": serial})
    elif key.state is not KeyState.EXPECTED:
        problem = ("intake.not_expected", {"serial": serial, "state": key.state.value})
    elif not codes:
        problem = ("intake.no_code", {"serial": serial})
    elif codes != {key.enterprise_uscc}:
        problem = (
            "intake.other_enterprise",
            {
                "serial": serial,
                "on_key": ", ".join(sorted(c for c in codes if c)),
                "ours": key.enterprise_uscc,
            },
        )
    if problem is not None:
        reason, params = problem
        case = record_case(
            store,
            outcome="set_aside",
            kind=CaseKind.INTAKE,
            counter=counter,
            operator=operator,
            now=now,
            calendar=calendar,
            enterprise_uscc=key.enterprise_uscc if key else None,
            key_id=key.id if key else None,
            details={"token_serial": serial, "set_aside": reason, **params},
        )
        return IntakeResult(False, case, key, reason, params)
    assert key is not None
    first = views[0].facts
    assert first is not None
    with store.transaction() as conn:
        case = open_case(
            store,
            kind=CaseKind.INTAKE,
            counter=counter,
            operator=operator,
            now=now,
            calendar=calendar,
            due_in_workdays=notice_workdays,
            enterprise_uscc=key.enterprise_uscc,
            key_id=key.id,
            details={"token_serial": serial},
        )
        conn.execute(
            "UPDATE keys SET cert_fingerprint = ?, subject_o = ?, not_after = ? WHERE id = ?",
            (first.fingerprint_sha256, first.subject_o, first.not_after.isoformat(), key.id),
        )
        append_event(
            conn,
            kind="key.certificate_read",
            at=now,
            operator=operator,
            case_id=case.id,
            key_id=key.id,
            payload={"fingerprint": first.fingerprint_sha256, "subject_o": first.subject_o},
        )
        receive_key(store, key.id, operator=operator, now=now, case_id=case.id)
    return IntakeResult(True, case, get_key(store, key.id))
