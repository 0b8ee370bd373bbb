"""Taking in a batch of one counter's events: idempotent by uuid, refused on a gap or a
broken chain, all or nothing.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from central.db import write_transaction
from data.audit import canonical_payload, event_hash

MAX_BATCH = 1000
"""The most events one request may carry."""

HexDigest = Annotated[StrictStr, Field(pattern=r"^[0-9a-f]{64}$")]


class EventIn(BaseModel):
    """One event as the kiosk's audit trail holds it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    uuid: Annotated[StrictStr, Field(min_length=1, max_length=64)]
    seq: Annotated[StrictInt, Field(ge=1)]
    case_id: StrictInt | None
    key_id: StrictInt | None
    kind: Annotated[StrictStr, Field(min_length=1, max_length=64)]
    payload: dict[str, Any]
    at: Annotated[StrictStr, Field(min_length=1, max_length=64)]
    operator: StrictStr | None
    prev_hash: HexDigest
    hash: HexDigest

    def canonical_json(self) -> str:
        """The body as stored and compared: sorted keys, no spaces, UTF-8 kept."""
        return json.dumps(
            self.model_dump(mode="json"), ensure_ascii=False, sort_keys=True, separators=(",", ":")
        )

    def recomputed_hash(self) -> str:
        """The chain hash of this event by the kiosk's own formula."""
        return event_hash(
            seq=self.seq,
            event_uuid=self.uuid,
            case_id=self.case_id,
            key_id=self.key_id,
            kind=self.kind,
            payload=canonical_payload(self.payload),
            at=self.at,
            operator=self.operator,
            prev_hash=self.prev_hash,
        )


class BatchIn(BaseModel):
    """The body of ``POST /v1/events``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    office: Annotated[StrictStr, Field(min_length=1, max_length=16)]
    counter_id: Annotated[StrictInt, Field(ge=1)]
    events: Annotated[list[EventIn], Field(min_length=1, max_length=MAX_BATCH)]


@dataclass(frozen=True)
class EventResult:
    """What became of one event of the batch."""

    uuid: str
    status: Literal["stored", "duplicate"]


@dataclass(frozen=True)
class BatchResult:
    """The per-event answer and the counter's chain head after the batch."""

    results: list[EventResult]
    head_seq: int
    head_hash: str


class BatchRejected(Exception):
    """The batch was refused as a whole; nothing of it was stored."""

    def __init__(self, status_code: int, body: dict[str, Any]) -> None:
        super().__init__(body.get("error", "rejected"))
        self.status_code = status_code
        self.body = body


def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def ingest_batch(conn: sqlite3.Connection, batch: BatchIn) -> BatchResult:
    """Store the batch's new events in one transaction, or raise :class:`BatchRejected`.

    An event whose uuid is already held with the same body (same counter too) is a
    duplicate, and is answered as such. Any other event must continue the counter's chain:
    next sequence number, previous hash equal to the head, and a hash that recomputes.
    """
    office, counter_id = batch.office, batch.counter_id
    results: list[EventResult] = []
    with write_transaction(conn):
        head = conn.execute(
            "SELECT head_seq, head_hash FROM counters WHERE office = ? AND counter_id = ?",
            (office, counter_id),
        ).fetchone()
        if head is None:
            raise BatchRejected(403, {"error": "unknown_counter"})
        head_seq, head_hash = int(head[0]), str(head[1])
        received_at = _utc_now()
        for event in batch.events:
            body = event.canonical_json()
            held = conn.execute(
                "SELECT office, counter_id, body_json FROM events WHERE uuid = ?", (event.uuid,)
            ).fetchone()
            if held is not None:
                if (held[0], held[1], held[2]) == (office, counter_id, body):
                    results.append(EventResult(event.uuid, "duplicate"))
                    continue
                raise BatchRejected(
                    422,
                    {
                        "error": "uuid_conflict",
                        "uuid": event.uuid,
                        "detail": "this uuid is already held with a different body",
                    },
                )
            expected_seq = head_seq + 1
            problem = _chain_problem(event, expected_seq, head_hash)
            if problem is not None:
                error, detail = problem
                raise BatchRejected(
                    409,
                    {
                        "error": error,
                        "expected_seq": expected_seq,
                        "uuid": event.uuid,
                        "detail": detail,
                    },
                )
            conn.execute(
                "INSERT INTO events (uuid, office, counter_id, seq, body_json, status, reason,"
                " received_at) VALUES (?, ?, ?, ?, ?, 'stored', NULL, ?)",
                (event.uuid, office, counter_id, event.seq, body, received_at),
            )
            head_seq, head_hash = event.seq, event.hash
            results.append(EventResult(event.uuid, "stored"))
        conn.execute(
            "UPDATE counters SET head_seq = ?, head_hash = ? WHERE office = ? AND counter_id = ?",
            (head_seq, head_hash, office, counter_id),
        )
    return BatchResult(results, head_seq, head_hash)


def _chain_problem(event: EventIn, expected_seq: int, head_hash: str) -> tuple[str, str] | None:
    """("gap" | "broken_chain", plain words) when the event does not continue the chain."""
    if event.seq > expected_seq:
        return "gap", f"event {event.seq} sent but the centre holds up to {expected_seq - 1}"
    if event.seq < expected_seq:
        return (
            "broken_chain",
            f"the centre already holds a different event {event.seq}: the counter's trail"
            " was rewritten or cut short",
        )
    if event.prev_hash != head_hash:
        return "broken_chain", "prev_hash is not the hash of the event the centre holds before it"
    if event.recomputed_hash() != event.hash:
        return "broken_chain", "the event's hash does not match its content"
    return None
