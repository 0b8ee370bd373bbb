"""The enterprise directory: enterprises, their authorised agents, and expected keys."""

from __future__ import annotations

from datetime import datetime

from data.audit import append_event
from data.models import Agent, Enterprise, EnterpriseKind, Key, KeyState
from data.store import Store
from kiosk.errors import ValidationError
from kiosk.rules.id_hash import keyed_id_hash
from kiosk.rules.key_limits import KeyKind, check_new_key_allowed
from kiosk.rules.masking import mask_id_number
from kiosk.rules.resident_id import validate_resident_id
from kiosk.rules.uscc import validate_uscc
from kiosk.services.keys import (
    LIVE_STATES,
    count_live_keys,
    find_key_by_serial,
    get_key,
    has_live_replacement,
)

REPLACEABLE_STATES = LIVE_STATES | {KeyState.LOST}
"""A replacement takes the place of a key that still counts, or of one reported lost."""


def get_enterprise(store: Store, uscc: str) -> Enterprise | None:
    """The enterprise with this USCC, or None."""
    row = store.query_one("SELECT * FROM enterprises WHERE uscc = ?", (uscc,))
    return Enterprise.from_row(row) if row else None


def save_enterprise(
    store: Store,
    *,
    uscc: str,
    name: str,
    kind: EnterpriseKind,
    operator: str | None,
    now: datetime,
    contact_name: str = "",
    contact_phone: str = "",
    email: str = "",
    address: str = "",
) -> Enterprise:
    """Add an enterprise or update its details; the USCC must pass its check."""
    code = validate_uscc(uscc)
    if not name.strip():
        raise ValidationError("enterprise.name_required")
    values = {
        "uscc": code,
        "name": name.strip(),
        "kind": kind.value,
        "contact_name": contact_name,
        "contact_phone": contact_phone,
        "email": email,
        "address": address,
        "updated_at": now.isoformat(timespec="seconds"),
    }
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO enterprises (uscc, name, kind, contact_name, contact_phone, email,"
            " address, updated_at) VALUES (:uscc, :name, :kind, :contact_name, :contact_phone,"
            " :email, :address, :updated_at) ON CONFLICT (uscc) DO UPDATE SET name = :name,"
            " kind = :kind, contact_name = :contact_name, contact_phone = :contact_phone,"
            " email = :email, address = :address, updated_at = :updated_at",
            values,
        )
        append_event(
            conn,
            kind="enterprise.saved",
            at=now,
            operator=operator,
            payload={"uscc": code, "name": values["name"], "kind": kind.value},
        )
    saved = get_enterprise(store, code)
    assert saved is not None
    return saved


def add_agent(
    store: Store,
    *,
    uscc: str,
    name: str,
    id_number: str,
    id_hash_key: bytes,
    operator: str | None,
    now: datetime,
    phone: str = "",
) -> Agent:
    """Authorise an agent for an enterprise. Only the keyed hash and masked form of the ID
    number are stored."""
    uscc = validate_uscc(uscc)
    checked = validate_resident_id(id_number, today=now.date())
    id_hash = keyed_id_hash(checked.number, id_hash_key)
    masked = mask_id_number(checked.number)
    with store.transaction() as conn:
        if conn.execute("SELECT 1 FROM enterprises WHERE uscc = ?", (uscc,)).fetchone() is None:
            raise ValidationError("enterprise.not_found", uscc=uscc)
        cursor = conn.execute(
            "INSERT INTO agents (enterprise_uscc, name, id_hash, id_masked, phone)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (enterprise_uscc, id_hash) DO UPDATE"
            " SET name = excluded.name, phone = excluded.phone, active = 1 RETURNING id",
            (uscc, name.strip(), id_hash, masked, phone),
        )
        agent_id = int(cursor.fetchone()[0])
        append_event(
            conn,
            kind="agent.authorised",
            at=now,
            operator=operator,
            payload={"uscc": uscc, "name": name.strip(), "id_masked": masked},
        )
    row = store.query_one("SELECT * FROM agents WHERE id = ?", (agent_id,))
    assert row is not None
    return Agent.from_row(row)


def list_agents(store: Store, uscc: str) -> list[Agent]:
    """The enterprise's active authorised agents."""
    rows = store.query(
        "SELECT * FROM agents WHERE enterprise_uscc = ? AND active = 1 ORDER BY name", (uscc,)
    )
    return [Agent.from_row(r) for r in rows]


def expect_key(
    store: Store,
    *,
    uscc: str,
    token_serial: str,
    kind: KeyKind,
    operator: str | None,
    now: datetime,
    login_name: str = "",
    replaces_key_id: int | None = None,
) -> Key:
    """Record a key the provider is making, refusing one over the enterprise's limit."""
    uscc = validate_uscc(uscc)
    serial = token_serial.strip()
    # The checks run inside the write transaction, so two counters cannot both pass them.
    with store.transaction() as conn:
        if get_enterprise(store, uscc) is None:
            raise ValidationError("enterprise.not_found", uscc=uscc)
        if serial and find_key_by_serial(store, serial) is not None:
            raise ValidationError("key.serial_taken", serial=serial)
        replaces_held = old_counted = pending = False
        if replaces_key_id is not None:
            old = get_key(store, replaces_key_id)
            replaces_held = old.enterprise_uscc == uscc and old.state in REPLACEABLE_STATES
            old_counted = old.state in LIVE_STATES
            pending = has_live_replacement(store, old.id)
        check_new_key_allowed(
            kind,
            count_live_keys(store, uscc),
            replaces_live_key=replaces_held,
            old_key_counted=old_counted,
            old_has_replacement=pending,
        )
        cursor = conn.execute(
            "INSERT INTO keys (token_serial, login_name, enterprise_uscc, kind, replaces_key_id,"
            " state, state_since) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                serial or None,
                login_name,
                uscc,
                kind.value,
                replaces_key_id,
                KeyState.EXPECTED.value,
                now.isoformat(timespec="seconds"),
            ),
        )
        key_id = cursor.lastrowid
        append_event(
            conn,
            kind="key.expected",
            at=now,
            operator=operator,
            key_id=key_id,
            payload={"uscc": uscc, "token_serial": token_serial, "kind": kind.value},
        )
    assert key_id is not None
    return get_key(store, key_id)
