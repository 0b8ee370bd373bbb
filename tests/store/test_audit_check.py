"""Audit verify on a missing, empty or zero-length file says the trail is missing and
creates or migrates nothing; a real trail is walked read-only."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from data.audit import append_event
from data.store import open_store, sqlite_companions
from kiosk.audit_check import open_read_only, verify_audit_file
from tests.conftest import NOW


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_missing_file_is_a_missing_trail_and_nothing_is_created(tmp_path: Path) -> None:
    path = tmp_path / "data" / "kiosk.db"
    verdict = verify_audit_file(path)
    assert (verdict.exit_code, verdict.key) == (1, "audit.trail_missing")
    assert not path.parent.exists()


def test_zero_length_file_is_left_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.db"
    path.touch()
    verdict = verify_audit_file(path)
    assert (verdict.exit_code, verdict.key) == (1, "audit.trail_missing")
    assert path.stat().st_size == 0
    assert _files(tmp_path) == ["kiosk.db"]


def test_database_without_tables_is_not_migrated(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.db"
    sqlite3.connect(path).execute("PRAGMA user_version = 0").connection.close()
    sqlite3.connect(path).execute("VACUUM").connection.close()
    verdict = verify_audit_file(path)
    assert (verdict.exit_code, verdict.key) == (1, "audit.trail_missing")
    check = sqlite3.connect(path)
    assert check.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    check.close()


def test_migrated_store_without_events_is_a_missing_trail(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.db"
    open_store(path).close()
    assert verify_audit_file(path).key == "audit.trail_missing"


def test_not_a_database_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.db"
    path.write_bytes(b"not sqlite at all, just some text" * 10)
    verdict = verify_audit_file(path)
    assert (verdict.exit_code, verdict.key) == (1, "audit.trail_unreadable")


def test_intact_and_broken_trails(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.db"
    store = open_store(path)
    with store.transaction() as conn:
        for n in range(3):
            append_event(conn, kind="probe", at=NOW, operator="clerk", payload={"n": n})
    store.close()
    verdict = verify_audit_file(path)
    assert (verdict.exit_code, verdict.key, verdict.params) == (0, "audit.verify_ok", {"count": 3})
    tamper = sqlite3.connect(path)
    tamper.execute("DROP TRIGGER IF EXISTS events_no_update")
    tamper.execute("UPDATE events SET payload = '{\"n\": 9}' WHERE seq = 2")
    tamper.commit()
    tamper.close()
    verdict = verify_audit_file(path)
    assert (verdict.exit_code, verdict.key, verdict.params["seq"]) == (1, "audit.verify_broken", 2)


def test_read_only_connection_cannot_write(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.db"
    open_store(path).close()
    conn = open_read_only(path)
    try:
        try:
            conn.execute("CREATE TABLE x (y)")
        except sqlite3.OperationalError as error:
            assert "readonly" in str(error) or "read-only" in str(error)
        else:
            raise AssertionError("a read-only connection wrote")
    finally:
        conn.close()
    assert all(p.name.startswith("kiosk.db") for p in sqlite_companions(path))
