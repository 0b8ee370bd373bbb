"""What the fault tests check in the store: a snapshot to compare before and after a step,
and the invariants that rule out a half-recorded case (every row with its events, every
key in the state its latest move says, an unbroken audit chain)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from data.audit import verify_chain
from data.store import Store

KEY_MOVES = (
    "received",
    "notified",
    "handed_over",
    "mailed",
    "cancel_requested",
    "shipped",
    "cancelled",
    "replaced",
    "lost",
)
"""Key states a ``key.<state>`` event moves a key to (``key.expected`` creates it)."""


@dataclass(frozen=True)
class Snapshot:
    """Row counts and every key's and case's state."""

    cases: int
    events: int
    receipts: int
    keys: tuple[tuple[str, str], ...]
    case_states: tuple[tuple[str, str], ...]


def snapshot(store: Store) -> Snapshot:
    """What the store holds now (read under the store's lock)."""

    def read(conn):  # type: ignore[no-untyped-def]
        count = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("cases", "events", "receipts")
        }
        keys = conn.execute("SELECT token_serial, state FROM keys ORDER BY id").fetchall()
        cases = conn.execute("SELECT tracking_code, state FROM cases ORDER BY id").fetchall()
        return Snapshot(
            count["cases"],
            count["events"],
            count["receipts"],
            tuple((str(k[0]), str(k[1])) for k in keys),
            tuple((str(c[0]), str(c[1])) for c in cases),
        )

    return store.read(read)


def problems(store: Store) -> list[str]:
    """Every way the store is half-written; empty when all is whole."""

    def read(conn):  # type: ignore[no-untyped-def]
        found: list[str] = []
        for case_id, code, state in conn.execute("SELECT id, tracking_code, state FROM cases"):
            kinds = [
                row[0]
                for row in conn.execute(
                    "SELECT kind FROM events WHERE case_id = ? ORDER BY seq", (case_id,)
                )
            ]
            if kinds.count("case.opened") != 1:
                found.append(f"case {code}: {kinds.count('case.opened')} case.opened events")
            if (state == "closed") != ("case.closed" in kinds):
                found.append(f"case {code} is {state} but its events are {kinds}")
        for key_id, serial, state in conn.execute("SELECT id, token_serial, state FROM keys"):
            moves = [
                json.loads(row[1]).get("to")
                for row in conn.execute(
                    "SELECT kind, payload FROM events WHERE key_id = ? AND kind IN ("
                    + ",".join("?" * len(KEY_MOVES))
                    + ") ORDER BY seq",
                    (key_id, *(f"key.{move}" for move in KEY_MOVES)),
                )
            ]
            expected = moves[-1] if moves else "expected"
            if state != expected:
                found.append(f"key {serial} is {state}, its latest move says {expected}")
        for receipt_id, status in conn.execute("SELECT id, status FROM receipts"):
            kinds = [
                row[0]
                for row in conn.execute(
                    "SELECT kind FROM events WHERE kind LIKE 'receipt.%'"
                    " AND json_extract(payload, '$.receipt_id') = ? ORDER BY seq",
                    (receipt_id,),
                )
            ]
            if not kinds or kinds[0] != "receipt.stored":
                found.append(f"receipt {receipt_id} has no receipt.stored event first: {kinds}")
            elif status != "pending" and kinds[-1] != f"receipt.{status}":
                found.append(f"receipt {receipt_id} is {status}, its latest event is {kinds[-1]}")
        head = conn.execute("SELECT seq FROM audit_head").fetchone()
        last = conn.execute("SELECT max(seq) FROM events").fetchone()[0]
        if (head[0] if head else None) != last:
            found.append(f"audit head at {head[0] if head else None}, last event {last}")
        report = verify_chain(conn)
        if not report.ok:
            found.append(f"audit chain broken at {report.bad_seq}: {report.problem}")
        return found

    return store.read(read)
