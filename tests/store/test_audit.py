"""The hash chain catches an edited, deleted or reordered event."""

from __future__ import annotations

import sqlite3
from itertools import pairwise
from pathlib import Path

import pytest

from data.audit import GENESIS_HASH, append_event, verify_chain
from data.store import Store, open_store
from tests.conftest import NOW


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = open_store(tmp_path / "kiosk.db")
    for number in range(1, 6):
        with opened.transaction() as conn:
            append_event(
                conn, kind="test", payload={"n": number, "名": "张三"}, at=NOW, operator="clerk"
            )
    yield opened
    opened.close()


def tamper(store: Store, *statements: str) -> None:
    """What someone with the sqlite3 shell could do: drop the guards, then edit."""
    raw = sqlite3.connect(store.path, isolation_level=None)
    raw.execute("DROP TRIGGER IF EXISTS events_no_update")
    raw.execute("DROP TRIGGER IF EXISTS events_no_delete")
    for statement in statements:
        raw.execute(statement)
    raw.close()


def test_an_untouched_chain_verifies(store: Store) -> None:
    report = verify_chain(store.conn)
    assert report.ok and report.checked == 5


def test_each_event_holds_the_previous_hash(store: Store) -> None:
    rows = store.query("SELECT prev_hash, hash FROM events ORDER BY seq")
    assert rows[0]["prev_hash"] == GENESIS_HASH
    for before, after in pairwise(rows):
        assert after["prev_hash"] == before["hash"]


def test_an_edited_payload_is_caught_at_that_event(store: Store) -> None:
    tamper(store, "UPDATE events SET payload = '{\"n\":99}' WHERE seq = 3")
    report = verify_chain(store.conn)
    assert (report.bad_seq, report.problem) == (3, "its content was changed")


def test_an_edited_operator_is_caught(store: Store) -> None:
    tamper(store, "UPDATE events SET operator = 'someone-else' WHERE seq = 2")
    assert verify_chain(store.conn).bad_seq == 2


def test_a_deleted_event_in_the_middle_is_caught(store: Store) -> None:
    tamper(store, "DELETE FROM events WHERE seq = 2")
    report = verify_chain(store.conn)
    assert report.bad_seq == 2
    assert "missing" in report.problem


def test_a_deleted_last_event_is_caught(store: Store) -> None:
    tamper(store, "DELETE FROM events WHERE seq = 5")
    report = verify_chain(store.conn)
    assert report.bad_seq == 5
    assert "end of the trail" in report.problem


def test_reordered_events_are_caught(store: Store) -> None:
    tamper(
        store,
        "UPDATE events SET seq = -2 WHERE seq = 2",
        "UPDATE events SET seq = 2 WHERE seq = 3",
        "UPDATE events SET seq = 3 WHERE seq = -2",
    )
    assert verify_chain(store.conn).bad_seq == 2


def test_a_rehashed_edit_still_breaks_the_next_link(store: Store) -> None:
    # Someone recomputes event 3's hash after editing it; event 4 no longer follows.
    from data.audit import event_hash

    row = store.query_one("SELECT * FROM events WHERE seq = 3")
    forged = event_hash(
        seq=3,
        event_uuid=row["uuid"],
        case_id=None,
        key_id=None,
        kind="test",
        payload='{"n":99}',
        at=row["at"],
        operator="clerk",
        prev_hash=row["prev_hash"],
    )
    tamper(store, f"UPDATE events SET payload = '{{\"n\":99}}', hash = '{forged}' WHERE seq = 3")
    report = verify_chain(store.conn)
    assert report.bad_seq == 4


def test_append_outside_a_transaction_is_refused(store: Store) -> None:
    with pytest.raises(RuntimeError):
        append_event(store.conn, kind="x", payload={}, at=NOW, operator=None)
