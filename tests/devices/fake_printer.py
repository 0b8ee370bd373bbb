"""A network receipt printer on 127.0.0.1 for tests: it records what it receives and
answers DLE EOT status questions, or misbehaves as asked.

Modes: ``ok``; ``paper_out`` / ``paper_low`` (what its paper sensor answers); ``never_read``
(accepts the connection, then neither reads nor answers: accept-and-hang); ``silent``
(takes every byte but never answers a status question); ``close_mid`` (closes the
connection once it has taken ``close_after`` bytes of one connection). ``mode`` may be
changed while it runs: a new connection sees the new mode (the printer "fixed").
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Literal

Mode = Literal["ok", "paper_out", "paper_low", "never_read", "silent", "close_mid"]
STATUS_OK = 0x12
STATUS_PAPER_OUT = 0x72
STATUS_PAPER_LOW = 0x1E


class FakeNetworkPrinter:
    """Listens on a free loopback port (or ``port``); ``received`` holds every byte of every
    connection, ``connections`` the bytes of each connection, in order."""

    def __init__(self, mode: Mode = "ok", *, port: int = 0, close_after: int = 200) -> None:
        self.mode: Mode = mode
        self.close_after = close_after
        self.received = bytearray()
        self.connections: list[bytearray] = []
        self._server = socket.create_server(("127.0.0.1", port))
        self.port = self._server.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def spec(self) -> str:
        """The configuration string that reaches this printer."""
        return f"tcp://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        self._server.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        mode = self.mode
        mine = bytearray()
        self.connections.append(mine)
        with conn:
            if mode == "never_read":
                while not self._stop.wait(0.1):
                    pass
                return
            conn.settimeout(0.2)
            pending = b""
            while not self._stop.is_set():
                try:
                    chunk = conn.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    return
                if not chunk:
                    return
                if mode == "close_mid" and len(mine) + len(chunk) >= self.close_after:
                    taken = chunk[: self.close_after - len(mine)]
                    self.received += taken
                    mine += taken
                    return  # closed with bytes still unread: the sender sees a reset
                self.received += chunk
                mine += chunk
                pending += chunk
                while b"\x10\x04" in pending and len(pending) >= pending.index(b"\x10\x04") + 3:
                    at = pending.index(b"\x10\x04")
                    question = pending[at + 2]
                    pending = pending[at + 3 :]
                    if mode != "silent":
                        conn.sendall(bytes([self._answer(question, mode)]))

    @staticmethod
    def _answer(question: int, mode: Mode) -> int:
        if question == 4 and mode == "paper_out":
            return STATUS_PAPER_OUT
        if question == 4 and mode == "paper_low":
            return STATUS_PAPER_LOW
        return STATUS_OK

    def printed(self) -> bytes:
        """What arrived, without the status questions."""
        time.sleep(0.05)
        return bytes(self.received).replace(b"\x10\x04\x01", b"").replace(b"\x10\x04\x04", b"")

    def close(self) -> None:
        """Stop listening and drop every connection."""
        self._stop.set()
        self._server.close()
        self._thread.join(timeout=2)


def closed_port() -> int:
    """A loopback port nothing listens on (connections are refused)."""
    probe = socket.create_server(("127.0.0.1", 0))
    port = int(probe.getsockname()[1])
    probe.close()
    return port
