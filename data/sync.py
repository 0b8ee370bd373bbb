"""Sync with the central API: push the outbox, pull the changes.

Push: the events not yet confirmed leave in ``seq`` order, ``batch_size`` at a time; each
event's uuid is its idempotency key, so a batch sent again after a lost answer is answered
"duplicate" and nothing is counted twice. What the centre confirmed (stored, refused or
already held) is marked in one local transaction.

Pull: the changes after the saved cursor are applied one by one by the caller's
``apply`` function, and the new cursor is saved in the same transaction as what they
brought, so a crash in between brings the same page again and ``apply`` skips what is
already there.

Offline is normal: a pass that cannot reach the centre records the problem and leaves
everything to the next pass, which waits :class:`Backoff` longer each time.
"""

from __future__ import annotations

import json
import random
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from data.store import Store
from data.sync_client import CentralClient, ChangeIn, SyncProblem

CURSOR = "sync.cursor"
LAST_SUCCESS = "sync.last_success"
LAST_ERROR = "sync.last_error"

ChangeApplier = Callable[[ChangeIn], None]
"""Applies one change to the store; called inside the pull's transaction. It must be
idempotent (a change may come again) and must not raise for a change it cannot apply:
it records why instead, so one bad change cannot stop the feed."""


@dataclass(frozen=True)
class SyncPlan:
    """How a counter syncs.

    Attributes:
        office: the counter's office code.
        counter_id: the counter's number.
        batch_size: events per push request.
        pull_limit: changes per pull request.
    """

    office: str
    counter_id: int
    batch_size: int = 200
    pull_limit: int = 500


@dataclass
class Backoff:
    """Exponential backoff with jitter, up to a cap; ``Retry-After`` is a floor.

    The n-th wait (n from 0) is between half and all of ``min(cap, base * 2**n)``: the
    jitter keeps counters that lost the network together from coming back together.
    """

    base_s: float = 1.0
    cap_s: float = 300.0
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before try number ``attempt + 1``."""
        ceiling = min(self.cap_s, self.base_s * 2.0 ** min(attempt, 32))
        wait = ceiling / 2 + self.rng.uniform(0, ceiling / 2)
        return max(wait, retry_after or 0.0)


@dataclass(frozen=True)
class SyncReport:
    """What one sync pass did.

    Attributes:
        pushed: events the centre confirmed in this pass (stored, refused or duplicate).
        refused: of those, the ones it took as refused.
        pulled: changes applied.
        backlog: events still waiting to go.
        problem: why the pass stopped early, or None when everything went.
    """

    pushed: int = 0
    refused: int = 0
    pulled: int = 0
    backlog: int = 0
    problem: SyncProblem | None = None

    @property
    def ok(self) -> bool:
        """True when nothing is left to push and the pull reached the end of the feed."""
        return self.problem is None


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar and ``kiosk sync`` show."""

    backlog: int
    refused: int
    last_success: str | None
    last_error: tuple[str, dict[str, Any]] | None


@dataclass(frozen=True)
class RefusedEvent:
    """An event the centre took as refused, for supervisors."""

    seq: int
    at: str
    kind: str
    reason: str


_EVENT_COLUMNS = "seq, uuid, case_id, key_id, kind, payload, at, operator, prev_hash, hash"


def outbox(conn: sqlite3.Connection, limit: int) -> list[dict[str, Any]]:
    """The oldest ``limit`` unconfirmed events, as the centre takes them."""
    rows = conn.execute(
        f"SELECT {_EVENT_COLUMNS} FROM events WHERE synced_at IS NULL ORDER BY seq LIMIT ?",
        (limit,),
    ).fetchall()
    return [
        {
            "uuid": r[1],
            "seq": r[0],
            "case_id": r[2],
            "key_id": r[3],
            "kind": r[4],
            "payload": json.loads(r[5]),
            "at": r[6],
            "operator": r[7],
            "prev_hash": r[8],
            "hash": r[9],
        }
        for r in rows
    ]


def push_batch(store: Store, client: CentralClient, plan: SyncPlan, now: datetime) -> SyncReport:
    """Send the next batch of the outbox and mark what the centre confirmed.

    Returns how many went (0 when the outbox is empty). Raises :class:`SyncProblem`.
    """
    events = store.read(lambda conn: outbox(conn, plan.batch_size))
    if not events:
        return SyncReport()
    body = {"office": plan.office, "counter_id": plan.counter_id, "events": events}
    try:
        answer = client.post_events(body)
    except SyncProblem as problem:
        resume = problem.resume_from
        if resume is not None and resume < events[0]["seq"]:
            # The centre lost events it had confirmed (e.g. restored from a backup): send
            # them again; the ones it still holds come back as duplicates.
            send_again_from(store, resume)
            raise SyncProblem("sync.resending", retry=True, seq=resume) from None
        raise
    sent = {event["uuid"] for event in events}
    answered = {result.uuid: result for result in answer.results if result.uuid in sent}
    if len(answered) != len(sent) or any(
        r.held not in ("stored", "refused") for r in answered.values()
    ):
        # Mark nothing from an answer that does not speak for every event sent.
        raise SyncProblem("sync.bad_answer", retry=True, status=200)
    stamp = now.isoformat(timespec="seconds")
    refused = 0
    with store.transaction() as conn:
        for uuid, result in answered.items():
            note = result.reason if result.held == "refused" else None
            refused += result.held == "refused"
            conn.execute(
                "UPDATE events SET synced_at = ?, sync_status = ?, sync_note = ?"
                " WHERE uuid = ? AND synced_at IS NULL",
                (stamp, result.held, note, uuid),
            )
        _set_meta(conn, LAST_SUCCESS, stamp)
    return SyncReport(pushed=len(answered), refused=refused)


