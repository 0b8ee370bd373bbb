"""Key life-cycle moves. Each move is a named function that refuses an illegal step with a
clear message and writes the key's new state and its audit event in one transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from data.audit import append_event
from data.models import Key, KeyState
from data.store import Store
from kiosk.errors import StateError, ValidationError

S = KeyState
ALLOWED_MOVES: dict[KeyState, frozenset[KeyState]] = {
    S.EXPECTED: frozenset({S.RECEIVED}),
    S.RECEIVED: frozenset({S.NOTIFIED, S.HANDED_OVER, S.MAILED}),
    S.NOTIFIED: frozenset({S.HANDED_OVER, S.MAILED}),
    S.HANDED_OVER: frozenset({S.CANCEL_REQUESTED, S.REPLACED, S.LOST}),
    S.MAILED: frozenset({S.CANCEL_REQUESTED, S.REPLACED, S.LOST}),
    S.LOST: frozenset({S.CANCEL_REQUESTED, S.REPLACED}),
    S.CANCEL_REQUESTED: frozenset({S.SHIPPED}),
    S.SHIPPED: frozenset({S.CANCELLED, S.CANCEL_REQUESTED}),
    S.CANCELLED: frozenset(),
    S.REPLACED: frozenset(),
}
"""Which states each state may move to (DESIGN.md: key states)."""

VOID_STATES = frozenset({S.CANCELLED, S.REPLACED, S.LOST})
"""States in which a key must not be used; the certificate check warns in red."""

LIVE_STATES = frozenset(KeyState) - VOID_STATES
"""States that count towards the limit of keys an enterprise may hold (an expected key
is already on its way, so it counts)."""


def get_key(store: Store, key_id: int) -> Key:
    """The key with this id; ValidationError if there is none."""
    row = store.query_one("SELECT * FROM keys WHERE id = ?", (key_id,))
    if row is None:
        raise ValidationError("key.not_found", key_id=key_id)
    return Key.from_row(row)


def find_key_by_serial(store: Store, token_serial: str) -> Key | None:
    """The key whose token carries this serial, or None."""
    row = store.query_one("SELECT * FROM keys WHERE token_serial = ?", (token_serial.strip(),))
    return Key.from_row(row) if row else None


def count_live_keys(store: Store, enterprise_uscc: str) -> int:
    """How many of the enterprise's keys count towards its limit."""
    live = sorted(LIVE_STATES)
    marks = ",".join("?" * len(live))
    # A key whose live replacement is on its way counts once, not twice.
    row = store.query_one(
        f"SELECT count(*) FROM keys WHERE enterprise_uscc = ? AND state IN ({marks})"
        f" AND id NOT IN (SELECT replaces_key_id FROM keys WHERE replaces_key_id IS NOT NULL"
        f" AND state IN ({marks}))",
        (enterprise_uscc, *live, *live),
    )
    return int(row[0]) if row else 0


def has_live_replacement(store: Store, key_id: int) -> bool:
    """True when another key replacing this one is still live (expected, received, ...)."""
    live = sorted(LIVE_STATES)
    marks = ",".join("?" * len(live))
    row = store.query_one(
        f"SELECT 1 FROM keys WHERE replaces_key_id = ? AND state IN ({marks}) LIMIT 1",
        (key_id, *live),
    )
    return row is not None


def change_key_state(
    store: Store,
    key_id: int,
    to_state: KeyState,
    *,
    operator: str,
    now: datetime,
    case_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> Key:
    """Move a key to ``to_state`` if the process allows it, with its audit event.

    Raises:
        StateError: ``key.illegal_move`` naming both states.
    """
    with store.transaction() as conn:
        row = conn.execute("SELECT state FROM keys WHERE id = ?", (key_id,)).fetchone()
        if row is None:
            raise ValidationError("key.not_found", key_id=key_id)
        from_state = KeyState(row[0])
        if to_state not in ALLOWED_MOVES[from_state]:
            raise StateError(
                "key.illegal_move", from_state=from_state.value, to_state=to_state.value
            )
        conn.execute(
            "UPDATE keys SET state = ?, state_since = ? WHERE id = ?",
            (to_state.value, now.isoformat(timespec="seconds"), key_id),
        )
        append_event(
            conn,
            kind=f"key.{to_state.value}",
            at=now,
            operator=operator,
            case_id=case_id,
            key_id=key_id,
            payload={"from": from_state.value, "to": to_state.value, **(details or {})},
        )
    return get_key(store, key_id)


def receive_key(
    store: Store, key_id: int, *, operator: str, now: datetime, case_id: int | None = None
) -> Key:
    """The courier's key is at the counter."""
    return change_key_state(store, key_id, S.RECEIVED, operator=operator, now=now, case_id=case_id)


def record_notice(
    store: Store, key_id: int, *, operator: str, now: datetime, how: str, case_id: int | None = None
) -> Key:
    """The enterprise was told its key is ready (``how``: phone, sms, email)."""
    return change_key_state(
        store, key_id, S.NOTIFIED, operator=operator, now=now, case_id=case_id, details={"how": how}
    )


def hand_over_key(
    store: Store, key_id: int, *, operator: str, now: datetime, case_id: int | None = None
) -> Key:
    """The authorised agent took the key at the counter."""
    return change_key_state(
        store, key_id, S.HANDED_OVER, operator=operator, now=now, case_id=case_id
    )


def mail_key(
    store: Store,
    key_id: int,
    *,
    operator: str,
    now: datetime,
    waybill: str,
    case_id: int | None = None,
) -> Key:
    """The key went out by courier to the enterprise."""
    return change_key_state(
        store,
        key_id,
        S.MAILED,
        operator=operator,
        now=now,
        case_id=case_id,
        details={"waybill": waybill},
    )


def request_cancellation(
    store: Store,
    key_id: int,
    *,
    operator: str,
    now: datetime,
    reason: str,
    case_id: int | None = None,
) -> Key:
    """A walk-in cancellation was taken for this key."""
    return change_key_state(
        store,
        key_id,
        S.CANCEL_REQUESTED,
        operator=operator,
        now=now,
        case_id=case_id,
        details={"reason": reason},
    )


def report_lost(
    store: Store, key_id: int, *, operator: str, now: datetime, case_id: int | None = None
) -> Key:
    """The enterprise reports the key lost; it is void from now on."""
    return change_key_state(store, key_id, S.LOST, operator=operator, now=now, case_id=case_id)


def void_replaced_key(
    store: Store, key: Key, *, operator: str, now: datetime, case_id: int | None
) -> None:
    """A replacement has reached the enterprise: the key it replaces is void from now on.

    A key already void, or already on its way to cancellation, is left as it is.
    """
    if key.replaces_key_id is None:
        return
    old = get_key(store, key.replaces_key_id)
    if S.REPLACED in ALLOWED_MOVES[old.state]:
        change_key_state(
            store,
            old.id,
            S.REPLACED,
            operator=operator,
            now=now,
            case_id=case_id,
            details={"replaced_by": key.id},
        )
