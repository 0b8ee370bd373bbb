"""Helpers behind ``kiosk central add-counter`` and ``kiosk central serve``."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from pathlib import Path

from central.db import hash_token, init_db, opened, write_transaction


class CounterExistsError(Exception):
    """The office already has a counter with that number."""


def add_counter(db_path: Path, office: str, counter_id: int) -> str:
    """Register a counter and return its new bearer token; only the token's hash is kept."""
    if not office or counter_id < 1:
        raise ValueError("office must be given and counter_id must be 1 or more")
    init_db(db_path)
    token = secrets.token_urlsafe(32)
    with opened(db_path) as conn, write_transaction(conn):
        exists = conn.execute(
            "SELECT 1 FROM counters WHERE office = ? AND counter_id = ?", (office, counter_id)
        ).fetchone()
        if exists:
            raise CounterExistsError(f"{office} counter {counter_id} already exists")
        conn.execute(
            "INSERT INTO counters (office, counter_id, token_hash, created_at) VALUES (?, ?, ?, ?)",
            (office, counter_id, hash_token(token), datetime.now(UTC).isoformat()),
        )
    return token


def serve(db_path: Path, host: str = "127.0.0.1", port: int = 8080) -> None:
    """Run the central service under uvicorn until interrupted."""
    import uvicorn

    from central.app import create_app

    uvicorn.run(create_app(db_path), host=host, port=port, log_level="info")
