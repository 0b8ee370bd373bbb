"""Forward-only schema migrations; the file's ``PRAGMA user_version`` is the last one applied.

Append new migrations to ``MIGRATIONS``; never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

Migration = Callable[[sqlite3.Connection], None]

_V1 = """
CREATE TABLE meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE operators (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('clerk', 'supervisor', 'admin')),
    password_hash TEXT NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

CREATE TABLE enterprises (
    uscc TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('domestic', 'foreign_invested')),
    contact_name TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);

CREATE TABLE agents (
    id INTEGER PRIMARY KEY,
    enterprise_uscc TEXT NOT NULL REFERENCES enterprises(uscc),
    name TEXT NOT NULL,
    id_hash TEXT NOT NULL,
    id_masked TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1,
    UNIQUE (enterprise_uscc, id_hash)
);

CREATE TABLE keys (
    id INTEGER PRIMARY KEY,
    token_serial TEXT UNIQUE,
    login_name TEXT NOT NULL DEFAULT '',
    enterprise_uscc TEXT NOT NULL REFERENCES enterprises(uscc),
    kind TEXT NOT NULL,
    replaces_key_id INTEGER REFERENCES keys(id),
    cert_fingerprint TEXT,
    subject_o TEXT,
    not_after TEXT,
    state TEXT NOT NULL,
    state_since TEXT NOT NULL
);
CREATE INDEX keys_enterprise ON keys(enterprise_uscc, state);

CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    tracking_code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    enterprise_uscc TEXT REFERENCES enterprises(uscc),
    key_id INTEGER REFERENCES keys(id),
    state TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    due_on TEXT,
    due_estimated INTEGER NOT NULL DEFAULT 0,
    closed_at TEXT,
    operator TEXT NOT NULL REFERENCES operators(username),
    outcome TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cases_open_due ON cases(state, due_on);
CREATE INDEX cases_enterprise ON cases(enterprise_uscc);

CREATE TABLE tracking_sequences (
    day TEXT PRIMARY KEY,
    last_sequence INTEGER NOT NULL
);

CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    case_id INTEGER REFERENCES cases(id),
    key_id INTEGER REFERENCES keys(id),
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    at TEXT NOT NULL,
    operator TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    synced_at TEXT
);
CREATE INDEX events_case ON events(case_id);
CREATE INDEX events_unsynced ON events(seq) WHERE synced_at IS NULL;

-- The newest event's hash, kept apart so that cutting events off the end is caught.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);

-- The trail is append-only: only the sync mark may change afterwards.
CREATE TRIGGER events_no_update BEFORE UPDATE OF
    seq, uuid, case_id, key_id, kind, payload, at, operator, prev_hash, hash ON events
BEGIN
    SELECT RAISE(ABORT, 'audit events cannot be changed');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'audit events cannot be deleted');
END;

CREATE TABLE receipts (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    template TEXT NOT NULL,
    escpos BLOB NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'printed', 'failed')),
    copies INTEGER NOT NULL DEFAULT 1,
    error TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    printed_at TEXT
);
CREATE INDEX receipts_case ON receipts(case_id);
"""


def _v1_initial(conn: sqlite3.Connection) -> None:
    for statement in _split_statements(_V1):
        conn.execute(statement)


def _split_statements(script: str) -> list[str]:
    """Split a script into whole statements (executescript would COMMIT our transaction)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    return statements


_V2 = """
-- Workflows (issue 5): who confirmed a case (two people for a cancellation), the
-- agent's rating of the service, and shipments of cancelled keys to the provider.
ALTER TABLE cases ADD COLUMN confirmed_by TEXT REFERENCES operators(username);
ALTER TABLE cases ADD COLUMN confirmed_at TEXT;
ALTER TABLE cases ADD COLUMN rating TEXT;
ALTER TABLE cases ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0;

CREATE TABLE shipments (
    id INTEGER PRIMARY KEY,
    tracking_code TEXT NOT NULL UNIQUE,
    courier TEXT NOT NULL,
    waybill TEXT NOT NULL,
    shipped_at TEXT NOT NULL,
    operator TEXT NOT NULL REFERENCES operators(username)
);

CREATE TABLE shipment_items (
    shipment_id INTEGER NOT NULL REFERENCES shipments(id),
    case_id INTEGER NOT NULL UNIQUE REFERENCES cases(id),
    PRIMARY KEY (shipment_id, case_id)
);
"""


def _v2_workflows(conn: sqlite3.Connection) -> None:
    for statement in _split_statements(_V2):
        conn.execute(statement)


_V3 = """
-- A cancellation the provider refused goes out again in a later parcel: a case may be in
-- more than one shipment.
CREATE TABLE shipment_items_v3 (
    shipment_id INTEGER NOT NULL REFERENCES shipments(id),
    case_id INTEGER NOT NULL REFERENCES cases(id),
    PRIMARY KEY (shipment_id, case_id)
);
INSERT INTO shipment_items_v3 (shipment_id, case_id)
    SELECT shipment_id, case_id FROM shipment_items;
DROP TABLE shipment_items;
ALTER TABLE shipment_items_v3 RENAME TO shipment_items;
CREATE INDEX shipment_items_case ON shipment_items(case_id);
"""


def _v3_reship(conn: sqlite3.Connection) -> None:
    for statement in _split_statements(_V3):
        conn.execute(statement)


_V4 = """
-- The case list and the daily report (issue 5) stay fast on a large store: newest first
-- within a state, a kind, an enterprise or a key; cases opened or closed on a day.
CREATE INDEX cases_opened ON cases(opened_at);
CREATE INDEX cases_closed ON cases(closed_at);
CREATE INDEX cases_state_opened ON cases(state, opened_at);
CREATE INDEX cases_kind_opened ON cases(kind, opened_at);
CREATE INDEX cases_enterprise_opened ON cases(enterprise_uscc, opened_at);
CREATE INDEX cases_key_opened ON cases(key_id, opened_at);
-- cases_enterprise_opened starts with enterprise_uscc: the older index is redundant.
DROP INDEX cases_enterprise;
"""


def _v4_case_search(conn: sqlite3.Connection) -> None:
    for statement in _split_statements(_V4):
        conn.execute(statement)


_V5 = """
-- Finding a key by its serial as typed (any case) without reading the whole keys table.
CREATE INDEX keys_serial_upper ON keys(upper(token_serial));
"""


def _v5_key_serial_search(conn: sqlite3.Connection) -> None:
    for statement in _split_statements(_V5):
        conn.execute(statement)


_V6 = """
-- What the centre said of each event it confirmed: 'stored', or 'refused' with its reason
-- (a business rule it breaks); the sync cursor and last results live in meta.
ALTER TABLE events ADD COLUMN sync_status TEXT
    CHECK (sync_status IS NULL OR sync_status IN ('stored', 'refused'));
ALTER TABLE events ADD COLUMN sync_note TEXT;
CREATE INDEX events_refused ON events(seq) WHERE sync_status = 'refused';
"""


def _v6_sync_answers(conn: sqlite3.Connection) -> None:
    for statement in _split_statements(_V6):
        conn.execute(statement)


MIGRATIONS: list[Migration] = [
    _v1_initial,
    _v2_workflows,
    _v3_reship,
    _v4_case_search,
    _v5_key_serial_search,
    _v6_sync_answers,
]
SCHEMA_VERSION = len(MIGRATIONS)
