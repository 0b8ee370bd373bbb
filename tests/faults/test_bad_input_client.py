"""Garbage from the centre: the sync client under random status codes, headers
(``Retry-After``, ``Content-Encoding``, ``Content-Type``), bodies and broken connections.

``CentralClient.post_events`` / ``get_changes`` return an answer or raise ``SyncProblem``
(a ``KioskError`` that renders in both languages), nothing else; ``retry_after_seconds``
never raises and stays within its cap; ``sync_pass`` on a real store never raises, never
marks an event synced from an answer that does not speak for it, and never loops forever.
"""

from __future__ import annotations

import gzip
import json
import math
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from data.store import Store, open_store
from data.sync import CURSOR, SyncPlan, SyncReport, sync_pass, sync_status
from data.sync_client import (
    RETRY_AFTER_CAP_S,
    CentralClient,
    Endpoint,
    SyncProblem,
    retry_after_seconds,
)
from kiosk.clock import fixed_clock
from kiosk.services.sync_apply import change_applier
from tests.conftest import NOW
from tests.faults.bad_input_helpers import (
    assert_own_error,
    bounded,
    hostile_text,
    json_values,
)
from tests.sync.helpers import FAST, add_events

MAX_REQUESTS = 100
"""More requests than this in one sync pass over a handful of answers is a runaway loop."""

# --- what a broken or hostile centre may answer -------------------------------------------

statuses = st.one_of(
    st.sampled_from(
        [200, 201, 204, 206, 301, 304, 400, 401, 403, 404, 408, 409, 413, 422, 429, 500, 503]
    ),
    st.integers(100, 599),
)
header_bytes = st.binary(max_size=40).map(
    lambda raw: raw.replace(b"\r", b"").replace(b"\n", b"").replace(b"\x00", b"")
)
retry_after_values = st.one_of(
    header_bytes,
    st.sampled_from(
        [
            b"0",
            b"5",
            b"-1",
            b"1.5",
            b"\xc2\xb2",  # superscript two in UTF-8
            b"\xb2",  # superscript two in Latin-1
            "\u0663".encode(),  # Arabic-Indic three
            b"9" * 400,
            b"Fri, 31 Dec 9999 23:59:59 GMT",
            b"Mon, 01 Jan 0001 00:00:00 +0000",
            b"Wed, 25 Nov 2026 10:30:00 -2359",
            b"Wed, 25 Nov 2026 10:30:00 +9999",
            b"Wed, 32 Nov 2026 25:61:61 GMT",
            b"Sun, 06 Nov 1994 08:49:37 GMT",
            b"Sunday, 06-Nov-94 08:49:37 GMT",
            b"Sun Nov  6 08:49:37 1994",
        ]
    ),
)
headers = st.lists(
    st.one_of(
        st.tuples(st.just(b"Retry-After"), retry_after_values),
        st.tuples(
            st.just(b"Content-Type"),
            st.one_of(
                header_bytes,
                st.sampled_from(
                    [
                        b"application/json",
                        b"application/json; charset=nonsense",
                        b"application/json; charset=utf-16",
                        b"text/html",
                    ]
                ),
            ),
        ),
        st.tuples(
            st.just(b"Content-Encoding"),
            st.sampled_from([b"gzip", b"deflate", b"br", b"zstd", b"identity", b"x", b"gzip, br"]),
        ),
        st.tuples(st.just(b"Content-Length"), st.sampled_from([b"0", b"-1", b"99999", b"x"])),
        st.tuples(st.sampled_from([b"X-Junk", b"Set-Cookie", b"Location"]), header_bytes),
    ),
    max_size=4,
)


