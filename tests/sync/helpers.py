"""Counters, a centre and the means to sync them, for the sync tests."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from data.audit import append_event
from data.store import Store
from data.sync import Backoff, SyncPlan, SyncReport, sync_pass
from data.sync_client import CentralClient, Endpoint
from kiosk.clock import fixed_clock
from kiosk.services.sync_apply import change_applier
from tests.conftest import NOW

FAST = Backoff(base_s=0.01, cap_s=0.05)
"""Backoff short enough for tests."""


@dataclass
class Counter:
    """A kiosk store with its identity and token at the centre."""

    store: Store
    office: str
    counter_id: int
    token: str

    def plan(self, batch_size: int = 200) -> SyncPlan:
        """The counter's sync plan."""
        return SyncPlan(self.office, self.counter_id, batch_size=batch_size)


def add_events(store: Store, count: int, *, kind: str = "case.noted", at: datetime = NOW) -> None:
    """Append ``count`` events in one transaction (as a day of counter work would)."""
    with store.transaction() as conn:
        for number in range(count):
            append_event(
                conn,
                kind=kind,
                at=at,
                operator="clerk",
                payload={"n": number, "note": f"第 {number} 件"},
            )


def sync(
    counter: Counter,
    url: str,
    *,
    token: str | None = None,
    batch_size: int = 200,
    retries: int = 0,
    timeout_s: float = 5.0,
    backoff: Backoff = FAST,
    sleep: Any = None,
    ca_file: Path | None = None,
    transport: httpx.BaseTransport | None = None,
) -> SyncReport:
    """One sync pass of the counter against the centre at ``url``."""
    endpoint = Endpoint(url, token or counter.token, timeout_s=timeout_s, ca_file=ca_file)
    clock = fixed_clock(NOW)
    with CentralClient(endpoint, transport=transport) as client:
        return sync_pass(
            counter.store,
            client,
            counter.plan(batch_size),
            change_applier(counter.store, clock),
            clock,
            retries=retries,
            backoff=backoff,
            sleep=sleep or (lambda _s: None),
        )


def central_events(db_path: Path) -> list[tuple[str, int, int, str, str]]:
    """(office, counter, seq, uuid, status) of every event the centre holds, in order."""
    with sqlite3.connect(db_path) as conn:
        return list(
            conn.execute(
                "SELECT office, counter_id, seq, uuid, status FROM events"
                " ORDER BY office, counter_id, seq"
            )
        )


def local_events(store: Store) -> list[tuple[int, str, str | None, str | None]]:
    """(seq, uuid, synced_at, sync_status) of every local event, in order."""
    rows = store.query("SELECT seq, uuid, synced_at, sync_status FROM events ORDER BY seq")
    return [(r[0], r[1], r[2], r[3]) for r in rows]
