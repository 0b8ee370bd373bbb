"""Sync throughput: a backlog of events pushed to the central service in batches (the
kiosk's default, 200 per request) next to the same events sent one request each (the
anchor), measured in the same run, and the time a 100,000-event backlog takes to drain.

The centre runs as its own process (``kiosk central serve``) on 127.0.0.1 with a SQLite
file; the kiosk side is the real sync client on a real store file. Each run starts from an
empty centre and a fresh backlog of the same number of events on a counter of its own.

Run: .venv/bin/python bench/sync.py [--events 100000] [--single-events N] [--batch 200]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx

from central.cli import add_counter
from data.audit import append_event
from data.store import Store, open_store
from data.sync import SyncPlan, sync_pass
from data.sync_client import CentralClient, ChangeIn, Endpoint
from kiosk.clock import CHINA_TZ

NOW = datetime(2026, 11, 25, 10, 30, tzinfo=CHINA_TZ)


@dataclass(frozen=True)
class Run:
    """One drain of a backlog."""

    label: str
    events: int
    requests: int
    seconds: float

    @property
    def rate(self) -> float:
        """Events per second."""
        return self.events / self.seconds


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_centre(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``kiosk central serve`` on a free port; returns once it answers."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kiosk.cli",
            "central",
            "serve",
            "--db",
            str(folder / "central.db"),
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/v1/health", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("the central service did not start")


def backlog(path: Path, count: int) -> Store:
    """A kiosk store holding ``count`` unsent events."""
    store = open_store(path)
    with store.transaction() as conn:
        for number in range(count):
            append_event(
                conn,
                kind="case.noted",
                at=NOW,
                operator="clerk",
                payload={"n": number, "note": f"第 {number} 件", "uscc": "91110108MA01A2B3CF"},
                case_id=None,
            )
    return store


def drain(label: str, store: Store, url: str, token: str, counter_id: int, batch: int) -> Run:
    """Push the whole backlog with the real sync pass; the time it took."""

    def ignore(_change: ChangeIn) -> None:
        return None

    plan = SyncPlan("BJ", counter_id, batch_size=batch)
    count = int(store.query("SELECT count(*) FROM events WHERE synced_at IS NULL")[0][0])
    with CentralClient(Endpoint(url, token, timeout_s=60)) as client:
        started = time.perf_counter()
        report = sync_pass(store, client, plan, ignore, lambda: NOW)
        seconds = time.perf_counter() - started
    if not report.ok or report.pushed != count:
        raise SystemExit(f"{label}: sync did not finish: {report}")
    return Run(label, count, -(-count // batch), seconds)


def main() -> None:
    """Parse the options, run both drains, print the figures and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument(
        "--single-events",
        type=int,
        default=None,
        help="events for the one-per-request anchor (default: the same as --events)",
    )
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args()
    single_events = args.single_events or args.events
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        folder = Path(tmp)
        batched_token = add_counter(folder / "central.db", "BJ", 1)
        single_token = add_counter(folder / "central.db", "BJ", 2)
        started = time.perf_counter()
        batched_store = backlog(folder / "batched.db", args.events)
        single_store = backlog(folder / "single.db", single_events)
        seeded = time.perf_counter() - started
        process, url = start_centre(folder)
        try:
            batched = drain(
                f"batches of {args.batch}", batched_store, url, batched_token, 1, args.batch
            )
            single = drain("one request per event", single_store, url, single_token, 2, 1)
        finally:
            process.terminate()
            process.wait(timeout=10)
            batched_store.close()
            single_store.close()
    print(f"python {sys.version.split()[0]} on {os.cpu_count()} CPUs; centre: SQLite, 127.0.0.1")
    print(f"backlogs written in {seeded:.1f} s")
    print(f"{'run':<26}{'events':>9}{'requests':>10}{'seconds':>10}{'events/s':>11}")
    for run in (batched, single):
        print(
            f"{run.label:<26}{run.events:>9}{run.requests:>10}{run.seconds:>10.2f}{run.rate:>11.0f}"
        )
    print(f"ratio (batched / one per request, events/s): {batched.rate / single.rate:.1f}x")
    print(f"drain of a {batched.events:,}-event backlog: {batched.seconds:.1f} s")


if __name__ == "__main__":
    main()
