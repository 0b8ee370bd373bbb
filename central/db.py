"""The central service's database, on SQLite (one file) or PostgreSQL (a URL).

Tables: counters with their bearer-token hashes and chain heads, the events they sent,
providers (the admin side that puts changes in) and the change feed the counters pull.
SQLAlchemy Core keeps one set of statements for both engines.

On SQLite every write transaction starts with ``BEGIN IMMEDIATE`` (reads with a plain
``BEGIN``) (the write lock is taken
up front, so two batches of one counter cannot interleave between reading the head and
moving it). On PostgreSQL the same is done by locking the counter's row (``FOR UPDATE``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Connection,
    Engine,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import make_url

from data.audit import GENESIS_HASH
from data.store import create_private_file

BUSY_TIMEOUT_SECONDS = 10.0

IMMEDIATE_OPTION = "kiosk_begin_immediate"
"""Execution option of write transactions: on SQLite they begin with BEGIN IMMEDIATE."""

metadata = MetaData()

counters = Table(
    "counters",
    metadata,
    Column("office", String(16), primary_key=True),
    Column("counter_id", Integer, primary_key=True, autoincrement=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("head_seq", BigInteger, nullable=False, default=0),
    Column("head_hash", String(64), nullable=False, default=GENESIS_HASH),
    Column("created_at", String(40), nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("uuid", String(64), primary_key=True),
    Column("office", String(16), nullable=False),
    Column("counter_id", Integer, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("body_json", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("reason", Text),
    Column("received_at", String(40), nullable=False),
    UniqueConstraint("office", "counter_id", "seq"),
    ForeignKeyConstraint(["office", "counter_id"], ["counters.office", "counters.counter_id"]),
    CheckConstraint("status IN ('stored', 'refused')", name="events_status"),
)

providers = Table(
    "providers",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", String(40), nullable=False),
)

changes = Table(
    "changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("office", String(16), nullable=False, index=True),
    Column("kind", String(32), nullable=False),
    Column("body_json", Text, nullable=False),
    Column("source", String(64), nullable=False),
    Column("created_at", String(40), nullable=False),
)


def hash_token(token: str) -> str:
    """The SHA-256 hex digest under which a bearer token is stored (never the token).

    A plain hash is enough here: the tokens are 256-bit random strings, not passwords.
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def database_url(database: str | Path) -> str:
    """The SQLAlchemy URL for a file path or a URL (``postgresql://`` uses psycopg 3)."""
    text = str(database)
    if "://" not in text:
        return f"sqlite:///{Path(text).resolve()}"
    if text.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + text.split("://", 1)[1]
    return text


def is_sqlite(engine: Engine) -> bool:
    """True when the engine is SQLite."""
    return engine.dialect.name == "sqlite"


def make_engine(database: str | Path) -> Engine:
    """An engine for the database; a SQLite file's folder is created if missing."""
    url = make_url(database_url(database))
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
            create_private_file(Path(url.database))  # 0600; WAL and SHM follow it
        # Pooled connections: closing the last connection to a WAL file checkpoints and
        # deletes the WAL (with fsyncs), which a connection per request would pay each time.
        engine = create_engine(
            url,
            pool_size=8,
            connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        )
        _take_over_sqlite_transactions(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _take_over_sqlite_transactions(engine: Engine) -> None:
    """Let SQLAlchemy's ``begin`` emit ``BEGIN IMMEDIATE`` itself (the pysqlite recipe)."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        # FULL: an event the centre has answered "stored" for must survive a power cut;
        # the counter marks it synced and never sends it again.
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Connection) -> None:
        # Writers take the write lock up front; readers (token checks, change pulls) do
        # not, so they never queue behind a batch being stored.
        immediate = conn.get_execution_options().get(IMMEDIATE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def init_db(engine: Engine) -> None:
    """Create the tables if missing (a SQLite file is put in WAL mode on connecting)."""
    metadata.create_all(engine)


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One write transaction: committed on leaving the block, rolled back on an error."""
    with engine.execution_options(**{IMMEDIATE_OPTION: True}).begin() as conn:
        yield conn


def lock_change_feed(conn: Connection) -> None:
    """Serialise writers of the change feed until the transaction ends.

    Counters read the feed by id (``id > cursor``). On PostgreSQL two transactions could
    take ids 5 and 6 and commit 6 first; a counter reading then would move its cursor past
    5 and never see it. Holding this lock while inserting makes ids commit in order.
    SQLite has one writer at a time already.
    """
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("LOCK TABLE changes IN SHARE ROW EXCLUSIVE MODE")
