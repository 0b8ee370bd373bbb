"""A fault-injecting TCP proxy on loopback, for testing HTTP/1.1 clients against flaky links.

`FaultProxy` listens on 127.0.0.1 and forwards each accepted connection to one upstream
server, applying one fault mode per connection:

- ``pass``: forward both ways, untouched.
- ``reset``: reset the client connection at once (RST), without contacting upstream.
- ``stall``: read what the client sends, never answer; hold the connection until the client
  gives up or the proxy stops.
- ``drop_after_request``: forward the request, read upstream's complete response, then reset
  the client connection without sending any of it (the server committed, the client never heard).
- ``slow``: forward, but send each response in small chunks with a delay between them.
- ``delay``: forward, but wait ``delay_s`` before sending each response.

The proxy frames HTTP/1.x messages (Content-Length, chunked, or until close) so it knows where
each response ends. With ``close_after_response`` (the default) it closes the client connection
after each complete response, so a keep-alive client opens a new connection for every request and
each request gets its own fault mode. The bytes themselves are never changed. Not supported:
``Expect: 100-continue``, protocol upgrades and CONNECT tunnels; a streamed response is relayed
one received piece late (the proxy looks one piece ahead to find the last one).
"""

from __future__ import annotations

import contextlib
import re
import select
import socket
import struct
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from random import Random
from types import TracebackType
from typing import Literal, Self, get_args

Mode = Literal["pass", "reset", "stall", "drop_after_request", "slow", "delay"]
"""A fault mode, applied to a whole client connection."""

MODES: tuple[Mode, ...] = get_args(Mode)
"""Every fault mode, ``pass`` first."""

DEFAULT_RANDOM_FAULTS: tuple[Mode, ...] = ("reset", "drop_after_request")
"""The faults `FaultProxy.random` picks from by default: quick, independent of client timeouts."""

_HOST = "127.0.0.1"
_RECV_SIZE = 65536
_MAX_LINE = 64 * 1024
_HEX = re.compile(rb"[0-9A-Fa-f]+")


@dataclass(frozen=True)
class ProxyStats:
    """A snapshot of what the proxy has done so far."""

    connections: int
    """Client connections accepted (each got exactly one mode)."""
    applied: dict[str, int]
    """How many connections got each mode (every mode is a key, zero if unused)."""
    history: tuple[Mode, ...]
    """The mode of each accepted connection, in the order they were accepted."""
    responses: int
    """Upstream responses relayed to clients (modes pass, slow, delay); each is counted just
    before its last bytes go out, so once a client has a response, it is counted."""
    dropped: int
    """Complete upstream responses withheld from the client (mode drop_after_request)."""
    errors: int
    """Connections ended by an unreachable upstream or bytes the proxy could not frame as HTTP."""
    last_error: str | None
    """The last such error, for debugging."""


class _ProtocolError(Exception):
    """The bytes on a connection are not HTTP/1.x that this proxy can frame."""


class _Stopping(Exception):
    """The proxy is stopping: give up on the connection."""


