"""Helpers behind ``kiosk central serve``, ``add-counter``, ``add-provider`` and ``refused``."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, select

from central.db import counters, hash_token, init_db, make_engine, providers, write_transaction


class CounterExistsError(Exception):
    """The office already has a counter with that number, or the provider name is taken."""


def add_counter(database: str | Path, office: str, counter_id: int) -> str:
    """Register a counter and return its new bearer token; only the token's hash is kept."""
    if not office or counter_id < 1:
        raise ValueError("office must be given and counter_id must be 1 or more")
    engine = make_engine(database)
    try:
        init_db(engine)
        token = secrets.token_urlsafe(32)
        with write_transaction(engine) as conn:
            exists = conn.execute(
                select(counters.c.office).where(
                    counters.c.office == office, counters.c.counter_id == counter_id
                )
            ).first()
            if exists:
                raise CounterExistsError(f"{office} counter {counter_id} already exists")
            conn.execute(
                insert(counters).values(
                    office=office,
                    counter_id=counter_id,
                    token_hash=hash_token(token),
                    created_at=datetime.now(UTC).isoformat(),
                )
            )
    finally:
        engine.dispose()
    return token


def add_provider(database: str | Path, name: str) -> str:
    """Register a provider (who puts changes in) and return its new bearer token."""
    if not name.strip():
        raise ValueError("the provider's name must be given")
    engine = make_engine(database)
    try:
        init_db(engine)
        token = secrets.token_urlsafe(32)
        with write_transaction(engine) as conn:
            if conn.execute(select(providers.c.name).where(providers.c.name == name)).first():
                raise CounterExistsError(f"provider {name} already exists")
            conn.execute(
                insert(providers).values(
                    name=name,
                    token_hash=hash_token(token),
                    created_at=datetime.now(UTC).isoformat(),
                )
            )
    finally:
        engine.dispose()
    return token


def serve(database: str | Path, host: str = "127.0.0.1", port: int = 8080) -> None:
    """Run the central service under uvicorn until interrupted."""
    import uvicorn

    from central.app import create_app

    uvicorn.run(create_app(database), host=host, port=port, log_level="info")
