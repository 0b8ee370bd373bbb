"""Fixtures of the central tests: a fresh database with three counters, an in-process client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from central.app import create_app
from central.cli import add_counter, add_provider


@dataclass(frozen=True)
class Tokens:
    """Bearer tokens: Beijing counters 1 and 2, Shanghai counter 1, the key provider."""

    bj1: str
    bj2: str
    sh1: str
    provider: str


def auth(token: str) -> dict[str, str]:
    """The Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where the central database lives for this test."""
    return tmp_path / "central.db"


@pytest.fixture
def tokens(db_path: Path) -> Tokens:
    """Three registered counters."""
    return Tokens(
        bj1=add_counter(db_path, "BJ", 1),
        bj2=add_counter(db_path, "BJ", 2),
        sh1=add_counter(db_path, "SH", 1),
        provider=add_provider(db_path, "provider"),
    )


@pytest.fixture
def app(db_path: Path, tokens: Tokens) -> Starlette:
    """The central app on the test's database."""
    return create_app(db_path)


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client talking to the app in-process."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://central") as made:
        yield made
