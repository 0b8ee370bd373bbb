"""The local SQLite store: one file, WAL, synchronous=FULL, foreign keys, BEGIN IMMEDIATE.

Every write goes through :meth:`Store.transaction`, so a state row and its audit event
commit together or not at all.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TypeVar

import sqlite_utils

from data.migrations import MIGRATIONS, SCHEMA_VERSION
from kiosk.errors import StoreError

T = TypeVar("T")

PRIVATE_MODE = 0o600
"""The database, its WAL and SHM hold the audit trail and keyed ID hashes: owner only."""

_BUSY = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})
_CANNOT_WRITE = frozenset(
    {
        sqlite3.SQLITE_FULL,  # disk full (or max_page_count reached)
        sqlite3.SQLITE_READONLY,  # read-only file, folder or connection
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_PERM,
        sqlite3.SQLITE_CORRUPT,
        sqlite3.SQLITE_NOTADB,
    }
)
"""SQLite failures of the file or the machine, not of the statement: a StoreError the
screens show, never a raw sqlite3 error (a broken rule, e.g. a constraint, stays raw)."""


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if it does not exist (umask cannot widen it)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE)
    except FileExistsError:
        return
    os.close(descriptor)
    os.chmod(path, PRIVATE_MODE)  # a umask may have narrowed it further; make it exact


def sqlite_companions(path: Path) -> list[Path]:
    """The database file with its WAL and SHM files."""
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def _tighten_companions(path: Path) -> None:
    # SQLite gives the WAL and SHM the database's mode; files left by an older kiosk that
    # made the database with the umask's mode are closed to others here too.
    for companion in sqlite_companions(path)[1:]:
        if companion.exists() and companion.stat().st_mode & 0o077:
            os.chmod(companion, PRIVATE_MODE)


def _failure_key(error: sqlite3.Error) -> str | None:
    """The StoreError key for a failed write: ``store.busy`` when another writer holds the
    file, ``store.write_failed`` when the file cannot be written; None for anything else."""
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary in _BUSY:
        return "store.busy"
    if primary in _CANNOT_WRITE:
        return "store.write_failed"
    return None


class Store:
    """An open kiosk database.

    Args:
        path: the SQLite file (created if missing).
        busy_timeout_ms: how long a writer waits for another one before giving up.
    """

    def __init__(self, path: Path, busy_timeout_ms: int = 5000) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            create_private_file(path)
            # isolation_level=None: Python never opens a transaction behind our back;
            # transaction() below decides when one starts, and that it is IMMEDIATE.
            conn = sqlite3.connect(
                path,
                timeout=busy_timeout_ms / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
        except (sqlite3.Error, OSError) as error:
            raise StoreError("store.cannot_open", path=str(path), problem=str(error)) from None
        if mode.lower() != "wal":
            raise StoreError("store.cannot_open", path=str(path), problem=f"journal_mode={mode}")
        with suppress(OSError):  # not our file to change (another user's copy): doctor warns
            _tighten_companions(path)
        conn.row_factory = sqlite3.Row
        self.conn = conn
        self.db = sqlite_utils.Database(conn, execute_plugins=False)
        self._lock = threading.RLock()

    def close(self) -> None:
        """Close the connection (checkpointing the WAL)."""
        with self._lock:
            self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction begun with ``BEGIN IMMEDIATE``; rolled back on any error.

        Nested use joins the outer transaction through a savepoint.
        """
        with self._lock:
            if self.conn.in_transaction:
                with self.db.atomic():
                    yield self.conn
                return
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as error:
                key = _failure_key(error) or "store.write_failed"
                raise StoreError(key, problem=str(error)) from None
            try:
                yield self.conn
            except sqlite3.Error as error:
                # SQLite may have rolled back already (e.g. SQLITE_FULL): nothing is kept.
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                failure = _failure_key(error)
                if failure is None:
                    raise
                raise StoreError(failure, problem=str(error)) from None
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error as error:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise StoreError("store.write_failed", problem=str(error)) from None

    def query(
        self, sql: str, params: tuple[object, ...] | dict[str, object] = ()
    ) -> list[sqlite3.Row]:
        """Rows of a read-only query."""
        with self._lock:
            return self.conn.execute(sql, params).fetchall()

    def query_one(
        self, sql: str, params: tuple[object, ...] | dict[str, object] = ()
    ) -> sqlite3.Row | None:
        """The first row of a read-only query, or None."""
        with self._lock:
            row: sqlite3.Row | None = self.conn.execute(sql, params).fetchone()
            return row

    def read(self, reader: Callable[[sqlite3.Connection], T]) -> T:
        """Run a read-only function on the connection, under the store's lock."""
        with self._lock:
            return reader(self.conn)

    @property
    def schema_version(self) -> int:
        """The schema version recorded in the file (0 for a new file)."""
        version: int = self.conn.execute("PRAGMA user_version").fetchone()[0]
        return version

    def migrate(self) -> int:
        """Apply every migration newer than the file, each in its own transaction.

        Returns the number applied. Raises StoreError for a file made by a newer kiosk.
        """
        applied = 0
        current = self.schema_version
        if current > SCHEMA_VERSION:
            raise StoreError("store.too_new", found=current, supported=SCHEMA_VERSION)
        for version, migration in enumerate(MIGRATIONS, start=1):
            if version <= current:
                continue
            with self.transaction() as conn:
                migration(conn)
                conn.execute(f"PRAGMA user_version = {version}")
            applied += 1
        return applied

    def integrity_ok(self) -> bool:
        """True when ``PRAGMA integrity_check`` finds nothing wrong."""
        with self._lock:
            return bool(self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok")


def open_store(path: Path, busy_timeout_ms: int = 5000) -> Store:
    """Open the database at ``path`` and bring its schema up to date."""
    store = Store(path, busy_timeout_ms)
    try:
        store.migrate()
    except BaseException:
        store.close()
        raise
    return store
