"""The central service under a real uvicorn on 127.0.0.1, reached with httpx."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from central.cli import add_counter
from central.server import serving
from tests.central.chain import batch, make_events


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(base URL, BJ counter 1's token) of a central service running in a thread."""
    db_path = tmp_path / "central.db"
    token = add_counter(db_path, "BJ", 1)
    with serving(db_path) as server:
        yield server.url, token


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
