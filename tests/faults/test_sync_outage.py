"""The centre stops for a stretch, or the network misbehaves, while the counter keeps
working and a background syncer keeps trying (as the app's worker does). Afterwards the
backlog drains and the centre holds each event exactly once, each case's events in order."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from central.cli import add_counter
from central.server import CentralServer
from data.models import CaseKind
from data.store import Store
from data.sync import Backoff, SyncPlan, count_backlog, sync_pass
from data.sync_client import CentralClient, Endpoint
from kiosk.clock import fixed_clock
from kiosk.context import KioskContext
from kiosk.services.cases import close_case, open_case
from tests.conftest import NOW
from tests.support.fault_proxy import FaultProxy

CASES = 1500
"""Cases the counter works through during each test: one event to open, one to close."""


@dataclass
class Syncer:
    """A background thread syncing like the app's worker: a pass, then a short wait."""

    store: Store
    url: str
    token: str
    timeout_s: float = 2.0
    passes: int = 0
    failed_passes: int = 0
    problems: set[str] = field(default_factory=set)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        assert self._thread is not None
        self._thread.join(timeout=30)

    def _run(self) -> None:
        clock = fixed_clock(NOW)
        backoff = Backoff(base_s=0.02, cap_s=0.2)
        attempt = 0
        with CentralClient(Endpoint(self.url, self.token, timeout_s=self.timeout_s)) as client:
            while not self._stop.is_set():
                report = sync_pass(
                    self.store, client, SyncPlan("BJ", 3, batch_size=50), lambda c: None, clock
                )
                self.passes += 1
                if report.problem is None:
                    attempt = 0
                    self._stop.wait(0.02)
                else:
                    self.failed_passes += 1
                    self.problems.add(report.problem.key)
                    self._stop.wait(backoff.delay(attempt, report.problem.retry_after))
                    attempt += 1


def work_through_cases(context: KioskContext, count: int, pause_every: int = 0) -> None:
    """Open ``count`` cases and close each one a few cases later, as a busy day would."""
    opened: list[int] = []
    for number in range(count):
        case = open_case(
            context.store,
            kind=CaseKind.UNLOCK_HELP,
            counter=context.counter,
            operator="clerk",
            now=NOW,
            calendar=context.calendar,
        )
        opened.append(case.id)
        if len(opened) > 3:
            close_case(context.store, opened.pop(0), outcome="done", operator="clerk", now=NOW)
        if pause_every and number % pause_every == 0:
            time.sleep(0.001)
    for case_id in opened:
        close_case(context.store, case_id, outcome="done", operator="clerk", now=NOW)


def wait_until_drained(store: Store, seconds: float = 90.0) -> None:
    """Until the backlog is empty (or fail after ``seconds``)."""
    deadline = time.monotonic() + seconds
    while store.read(count_backlog) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert store.read(count_backlog) == 0


def assert_exactly_once_in_case_order(context: KioskContext, central_db: Path) -> int:
    """Every local event once at the centre, in seq order, each case's events in order."""
    local = context.store.query("SELECT seq, uuid, case_id FROM events ORDER BY seq")
    with sqlite3.connect(central_db) as conn:
        held = conn.execute(
            "SELECT seq, uuid, body_json FROM events WHERE office = 'BJ' AND counter_id = 3"
            " ORDER BY seq"
        ).fetchall()
    assert [(r[0], r[1]) for r in held] == [(r[0], r[1]) for r in local]
    assert len({r[1] for r in held}) == len(held)
    local_cases: dict[int, list[str]] = defaultdict(list)
    for _seq, uuid, case_id in local:
        if case_id is not None:
            local_cases[case_id].append(uuid)
    central_cases: dict[int, list[str]] = defaultdict(list)
    for _seq, uuid, body in held:
        case_id = json.loads(body)["case_id"]
        if case_id is not None:
            central_cases[case_id].append(uuid)
    assert central_cases == local_cases
    return len(held)


@pytest.fixture
def central(tmp_path: Path) -> Iterator[tuple[CentralServer, Path, str]]:
    """A running centre, its file and BJ counter 3's token."""
    database = tmp_path / "central" / "central.db"
    token = add_counter(database, "BJ", 3)
    server = CentralServer(database)
    server.start()
    try:
        yield server, database, token
    finally:
        server.stop()


def test_central_outage_while_the_counter_works(
    context: KioskContext, operators: object, central: tuple[CentralServer, Path, str]
) -> None:
    server, database, token = central
    syncer = Syncer(context.store, server.url, token)
    syncer.start()
    try:
        work_through_cases(context, CASES // 3)
        server.stop()  # the outage: the counter goes on working
        work_through_cases(context, CASES)
        assert context.store.read(count_backlog) >= 2 * CASES
        time.sleep(0.5)
        server.start()
        work_through_cases(context, CASES // 3)
        wait_until_drained(context.store)
    finally:
        syncer.stop()
    assert "sync.unreachable" in syncer.problems
    held = assert_exactly_once_in_case_order(context, database)
    assert held >= 2 * (CASES + 2 * (CASES // 3))
    print(f"outage: {held} events, {syncer.passes} passes, {syncer.failed_passes} failed")


def test_flaky_network_while_the_counter_works(
    context: KioskContext, operators: object, central: tuple[CentralServer, Path, str]
) -> None:
    server, database, token = central
    with FaultProxy("127.0.0.1", server.port, seed=7, delay_s=0.6, slow_delay_s=0.0005) as proxy:
        proxy.random(0.35, modes=("reset", "stall", "drop_after_request", "slow", "delay"))
        syncer = Syncer(context.store, proxy.url, token, timeout_s=0.4)
        syncer.start()
        try:
            work_through_cases(context, CASES, pause_every=50)
            wait_until_drained(context.store)
        finally:
            syncer.stop()
        stats = proxy.stats
    for mode in ("reset", "stall", "drop_after_request", "slow", "delay"):
        assert stats.applied[mode] > 0, mode
    held = assert_exactly_once_in_case_order(context, database)
    assert held >= 2 * CASES
    print(f"flaky: {held} events, {stats.connections} connections, faults {stats.applied}")