def deep(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


raw_bodies = st.one_of(
    st.binary(max_size=200),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.sampled_from(
        [
            b"",
            b"null",
            b"[]",
            b"{}",
            b'{"results": null}',
            b'{"results": [{}]}',
            b'{"results": [], "head": 1}',
            b'{"changes": [], "next": -1, "more": false}',
            b'{"changes": [], "next": 0, "more": true}',
            b'{"changes": [], "next": "1", "more": false}',
            b'{"changes": [], "next": 1.0, "more": false}',
            b'{"changes": [], "next": ' + b"9" * 4000 + b', "more": false}',
            b'{"changes": [], "next": ' + b"9" * 5000 + b', "more": false}',
            b'{"changes": [], "next": 9223372036854775808, "more": false}',
            b'{"changes": [{"id": 1, "kind": "\\ud800", "data": {}}], "next": 1, "more": false}',
            b'{"detail": "\\ud800\\u001b[2J"}',
            b'{"detail": "\xed\xa0\x80"}',
            b'{"error": "x", "detail": ["a", {"b": 1}]}',
            b'{"detail": "' + b"x" * 100_000 + b'"}',
            deep(100_000),
            b'{"detail": ' + deep(5000) + b"}",
            b"\xef\xbb\xbf{}",
            b"NaN",
            b"1e999",
            b"\x1f\x8b\x08\x00garbage",
        ]
    ),
)

change_kinds = st.one_of(
    st.sampled_from(["key_expected", "provider_verdict", "enterprise"]), st.text(max_size=10)
)
change_data = st.one_of(
    st.dictionaries(st.text(max_size=8), json_values, max_size=4),
    st.fixed_dictionaries(
        {
            "uscc": st.sampled_from(["91110108MA01A2B3CF", "91110108MA01A2B3C0", "", "x" * 300]),
            "token_serial": st.one_of(st.text(max_size=10), st.just("\x00"), st.integers()),
            "key_kind": st.sampled_from(["first", "additional", "replacement", "other", ""]),
            "tracking_code": st.one_of(
                st.text(max_size=20), st.just("https://x/track/?c=BJ01-261125-0001-X")
            ),
            "verdict": st.sampled_from(["cancelled", "refused", "maybe", ""]),
            "name": st.text(max_size=10),
            "kind": st.sampled_from(["domestic", "foreign_invested", "alien"]),
            "agents": st.lists(
                st.fixed_dictionaries(
                    {
                        "name": st.text(max_size=5),
                        "id_hash": st.sampled_from(["ab" * 32, "AB" * 32, "x"]),
                        "id_masked": st.text(max_size=20),
                        "active": st.one_of(st.booleans(), st.integers(0, 1)),
                    }
                ),
                max_size=2,
            ),
        }
    ),
)
pages = st.builds(
    lambda changes, nxt, more: json.dumps(
        {"changes": changes, "next": nxt, "more": more}, ensure_ascii=False
    ).encode(),
    st.lists(
        st.fixed_dictionaries(
            {
                "id": st.one_of(st.integers(1, 20), st.integers(), st.integers(2**62, 2**70)),
                "kind": change_kinds,
                "data": change_data,
            }
        ),
        max_size=3,
    ),
    st.one_of(st.integers(-5, 25), st.integers(), st.integers(2**62, 2**70)),
    st.booleans(),
)


def encoded(body: bytes, header_list: list[tuple[bytes, bytes]]) -> bytes:
    """Compress the body as its Content-Encoding says, sometimes (the rest stays garbage)."""
    for name, value in header_list:
        if name == b"Content-Encoding" and value == b"gzip" and body.startswith(b"{"):
            return gzip.compress(body)
        if name == b"Content-Encoding" and value == b"deflate" and body.startswith(b"["):
            return zlib.compress(body)
    return body


class Boom:
    """A transport failure the handler raises instead of answering."""

    def __init__(self, error: type[httpx.TransportError]) -> None:
        self.error = error

    def __repr__(self) -> str:
        return f"Boom({self.error.__name__})"


transport_errors = st.sampled_from(
    [
        httpx.ConnectError,
        httpx.ConnectTimeout,
        httpx.ReadTimeout,
        httpx.WriteTimeout,
        httpx.PoolTimeout,
        httpx.ReadError,
        httpx.WriteError,
        httpx.CloseError,
        httpx.RemoteProtocolError,
        httpx.LocalProtocolError,
        httpx.ProxyError,
        httpx.UnsupportedProtocol,
    ]
).map(Boom)

Answer = tuple[int, list[tuple[bytes, bytes]], bytes] | Boom
answers: st.SearchStrategy[Answer] = st.one_of(
    st.builds(
        lambda status, header_list, body: (status, header_list, encoded(body, header_list)),
        statuses,
        headers,
        st.one_of(raw_bodies, pages),
    ),
    transport_errors,
)


def respond(answer: Answer, request: httpx.Request) -> httpx.Response:
    if isinstance(answer, Boom):
        raise answer.error("injected", request=request)
    status, header_list, body = answer
    return httpx.Response(status, headers=header_list, content=body, request=request)


def client_for(handler: Callable[[httpx.Request], httpx.Response]) -> CentralClient:
    return CentralClient(
        Endpoint("http://central.test", "token", timeout_s=1.0),
        transport=httpx.MockTransport(handler),
    )


def assert_sync_problem(problem: BaseException) -> None:
    """A ``SyncProblem`` that renders, with sane retry advice."""
    assert isinstance(problem, SyncProblem), repr(problem)
    assert_own_error(problem)
    assert isinstance(problem.retry, bool)
    if problem.retry_after is not None:
        assert math.isfinite(problem.retry_after)
        assert 0 <= problem.retry_after <= RETRY_AFTER_CAP_S


# --- the client's two requests ------------------------------------------------------------


@bounded(300)
@given(answer=answers)
def test_client_answers_or_raises_only_sync_problem(answer: Answer) -> None:
    with client_for(lambda request: respond(answer, request)) as client:
        for call in (
            lambda: client.post_events({"office": "BJ", "counter_id": 1, "events": []}),
            lambda: client.get_changes(0, 500),
        ):
            try:
                call()
            except SyncProblem as problem:
                assert_sync_problem(problem)
                continue
            assert not isinstance(answer, Boom) and answer[0] < 400


@bounded(300)
@given(text=st.one_of(hostile_text, retry_after_values.map(lambda raw: raw.decode("latin-1"))))
def test_retry_after_never_raises_and_stays_capped(text: str) -> None:
    for now in (None, NOW, datetime(1, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, tzinfo=UTC)):
        seconds = retry_after_seconds(text, now)
        assert seconds is None or (math.isfinite(seconds) and 0 <= seconds <= RETRY_AFTER_CAP_S)


# --- a whole sync pass on a real store ----------------------------------------------------


@contextmanager
def kiosk_store(events: int) -> Iterator[Store]:
    with tempfile.TemporaryDirectory(prefix="bad-answers-") as folder:
        store = open_store(Path(folder) / "kiosk.db")
        try:
            add_events(store, events)
            yield store
        finally:
            store.close()


def synced_rows(store: Store, after_seq: int) -> list[Any]:
    """Events after ``after_seq`` marked as gone to the centre."""
    return list(
        store.query(
            "SELECT seq FROM events WHERE seq > ?"
            " AND (synced_at IS NOT NULL OR sync_status IS NOT NULL)",
            (after_seq,),
        )
    )


def fresh_start(store: Store) -> int:
    """Before an example: what earlier examples wrote counts as sent, the cursor is unset.
    Returns the last event's seq."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM meta WHERE name = ?", (CURSOR,))
        conn.execute(
            "UPDATE events SET synced_at = 'earlier', sync_status = 'stored'"
            " WHERE synced_at IS NULL"
        )
        return int(conn.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0])


def run_pass(store: Store, handler: Callable[[httpx.Request], httpx.Response]) -> SyncReport:
    """One pass with retries; the handler may be called at most :data:`MAX_REQUESTS` times."""
    calls = 0

    def counted(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls > MAX_REQUESTS:
            raise AssertionError(f"sync_pass made over {MAX_REQUESTS} requests: a runaway loop")
        return handler(request)

    clock = fixed_clock(NOW)
    with client_for(counted) as client:
        return sync_pass(
            store,
            client,
            SyncPlan("BJ", 3, batch_size=3),
            change_applier(store, clock),
            clock,
            retries=2,
            backoff=FAST,
            sleep=lambda _s: None,
        )


def check_outcome(store: Store, report: SyncReport, after_seq: int = 0) -> None:
    """Nothing (after ``after_seq``) marked synced, the problem (if any) renders, the status
    bar can read it, and the cursor is one a centre takes."""
    assert synced_rows(store, after_seq) == []
    assert report.pushed == 0
    if report.problem is not None:
        assert_sync_problem(report.problem)
    status = store.read(sync_status)
    if status.last_error is not None:
        key, params = status.last_error
        assert_own_error(SyncProblem(key, retry=True, **params))
    cursor = store.read(
        lambda conn: conn.execute("SELECT value FROM meta WHERE name = ?", (CURSOR,)).fetchone()
    )
    if cursor is not None:
        assert 0 <= int(cursor[0]) < 2**63, "a garbage answer left a cursor no centre takes"


def sabotaged(request: httpx.Request, how: str, junk: Any) -> httpx.Response:
    """An answer to a pushed batch that does not speak for every event sent."""
    sent = json.loads(request.content)["events"]
    results = [{"uuid": e["uuid"], "status": "stored", "held": "stored"} for e in sent]
    if how == "drop":
        results.pop()
    elif how == "held":
        results[-1]["held"] = (
            junk if isinstance(junk, str) and junk not in ("stored", "refused") else 7
        )
    elif how == "uuid":
        results[0]["uuid"] = results[0]["uuid"] + "x"
    elif how == "type":
        results[0] = junk
    body = json.dumps({"results": results, "head": {"seq": 1, "hash": "0" * 64}})
    return httpx.Response(200, content=body.encode(), request=request)


def test_sync_pass_over_garbage_never_raises_or_marks() -> None:
    with kiosk_store(events=5) as store:

        @bounded(150)
        @given(script=st.lists(answers, min_size=1, max_size=4))
        def check(script: list[Answer]) -> None:
            turn = iter(range(10**6))

            def handler(request: httpx.Request) -> httpx.Response:
                return respond(script[next(turn) % len(script)], request)

            check_outcome(store, run_pass(store, handler))

        check()


def test_sync_pass_over_answers_that_miss_an_event_never_marks() -> None:
    with kiosk_store(events=5) as store:

        @bounded(100)
        @given(
            how=st.sampled_from(["drop", "held", "uuid", "type"]),
            junk=st.one_of(json_values, st.sampled_from(["Stored", "refused ", "duplicate", ""])),
        )
        def check(how: str, junk: Any) -> None:
            report = run_pass(store, lambda request: sabotaged(request, how, junk))
            check_outcome(store, report)
            assert report.problem is not None and report.problem.key == "sync.bad_answer"

        check()


def test_sync_pass_pulling_garbage_pages_never_raises_or_marks() -> None:
    """An empty outbox goes straight to the pull; what applying a change writes is pushed
    after, into more garbage."""
    with kiosk_store(events=0) as store:

        @bounded(200)
        @given(
            script=st.lists(
                st.one_of(pages.map(lambda body: (200, [], body)), answers), min_size=1, max_size=4
            )
        )
        def check(script: list[Answer]) -> None:
            last = fresh_start(store)
            turn = iter(range(10**6))

            def handler(request: httpx.Request) -> httpx.Response:
                return respond(script[next(turn) % len(script)], request)

            check_outcome(store, run_pass(store, handler), last)

        check()


well_formed_pages = st.lists(st.tuples(change_kinds, change_data), min_size=1, max_size=4).map(
    lambda changes: json.dumps(
        {
            "changes": [
                {"id": number, "kind": kind, "data": data}
                for number, (kind, data) in enumerate(changes, start=1)
            ],
            "next": len(changes),
            "more": False,
        },
        ensure_ascii=False,
    ).encode()
)


def test_sync_pass_applying_garbage_changes_never_raises_or_marks() -> None:
    """Pages of the right shape whose changes hold garbage: each is applied or recorded as
    skipped, the cursor moves past them, and the events that writes wait for a real answer."""
    with kiosk_store(events=0) as store:

        @bounded(150)
        @given(page=well_formed_pages, after=answers)
        def check(page: bytes, after: Answer) -> None:
            last = fresh_start(store)

            def handler(request: httpx.Request) -> httpx.Response:
                if request.method == "GET":
                    return httpx.Response(200, content=page, request=request)
                return respond(after, request)

            report = run_pass(store, handler)
            check_outcome(store, report, last)
            assert report.pulled == len(json.loads(page)["changes"])

        check()


@pytest.mark.parametrize(
    "body",
    [
        b'{"changes": [], "next": 0, "more": true}',
        b'{"changes": [], "next": 5, "more": true}',
    ],
)
def test_sync_pass_stops_on_an_endless_empty_feed(body: bytes) -> None:
    """A page with nothing in it that says more is coming cannot make the pass spin."""
    with kiosk_store(events=0) as store:
        report = run_pass(store, lambda request: httpx.Response(200, content=body))
        check_outcome(store, report)
        assert report.problem is not None and report.problem.key == "sync.bad_answer"


HOSTILE_ERROR_BODIES = {
    "deep": b'{"detail": ' + deep(5000) + b"}",
    "surrogate-escape": b'{"detail": "\\ud800 broken"}',
    "surrogate-bytes": b'{"detail": "\xed\xa0\x80 broken"}',
    "terminal-escape": b'{"detail": "\\u001b[2J\\u001b[31mred\\r\\nforged line"}',
    "long": b'{"detail": "' + "长".encode() * 100_000 + b'"}',
}


@pytest.mark.parametrize("status", [400, 403, 409, 422, 503])
@pytest.mark.parametrize("body", HOSTILE_ERROR_BODIES.values(), ids=HOSTILE_ERROR_BODIES.keys())
def test_sync_pass_keeps_a_hostile_error_detail_harmless(status: int, body: bytes) -> None:
    """The centre's words on an error are kept with the last problem and shown at the
    counter: they come back short, valid Unicode and printable."""
    with kiosk_store(events=2) as store:
        report = run_pass(store, lambda request: httpx.Response(status, content=body))
        check_outcome(store, report)
        assert report.problem is not None
        detail = str(report.problem.params.get("detail", ""))
        assert len(detail) <= 200 and detail.isprintable()
        detail.encode("utf-8")