class FaultProxy:
    """A loopback TCP proxy to one upstream that injects a fault mode per client connection.

    Use as a context manager (or call `start` and `stop`); point the client at `url`. Choose the
    mode of new connections with `mode`, `plan` or `random`; read counters from `stats`.
    A queued `plan` comes first; then, if `random` is on, a random fault or the base `mode`;
    otherwise the base `mode`.
    """

    def __init__(
        self,
        upstream_host: str,
        upstream_port: int,
        *,
        seed: int = 0,
        close_after_response: bool = True,
        slow_delay_s: float = 0.01,
        slow_chunk: tuple[int, int] = (1, 16),
        delay_s: float = 2.0,
        connect_timeout_s: float = 2.0,
    ) -> None:
        """Prepare a proxy to ``upstream_host:upstream_port``; nothing listens until `start`.

        ``seed`` seeds `random` mode choice and the chunk sizes of ``slow``;
        ``close_after_response`` closes the client connection after each complete response;
        ``slow_delay_s`` and ``slow_chunk`` (smallest, largest bytes) shape ``slow``;
        ``delay_s`` is how long ``delay`` holds each response. All but the upstream and seed can
        also be changed later through the attributes of the same name.
        """
        if not 1 <= slow_chunk[0] <= slow_chunk[1]:
            raise ValueError(f"slow_chunk must be (smallest, largest), 1 <= smallest: {slow_chunk}")
        self.upstream_host = upstream_host
        self.upstream_port = upstream_port
        self.close_after_response = close_after_response
        self.slow_delay_s = slow_delay_s
        self.slow_chunk = slow_chunk
        self.delay_s = delay_s
        self.connect_timeout_s = connect_timeout_s
        self._seed = seed
        self._lock = threading.Lock()
        self._mode: Mode = "pass"
        self._plan: deque[Mode] = deque()
        self._p_fault: float | None = None
        self._fault_modes: tuple[Mode, ...] = DEFAULT_RANDOM_FAULTS
        self._rng = Random(seed)
        self._history: list[Mode] = []
        self._counts: Counter[str] = Counter()
        self._last_error: str | None = None
        self._stopping = threading.Event()
        self._listener: socket.socket | None = None
        self._wake: tuple[socket.socket, socket.socket] | None = None
        self._accept_thread: threading.Thread | None = None
        self._handlers: set[threading.Thread] = set()
        self._open: set[socket.socket] = set()

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> Self:
        """Listen on 127.0.0.1 on a free port and serve connections in background threads."""
        if self._listener is not None or self._stopping.is_set():
            raise RuntimeError("a FaultProxy starts once")
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind((_HOST, 0))
        listener.listen(128)
        listener.setblocking(False)
        self._listener = listener
        self._wake = socket.socketpair()
        self._accept_thread = threading.Thread(
            target=self._accept_loop, name=f"fault-proxy-{self.port}-accept", daemon=True
        )
        self._accept_thread.start()
        return self

    def stop(self, timeout_s: float = 2.0) -> None:
        """Stop accepting, cut every open connection and wait (up to ``timeout_s``) for threads.

        Safe to call more than once; the proxy cannot be started again.
        """
        if self._stopping.is_set():
            return
        self._stopping.set()
        if self._listener is None:
            return
        assert self._wake is not None and self._accept_thread is not None
        self._wake[1].send(b"x")
        with self._lock:
            for sock in self._open:
                _quietly(sock.shutdown, socket.SHUT_RDWR)
            handlers = list(self._handlers)
        deadline = time.monotonic() + timeout_s
        self._accept_thread.join(max(0.0, deadline - time.monotonic()))
        for thread in handlers:
            thread.join(max(0.0, deadline - time.monotonic()))
        self._listener.close()
        for sock in self._wake:
            sock.close()

    def __enter__(self) -> Self:
        """Start the proxy."""
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop the proxy."""
        self.stop()

    @property
    def port(self) -> int:
        """The port clients connect to on 127.0.0.1."""
        if self._listener is None:
            raise RuntimeError("the FaultProxy is not started")
        port: int = self._listener.getsockname()[1]
        return port

    @property
    def url(self) -> str:
        """The base URL clients use: ``http://127.0.0.1:<port>``."""
        return f"http://{_HOST}:{self.port}"

    # -- control --------------------------------------------------------------------------

    @property
    def mode(self) -> Mode:
        """The base mode of new connections."""
        return self._mode

    @mode.setter
    def mode(self, mode: Mode) -> None:
        """Give every new connection ``mode``: drops any queued plan and turns `random` off."""
        _check_modes([mode])
        with self._lock:
            self._mode = mode
            self._plan.clear()
            self._p_fault = None

    def plan(self, modes: Iterable[Mode]) -> None:
        """Queue ``modes`` for the next connections, one each, in order (after any queued ones)."""
        modes = list(modes)
        _check_modes(modes)
        with self._lock:
            self._plan.extend(modes)

    def random(self, p_fault: float, modes: Iterable[Mode] = DEFAULT_RANDOM_FAULTS) -> None:
        """Give each new connection a fault with probability ``p_fault``, else the base `mode`.

        The fault is picked uniformly from ``modes``. The generator restarts from the proxy's
        seed at each call, so the same calls on a proxy with the same seed give the same modes
        to the same sequence of connections. ``random(0)`` turns faults off.
        """
        fault_modes = tuple(modes)
        _check_modes(fault_modes)
        if not fault_modes:
            raise ValueError("random() needs at least one fault mode")
        if not 0.0 <= p_fault <= 1.0:
            raise ValueError(f"p_fault must be within [0, 1]: {p_fault}")
        with self._lock:
            self._p_fault = p_fault
            self._fault_modes = fault_modes
            self._rng = Random(self._seed)

    @property
    def stats(self) -> ProxyStats:
        """A snapshot of the counters."""
        with self._lock:
            return ProxyStats(
                connections=len(self._history),
                applied={mode: self._history.count(mode) for mode in MODES},
                history=tuple(self._history),
                responses=self._counts["responses"],
                dropped=self._counts["dropped"],
                errors=self._counts["errors"],
                last_error=self._last_error,
            )

    # -- serving --------------------------------------------------------------------------

    def _accept_loop(self) -> None:
        assert self._listener is not None and self._wake is not None
        while not self._stopping.is_set():
            select.select([self._listener, self._wake[0]], [], [])
            if self._stopping.is_set():
                return
            try:
                client, _ = self._listener.accept()
            except (BlockingIOError, InterruptedError, ConnectionAbortedError):
                continue
            client.setblocking(True)
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                if self._stopping.is_set():
                    client.close()
                    return
                mode = self._next_mode()
                index = len(self._history)
                self._history.append(mode)
                self._open.add(client)
                thread = threading.Thread(
                    target=self._serve,
                    args=(client, mode, index),
                    name=f"fault-proxy-{self.port}-conn-{index}",
                    daemon=True,
                )
                self._handlers.add(thread)
            thread.start()

    def _next_mode(self) -> Mode:
        """The mode of the connection just accepted (call with the lock held)."""
        if self._plan:
            return self._plan.popleft()
        if self._p_fault is not None and self._rng.random() < self._p_fault:
            return self._rng.choice(self._fault_modes)
        return self._mode

    def _serve(self, client: socket.socket, mode: Mode, index: int) -> None:
        """Handle one client connection in ``mode`` until it ends."""
        upstream: socket.socket | None = None
        try:
            if mode == "reset":
                _rst_on_close(client)
                return
            if mode == "stall":
                while client.recv(_RECV_SIZE):
                    pass
                return
            upstream = self._connect_upstream()
            if upstream is None:
                _rst_on_close(client)
                return
            self._exchange(client, upstream, mode, Random(f"{self._seed}:{index}"))
        except _ProtocolError as error:
            if not self._stopping.is_set():
                self._record_error(f"connection {index}: {error}")
            _rst_on_close(client)
        except (OSError, _Stopping):
            _rst_on_close(client)
        except Exception as error:  # a bug here must not kill the thread silently
            self._record_error(f"connection {index}: {error!r}")
            _rst_on_close(client)
        finally:
            with self._lock:
                self._open.discard(client)
                client.close()
                if upstream is not None:
                    self._open.discard(upstream)
                    upstream.close()
                self._handlers.discard(threading.current_thread())

    def _connect_upstream(self) -> socket.socket | None:
        """A connection to upstream, tracked so that `stop` can cut it; None if unreachable."""
        address = (self.upstream_host, self.upstream_port)
        try:
            upstream = socket.create_connection(address, timeout=self.connect_timeout_s)
        except OSError as error:
            self._record_error(f"upstream {address} unreachable: {error}")
            return None
        upstream.settimeout(None)
        upstream.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._lock:
            if self._stopping.is_set():
                upstream.close()
                raise _Stopping
            self._open.add(upstream)
        return upstream

    def _exchange(
        self, client: socket.socket, upstream: socket.socket, mode: Mode, rng: Random
    ) -> None:
        """Relay request and response pairs in ``mode`` until either side closes."""
        from_client, from_upstream = _Reader(client), _Reader(upstream)
        while (head := from_client.head()) is not None:
            start, headers = _parse_head(head)
            upstream.sendall(head)
            body, _ = _body(from_client, headers, response=False)
            for piece in body:
                upstream.sendall(piece)
            pieces, keep_alive = _response(from_upstream, method=start[0])
            if mode == "drop_after_request":
                for _ in pieces:
                    pass
                self._count("dropped")
                _rst_on_close(client)
                return
            closing = self.close_after_response or not keep_alive
            self._send_response(client, pieces, mode, closing, rng)
            if closing:
                return

    def _send_response(
        self,
        client: socket.socket,
        pieces: Iterator[bytes],
        mode: Mode,
        closing: bool,
        rng: Random,
    ) -> None:
        """Send one response to the client as ``mode`` says; end with a FIN if ``closing``.

        When closing, the last bytes go out corked so that the FIN travels with them: the client
        never sees a complete response on a connection that still looks open, which would make
        a keep-alive client reuse it and fail.
        """
        for number, (piece, last) in enumerate(_with_last(pieces)):
            if number == 0 and mode == "delay" and self._stopping.wait(self.delay_s):
                raise _Stopping
            if last:  # counted before the client can have it all, so its caller sees the count
                self._count("responses")
            if mode != "slow":
                if last and closing:
                    _cork(client)
                client.sendall(piece)
                continue
            position = 0
            while position < len(piece):
                if self._stopping.wait(self.slow_delay_s):
                    raise _Stopping
                size = rng.randint(*self.slow_chunk)
                if last and closing and position + size >= len(piece):
                    _cork(client)
                client.sendall(piece[position : position + size])
                position += size
        if closing:
            client.shutdown(socket.SHUT_WR)

    def _count(self, name: str) -> None:
        with self._lock:
            self._counts[name] += 1

    def _record_error(self, message: str) -> None:
        with self._lock:
            self._counts["errors"] += 1
            self._last_error = message


