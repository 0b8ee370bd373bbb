"""The audit trail: events hash-chained in the order they were written.

Each event's hash covers its own fields and the previous event's hash, so editing,
deleting or reordering a past event breaks the chain at that event. The newest hash is
also kept in ``audit_head``, so cutting events off the end is caught too. The same rows
are the sync outbox (``synced_at``).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class AppendedEvent:
    """What was written for one event."""

    seq: int
    uuid: str
    hash: str


@dataclass(frozen=True)
class ChainReport:
    """The result of walking the chain.

    Attributes:
        checked: how many events were read.
        bad_seq: sequence number of the first event that does not match, or None.
        problem: what was wrong with it (a short English phrase), or "".
    """

    checked: int
    bad_seq: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        """True when every event matched."""
        return self.bad_seq is None


def canonical_payload(payload: dict[str, Any]) -> str:
    """The payload as the exact JSON text that is stored and hashed."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def event_hash(
    *,
    seq: int,
    event_uuid: str,
    case_id: int | None,
    key_id: int | None,
    kind: str,
    payload: str,
    at: str,
    operator: str | None,
    prev_hash: str,
) -> str:
    """SHA-256 over the event's fields and the previous hash."""
    material = json.dumps(
        [seq, event_uuid, case_id, key_id, kind, payload, at, operator, prev_hash],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def append_event(
    conn: sqlite3.Connection,
    *,
    kind: str,
    payload: dict[str, Any],
    at: datetime,
    operator: str | None,
    case_id: int | None = None,
    key_id: int | None = None,
) -> AppendedEvent:
    """Write one event at the end of the chain. Call inside a store transaction."""
    if not conn.in_transaction:
        raise RuntimeError("append_event must run inside Store.transaction()")
    head = conn.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
    prev_seq, prev_hash = (head[0], head[1]) if head else (0, GENESIS_HASH)
    seq = prev_seq + 1
    event_uuid = str(uuid.uuid4())
    payload_text = canonical_payload(payload)
    at_text = at.isoformat(timespec="seconds")
    digest = event_hash(
        seq=seq,
        event_uuid=event_uuid,
        case_id=case_id,
        key_id=key_id,
        kind=kind,
        payload=payload_text,
        at=at_text,
        operator=operator,
        prev_hash=prev_hash,
    )
    conn.execute(
        "INSERT INTO events (seq, uuid, case_id, key_id, kind, payload, at, operator,"
        " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            seq,
            event_uuid,
            case_id,
            key_id,
            kind,
            payload_text,
            at_text,
            operator,
            prev_hash,
            digest,
        ),
    )
    conn.execute(
        "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        (seq, digest),
    )
    return AppendedEvent(seq=seq, uuid=event_uuid, hash=digest)


def verify_chain(conn: sqlite3.Connection) -> ChainReport:
    """Walk every event in order and report the first that breaks the chain."""
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    rows = conn.execute(
        "SELECT seq, uuid, case_id, key_id, kind, payload, at, operator, prev_hash, hash"
        " FROM events ORDER BY seq"
    )
    for row in rows:
        seq = row[0]
        checked += 1
        if seq != expected_seq:
            return ChainReport(checked, expected_seq, "missing (deleted) before this point")
        if row[8] != prev_hash:
            return ChainReport(checked, seq, "does not follow the event before it")
        digest = event_hash(
            seq=seq,
            event_uuid=row[1],
            case_id=row[2],
            key_id=row[3],
            kind=row[4],
            payload=row[5],
            at=row[6],
            operator=row[7],
            prev_hash=row[8],
        )
        if digest != row[9]:
            return ChainReport(checked, seq, "its content was changed")
        prev_hash, expected_seq = row[9], seq + 1
    head = conn.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
    head_seq, head_hash = (head[0], head[1]) if head else (0, GENESIS_HASH)
    if head_seq != expected_seq - 1 or head_hash != prev_hash:
        return ChainReport(checked, expected_seq, "missing (deleted) at the end of the trail")
    return ChainReport(checked)


def count_unsynced(conn: sqlite3.Connection) -> int:
    """Events not yet delivered to the central API (the sync backlog)."""
    return int(conn.execute("SELECT count(*) FROM events WHERE synced_at IS NULL").fetchone()[0])


@dataclass(frozen=True)
class TrailEntry:
    """One event of a case's history, as the case screen shows it."""

    seq: int
    at: str
    kind: str
    operator: str | None
    payload: dict[str, Any]


def events_of_case(conn: sqlite3.Connection, case_id: int) -> list[TrailEntry]:
    """Every event of the case, in the order written."""
    rows = conn.execute(
        "SELECT seq, at, kind, operator, payload FROM events WHERE case_id = ? ORDER BY seq",
        (case_id,),
    )
    return [TrailEntry(r[0], r[1], r[2], r[3], json.loads(r[4])) for r in rows]
