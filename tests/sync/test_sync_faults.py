"""Sync through a fault-injecting proxy on 127.0.0.1: resets, answers lost after the
centre committed (the classic duplicate), stalls and delays past the timeout, slow bytes.
Whatever the faults, the centre holds each event exactly once, in order."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from data.sync import sync_status
from tests.support.fault_proxy import FaultProxy
from tests.sync.conftest import Centre, Counters
from tests.sync.helpers import add_events, central_events, local_events, sync


@pytest.fixture
def proxy(centre: Centre) -> Iterator[FaultProxy]:
    """A proxy in front of the centre, passing everything until told otherwise."""
    with FaultProxy("127.0.0.1", centre.server.port, seed=11) as made:
        yield made


def assert_exactly_once(centre: Centre, counters: Counters) -> None:
    """The centre holds every local event of BJ 3 once, in seq order; all marked synced."""
    local = local_events(counters.bj3.store)
    held = [row for row in central_events(centre.db_path) if row[:2] == ("BJ", 3)]
    assert [(row[2], row[3]) for row in held] == [(seq, uuid) for seq, uuid, _, _ in local]
    assert all(synced is not None for _, _, synced, _ in local)


def test_answer_lost_after_the_centre_committed_is_sent_again_and_counted_once(
    centre: Centre, counters: Counters, proxy: FaultProxy
) -> None:
    add_events(counters.bj3.store, 30)
    proxy.plan(["drop_after_request"])
    lost = sync(counters.bj3, proxy.url, batch_size=10)
    assert lost.problem is not None and lost.problem.retry
    assert lost.problem.key == "sync.connection_lost"
    assert len(central_events(centre.db_path)) == 10  # committed, but the kiosk never heard
    assert lost.backlog == 30
    again = sync(counters.bj3, proxy.url, batch_size=10)
    assert again.ok and again.pushed == 30
    assert_exactly_once(centre, counters)


def test_a_delay_past_the_timeout_after_commit_is_a_duplicate_not_a_double(
    centre: Centre, counters: Counters, proxy: FaultProxy
) -> None:
    add_events(counters.bj3.store, 5)
    proxy.delay_s = 1.5
    proxy.plan(["delay"])
    late = sync(counters.bj3, proxy.url, timeout_s=0.5)
    assert late.problem is not None and late.problem.key == "sync.timeout"
    assert late.backlog == 5
    again = sync(counters.bj3, proxy.url, timeout_s=0.5, retries=2)
    assert again.ok
    assert_exactly_once(centre, counters)


def test_a_stalled_link_times_out_and_the_next_try_goes_through(
    centre: Centre, counters: Counters, proxy: FaultProxy
) -> None:
    add_events(counters.bj3.store, 5)
    proxy.plan(["stall", "stall"])
    report = sync(counters.bj3, proxy.url, timeout_s=0.4, retries=3)
    assert report.ok and report.pushed == 5
    assert proxy.stats.applied["stall"] == 2
    assert_exactly_once(centre, counters)


def test_slow_bytes_still_deliver(centre: Centre, counters: Counters, proxy: FaultProxy) -> None:
    add_events(counters.bj3.store, 40)
    proxy.slow_delay_s = 0.001
    proxy.mode = "slow"
    assert sync(counters.bj3, proxy.url, batch_size=20).ok
    assert_exactly_once(centre, counters)


def test_random_resets_and_lost_answers_deliver_everything_exactly_once(
    centre: Centre, counters: Counters, proxy: FaultProxy
) -> None:
    add_events(counters.bj3.store, 1000)
    proxy.random(0.4, modes=("reset", "drop_after_request"))
    report = sync(counters.bj3, proxy.url, batch_size=25, retries=200)
    assert report.ok, report.problem
    stats = proxy.stats
    assert stats.applied["reset"] >= 5 and stats.applied["drop_after_request"] >= 5
    assert_exactly_once(centre, counters)
    assert counters.bj3.store.read(sync_status).last_error is None


def test_an_answer_trickling_in_is_cut_at_the_timeout_and_sent_again(
    centre: Centre, counters: Counters, proxy: FaultProxy
) -> None:
    add_events(counters.bj3.store, 20)
    proxy.slow_delay_s, proxy.slow_chunk = 0.05, (4, 8)  # a few bytes, often: no read timeout
    proxy.plan(["slow"])
    started = time.monotonic()
    trickled = sync(counters.bj3, proxy.url, timeout_s=0.5)
    assert time.monotonic() - started < 3  # the whole answer would take several seconds
    assert trickled.problem is not None and trickled.problem.key == "sync.timeout"
    assert sync(counters.bj3, proxy.url, timeout_s=0.5).ok  # the retry: a duplicate, once
    assert_exactly_once(centre, counters)