def send_again_from(store: Store, seq: int) -> int:
    """Put the events from ``seq`` on back in the outbox; how many."""
    with store.transaction() as conn:
        cursor = conn.execute(
            "UPDATE events SET synced_at = NULL, sync_status = NULL, sync_note = NULL"
            " WHERE seq >= ? AND synced_at IS NOT NULL",
            (seq,),
        )
        return int(cursor.rowcount)


def pull_page(
    store: Store, client: CentralClient, plan: SyncPlan, apply: ChangeApplier, now: datetime
) -> tuple[int, bool]:
    """Fetch and apply the next page of changes; (how many, whether more wait)."""
    cursor = int(store.read(lambda conn: _get_meta(conn, CURSOR)) or 0)
    page = client.get_changes(cursor, plan.pull_limit)
    if page.changes and (
        page.next < page.changes[-1].id or any(c.id <= cursor for c in page.changes)
    ):
        raise SyncProblem("sync.bad_answer", retry=True, status=200)
    if page.more and not page.changes:  # "more" with nothing in it would never end
        raise SyncProblem("sync.bad_answer", retry=True, status=200)
    with store.transaction() as conn:
        # Another pass (the app's worker and `kiosk sync` at once) may have moved the cursor
        # since it was read: apply only what is still new, and never move it back.
        current = int(_get_meta(conn, CURSOR) or 0)
        for change in page.changes:
            if change.id > current:
                apply(change)
        _set_meta(conn, CURSOR, str(max(page.next, current)))
        _set_meta(conn, LAST_SUCCESS, now.isoformat(timespec="seconds"))
    return len(page.changes), page.more


def sync_pass(
    store: Store,
    client: CentralClient,
    plan: SyncPlan,
    apply: ChangeApplier,
    clock: Callable[[], datetime],
    *,
    retries: int = 0,
    backoff: Backoff | None = None,
    sleep: Callable[[float], None] = time.sleep,
    max_batches: int | None = None,
) -> SyncReport:
    """Push the whole outbox, pull every waiting change, then push what they wrote.

    A problem worth retrying is retried up to ``retries`` times, waiting as ``backoff``
    says; one that needs a person ends the pass at once. The last problem, if any, is
    recorded for the status bar and returned in the report.
    """
    backoff = backoff or Backoff()
    pushed = refused = pulled = 0
    attempt = 0
    batches = 0
    problem: SyncProblem | None = None
    # push, then pull, then push again what applying the changes wrote
    phase, last_phase = "push", "pull"
    while True:
        try:
            if phase == "push":
                if max_batches is not None and batches >= max_batches:
                    break
                report = push_batch(store, client, plan, clock())
                problem, attempt = None, 0
                batches += 1
                pushed += report.pushed
                refused += report.refused
                if report.pushed == 0:
                    if last_phase == "push":
                        break
                    phase = "pull"
            else:
                count, more = pull_page(store, client, plan, apply, clock())
                problem, attempt = None, 0
                pulled += count
                if not more:
                    if pulled == 0:
                        break
                    phase = last_phase = "push"
        except SyncProblem as failure:
            problem = failure
            if not failure.retry or attempt >= retries:
                break
            sleep(backoff.delay(attempt, failure.retry_after))
            attempt += 1
    record_outcome(store, problem, clock())
    backlog = store.read(count_backlog)
    return SyncReport(pushed, refused, pulled, backlog, problem)


def record_outcome(store: Store, problem: SyncProblem | None, now: datetime) -> None:
    """Keep the last problem (or clear it) where the status bar reads it."""
    with store.transaction() as conn:
        if problem is None:
            conn.execute("DELETE FROM meta WHERE name = ?", (LAST_ERROR,))
        else:
            text = json.dumps(
                {"key": problem.key, "params": problem.params, "at": now.isoformat()},
                ensure_ascii=False,
                default=str,
            )
            _set_meta(conn, LAST_ERROR, text)


def count_backlog(conn: sqlite3.Connection) -> int:
    """Events not yet confirmed by the centre."""
    return int(conn.execute("SELECT count(*) FROM events WHERE synced_at IS NULL").fetchone()[0])


def sync_status(conn: sqlite3.Connection) -> SyncStatus:
    """Backlog, refused count, last success and last problem."""
    refused = conn.execute("SELECT count(*) FROM events WHERE sync_status = 'refused'").fetchone()
    error_text = _get_meta(conn, LAST_ERROR)
    last_error: tuple[str, dict[str, Any]] | None = None
    if error_text:
        recorded = json.loads(error_text)
        last_error = (str(recorded["key"]), dict(recorded.get("params", {})))
    return SyncStatus(
        backlog=count_backlog(conn),
        refused=int(refused[0]),
        last_success=_get_meta(conn, LAST_SUCCESS),
        last_error=last_error,
    )


def refused_events(conn: sqlite3.Connection) -> list[RefusedEvent]:
    """The events the centre took as refused, oldest first."""
    rows = conn.execute(
        "SELECT seq, at, kind, sync_note FROM events WHERE sync_status = 'refused' ORDER BY seq"
    )
    return [RefusedEvent(int(r[0]), str(r[1]), str(r[2]), str(r[3] or "")) for r in rows]


def _get_meta(conn: sqlite3.Connection, name: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
    return None if row is None else str(row[0])


def _set_meta(conn: sqlite3.Connection, name: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta (name, value) VALUES (?, ?)"
        " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        (name, value),
    )
