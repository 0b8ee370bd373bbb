"""Events that break a business rule are taken as refused; the OpenAPI description;
a busy centre answers 503 with Retry-After."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx
from fastapi import FastAPI
from stdnum.cn import ric

from central.app import Unavailable, create_app
from tests.central.chain import batch, make_events, rehash
from tests.central.conftest import Tokens, auth

BODY = "11010519491231002"
PLAIN_ID = BODY + ric.calc_check_digit(BODY + "0")


async def test_rule_breaking_events_are_refused_kept_and_do_not_jam(
    client: httpx.AsyncClient, tokens: Tokens, db_path: Path
) -> None:
    events = make_events(4)
    events[1]["kind"] = "lottery.won"
    events[2]["payload"] = {"agent": f"张三 {PLAIN_ID}"}
    for index in (1, 2, 3):  # re-chain after the edits
        if index > 1:
            events[index]["prev_hash"] = events[index - 1]["hash"]
        events[index]["hash"] = rehash(events[index])
    response = await client.post(
        "/v1/events", json=batch("BJ", 1, events), headers=auth(tokens.bj1)
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["stored", "refused", "refused", "stored"]
    assert "unknown event kind" in results[1]["reason"]
    assert "plain resident ID number" in results[2]["reason"]
    assert response.json()["head"]["seq"] == 4

    again = await client.post("/v1/events", json=batch("BJ", 1, events), headers=auth(tokens.bj1))
    assert [(r["status"], r["held"]) for r in again.json()["results"]] == [
        ("duplicate", "stored"),
        ("duplicate", "refused"),
        ("duplicate", "refused"),
        ("duplicate", "stored"),
    ]
    assert again.json()["results"][1]["reason"] == results[1]["reason"]

    listed = await client.get("/v1/admin/refused", headers=auth(tokens.provider))
    assert [(r["seq"], r["kind"]) for r in listed.json()] == [
        (2, "lottery.won"),
        (3, "case.opened"),
    ]
    assert (await client.get("/v1/admin/refused", headers=auth(tokens.bj1))).status_code == 401
    assert PLAIN_ID not in listed.text
    with sqlite3.connect(db_path) as conn:  # nor anywhere in the centre's file
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert PLAIN_ID.encode() not in db_path.read_bytes()


async def test_openapi_describes_every_route_and_the_bearer_scheme(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert set(spec["paths"]) == {
        "/v1/health",
        "/v1/events",
        "/v1/changes",
        "/v1/admin/changes",
        "/v1/admin/refused",
    }
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert "EventIn" in spec["components"]["schemas"]


async def test_busy_centre_answers_503_with_retry_after(db_path: Path, tokens: Tokens) -> None:
    busy = {"on": True}

    def fault(operation: str) -> None:
        if busy["on"]:
            raise Unavailable(retry_after=7)

    app: FastAPI = create_app(db_path, fault_hook=fault)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://central") as client:
        body = batch("BJ", 1, make_events(1))
        response = await client.post("/v1/events", json=body, headers=auth(tokens.bj1))
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "7"
        busy["on"] = False
        response = await client.post("/v1/events", json=body, headers=auth(tokens.bj1))
        assert response.status_code == 200
