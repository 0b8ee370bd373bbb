"""Finding a key at the counter: by scanned tracking code, USCC, company name (partial,
Chinese) or token serial."""

from __future__ import annotations

from dataclasses import dataclass

from data.models import Enterprise, Key
from data.store import Store
from kiosk.errors import ValidationError
from kiosk.rules.normalize import normalize_code
from kiosk.rules.tracking import parse_tracking_code
from kiosk.services.enterprises import get_enterprise

MAX_RESULTS = 50
KEYS_BY_USCC = "SELECT id FROM keys WHERE enterprise_uscc = ? ORDER BY id"
KEYS_BY_SERIAL = "SELECT id FROM keys WHERE upper(token_serial) = ? ORDER BY id"


@dataclass(frozen=True)
class KeyMatch:
    """A key and its enterprise."""

    key: Key
    enterprise: Enterprise | None


def find_keys(store: Store, text: str) -> list[KeyMatch]:
    """Keys whose tracking code, USCC, token serial or enterprise name matches ``text``."""
    query = text.strip()
    if not query:
        return []
    ids: list[int] = []
    try:
        code = parse_tracking_code(query).text()
    except ValidationError:
        code = None
    if code is not None:
        ids += [
            r[0]
            for r in store.query(
                "SELECT key_id FROM cases WHERE tracking_code = ? AND key_id IS NOT NULL", (code,)
            )
        ]
    normal = normalize_code(query)
    # Two indexed lookups (an OR of the two would read the whole keys table).
    for sql, value in (KEYS_BY_USCC, normal), (KEYS_BY_SERIAL, query.upper()):
        ids += [r[0] for r in store.query(sql, (value,))]
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    ids += [
        r[0]
        for r in store.query(
            "SELECT keys.id FROM keys JOIN enterprises ON enterprises.uscc = keys.enterprise_uscc"
            " WHERE enterprises.name LIKE ? ESCAPE '\\' ORDER BY keys.id LIMIT ?",
            (f"%{escaped}%", MAX_RESULTS),
        )
    ]
    seen: list[int] = []
    for key_id in ids:
        if key_id not in seen:
            seen.append(key_id)
    matches = []
    for key_id in seen[:MAX_RESULTS]:
        row = store.query_one("SELECT * FROM keys WHERE id = ?", (key_id,))
        if row is not None:
            key = Key.from_row(row)
            matches.append(KeyMatch(key, get_enterprise(store, key.enterprise_uscc)))
    return matches
