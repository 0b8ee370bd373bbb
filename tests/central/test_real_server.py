"""The central service under a real uvicorn on 127.0.0.1, reached with httpx."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from central.app import create_app
from central.cli import add_counter
from tests.central.chain import batch, make_events


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(base URL, BJ counter 1's token) of a central service running in a thread."""
    db_path = tmp_path / "central.db"
    token = add_counter(db_path, "BJ", 1)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(db_path), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}", token
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def test_batch_over_real_http(served: tuple[str, str]) -> None:
    base_url, token = served
    events = make_events(5)
    with httpx.Client(base_url=base_url, timeout=5) as client:
        assert client.get("/v1/health").json() == {"ok": True}
        headers = {"Authorization": f"Bearer {token}"}
        response = client.post("/v1/events", json=batch("BJ", 1, events), headers=headers)
        assert response.status_code == 200
        assert [r["status"] for r in response.json()["results"]] == ["stored"] * 5
        assert response.json()["head"] == {"seq": 5, "hash": events[-1]["hash"]}
        again = client.post("/v1/events", json=batch("BJ", 1, events), headers=headers)
        assert [r["status"] for r in again.json()["results"]] == ["duplicate"] * 5
        assert client.post("/v1/events", json=batch("BJ", 1, events)).status_code == 401
