"""The central service's SQLite database: counters with their chain heads, and events.

Every connection is opened in autocommit mode so that writes run in explicit
``BEGIN IMMEDIATE`` transactions (the write lock is taken up front, so two batches for the
same counter cannot interleave between reading the head and moving it).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from data.audit import GENESIS_HASH

BUSY_TIMEOUT_SECONDS = 10.0

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS counters (
    office      TEXT    NOT NULL,
    counter_id  INTEGER NOT NULL,
    token_hash  TEXT    NOT NULL UNIQUE,
    head_seq    INTEGER NOT NULL DEFAULT 0,
    head_hash   TEXT    NOT NULL DEFAULT '{GENESIS_HASH}',
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (office, counter_id)
);
CREATE TABLE IF NOT EXISTS events (
    uuid        TEXT    PRIMARY KEY,
    office      TEXT    NOT NULL,
    counter_id  INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    body_json   TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('stored', 'refused')),
    reason      TEXT,
    received_at TEXT    NOT NULL,
    UNIQUE (office, counter_id, seq),
    FOREIGN KEY (office, counter_id) REFERENCES counters (office, counter_id)
);
"""


def hash_token(token: str) -> str:
    """The SHA-256 hex digest under which a bearer token is stored (never the token)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def connect(db_path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode, with foreign keys on and a busy timeout."""
    conn = sqlite3.connect(
        db_path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
    )
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


@contextmanager
def opened(db_path: Path) -> Iterator[sqlite3.Connection]:
    """A connection that is closed on leaving the block."""
    with closing(connect(db_path)) as conn:
        yield conn


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, or ``ROLLBACK`` when the block raises."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def init_db(db_path: Path) -> None:
    """Create the database file and its tables if missing; switch it to WAL."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with opened(db_path) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        with write_transaction(conn):
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
