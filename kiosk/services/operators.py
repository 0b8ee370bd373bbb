"""Operator accounts: creation, login with lockout, unlocking and password changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from data.audit import append_event
from data.models import Operator, Role
from data.store import Store
from kiosk.errors import AuthError, ValidationError
from kiosk.passwords import (
    MIN_PASSWORD_LENGTH,
    hash_password,
    is_weak_password,
    needs_rehash,
    verify_password,
)


@dataclass(frozen=True)
class LockoutPolicy:
    """How many wrong passwords in a row lock an account, and for how long."""

    failures: int = 5
    minutes: int = 5


def find_operator(store: Store, username: str) -> Operator | None:
    """The operator with this username, or None."""
    row = store.query_one("SELECT * FROM operators WHERE username = ?", (username.strip(),))
    return Operator.from_row(row) if row else None


def list_operators(store: Store) -> list[Operator]:
    """All accounts, by username."""
    return [Operator.from_row(r) for r in store.query("SELECT * FROM operators ORDER BY username")]


def count_operators(store: Store) -> int:
    """How many accounts exist (zero on a new database)."""
    row = store.query_one("SELECT count(*) FROM operators")
    return int(row[0]) if row else 0


def create_operator(
    store: Store,
    *,
    username: str,
    display_name: str,
    role: Role,
    password: str,
    created_by: Operator | None,
    now: datetime,
) -> Operator:
    """Add an account. Only an admin may do so, except for the very first account.

    Raises:
        AuthError: the creator is not an admin.
        ValidationError: bad username, taken username, a short password or a weak one
            (``operator.password_weak``).
    """
    username = username.strip()
    if created_by is not None and not created_by.may(Role.ADMIN):
        raise AuthError("auth.admin_only")
    if created_by is None and count_operators(store) > 0:
        raise AuthError("auth.admin_only")
    if not username or not username.isprintable() or " " in username or len(username) > 32:
        raise ValidationError("operator.bad_username")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError("operator.password_too_short", minimum=MIN_PASSWORD_LENGTH)
    if is_weak_password(password, username):
        raise ValidationError("operator.password_weak")
    password_hash = hash_password(password)
    with store.transaction() as conn:
        if conn.execute("SELECT 1 FROM operators WHERE username = ?", (username,)).fetchone():
            raise ValidationError("operator.username_taken", username=username)
        conn.execute(
            "INSERT INTO operators (username, display_name, role, password_hash, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                username,
                display_name.strip() or username,
                role.value,
                password_hash,
                now.isoformat(timespec="seconds"),
            ),
        )
        append_event(
            conn,
            kind="operator.created",
            at=now,
            operator=created_by.username if created_by else None,
            payload={"username": username, "role": role.value},
        )
    created = find_operator(store, username)
    assert created is not None
    return created


def authenticate(
    store: Store, username: str, password: str, *, now: datetime, policy: LockoutPolicy
) -> Operator:
    """Check a login; count failures and lock the account after ``policy.failures`` in a row.

    Raises:
        AuthError: ``auth.bad_credentials`` (the same for an unknown name and a wrong
            password), ``auth.locked`` with the minutes left, or ``auth.inactive``.
    """
    operator = find_operator(store, username)
    if operator is not None and operator.locked_until and operator.locked_until > now:
        raise AuthError("auth.locked", minutes=_minutes_left(operator.locked_until, now))
    password_ok = verify_password(operator.password_hash if operator else None, password)
    if operator is None:
        raise AuthError("auth.bad_credentials")
    if not password_ok:
        _record_failure(store, operator, now, policy)
    if not operator.active:
        raise AuthError("auth.inactive")
    with store.transaction() as conn:
        new_hash = hash_password(password) if needs_rehash(operator.password_hash) else None
        conn.execute(
            "UPDATE operators SET failed_logins = 0, locked_until = NULL,"
            " password_hash = coalesce(?, password_hash) WHERE id = ?",
            (new_hash, operator.id),
        )
        append_event(conn, kind="operator.login", at=now, operator=operator.username, payload={})
    return operator


def _record_failure(store: Store, operator: Operator, now: datetime, policy: LockoutPolicy) -> None:
    # Read and write the count in one IMMEDIATE transaction, so failures at two counters
    # at once are both counted.
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT failed_logins FROM operators WHERE id = ?", (operator.id,)
        ).fetchone()
        failures = int(row[0]) + 1
        locked_until = None
        if failures >= policy.failures:
            locked_until = now + timedelta(minutes=policy.minutes)
            failures = 0
        conn.execute(
            "UPDATE operators SET failed_logins = ?, locked_until = ? WHERE id = ?",
            (
                failures,
                locked_until.isoformat(timespec="seconds") if locked_until else None,
                operator.id,
            ),
        )
        kind = "operator.locked" if locked_until else "operator.login_failed"
        append_event(
            conn, kind=kind, at=now, operator=None, payload={"username": operator.username}
        )
    if locked_until:
        raise AuthError("auth.locked", minutes=policy.minutes)
    raise AuthError("auth.bad_credentials")


def _minutes_left(until: datetime, now: datetime) -> int:
    return max(1, -(-int((until - now).total_seconds()) // 60))


def unlock_operator(store: Store, username: str, *, by: Operator, now: datetime) -> None:
    """Clear an account's lockout (admins only)."""
    if not by.may(Role.ADMIN):
        raise AuthError("auth.admin_only")
    target = find_operator(store, username)
    if target is None:
        raise ValidationError("operator.not_found", username=username)
    with store.transaction() as conn:
        conn.execute(
            "UPDATE operators SET failed_logins = 0, locked_until = NULL WHERE id = ?",
            (target.id,),
        )
        append_event(
            conn,
            kind="operator.unlocked",
            at=now,
            operator=by.username,
            payload={"username": target.username},
        )
