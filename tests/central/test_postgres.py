"""The central service on PostgreSQL: the same behaviour as on SQLite, and concurrent
pushes of one batch store each event once."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import func, select, text

from central.app import create_app
from central.cli import add_counter, add_provider
from central.db import events, make_engine, metadata
from central.server import serving
from tests.central.chain import batch, make_events
from tests.central.conftest import Tokens, auth
from tests.central.test_changes import key_expected
from tests.support.pg_fixture import postgres_url  # noqa: F401


@pytest.fixture
def pg(postgres_url: str) -> Iterator[str]:  # noqa: F811
    """The throwaway server's URL, on empty tables."""
    engine = make_engine(postgres_url)
    metadata.drop_all(engine)
    engine.dispose()
    yield postgres_url


@pytest.fixture
def pg_tokens(pg: str) -> Tokens:
    """Three counters and a provider, registered on PostgreSQL."""
    return Tokens(
        bj1=add_counter(pg, "BJ", 1),
        bj2=add_counter(pg, "BJ", 2),
        sh1=add_counter(pg, "SH", 1),
        provider=add_provider(pg, "provider"),
    )


@pytest.fixture
async def pg_client(pg: str, pg_tokens: Tokens) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process client of the app on PostgreSQL."""
    transport = httpx.ASGITransport(app=create_app(pg))
    async with httpx.AsyncClient(transport=transport, base_url="http://central") as made:
        yield made


def stored_count(url: str) -> int:
    """How many events the centre holds."""
    engine = make_engine(url)
    with engine.connect() as conn:
        count = int(conn.execute(select(func.count()).select_from(events)).scalar_one())
    engine.dispose()
    return count


def test_postgresql_url_forms_reach_the_same_server(pg: str) -> None:
    plain = pg.replace("postgresql+psycopg://", "postgresql://")
    engine = make_engine(plain)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar_one() == 1
    assert engine.dialect.name == "postgresql"
    engine.dispose()


async def test_events_duplicates_gaps_and_scoping_on_postgresql(
    pg: str, pg_client: httpx.AsyncClient, pg_tokens: Tokens
) -> None:
    chain = make_events(4)
    first = await pg_client.post(
        "/v1/events", json=batch("BJ", 1, chain[:3]), headers=auth(pg_tokens.bj1)
    )
    assert first.status_code == 200
    assert [r["status"] for r in first.json()["results"]] == ["stored"] * 3
    again = await pg_client.post(
        "/v1/events", json=batch("BJ", 1, chain), headers=auth(pg_tokens.bj1)
    )
    assert [r["status"] for r in again.json()["results"]] == ["duplicate"] * 3 + ["stored"]
    gap = make_events(1, start_seq=9)
    response = await pg_client.post(
        "/v1/events", json=batch("BJ", 2, gap), headers=auth(pg_tokens.bj2)
    )
    assert response.status_code == 409
    other = await pg_client.post(
        "/v1/events", json=batch("BJ", 1, make_events(1)), headers=auth(pg_tokens.sh1)
    )
    assert other.status_code == 403
    assert stored_count(pg) == 4


async def test_change_feed_on_postgresql(pg_client: httpx.AsyncClient, pg_tokens: Tokens) -> None:
    body = {"office": "BJ", "changes": [key_expected("K1"), key_expected("K2")]}
    put = await pg_client.post("/v1/admin/changes", json=body, headers=auth(pg_tokens.provider))
    assert put.status_code == 200
    page = (await pg_client.get("/v1/changes", headers=auth(pg_tokens.bj1))).json()
    assert [c["data"]["token_serial"] for c in page["changes"]] == ["K1", "K2"]
    assert page["next"] == put.json()["ids"][-1]
    assert (await pg_client.get("/v1/changes", headers=auth(pg_tokens.sh1))).json()["changes"] == []


def test_concurrent_pushes_of_one_batch_store_it_once(pg: str, pg_tokens: Tokens) -> None:
    chain = make_events(50)
    body = batch("BJ", 1, chain)
    with serving(pg) as server, httpx.Client(base_url=server.url, timeout=30) as client:

        def push(_: int) -> int:
            return client.post("/v1/events", json=body, headers=auth(pg_tokens.bj1)).status_code

        with ThreadPoolExecutor(max_workers=6) as pool:
            codes = list(pool.map(push, range(12)))
    assert codes == [200] * 12
    assert stored_count(pg) == 50