# -- sockets ----------------------------------------------------------------------------------


def _quietly(action: Callable[..., object], *args: object) -> None:
    """Call ``action(*args)``, ignoring an OSError (the socket may be closing already)."""
    with contextlib.suppress(OSError):
        action(*args)


def _rst_on_close(sock: socket.socket) -> None:
    """Make the coming close of ``sock`` send an RST instead of a FIN."""
    _quietly(sock.setsockopt, socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def _cork(sock: socket.socket) -> None:
    """Hold partial segments until the shutdown, so the FIN rides with the last bytes (Linux)."""
    if hasattr(socket, "TCP_CORK"):
        _quietly(sock.setsockopt, socket.IPPROTO_TCP, socket.TCP_CORK, 1)


# -- HTTP/1.x framing -------------------------------------------------------------------------


class _Reader:
    """Buffered reads from a socket, enough to find where HTTP/1.x messages end."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._buffer = bytearray()

    def head(self) -> bytes | None:
        """The next message head, through its blank line; None if the peer closed between two."""
        while True:
            while self._buffer.startswith(b"\r\n"):  # stray empty lines before a message
                del self._buffer[:2]
            end = self._buffer.find(b"\r\n\r\n")
            if end >= 0:
                return self._take(end + 4)
            if len(self._buffer) > _MAX_LINE:
                raise _ProtocolError("message head too long")
            if not self._fill():
                if self._buffer.strip():
                    raise _ProtocolError("peer closed inside a message head")
                return None

    def line(self) -> bytes:
        """The next line, with its CRLF."""
        while (end := self._buffer.find(b"\r\n")) < 0:
            if len(self._buffer) > _MAX_LINE:
                raise _ProtocolError("line too long")
            if not self._fill():
                raise _ProtocolError("peer closed inside a line")
        return self._take(end + 2)

    def exactly(self, size: int) -> Iterator[bytes]:
        """Exactly ``size`` bytes, in pieces as they arrive."""
        while size > 0:
            if not self._buffer and not self._fill():
                raise _ProtocolError("peer closed inside a body")
            piece = self._take(min(size, len(self._buffer)))
            size -= len(piece)
            yield piece

    def until_eof(self) -> Iterator[bytes]:
        """Everything until the peer closes, in pieces as they arrive."""
        while self._buffer or self._fill():
            yield self._take(len(self._buffer))

    def _fill(self) -> bool:
        data = self._sock.recv(_RECV_SIZE)
        self._buffer += data
        return bool(data)

    def _take(self, size: int) -> bytes:
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data


def _parse_head(raw: bytes) -> tuple[list[str], dict[str, str]]:
    """The start line's three parts and the headers (lower-case names, repeats joined by ", ")."""
    lines = raw.decode("latin-1").split("\r\n")[:-2]
    start = lines[0].split(" ", 2)
    if len(start) < 2:
        raise _ProtocolError(f"bad start line {lines[0]!r}")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip():
            raise _ProtocolError(f"bad header line {line!r}")
        key, value = name.lower(), value.strip()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return start, headers


def _body(
    reader: _Reader, headers: dict[str, str], *, response: bool
) -> tuple[Iterator[bytes], bool]:
    """The raw bytes of a message body (RFC 9112 §6.3), and whether its end is marked in the
    bytes (else it is a response body that ends when upstream closes)."""
    codings = [c.strip().lower() for c in headers.get("transfer-encoding", "").split(",")]
    codings = [c for c in codings if c]
    if codings and codings[-1] == "chunked":
        return _chunked(reader), True
    if codings:
        if not response:
            raise _ProtocolError("request body of unknown length")
        return reader.until_eof(), False
    if "content-length" in headers:
        lengths = {part.strip() for part in headers["content-length"].split(",")}
        if len(lengths) != 1 or not (length := lengths.pop()).isdigit():
            raise _ProtocolError(f"bad Content-Length {headers['content-length']!r}")
        return reader.exactly(int(length)), True
    if response:
        return reader.until_eof(), False
    return iter(()), True


def _chunked(reader: _Reader) -> Iterator[bytes]:
    """The raw bytes of a chunked body, through the trailer section's blank line."""
    while True:
        line = reader.line()
        yield line
        size = _HEX.match(line.split(b";", 1)[0].strip())
        if size is None:
            raise _ProtocolError(f"bad chunk size line {line!r}")
        if int(size.group(), 16) == 0:
            break
        yield from reader.exactly(int(size.group(), 16) + 2)  # the data and its CRLF
    while (line := reader.line()) != b"\r\n":
        yield line
    yield line


def _response(reader: _Reader, *, method: str) -> tuple[Iterator[bytes], bool]:
    """The raw bytes of the next response (with any interim 1xx ones before it) and whether
    the connection stays open after it."""
    interim: list[bytes] = []
    while True:
        head = reader.head()
        if head is None:
            raise _ProtocolError("upstream closed without answering")
        start, headers = _parse_head(head)
        if not start[1].isdigit():
            raise _ProtocolError(f"bad status line {start!r}")
        status = int(start[1])
        if 100 <= status < 200 and status != 101:
            interim.append(head)
            continue
        break
    tokens = {token.strip().lower() for token in headers.get("connection", "").split(",")}
    keep_alive = "keep-alive" in tokens if start[0] == "HTTP/1.0" else "close" not in tokens
    if status == 101:  # a protocol switch: not relayed further, so end the connection
        return chain(interim, [head]), False
    if method.upper() == "HEAD" or status in (204, 304):
        return chain(interim, [head]), keep_alive
    body, delimited = _body(reader, headers, response=True)
    return chain(interim, [head], body), keep_alive and delimited


def _with_last(pieces: Iterator[bytes]) -> Iterator[tuple[bytes, bool]]:
    """Each piece with whether it is the last one (looking one piece ahead)."""
    previous = next(pieces, None)
    if previous is None:
        return
    for piece in pieces:
        yield previous, False
        previous = piece
    yield previous, True


def _check_modes(modes: Iterable[str]) -> None:
    for mode in modes:
        if mode not in MODES:
            raise ValueError(f"unknown fault mode {mode!r}; choose from {', '.join(MODES)}")
