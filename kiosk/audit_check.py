"""``kiosk audit verify`` without side effects: the database is opened read-only (SQLite
URI ``mode=ro``), so checking a missing, empty or zero-length file never creates or
migrates one; such a file is reported as a missing trail (exit 1)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from data.audit import verify_chain


@dataclass(frozen=True)
class AuditVerdict:
    """What to say (catalog key and its values) and the exit code of the command."""

    exit_code: int
    key: str
    params: dict[str, object] = field(default_factory=dict)


def open_read_only(path: Path, busy_timeout_ms: int = 5000) -> sqlite3.Connection:
    """A connection that can neither create, migrate nor write the file at ``path``.

    Raises sqlite3.OperationalError when the file is missing or cannot be opened.
    """
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=busy_timeout_ms / 1000, isolation_level=None)
    conn.execute("PRAGMA query_only = ON")
    return conn


def verify_audit_file(path: Path, busy_timeout_ms: int = 5000) -> AuditVerdict:
    """Walk the hash chain of the database at ``path``, read-only.

    Exit 0 with ``audit.verify_ok``; exit 1 with ``audit.trail_missing`` (no file, a
    zero-length one, or one without events), ``audit.trail_unreadable`` (not a kiosk
    database) or ``audit.verify_broken``.
    """
    missing = AuditVerdict(1, "audit.trail_missing", {"path": str(path)})
    if not path.is_file() or path.stat().st_size == 0:
        return missing
    try:
        conn = open_read_only(path, busy_timeout_ms)
    except sqlite3.Error as error:
        return AuditVerdict(1, "audit.trail_unreadable", {"path": str(path), "problem": error})
    try:
        has_events = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'"
        ).fetchone()
        if has_events is None or conn.execute("SELECT 1 FROM events LIMIT 1").fetchone() is None:
            return missing
        report = verify_chain(conn)
    except sqlite3.Error as error:
        return AuditVerdict(1, "audit.trail_unreadable", {"path": str(path), "problem": error})
    finally:
        conn.close()
    if report.ok:
        return AuditVerdict(0, "audit.verify_ok", {"count": report.checked})
    return AuditVerdict(
        1, "audit.verify_broken", {"seq": report.bad_seq, "problem": report.problem}
    )
