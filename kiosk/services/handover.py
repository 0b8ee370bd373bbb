"""Hand-over: the authorised agent takes the key at the counter.

The agent was checked (kiosk.services.agents); the key inserted must be the one on record
(serial, and certificate fingerprint once read at intake), so a different key plugged in
during the transaction stops it. A replacement key's hand-over makes the old key void.
"""

from __future__ import annotations

from datetime import datetime

from data.audit import append_event
from data.models import Case, CaseKind, KeyState
from data.store import Store
from devices.token import TokenReading
from kiosk.errors import StateError, ValidationError
from kiosk.rules.workdays import WorkCalendar
from kiosk.services.agents import AgentCheck
from kiosk.services.cases import Counter, close_case, close_open_intake, open_case
from kiosk.services.cert_check import view_certificates
from kiosk.services.keys import get_key, hand_over_key, void_replaced_key

HANDABLE = frozenset({KeyState.RECEIVED, KeyState.NOTIFIED})


def check_inserted_key(
    key_serial: str | None, fingerprint: str | None, reading: TokenReading
) -> None:
    """Refuse a key that is not the one on record.

    Raises:
        ValidationError: ``handover.wrong_key`` (another serial) or
            ``handover.cert_changed`` (same serial, another certificate).
    """
    if reading.token.serial != key_serial:
        raise ValidationError(
            "handover.wrong_key", read=reading.token.serial, expected=key_serial or "—"
        )
    if fingerprint:
        found = {v.facts.fingerprint_sha256 for v in view_certificates(reading) if v.facts}
        if fingerprint not in found:
            raise ValidationError("handover.cert_changed", serial=reading.token.serial)


def hand_over(
    store: Store,
    *,
    key_id: int,
    agent: AgentCheck,
    reading: TokenReading,
    operator: str,
    counter: Counter,
    now: datetime,
    calendar: WorkCalendar,
) -> Case:
    """Record the hand-over in one transaction: case, key state, void replaced key, events."""
    key = get_key(store, key_id)
    if agent.uscc != key.enterprise_uscc:
        raise ValidationError("handover.agent_other_enterprise")
    if key.state not in HANDABLE:
        raise StateError("key.illegal_move", from_state=key.state.value, to_state="handed_over")
    check_inserted_key(key.token_serial, key.cert_fingerprint, reading)
    with store.transaction() as conn:
        case = open_case(
            store,
            kind=CaseKind.HANDOVER,
            counter=counter,
            operator=operator,
            now=now,
            calendar=calendar,
            enterprise_uscc=key.enterprise_uscc,
            key_id=key.id,
            details=agent.audit_details(),
        )
        if agent.override_by is not None:
            append_event(
                conn,
                kind="agent.override",
                at=now,
                operator=agent.override_by,
                case_id=case.id,
                key_id=key.id,
                payload=agent.audit_details(),
            )
        hand_over_key(store, key.id, operator=operator, now=now, case_id=case.id)
        void_replaced_key(store, key, operator=operator, now=now, case_id=case.id)
        close_open_intake(store, key.id, outcome="handed_over", operator=operator, now=now)
        return close_case(store, case.id, outcome="handed_over", operator=operator, now=now)
