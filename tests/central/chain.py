"""Valid kiosk events for the central tests, chained with the kiosk's own hash formula."""

from __future__ import annotations

import uuid
from typing import Any

from data.audit import GENESIS_HASH, canonical_payload, event_hash


def make_events(
    count: int, *, start_seq: int = 1, prev_hash: str = GENESIS_HASH, kind: str = "case.opened"
) -> list[dict[str, Any]]:
    """``count`` events continuing a chain whose last event had ``start_seq - 1``/``prev_hash``."""
    events: list[dict[str, Any]] = []
    for seq in range(start_seq, start_seq + count):
        event: dict[str, Any] = {
            "uuid": str(uuid.uuid4()),
            "seq": seq,
            "case_id": seq,
            "key_id": None,
            "kind": kind,
            "payload": {"note": f"事件 {seq}", "n": seq},
            "at": "2026-11-25T10:30:00+08:00",
            "operator": "clerk",
            "prev_hash": prev_hash,
        }
        event["hash"] = rehash(event)
        prev_hash = event["hash"]
        events.append(event)
    return events


def rehash(event: dict[str, Any]) -> str:
    """The hash the event's fields call for."""
    return event_hash(
        seq=event["seq"],
        event_uuid=event["uuid"],
        case_id=event["case_id"],
        key_id=event["key_id"],
        kind=event["kind"],
        payload=canonical_payload(event["payload"]),
        at=event["at"],
        operator=event["operator"],
        prev_hash=event["prev_hash"],
    )


def batch(office: str, counter_id: int, events: list[dict[str, Any]]) -> dict[str, Any]:
    """The body of ``POST /v1/events``."""
    return {"office": office, "counter_id": counter_id, "events": events}
