"""A network receipt printer on 127.0.0.1 for tests: it records what it receives and
answers DLE EOT status questions, or misbehaves as asked."""

from __future__ import annotations

import socket
import threading
import time
from typing import Literal

Mode = Literal["ok", "paper_out", "paper_low", "never_read", "close_mid"]
STATUS_OK = 0x12
STATUS_PAPER_OUT = 0x72
STATUS_PAPER_LOW = 0x1E


class FakeNetworkPrinter:
    """Listens on a free loopback port; ``received`` holds every byte of every connection."""

    def __init__(self, mode: Mode = "ok") -> None:
        self.mode: Mode = mode
        self.received = bytearray()
        self._server = socket.create_server(("127.0.0.1", 0))
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
        with conn:
            if self.mode == "never_read":
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
                self.received += chunk
                pending += chunk
                if self.mode == "close_mid" and len(self.received) > 200:
                    return
                while b"\x10\x04" in pending and len(pending) >= pending.index(b"\x10\x04") + 3:
                    at = pending.index(b"\x10\x04")
                    question = pending[at + 2]
                    pending = pending[at + 3 :]
                    conn.sendall(bytes([self._answer(question)]))

    def _answer(self, question: int) -> int:
        if question == 4 and self.mode == "paper_out":
            return STATUS_PAPER_OUT
        if question == 4 and self.mode == "paper_low":
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
