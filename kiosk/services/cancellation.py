"""Walk-in cancellation (注销): the agent brings the sealed form and the key, or a written
statement when the key is lost; a supervisor who did not take it confirms it.

PROCESS.md: the office verifies and mails form and key to the provider within 2 working
days, so the CANCELLATION case is due then. The two-person rule: the clerk who takes a
cancellation cannot confirm it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final, Literal, get_args

from data.audit import append_event
from data.models import Case, CaseKind, CaseState, KeyState, Role
from data.store import Store
from kiosk.errors import AuthError, StateError, ValidationError
from kiosk.receipts import DOC_FORM, DOC_KEY, DOC_STATEMENT
from kiosk.rules.workdays import WorkCalendar
from kiosk.services import keys as moves
from kiosk.services.agents import AgentCheck
from kiosk.services.cases import Counter, get_case, open_case
from kiosk.services.operators import LockoutPolicy, authenticate

CancelReason = Literal["lost", "damaged", "no_longer_used"]
REASONS: Final = frozenset(get_args(CancelReason))

SEALED_FORM: Final = "sealed_form"
KEY: Final = "key"
WRITTEN_STATEMENT: Final = "written_statement"
DOCUMENTS: Final = frozenset({SEALED_FORM, KEY, WRITTEN_STATEMENT})
"""What the agent may hand over at the desk."""

RECEIPT_DOCUMENTS: Final = {SEALED_FORM: DOC_FORM, KEY: DOC_KEY, WRITTEN_STATEMENT: DOC_STATEMENT}
"""The service's document names as the receipt templates (``kiosk.receipts``) spell them."""

SHIP_WORKDAYS: Final = 2
"""PROCESS.md: form and key go to the provider within 2 working days."""


def _check_documents(
    reason: str, documents: set[str], key_serial_read: str | None
) -> tuple[str, ...]:
    """The documents, sorted, once they fit the reason; else the first rule they break."""
    if reason not in REASONS:
        raise ValidationError("cancellation.bad_reason", reason=reason)
    unknown = sorted(documents - DOCUMENTS)
    if unknown:
        raise ValidationError("cancellation.unknown_document", names=", ".join(unknown))
    if SEALED_FORM not in documents:
        raise ValidationError("cancellation.form_missing")
    if reason == "lost":
        if WRITTEN_STATEMENT not in documents:
            raise ValidationError("cancellation.statement_missing")
        if KEY in documents or key_serial_read is not None:
            raise ValidationError("cancellation.lost_key_read")
    else:
        if KEY not in documents:
            raise ValidationError("cancellation.key_missing")
        if key_serial_read is None or not key_serial_read.strip():
            raise ValidationError("cancellation.key_not_read")
    return tuple(sorted(documents))


def take_cancellation(
    store: Store,
    *,
    key_id: int,
    agent: AgentCheck,
    reason: CancelReason,
    documents: set[str],
    key_serial_read: str | None,
    operator: str,
    counter: Counter,
    now: datetime,
    calendar: WorkCalendar,
    ship_workdays: int = SHIP_WORKDAYS,
    enterprise_uscc: str | None = None,
) -> Case:
    """Take a walk-in cancellation and return its open CANCELLATION case.

    ``documents`` must include ``sealed_form``, and ``written_statement`` for a lost key or
    ``key`` otherwise; ``key_serial_read`` is the serial read from the inserted key and
    must equal the record's (``None`` for a lost key). ``enterprise_uscc`` is the enterprise
    the agent was checked for: needed when the check was a supervisor's override (no agent
    on file); when given with an agent on file, both must agree.

    One transaction opens the case, due ``ship_workdays`` working days after ``now``, with
    the reason, documents and agent check in its ``case.opened`` event, and moves the key
    to cancel_requested.

    Raises:
        ValidationError: a ``cancellation.*`` document/reason rule,
            ``cancellation.serial_mismatch`` (``read``, ``expected``),
            ``cancellation.enterprise_unknown``, ``cancellation.wrong_enterprise``
            (``uscc``), or ``key.not_found``.
        StateError: ``cancellation.key_state`` (``state``): the key cannot be cancelled
            from its state (only handed over, mailed or lost keys can).
    """
    listed = _check_documents(reason, documents, key_serial_read)
    checked_for = agent.agent.enterprise_uscc if agent.agent is not None else None
    if checked_for is None:
        checked_for = enterprise_uscc
    elif enterprise_uscc is not None and enterprise_uscc != checked_for:
        raise ValidationError("cancellation.wrong_enterprise", uscc=checked_for)
    if checked_for is None:
        raise ValidationError("cancellation.enterprise_unknown")
    with store.transaction():
        key = moves.get_key(store, key_id)
        if key.enterprise_uscc != checked_for:
            raise ValidationError("cancellation.wrong_enterprise", uscc=checked_for)
        if KeyState.CANCEL_REQUESTED not in moves.ALLOWED_MOVES[key.state]:
            raise StateError("cancellation.key_state", state=key.state.value)
        if key_serial_read is not None:
            read = key_serial_read.strip()
            expected = key.token_serial or ""
            if read != expected:
                raise ValidationError("cancellation.serial_mismatch", read=read, expected=expected)
        case = open_case(
            store,
            kind=CaseKind.CANCELLATION,
            counter=counter,
            operator=operator,
            now=now,
            calendar=calendar,
            due_in_workdays=ship_workdays,
            enterprise_uscc=key.enterprise_uscc,
            key_id=key.id,
            details={
                "reason": reason,
                "documents": list(listed),
                "token_serial": key.token_serial,
                **agent.audit_details(),
            },
        )
        moves.request_cancellation(
            store, key.id, operator=operator, now=now, reason=reason, case_id=case.id
        )
        return get_case(store, case.id)


