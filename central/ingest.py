"""Taking in a batch of one counter's events: idempotent by uuid, refused on a gap or a
broken chain, all or nothing; an event that breaks a business rule is kept as refused.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, field_validator
from sqlalchemy import Connection, Engine, insert, select, update

from central.db import counters, events, write_transaction
from central.rules import mask_plain_id_numbers, refusal_reason
from data.audit import canonical_payload, event_hash

MAX_BATCH = 1000
"""The most events one request may carry."""

MAX_PAYLOAD_CHARS = 65_536
"""The longest an event's payload may be as JSON text (the kiosk's own are a few hundred)."""

MAX_PAYLOAD_DEPTH = 32
"""The deepest nesting of objects and arrays an event's payload may have (the kiosk's own
go two or three levels deep); deeper ones cannot be serialised or hashed safely."""

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

    @field_validator("payload")
    @classmethod
    def _storable_payload(cls, payload: dict[str, Any]) -> dict[str, Any]:
        problem = payload_problem(payload)
        if problem is not None:
            raise ValueError(problem)
        return payload

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


def payload_problem(payload: dict[str, Any]) -> str | None:
    """Why a payload cannot be stored and hashed as JSON text, or None when it can: nested
    deeper than :data:`MAX_PAYLOAD_DEPTH`, text that is not Unicode (a lone surrogate from a
    ``\\ud800`` escape), or a number JSON has no form for (NaN, infinity)."""
    stack: list[tuple[Any, int]] = [(payload, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_PAYLOAD_DEPTH:
                return f"nested deeper than {MAX_PAYLOAD_DEPTH} levels"
            items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in items)
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return "holds text that is not valid Unicode (a lone surrogate)"
        elif isinstance(value, float) and not math.isfinite(value):
            return "holds a number JSON cannot carry (NaN or infinity)"
    if len(canonical_payload(payload)) > MAX_PAYLOAD_CHARS:
        return f"longer than {MAX_PAYLOAD_CHARS} characters as JSON"
    return None


class BatchIn(BaseModel):
    """The body of ``POST /v1/events``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    office: Annotated[StrictStr, Field(min_length=1, max_length=16)]
    counter_id: Annotated[StrictInt, Field(ge=1)]
    events: Annotated[list[EventIn], Field(min_length=1, max_length=MAX_BATCH)]


@dataclass(frozen=True)
class EventResult:
    """What became of one event of the batch.

    ``status`` is ``stored`` or ``refused`` for an event new to the centre, ``duplicate``
    for one it already had; ``held`` is the state the centre keeps it in and ``reason``
    why it was refused.
    """

    uuid: str
    status: Literal["stored", "refused", "duplicate"]
    held: Literal["stored", "refused"]
    reason: str | None = None


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


def ingest_batch(engine: Engine, batch: BatchIn) -> BatchResult:
    """Store the batch's new events in one transaction, or raise :class:`BatchRejected`.

    An event whose uuid is already held with the same body (same counter too) is a
    duplicate, and is answered as such. Any other event must continue the counter's chain:
    next sequence number, previous hash equal to the head, and a hash that recomputes.
    A new event that breaks a business rule (:func:`central.rules.refusal_reason`) is
    stored as ``refused`` with its reason and still moves the head.
    """
    office, counter_id = batch.office, batch.counter_id
    results: list[EventResult] = []
    new_rows: list[dict[str, Any]] = []
    with write_transaction(engine) as conn:
        head = conn.execute(
            select(counters.c.head_seq, counters.c.head_hash)
            .where(counters.c.office == office, counters.c.counter_id == counter_id)
            .with_for_update()
        ).first()
        if head is None:
            raise BatchRejected(403, {"error": "unknown_counter"})
        head_seq, head_hash = int(head[0]), str(head[1])
        held = _held_events(conn, [event.uuid for event in batch.events])
        received_at = _utc_now()
        for event in batch.events:
            # A plain ID number is never kept, even in an event refused for holding one;
            # a resent duplicate is masked the same way, so it still compares equal.
            body = mask_plain_id_numbers(event.canonical_json())
            known = held.get(event.uuid)
            if known is not None:
                if (known.office, known.counter_id, known.body_json) != (office, counter_id, body):
                    raise BatchRejected(
                        422,
                        {
                            "error": "uuid_conflict",
                            "uuid": event.uuid,
                            "detail": "this uuid is already held with a different body",
                        },
                    )
                results.append(EventResult(event.uuid, "duplicate", known.status, known.reason))
                continue
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
            reason = refusal_reason(event.kind, event.payload, event.at)
            status: Literal["stored", "refused"] = "stored" if reason is None else "refused"
            row = {
                "uuid": event.uuid,
                "office": office,
                "counter_id": counter_id,
                "seq": event.seq,
                "body_json": body,
                "status": status,
                "reason": reason,
                "received_at": received_at,
            }
            new_rows.append(row)
            held[event.uuid] = _Held(office, counter_id, body, status, reason)
            head_seq, head_hash = event.seq, event.hash
            results.append(EventResult(event.uuid, status, status, reason))
        if new_rows:
            conn.execute(insert(events), new_rows)
            conn.execute(
                update(counters)
                .where(counters.c.office == office, counters.c.counter_id == counter_id)
                .values(head_seq=head_seq, head_hash=head_hash)
            )
    return BatchResult(results, head_seq, head_hash)


@dataclass(frozen=True)
class _Held:
    office: str
    counter_id: int
    body_json: str
    status: Literal["stored", "refused"]
    reason: str | None


def _held_events(conn: Connection, uuids: list[str]) -> dict[str, _Held]:
    """The events of these uuids the centre already holds, by uuid."""
    rows = conn.execute(
        select(
            events.c.uuid,
            events.c.office,
            events.c.counter_id,
            events.c.body_json,
            events.c.status,
            events.c.reason,
        ).where(events.c.uuid.in_(sorted(set(uuids))))
    )
    return {r[0]: _Held(r[1], int(r[2]), r[3], r[4], r[5]) for r in rows}


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
