"""Fixtures of the sync tests: a central service on 127.0.0.1 and three counters."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from central.cli import add_counter, add_provider
from central.server import CentralServer
from data.store import open_store
from kiosk.context import KioskContext
from tests.sync.helpers import Counter


@dataclass
class Centre:
    """The running centre, its database file and the provider's token."""

    server: CentralServer
    db_path: Path
    provider_token: str

    @property
    def url(self) -> str:
        """Base URL."""
        return self.server.url


@dataclass
class Counters:
    """Beijing counters 3 (the test context's) and 4, and Shanghai counter 1."""

    bj3: Counter
    bj4: Counter
    sh1: Counter


@pytest.fixture
def central_db(tmp_path: Path) -> Path:
    """The centre's SQLite file."""
    return tmp_path / "central" / "central.db"


@pytest.fixture
def centre(central_db: Path) -> Iterator[Centre]:
    """The central service running on 127.0.0.1 with its provider registered."""
    provider = add_provider(central_db, "provider")
    server = CentralServer(central_db)
    server.start()
    try:
        yield Centre(server, central_db, provider)
    finally:
        server.stop()


@pytest.fixture
def counters(context: KioskContext, central_db: Path, tmp_path: Path) -> Iterator[Counters]:
    """Three counters registered at the centre; BJ 3 is the test context's store."""
    bj4 = open_store(tmp_path / "bj4" / "kiosk.db")
    sh1 = open_store(tmp_path / "sh1" / "kiosk.db")
    try:
        yield Counters(
            bj3=Counter(context.store, "BJ", 3, add_counter(central_db, "BJ", 3)),
            bj4=Counter(bj4, "BJ", 4, add_counter(central_db, "BJ", 4)),
            sh1=Counter(sh1, "SH", 1, add_counter(central_db, "SH", 1)),
        )
    finally:
        bj4.close()
        sh1.close()
