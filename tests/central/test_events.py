"""POST /v1/events in-process: auth, validation, idempotency, chain checks, atomicity."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import httpx

from data.audit import GENESIS_HASH
from tests.central.chain import batch, make_events, rehash
from tests.central.conftest import Tokens, auth


def stored(db_path: Path, office: str | None = None, counter_id: int | None = None) -> int:
    """How many events the centre holds (for one counter when given)."""
    with sqlite3.connect(db_path) as conn:
        if office is None:
            return int(conn.execute("SELECT count(*) FROM events").fetchone()[0])
        row = conn.execute(
            "SELECT count(*) FROM events WHERE office = ? AND counter_id = ?",
            (office, counter_id),
        ).fetchone()
        return int(row[0])


def head(db_path: Path, office: str, counter_id: int) -> tuple[int, str]:
    """The chain head the centre records for a counter."""
    with sqlite3.connect(db_path) as conn:
        row = conn.execute(
            "SELECT head_seq, head_hash FROM counters WHERE office = ? AND counter_id = ?",
            (office, counter_id),
        ).fetchone()
    return int(row[0]), str(row[1])


async def post(client: httpx.AsyncClient, token: str, body: Any) -> httpx.Response:
    return await client.post("/v1/events", json=body, headers=auth(token))


async def test_health(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/health")
    assert response.status_code == 200
    assert response.json() == {"ok": True}


async def test_missing_or_unknown_token_is_401(
    client: httpx.AsyncClient, db_path: Path, tokens: Tokens
) -> None:
    body = batch("BJ", 1, make_events(1))
    for headers in ({}, {"Authorization": "Bearer"}, {"Authorization": f"Basic {tokens.bj1}"}):
        response = await client.post("/v1/events", json=body, headers=headers)
        assert response.status_code == 401
        assert response.json()["error"] == "missing_token"
        assert response.headers["WWW-Authenticate"] == "Bearer"
    response = await post(client, "not-a-token", body)
    assert response.status_code == 401
    assert response.json()["error"] == "unknown_token"
    assert stored(db_path) == 0


async def test_token_of_another_counter_or_office_is_403(
    client: httpx.AsyncClient, db_path: Path, tokens: Tokens
) -> None:
    events = make_events(1)
    for token in (tokens.bj2, tokens.sh1):
        response = await post(client, token, batch("BJ", 1, events))
        assert response.status_code == 403
        assert "error" in response.json()
    assert stored(db_path) == 0


async def test_malformed_body_is_422_and_stores_nothing(
    client: httpx.AsyncClient, db_path: Path, tokens: Tokens
) -> None:
    good = make_events(2)
    missing_hash = {k: v for k, v in good[1].items() if k != "hash"}
    bad_bodies: list[Any] = [
        batch("BJ", 1, [good[0], missing_hash]),
        batch("BJ", 1, [good[0], {**good[1], "seq": "2"}]),
        batch("BJ", 1, [good[0], {**good[1], "payload": "text"}]),
        batch("BJ", 1, [good[0], {**good[1], "extra": 1}]),
        batch("BJ", 1, []),
        {"office": "BJ", "events": good},
        [good],
    ]
    for body in bad_bodies:
        response = await post(client, tokens.bj1, body)
        assert response.status_code == 422, body
        assert response.json()["error"] == "malformed"
    response = await client.post(
        "/v1/events", content=b"{not json", headers={**auth(tokens.bj1), "Content-Type": "x"}
    )
    assert response.status_code == 422
    assert stored(db_path) == 0
    assert head(db_path, "BJ", 1) == (0, GENESIS_HASH)


async def test_stored_then_duplicate_in_same_batch_and_later(
    client: httpx.AsyncClient, db_path: Path, tokens: Tokens
) -> None:
    events = make_events(3)
    response = await post(client, tokens.bj1, batch("BJ", 1, [*events[:2], events[0]]))
    assert response.status_code == 200
    assert response.json() == {
        "results": [
            {"uuid": events[0]["uuid"], "status": "stored", "held": "stored"},
            {"uuid": events[1]["uuid"], "status": "stored", "held": "stored"},
            {"uuid": events[0]["uuid"], "status": "duplicate", "held": "stored"},
        ],
        "head": {"seq": 2, "hash": events[1]["hash"]},
    }
    # A later batch resends what the kiosk never heard confirmed, plus a new event.
    response = await post(client, tokens.bj1, batch("BJ", 1, events))
    assert response.status_code == 200
    assert [r["status"] for r in response.json()["results"]] == ["duplicate", "duplicate", "stored"]
    assert response.json()["head"] == {"seq": 3, "hash": events[2]["hash"]}
    assert stored(db_path) == 3
    assert head(db_path, "BJ", 1) == (3, events[2]["hash"])
    # Resending everything again changes nothing.
    response = await post(client, tokens.bj1, batch("BJ", 1, events))
    assert [r["status"] for r in response.json()["results"]] == ["duplicate"] * 3
    assert stored(db_path) == 3


async def test_same_uuid_different_body_is_422_for_whole_batch(
    client: httpx.AsyncClient, db_path: Path, tokens: Tokens
) -> None:
    events = make_events(3)
    assert (await post(client, tokens.bj1, batch("BJ", 1, events[:1]))).status_code == 200
    altered = {**events[0], "payload": {"note": "changed"}}
    altered["hash"] = rehash(altered)
    response = await post(client, tokens.bj1, batch("BJ", 1, [events[1], altered, events[2]]))
    assert response.status_code == 422
    assert response.json()["error"] == "uuid_conflict"
    assert response.json()["uuid"] == events[0]["uuid"]
    assert stored(db_path) == 1
    assert head(db_path, "BJ", 1) == (1, events[0]["hash"])


async def test_same_uuid_from_another_counter_is_422(
    client: httpx.AsyncClient, db_path: Path, tokens: Tokens
) -> None:
    events = make_events(1)
    assert (await post(client, tokens.bj1, batch("BJ", 1, events))).status_code == 200
    response = await post(client, tokens.bj2, batch("BJ", 2, events))
    assert response.status_code == 422
    assert stored(db_path) == 1


async def test_gap_is_409_and_stores_nothing(
    client: httpx.AsyncClient, db_path: Path, tokens: Tokens
) -> None:
    events = make_events(4)
    response = await post(client, tokens.bj1, batch("BJ", 1, [events[0], events[2]]))
    assert response.status_code == 409
    assert response.json()["error"] == "gap"
    assert response.json()["expected_seq"] == 2
    assert stored(db_path) == 0
    # A first batch must start at 1.
    response = await post(client, tokens.bj1, batch("BJ", 1, events[1:]))
    assert response.status_code == 409
    assert response.json() | {"detail": ""} == {
        "error": "gap",
        "expected_seq": 1,
        "uuid": events[1]["uuid"],
        "detail": "",
    }
    assert stored(db_path) == 0
    assert head(db_path, "BJ", 1) == (0, GENESIS_HASH)


async def test_broken_chain_is_409_and_stores_nothing(
    client: httpx.AsyncClient, db_path: Path, tokens: Tokens
) -> None:
    events = make_events(2)
    assert (await post(client, tokens.bj1, batch("BJ", 1, events))).status_code == 200
    nxt = make_events(2, start_seq=3, prev_hash=events[1]["hash"])

    # prev_hash not the head's hash (hash itself recomputes).
    wrong_prev = {**nxt[0], "prev_hash": "f" * 64}
    wrong_prev["hash"] = rehash(wrong_prev)
    # Content edited after hashing.
    edited = {**nxt[0], "kind": "case_closed"}
    # The counter's trail was cut short and rewritten: a new event at an occupied seq.
    rewritten = make_events(1, start_seq=2, prev_hash=events[0]["hash"])[0]
    cases = [
        ([wrong_prev], 3),
        ([edited], 3),
        ([rewritten], 3),
        ([nxt[0], {**nxt[1], "hash": "0" * 64}], 4),
    ]
    for bad, expected_seq in cases:
        response = await post(client, tokens.bj1, batch("BJ", 1, bad))
        assert response.status_code == 409, bad
        assert response.json()["error"] == "broken_chain"
        assert response.json()["expected_seq"] == expected_seq
    assert stored(db_path) == 2
    assert head(db_path, "BJ", 1) == (2, events[1]["hash"])
    # The right continuation is still accepted.
    response = await post(client, tokens.bj1, batch("BJ", 1, nxt))
    assert response.status_code == 200
    assert response.json()["head"] == {"seq": 4, "hash": nxt[1]["hash"]}


async def test_two_counters_of_one_office_are_independent(
    client: httpx.AsyncClient, db_path: Path, tokens: Tokens
) -> None:
    one, two, sh = make_events(3), make_events(2, kind="key_received"), make_events(1)
    assert (await post(client, tokens.bj1, batch("BJ", 1, one))).status_code == 200
    assert (await post(client, tokens.bj2, batch("BJ", 2, two))).status_code == 200
    assert (await post(client, tokens.sh1, batch("SH", 1, sh))).status_code == 200
    assert (stored(db_path, "BJ", 1), stored(db_path, "BJ", 2), stored(db_path, "SH", 1)) == (
        3,
        2,
        1,
    )
    assert head(db_path, "BJ", 1) == (3, one[2]["hash"])
    assert head(db_path, "BJ", 2) == (2, two[1]["hash"])
    # A gap on counter 2 does not disturb counter 1.
    more_two = make_events(1, start_seq=4, prev_hash=two[1]["hash"])
    assert (await post(client, tokens.bj2, batch("BJ", 2, more_two))).status_code == 409
    more_one = make_events(1, start_seq=4, prev_hash=one[2]["hash"])
    assert (await post(client, tokens.bj1, batch("BJ", 1, more_one))).status_code == 200


async def test_a_huge_payload_is_malformed(
    client: httpx.AsyncClient, db_path: Path, tokens: Tokens
) -> None:
    events = make_events(1)
    events[0]["payload"] = {"note": "长" * 70_000}
    events[0]["hash"] = rehash(events[0])
    response = await post(client, tokens.bj1, batch("BJ", 1, events))
    assert response.status_code == 422
    assert stored(db_path) == 0
