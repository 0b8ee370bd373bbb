"""The fault proxy against a tiny threaded HTTP server, with an httpx client going through it."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from tests.support.fault_proxy import MODES, FaultProxy, Mode


class Upstream(ThreadingHTTPServer):
    """A loopback HTTP/1.1 server that counts the POSTs it answered."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.posts = 0

    @property
    def port(self) -> int:
        """Where the server listens on 127.0.0.1."""
        return self.server_address[1]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else each keep-alive answer waits ~40 ms for a delayed ACK
    server: Upstream

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with self.server.lock:
            self.server.posts += 1
            number = self.server.posts
        self._json({"n": number, "echo": json.loads(body)})

    def do_GET(self) -> None:
        if self.path == "/chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (b"alpha-", b"beta-", b"gamma" * 100):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\nX-Trailer: yes\r\n\r\n")
        elif self.path.startswith("/big/"):
            self._json({"data": "x" * int(self.path.removeprefix("/big/"))})
        else:
            self._json({"ok": True})

    def do_HEAD(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "1234")  # a HEAD answer has no body all the same
        self.end_headers()

    def _json(self, payload: object) -> None:
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


def eventually(condition: Callable[[], bool], timeout_s: float = 2.0) -> bool:
    """Whether ``condition`` becomes true within ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    server = Upstream()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(2)


@pytest.fixture
def proxy(upstream: Upstream) -> Iterator[FaultProxy]:
    with FaultProxy("127.0.0.1", upstream.port, seed=1) as proxy:
        yield proxy


@pytest.fixture
def client(proxy: FaultProxy) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=proxy.url, timeout=1.0) as client:
        yield client


def post(client: httpx.Client, number: int = 0) -> httpx.Response:
    """POST one event; raise for an HTTP error status."""
    response = client.post("/events", json={"event": number})
    response.raise_for_status()
    return response


def outcome(client: httpx.Client, number: int = 0) -> str:
    """'ok' or the name of the transport error a POST ended with."""
    try:
        post(client, number)
    except httpx.TransportError as error:
        return type(error).__name__
    return "ok"


# -- pass and HTTP framing ------------------------------------------------------------------


def test_pass_forwards_request_and_response(
    proxy: FaultProxy, client: httpx.Client, upstream: Upstream
) -> None:
    response = post(client, 7)

    assert response.json() == {"n": 1, "echo": {"event": 7}}
    assert upstream.posts == 1
    stats = proxy.stats
    assert (stats.connections, stats.applied["pass"], stats.responses) == (1, 1, 1)
    assert stats.errors == 0


def test_each_request_on_a_keep_alive_client_gets_a_new_connection(
    proxy: FaultProxy, client: httpx.Client, upstream: Upstream
) -> None:
    for number in range(200):  # no request may land on a connection the proxy is closing
        assert post(client, number).json()["echo"] == {"event": number}

    assert upstream.posts == 200
    assert proxy.stats.connections == 200
    assert proxy.stats.responses == 200


def test_keep_alive_through_the_proxy_when_it_does_not_close(upstream: Upstream) -> None:
    with (
        FaultProxy("127.0.0.1", upstream.port, close_after_response=False) as proxy,
        httpx.Client(base_url=proxy.url, timeout=1.0) as client,
    ):
        assert post(client).json()["n"] == 1
        assert client.head("/anything").headers["Content-Length"] == "1234"
        chunked = client.get("/chunked")
        assert client.get("/big/5000").json() == {"data": "x" * 5000}
        assert post(client).json()["n"] == 2

        assert chunked.text == "alpha-beta-" + "gamma" * 100
        assert proxy.stats.connections == 1
        assert proxy.stats.responses == 5


def test_chunked_response_is_relayed_whole(client: httpx.Client) -> None:
    assert client.get("/chunked").text == "alpha-beta-" + "gamma" * 100


# -- faults ---------------------------------------------------------------------------------


def test_reset_fails_the_request_without_reaching_upstream(
    proxy: FaultProxy, client: httpx.Client, upstream: Upstream
) -> None:
    proxy.mode = "reset"

    with pytest.raises(httpx.TransportError):
        post(client)

    assert upstream.posts == 0
    assert proxy.stats.applied["reset"] == 1


def test_stall_trips_the_read_timeout_without_reaching_upstream(
    proxy: FaultProxy, client: httpx.Client, upstream: Upstream
) -> None:
    proxy.mode = "stall"

    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        client.post("/events", json={"event": 1}, timeout=0.3)

    assert 0.25 < time.monotonic() - started < 1.0
    assert upstream.posts == 0


def test_drop_after_request_fails_the_client_after_upstream_answered(
    proxy: FaultProxy, client: httpx.Client, upstream: Upstream
) -> None:
    proxy.mode = "drop_after_request"

    with pytest.raises(httpx.TransportError):
        post(client)

    assert upstream.posts == 1
    assert proxy.stats.dropped == 1
    assert proxy.stats.responses == 0


def test_slow_still_delivers_the_whole_body(proxy: FaultProxy, client: httpx.Client) -> None:
    proxy.mode = "slow"
    proxy.slow_delay_s = 0.002

    started = time.monotonic()
    response = client.get("/big/300")

    assert response.json() == {"data": "x" * 300}
    total = len(response.content) + 100  # the head is sent slowly too: at least 100 bytes
    assert time.monotonic() - started >= (total / 16) * 0.002


def test_delay_past_the_timeout_fails_the_client_after_upstream_committed(
    proxy: FaultProxy, client: httpx.Client, upstream: Upstream
) -> None:
    proxy.mode = "delay"
    proxy.delay_s = 0.6

    with pytest.raises(httpx.ReadTimeout):
        client.post("/events", json={"event": 1}, timeout=0.2)

    assert eventually(lambda: upstream.posts == 1)


def test_delay_within_the_timeout_only_slows_the_answer(
    proxy: FaultProxy, client: httpx.Client
) -> None:
    proxy.mode = "delay"
    proxy.delay_s = 0.1

    started = time.monotonic()
    assert post(client).json()["n"] == 1
    assert time.monotonic() - started >= 0.1


# -- control --------------------------------------------------------------------------------


def test_plan_applies_modes_in_order_then_the_base_mode(
    proxy: FaultProxy, client: httpx.Client, upstream: Upstream
) -> None:
    proxy.plan(["reset", "pass", "drop_after_request"])
    proxy.plan(["pass"])

    outcomes = [outcome(client, number) for number in range(5)]

    assert [result == "ok" for result in outcomes] == [False, True, False, True, True]
    assert proxy.stats.history == ("reset", "pass", "drop_after_request", "pass", "pass")
    assert upstream.posts == 4  # all but the reset one reached upstream


def test_setting_the_mode_cancels_the_plan(proxy: FaultProxy, client: httpx.Client) -> None:
    proxy.plan(["reset", "reset"])
    proxy.mode = "pass"

    assert outcome(client) == "ok"


def random_run(upstream: Upstream, seed: int) -> tuple[tuple[Mode, ...], list[bool]]:
    """The modes and successes of 30 POSTs through a new proxy with random faults."""
    with (
        FaultProxy("127.0.0.1", upstream.port, seed=seed) as proxy,
        httpx.Client(base_url=proxy.url, timeout=1.0) as client,
    ):
        proxy.random(0.5, modes=["reset", "drop_after_request", "slow"])
        proxy.slow_delay_s = 0.0
        successes = [outcome(client, number) == "ok" for number in range(30)]
        return proxy.stats.history, successes


def test_random_faults_are_reproducible_from_the_seed(upstream: Upstream) -> None:
    history, successes = random_run(upstream, seed=42)

    assert random_run(upstream, seed=42) == (history, successes)
    assert set(history) == {"pass", "reset", "drop_after_request", "slow"}
    assert successes == [mode in ("pass", "slow") for mode in history]
    assert random_run(upstream, seed=43)[0] != history


def test_random_restarts_from_the_seed_at_each_call(
    proxy: FaultProxy, client: httpx.Client
) -> None:
    proxy.random(0.5)
    first = [outcome(client) for _ in range(10)]
    proxy.random(0.5)
    second = [outcome(client) for _ in range(10)]

    assert proxy.stats.history[:10] == proxy.stats.history[10:]
    assert [result == "ok" for result in first] == [result == "ok" for result in second]


def test_unknown_modes_and_probabilities_are_refused(proxy: FaultProxy) -> None:
    with pytest.raises(ValueError, match="unknown fault mode"):
        proxy.mode = "explode"  # type: ignore[assignment]
    with pytest.raises(ValueError, match="unknown fault mode"):
        proxy.plan(["pass", "explode"])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="p_fault"):
        proxy.random(1.5)
    assert proxy.stats.applied == dict.fromkeys(MODES, 0)


# -- lifecycle ------------------------------------------------------------------------------


def test_stop_ends_promptly_with_stalled_connections(upstream: Upstream) -> None:
    proxy = FaultProxy("127.0.0.1", upstream.port).start()
    proxy.mode = "stall"
    clients = [socket.create_connection(("127.0.0.1", proxy.port), timeout=2) for _ in range(3)]
    for sock in clients:
        sock.sendall(b"POST /events HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
    assert eventually(lambda: proxy.stats.connections == 3)

    started = time.monotonic()
    proxy.stop()

    assert time.monotonic() - started < 0.5
    for sock in clients:
        with sock:
            assert sock.recv(100) == b""  # the proxy let go of the connection
    assert not [t for t in threading.enumerate() if t.name.startswith("fault-proxy-")]
    assert upstream.posts == 0


def test_stop_cuts_a_delayed_response(upstream: Upstream) -> None:
    with (
        FaultProxy("127.0.0.1", upstream.port, delay_s=30) as proxy,
        httpx.Client(base_url=proxy.url, timeout=5.0) as client,
    ):
        proxy.mode = "delay"
        errors: list[Exception] = []

        def request() -> None:
            try:
                post(client)
            except httpx.TransportError as error:
                errors.append(error)

        thread = threading.Thread(target=request)
        thread.start()
        assert eventually(lambda: upstream.posts == 1)
        started = time.monotonic()
        proxy.stop()
        thread.join(2)

        assert time.monotonic() - started < 0.5
        assert len(errors) == 1


def test_unreachable_upstream_fails_the_client_and_is_counted() -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]  # nothing listens there once closed
    with (
        FaultProxy("127.0.0.1", port) as proxy,
        httpx.Client(base_url=proxy.url, timeout=1.0) as client,
    ):
        with pytest.raises(httpx.TransportError):
            post(client)
        assert eventually(lambda: proxy.stats.errors == 1)
        assert "unreachable" in (proxy.stats.last_error or "")


def test_url_needs_a_started_proxy_and_a_proxy_starts_once(upstream: Upstream) -> None:
    proxy = FaultProxy("127.0.0.1", upstream.port)
    with pytest.raises(RuntimeError):
        _ = proxy.url
    with proxy:
        assert proxy.url == f"http://127.0.0.1:{proxy.port}"
        with pytest.raises(RuntimeError):
            proxy.start()
    proxy.stop()  # a second stop does nothing
