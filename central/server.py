"""The central service under uvicorn in a background thread, on a free 127.0.0.1 port
(or one given): for the demo, the tests and the benchmarks."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from central.app import FaultHook, create_app


class CentralServer:
    """A running central service; :meth:`stop` and :meth:`start` again on the same port."""

    def __init__(
        self,
        database: str | Path,
        fault_hook: FaultHook | None = None,
        *,
        tls: tuple[Path, Path] | None = None,
        port: int = 0,
        log_level: str = "warning",
    ) -> None:
        """``tls``: (certificate chain file, key file) to serve HTTPS instead of HTTP;
        ``port`` 0 picks a free one."""
        self.database = database
        self.fault_hook = fault_hook
        self.tls = tls
        self.log_level = log_level
        if port == 0:
            probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
            probe.close()
        self.port: int = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:41234``."""
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Serve until :meth:`stop`; returns once uvicorn accepts connections."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        app = create_app(self.database, fault_hook=self.fault_hook)
        config = uvicorn.Config(
            app,
            log_level=self.log_level,
            access_log=False,
            lifespan="off",
            timeout_keep_alive=5,
            ssl_certfile=str(self.tls[0]) if self.tls else None,
            ssl_keyfile=str(self.tls[1]) if self.tls else None,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        self._server, self._thread, self._sock = server, thread, sock

    def stop(self) -> None:
        """Stop serving; connections are refused until :meth:`start`."""
        if self._server is None or self._thread is None or self._sock is None:
            return
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()
        self._server = self._thread = self._sock = None


@contextmanager
def serving(database: str | Path, fault_hook: FaultHook | None = None) -> Iterator[CentralServer]:
    """A started :class:`CentralServer`, stopped on leaving the block."""
    server = CentralServer(database, fault_hook)
    server.start()
    try:
        yield server
    finally:
        server.stop()
