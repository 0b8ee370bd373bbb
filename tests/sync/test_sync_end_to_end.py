"""Counters sync with the central service on 127.0.0.1: batches, scoping, outage, refusals."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter as Tally
from pathlib import Path

import pytest

from central.app import Unavailable
from central.server import CentralServer
from data.sync import refused_events, sync_status
from tests.sync.conftest import Centre, Counters
from tests.sync.helpers import add_events, central_events, local_events, sync


def test_three_counters_of_two_offices_deliver_everything_once(
    centre: Centre, counters: Counters
) -> None:
    add_events(counters.bj3.store, 450)
    add_events(counters.bj4.store, 120)
    add_events(counters.sh1.store, 30)
    for counter in (counters.bj3, counters.bj4, counters.sh1):
        report = sync(counter, centre.url, batch_size=100)
        assert report.ok, report.problem
        assert report.backlog == 0
        assert report.pushed == len(local_events(counter.store))
        assert all(
            synced and status == "stored" for _, _, synced, status in local_events(counter.store)
        )
    held = central_events(centre.db_path)
    assert Tally((office, counter) for office, counter, *_ in held) == {
        ("BJ", 3): 450,
        ("BJ", 4): 120,
        ("SH", 1): 30,
    }
    assert len({row[3] for row in held}) == len(held)
    bj3 = [(seq, uuid) for office, counter, seq, uuid, _ in held if (office, counter) == ("BJ", 3)]
    assert bj3 == [(seq, uuid) for seq, uuid, _, _ in local_events(counters.bj3.store)]

    again = sync(counters.bj3, centre.url)
    assert again.ok and again.pushed == 0
    assert len(central_events(centre.db_path)) == 600


def test_a_token_of_another_counter_or_office_stops_sync_with_a_plain_message(
    centre: Centre, counters: Counters
) -> None:
    add_events(counters.bj3.store, 5)
    for token in (counters.sh1.token, counters.bj4.token):
        report = sync(counters.bj3, centre.url, token=token, retries=3)
        assert report.problem is not None
        assert report.problem.key == "sync.forbidden"
        assert not report.problem.retry
        assert "KIOSK_CENTRAL_TOKEN" not in report.problem.message("en")
        assert report.backlog == 5
    unknown = sync(counters.bj3, centre.url, token="not-a-token")
    assert unknown.problem is not None and unknown.problem.key == "sync.auth"
    assert "KIOSK_CENTRAL_TOKEN" in unknown.problem.message("en")
    assert central_events(centre.db_path) == []
    status = counters.bj3.store.read(sync_status)
    assert status.last_error is not None and status.last_error[0] == "sync.auth"


def test_centre_down_then_back_the_backlog_drains_once(centre: Centre, counters: Counters) -> None:
    add_events(counters.bj3.store, 40)
    assert sync(counters.bj3, centre.url).ok
    centre.server.stop()
    add_events(counters.bj3.store, 300)  # the counter keeps working
    down = sync(counters.bj3, centre.url, retries=2)
    assert down.problem is not None and down.problem.key == "sync.unreachable"
    assert down.problem.retry
    assert down.backlog == 300
    status = counters.bj3.store.read(sync_status)
    assert status.backlog == 300 and status.last_error is not None
    centre.server.start()
    back = sync(counters.bj3, centre.url, batch_size=64)
    assert back.ok and back.pushed == 300 and back.backlog == 0
    assert counters.bj3.store.read(sync_status).last_error is None
    held = central_events(centre.db_path)
    assert [row[2] for row in held] == list(range(1, 341))
    assert len({row[3] for row in held}) == 340


def test_retry_after_is_honoured(central_db: Path, counters: Counters) -> None:
    answers = ["busy", "busy"]

    def busy_twice(operation: str) -> None:
        if operation == "events" and answers:
            answers.pop()
            raise Unavailable(retry_after=3)

    server = CentralServer(central_db, fault_hook=busy_twice)
    server.start()
    try:
        add_events(counters.bj3.store, 3)
        waits: list[float] = []
        report = sync(counters.bj3, server.url, retries=3, sleep=waits.append)
    finally:
        server.stop()
    assert report.ok and report.pushed == 3
    assert len(waits) == 2 and all(wait >= 3 for wait in waits)


def test_rule_breaking_events_are_refused_and_shown_at_both_ends(
    centre: Centre, counters: Counters
) -> None:
    add_events(counters.bj3.store, 2)
    add_events(counters.bj3.store, 1, kind="lottery.won")
    add_events(counters.bj3.store, 2)
    report = sync(counters.bj3, centre.url)
    assert report.ok and report.pushed == 5 and report.refused == 1
    refused = counters.bj3.store.read(refused_events)
    assert [(event.seq, event.kind) for event in refused] == [(3, "lottery.won")]
    assert "unknown event kind" in refused[0].reason
    assert counters.bj3.store.read(sync_status).refused == 1
    assert [row[4] for row in central_events(centre.db_path)] == [
        "stored",
        "stored",
        "refused",
        "stored",
        "stored",
    ]


@pytest.mark.parametrize("batch_size", [1, 7, 200])
def test_batch_sizes(centre: Centre, counters: Counters, batch_size: int) -> None:
    add_events(counters.sh1.store, 20)
    assert sync(counters.sh1, centre.url, batch_size=batch_size).ok
    assert len(central_events(centre.db_path)) == 20


def test_events_the_centre_lost_after_confirming_are_sent_again(
    centre: Centre, counters: Counters
) -> None:
    add_events(counters.bj3.store, 30)
    assert sync(counters.bj3, centre.url).ok
    with sqlite3.connect(centre.db_path) as conn:  # the centre restored from an older backup
        conn.execute("DELETE FROM events WHERE seq > 10")
        kept = conn.execute("SELECT body_json FROM events WHERE seq = 10").fetchone()[0]
        conn.execute(
            "UPDATE counters SET head_seq = 10, head_hash = ? WHERE counter_id = 3",
            (json.loads(kept)["hash"],),
        )
    add_events(counters.bj3.store, 5)
    report = sync(counters.bj3, centre.url, retries=2)
    assert report.ok, report.problem
    held = central_events(centre.db_path)
    assert [row[2] for row in held] == list(range(1, 36))
    assert [row[3] for row in held] == [uuid for _, uuid, _, _ in local_events(counters.bj3.store)]
