"""Opening and closing cases: each gets a tracking code and, where the process sets one,
a due date in working days."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from data.audit import append_event
from data.models import Case, CaseKind, CaseState
from data.store import Store
from kiosk.errors import StateError, ValidationError
from kiosk.rules.tracking import make_tracking_code, parse_tracking_code
from kiosk.rules.workdays import WorkCalendar


@dataclass(frozen=True)
class Counter:
    """Where a case is opened: the office code and the counter number."""

    office_code: str
    counter_id: int


def _next_sequence(conn: sqlite3.Connection, day: date) -> int:
    row = conn.execute(
        "INSERT INTO tracking_sequences (day, last_sequence) VALUES (?, 1)"
        " ON CONFLICT (day) DO UPDATE SET last_sequence = last_sequence + 1"
        " RETURNING last_sequence",
        (day.isoformat(),),
    ).fetchone()
    return int(row[0])


def open_case(
    store: Store,
    *,
    kind: CaseKind,
    counter: Counter,
    operator: str,
    now: datetime,
    calendar: WorkCalendar,
    due_in_workdays: int | None = None,
    enterprise_uscc: str | None = None,
    key_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> Case:
    """Open a case with a new tracking code and its ``case.opened`` event, in one transaction."""
    due = calendar.add_workdays(now.date(), due_in_workdays) if due_in_workdays else None
    with store.transaction() as conn:
        sequence = _next_sequence(conn, now.date())
        code = make_tracking_code(counter.office_code, counter.counter_id, now.date(), sequence)
        cursor = conn.execute(
            "INSERT INTO cases (tracking_code, kind, enterprise_uscc, key_id, state, opened_at,"
            " due_on, due_estimated, operator) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                code.text(),
                kind.value,
                enterprise_uscc,
                key_id,
                CaseState.OPEN.value,
                now.isoformat(timespec="seconds"),
                due.day.isoformat() if due else None,
                int(due.estimated) if due else 0,
                operator,
            ),
        )
        case_id = cursor.lastrowid
        append_event(
            conn,
            kind="case.opened",
            at=now,
            operator=operator,
            case_id=case_id,
            key_id=key_id,
            payload={
                "tracking_code": code.text(),
                "kind": kind.value,
                "due_on": due.day.isoformat() if due else None,
                **(details or {}),
            },
        )
    assert case_id is not None
    return get_case(store, case_id)


def close_case(store: Store, case_id: int, *, outcome: str, operator: str, now: datetime) -> Case:
    """Close an open case with its outcome."""
    with store.transaction() as conn:
        row = conn.execute("SELECT state FROM cases WHERE id = ?", (case_id,)).fetchone()
        if row is None:
            raise ValidationError("case.not_found", code=str(case_id))
        if row[0] != CaseState.OPEN.value:
            raise StateError("case.already_closed")
        conn.execute(
            "UPDATE cases SET state = ?, closed_at = ?, outcome = ? WHERE id = ?",
            (CaseState.CLOSED.value, now.isoformat(timespec="seconds"), outcome, case_id),
        )
        append_event(
            conn,
            kind="case.closed",
            at=now,
            operator=operator,
            case_id=case_id,
            payload={"outcome": outcome},
        )
    return get_case(store, case_id)


def record_case(
    store: Store,
    *,
    outcome: str,
    kind: CaseKind,
    counter: Counter,
    operator: str,
    now: datetime,
    calendar: WorkCalendar,
    enterprise_uscc: str | None = None,
    key_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> Case:
    """Open and close a case in one transaction (work finished at the desk, e.g. a check)."""
    with store.transaction():
        case = open_case(
            store,
            kind=kind,
            counter=counter,
            operator=operator,
            now=now,
            calendar=calendar,
            enterprise_uscc=enterprise_uscc,
            key_id=key_id,
            details=details,
        )
        return close_case(store, case.id, outcome=outcome, operator=operator, now=now)


def get_case(store: Store, case_id: int) -> Case:
    """The case with this id."""
    row = store.query_one("SELECT * FROM cases WHERE id = ?", (case_id,))
    if row is None:
        raise ValidationError("case.not_found", code=str(case_id))
    return Case.from_row(row)


def find_case_by_code(store: Store, text: str) -> Case:
    """The case a typed or scanned tracking code names.

    Raises:
        ValidationError: the code is malformed or its check character is wrong, or no case
            has it.
    """
    code = parse_tracking_code(text).text()
    row = store.query_one("SELECT * FROM cases WHERE tracking_code = ?", (code,))
    if row is None:
        raise ValidationError("case.not_found", code=code)
    return Case.from_row(row)


def deadline_pending(alias: str = "") -> str:
    """SQL: the case's deadline still waits on the counter. A cancellation's deadline is to
    ship the key; once shipped it is met, though the case stays open until the provider's
    verdict. ``alias`` is the cases table's prefix in the query, e.g. ``"c."``."""
    # A correlated EXISTS looks up only the cancellations' own keys by primary key; an
    # "IN (SELECT ... WHERE state = 'shipped')" would scan every key on each search.
    return (
        f"NOT ({alias}kind = 'cancellation' AND EXISTS (SELECT 1 FROM keys AS shipped_key"
        f" WHERE shipped_key.id = {alias}key_id AND shipped_key.state = 'shipped'))"
    )


@dataclass(frozen=True)
class DueCounts:
    """What the home screen shows: open cases due today and overdue."""

    due_today: int
    overdue: int


def count_due(store: Store, today: date) -> DueCounts:
    """Open cases due today and open cases past their due date."""
    row = store.query_one(
        "SELECT sum(due_on = :today), sum(due_on < :today) FROM cases"
        f" WHERE state = 'open' AND due_on IS NOT NULL AND {deadline_pending()}",
        {"today": today.isoformat()},
    )
    return DueCounts(int(row[0] or 0), int(row[1] or 0)) if row else DueCounts(0, 0)


def close_open_intake(
    store: Store, key_id: int, *, outcome: str, operator: str, now: datetime
) -> None:
    """The key left the office (handed over or mailed) before its notice was recorded: its
    intake case is done, so it stops counting as due or overdue."""
    row = store.query_one(
        "SELECT id FROM cases WHERE kind = 'intake' AND state = 'open' AND key_id = ?",
        (key_id,),
    )
    if row is not None:
        close_case(store, int(row[0]), outcome=outcome, operator=operator, now=now)
