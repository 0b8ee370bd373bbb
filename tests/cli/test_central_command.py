"""`kiosk central add-counter` prints a token once; the centre then accepts it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from central.app import create_app
from kiosk.cli import main
from tests.central.chain import batch, make_events, rehash


def test_add_counter_prints_a_token_the_centre_accepts(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("KIOSK_LANG", "en")
    db = tmp_path / "central.db"
    assert main(["central", "add-counter", "--db", str(db), "bj", "3"]) == 0
    token = capsys.readouterr().out.strip()
    assert len(token) >= 32
    assert token.encode() not in db.read_bytes()
    assert main(["central", "add-counter", "--db", str(db), "BJ", "3"]) == 1
    assert "already registered" in capsys.readouterr().err
    assert main(["central", "add-counter", "--db", str(db), "XX", "1"]) == 1
    assert main(["central", "add-counter", "--db", str(db), "BJ", "100"]) == 1

    transport = httpx.ASGITransport(app=create_app(db))

    async def post() -> int:
        async with httpx.AsyncClient(transport=transport, base_url="http://centre") as client:
            response = await client.post(
                "/v1/events",
                headers={"Authorization": f"Bearer {token}"},
                json=batch("BJ", 3, make_events(1)),
            )
            return response.status_code

    assert asyncio.run(post()) == 200


def test_add_provider_and_refused_listing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_LANG", "en")
    db = tmp_path / "central.db"
    assert main(["central", "add-provider", "--db", str(db), "ca-provider"]) == 0
    token = capsys.readouterr().out.strip()
    assert len(token) >= 40
    assert main(["central", "add-provider", "--db", str(db), "ca-provider"]) == 1
    assert main(["central", "add-counter", "--db", str(db), "BJ", "1"]) == 0
    counter_token = capsys.readouterr().out.strip()
    events = make_events(2)
    events[1]["kind"] = "lottery.won"
    events[1]["hash"] = rehash(events[1])
    transport = httpx.ASGITransport(app=create_app(db))

    async def post() -> int:
        async with httpx.AsyncClient(transport=transport, base_url="http://centre") as client:
            response = await client.post(
                "/v1/events",
                headers={"Authorization": f"Bearer {counter_token}"},
                json=batch("BJ", 1, events),
            )
            return response.status_code

    assert asyncio.run(post()) == 200
    assert main(["central", "refused", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "BJ-01 #2  lottery.won  unknown event kind" in out
    assert "1" in out.splitlines()[-1]