def _check_confirmable(case: Case, supervisor: str) -> None:
    """Refuse a confirmation the case does not allow (before and again under the lock)."""
    if case.kind is not CaseKind.CANCELLATION:
        raise ValidationError("cancellation.not_cancellation", code=case.tracking_code)
    if case.state is not CaseState.OPEN:
        raise StateError("case.already_closed")
    if case.confirmed_by is not None:
        raise StateError("cancellation.already_confirmed", supervisor=case.confirmed_by)
    if supervisor == case.operator:
        raise AuthError("cancellation.same_person")


def confirm_cancellation(
    store: Store,
    *,
    case_id: int,
    supervisor: str,
    password: str,
    now: datetime,
    policy: LockoutPolicy,
) -> Case:
    """A second person, a supervisor, confirms a cancellation taken by someone else.

    The case's own checks run before the password is tried, so a refused confirmation of
    the wrong case writes nothing; the supervisor's login (or failed login) is recorded by
    :func:`~kiosk.services.operators.authenticate` as always.

    Raises:
        ValidationError: ``case.not_found``, ``cancellation.not_cancellation`` (``code``).
        StateError: ``case.already_closed``; ``cancellation.already_confirmed``
            (``supervisor``).
        AuthError: ``cancellation.same_person`` (the operator who took it);
            ``cancellation.confirm_role`` (not a supervisor); a login failure.
    """
    username = supervisor.strip()
    _check_confirmable(get_case(store, case_id), username)
    person = authenticate(store, username, password, now=now, policy=policy)
    if not person.may(Role.SUPERVISOR):
        raise AuthError("cancellation.confirm_role")
    with store.transaction() as conn:
        case = get_case(store, case_id)
        _check_confirmable(case, person.username)
        conn.execute(
            "UPDATE cases SET confirmed_by = ?, confirmed_at = ? WHERE id = ?",
            (person.username, now.isoformat(timespec="seconds"), case_id),
        )
        append_event(
            conn,
            kind="cancellation.confirmed",
            at=now,
            operator=person.username,
            case_id=case_id,
            key_id=case.key_id,
            payload={"tracking_code": case.tracking_code, "taken_by": case.operator},
        )
        return get_case(store, case_id)


def confirmed_awaiting_shipment(store: Store) -> list[Case]:
    """Confirmed, open cancellations whose key waits at the office (never shipped, or sent
    back by the provider), earliest due first (then oldest first)."""
    rows = store.query(
        "SELECT c.* FROM cases c JOIN keys k ON k.id = c.key_id"
        " WHERE c.kind = ? AND c.state = ? AND c.confirmed_by IS NOT NULL AND k.state = ?"
        " ORDER BY c.due_on IS NULL, c.due_on, c.opened_at, c.id",
        (CaseKind.CANCELLATION.value, CaseState.OPEN.value, KeyState.CANCEL_REQUESTED.value),
    )
    return [Case.from_row(row) for row in rows]
