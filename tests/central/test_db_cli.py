"""The central database and the add-counter helper."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from central.cli import CounterExistsError, add_counter
from data.audit import GENESIS_HASH


def test_add_counter_keeps_only_the_token_hash(tmp_path: Path) -> None:
    db_path = tmp_path / "sub" / "central.db"
    token = add_counter(db_path, "BJ", 7)
    assert len(token) >= 40
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(
            "SELECT office, counter_id, token_hash, head_seq, head_hash FROM counters"
        )
        assert list(rows) == [
            ("BJ", 7, hashlib.sha256(token.encode()).hexdigest(), 0, GENESIS_HASH)
        ]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert token.encode() not in db_path.read_bytes()


def test_add_counter_twice_is_refused_and_tokens_differ(tmp_path: Path) -> None:
    db_path = tmp_path / "central.db"
    first = add_counter(db_path, "BJ", 1)
    with pytest.raises(CounterExistsError):
        add_counter(db_path, "BJ", 1)
    assert add_counter(db_path, "SH", 1) != first
    with pytest.raises(ValueError):
        add_counter(db_path, "BJ", 0)
