"""The store on a real SQLite file: pragmas, migrations, IMMEDIATE transactions, atomicity."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from data.audit import append_event, verify_chain
from data.migrations import SCHEMA_VERSION
from data.store import Store, open_store
from kiosk.errors import StoreError
from tests.conftest import NOW


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = open_store(tmp_path / "kiosk.db")
    yield opened
    opened.close()


def test_migration_from_empty_creates_every_record_table(store: Store) -> None:
    assert store.schema_version == SCHEMA_VERSION
    tables = set(store.db.table_names())
    assert {"operators", "enterprises", "agents", "keys", "cases", "events", "receipts"} <= tables


def test_pragmas_are_wal_full_sync_and_foreign_keys(store: Store) -> None:
    assert store.query_one("PRAGMA journal_mode")[0] == "wal"
    assert store.query_one("PRAGMA synchronous")[0] == 2  # FULL
    assert store.query_one("PRAGMA foreign_keys")[0] == 1
    assert store.query_one("PRAGMA busy_timeout")[0] == 5000


def test_reopening_applies_no_migration_twice(tmp_path: Path) -> None:
    open_store(tmp_path / "k.db").close()
    again = Store(tmp_path / "k.db")
    try:
        assert again.migrate() == 0
    finally:
        again.close()


def test_a_file_from_a_newer_kiosk_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError) as caught:
        open_store(path)
    assert caught.value.key == "store.too_new"
    assert "upgrade the kiosk" in caught.value.message("en")


def test_an_unopenable_path_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError) as caught:
        Store(blocker / "kiosk.db")
    assert caught.value.key == "store.cannot_open"


def test_every_write_transaction_begins_immediate(store: Store) -> None:
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    with store.transaction() as conn:
        append_event(conn, kind="test", payload={}, at=NOW, operator=None)
    begins = [s for s in statements if s.upper().startswith("BEGIN")]
    assert begins == ["BEGIN IMMEDIATE"]
    assert statements[-1] == "COMMIT"


def test_failed_transaction_leaves_nothing_half_written(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as conn:
        conn.execute(
            "INSERT INTO enterprises (uscc, name, kind, updated_at)"
            " VALUES ('91110108MA01A2B3C0', 'x', 'domestic', '2026-11-25')"
        )
        append_event(conn, kind="enterprise.saved", payload={}, at=NOW, operator=None)
        raise RuntimeError("power cut between the two writes")
    assert store.query("SELECT * FROM enterprises") == []
    assert store.query("SELECT * FROM events") == []
    assert store.query("SELECT * FROM audit_head") == []
    assert verify_chain(store.conn).ok


def test_a_writer_blocked_by_another_gives_busy_not_a_hang(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    open_store(path).close()
    store = Store(path, busy_timeout_ms=100)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError) as caught, store.transaction():
            pass
        assert caught.value.key == "store.busy"
    finally:
        other.execute("ROLLBACK")
        other.close()
        store.close()


def test_nested_transaction_joins_the_outer_one(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as conn:
        append_event(conn, kind="outer", payload={}, at=NOW, operator=None)
        with store.transaction() as inner:
            append_event(inner, kind="inner", payload={}, at=NOW, operator=None)
        raise RuntimeError("outer fails after inner finished")
    assert store.query("SELECT * FROM events") == []


def test_events_are_append_only(store: Store) -> None:
    with store.transaction() as conn:
        append_event(conn, kind="test", payload={"a": 1}, at=NOW, operator=None)
    with pytest.raises(sqlite3.IntegrityError), store.transaction() as conn:
        conn.execute("UPDATE events SET payload = '{}'")
    with pytest.raises(sqlite3.IntegrityError), store.transaction() as conn:
        conn.execute("DELETE FROM events")
    with store.transaction() as conn:
        conn.execute("UPDATE events SET synced_at = '2026-11-25T10:00:00+08:00'")
    assert verify_chain(store.conn).ok


def test_a_version_1_file_migrates_forward_keeping_its_rows(tmp_path: Path) -> None:
    from data import migrations

    path = tmp_path / "old.db"
    old = Store(path)
    with old.transaction() as conn:
        migrations.MIGRATIONS[0](conn)
        conn.execute("PRAGMA user_version = 1")
        conn.execute(
            "INSERT INTO operators (username, display_name, role, password_hash, created_at)"
            " VALUES ('clerk', '张敏', 'clerk', 'x', '2026-11-25T10:00:00+08:00')"
        )
    old.close()
    store = open_store(path)
    try:
        assert store.schema_version == SCHEMA_VERSION >= 2
        assert store.query_one("SELECT display_name FROM operators")[0] == "张敏"
        columns = {row[1] for row in store.query("PRAGMA table_info(cases)")}
        assert {"confirmed_by", "rating", "flagged"} <= columns
        assert "shipments" in store.db.table_names()
    finally:
        store.close()
