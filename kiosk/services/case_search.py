"""The case list: today's, open or overdue cases, or all of them, by kind, found by tracking
code, USCC, company name (partial, Chinese) or token serial; newest first.

Every query walks an index (migration 4): a search by code, USCC or serial reads only that
case's rows; a partial name that matches a few enterprises reads only their cases; one that
matches many walks the cases newest first and stops at ``limit``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final, Literal, get_args

from data.models import Case, CaseKind
from data.store import Store
from kiosk.errors import ValidationError
from kiosk.rules.normalize import normalize_code
from kiosk.rules.tracking import parse_tracking_code
from kiosk.services.cases import deadline_pending

Scope = Literal["today", "open", "overdue", "all"]
SCOPES: Final = get_args(Scope)
"""The case lists, in the order the screen offers them."""

FEW_ENTERPRISES: Final = 200
"""Up to this many enterprises matched by name: read their cases through the enterprise
index; more: walk all cases newest first and keep those whose enterprise matches."""


@dataclass(frozen=True)
class CaseRow:
    """A case in the list, with its enterprise's name ("" when it has none)."""

    case: Case
    enterprise_name: str


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filters(scope: Scope, kind: CaseKind | None, today: date) -> tuple[list[str], list[object]]:
    """The WHERE terms (on ``c``, the cases) of a list and kind, with their parameters."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    terms: list[str] = []
    params: list[object] = []
    if scope == "today":
        terms.append("c.opened_at >= ? AND c.opened_at < ?")
        params += [today.isoformat(), (today + timedelta(days=1)).isoformat()]
    elif scope == "open":
        terms.append("c.state = 'open'")
    elif scope == "overdue":
        terms.append(f"c.state = 'open' AND c.due_on < ? AND {deadline_pending('c.')}")
        params.append(today.isoformat())
    if kind is not None:
        terms.append("c.kind = ?")
        params.append(CaseKind(kind).value)
    return terms, params


_SELECT = "SELECT c.*, coalesce(e.name, '') AS enterprise_name FROM cases c"
_ORDER = " ORDER BY c.opened_at DESC, c.id DESC LIMIT ?"


def _rows(store: Store, sql: str, params: list[object]) -> list[CaseRow]:
    rows = []
    for row in store.query(sql, tuple(params)):
        values = dict(row)
        name = values.pop("enterprise_name")
        rows.append(CaseRow(Case.model_validate(values), name))
    return rows


def search_cases(
    store: Store,
    *,
    text: str = "",
    kind: CaseKind | None = None,
    scope: Scope = "open",
    today: date,
    limit: int = 100,
) -> list[CaseRow]:
    """Cases in the list ``scope`` (opened ``today``; open; open past their due date; all),
    of ``kind`` if given, that ``text`` names, newest first, at most ``limit``.

    ``text`` is a tracking code (typed, scanned, or the receipt's QR URL), a USCC, a token
    serial, or part of a company name; empty text lists the whole scope.

    Raises:
        ValidationError: ``tracking.bad_check`` / ``tracking.bad_date``: the text is shaped
            like a tracking code but mistyped (refused rather than matched to nothing).
    """
    terms, params = _filters(scope, kind, today)
    query = text.strip()
    join = " LEFT JOIN enterprises e ON e.uscc = c.enterprise_uscc"
    if not query:
        where = f" WHERE {' AND '.join(terms)}" if terms else ""
        return _rows(store, _SELECT + join + where + _ORDER, [*params, limit])

    try:
        code: str | None = parse_tracking_code(query).text()
    except ValidationError as error:
        if error.key in ("tracking.bad_check", "tracking.bad_date"):
            raise
        code = None
    if code is not None:
        where = " WHERE " + " AND ".join(["c.tracking_code = ?", *terms])
        return _rows(store, _SELECT + join + where + _ORDER, [code, *params, limit])

    normal = normalize_code(query)
    usccs = [normal] if normal else []
    serials = sorted({query, query.lower(), query.upper(), normal, normal.lower()} - {""})
    key_ids = [
        int(r[0])
        for r in store.query(
            f"SELECT id FROM keys WHERE token_serial IN ({', '.join('?' * len(serials))})",
            tuple(serials),
        )
    ]
    named: list[str] = []
    if not key_ids and not store.query_one("SELECT 1 FROM enterprises WHERE uscc = ?", (normal,)):
        # Not a USCC or token serial: part of a name (a scan of the names, never of cases).
        named = [
            str(r[0])
            for r in store.query(
                "SELECT uscc FROM enterprises WHERE name LIKE ? ESCAPE '\\' LIMIT ?",
                (_like(query), FEW_ENTERPRISES + 1),
            )
        ]
    if len(named) > FEW_ENTERPRISES:
        # A common word ("有限公司"): walk the cases newest first (CROSS JOIN keeps cases
        # outside) and stop after ``limit`` matches.
        sql = (
            "SELECT c.*, e.name AS enterprise_name FROM cases c"
            " CROSS JOIN enterprises e ON e.uscc = c.enterprise_uscc"
            " WHERE (e.name LIKE ? ESCAPE '\\' OR e.uscc = ?"
            f" OR c.key_id IN ({', '.join('?' * len(key_ids)) or 'NULL'}))"
        )
        where = "".join(f" AND {term}" for term in terms)
        return _rows(store, sql + where + _ORDER, [_like(query), normal, *key_ids, *params, limit])
    usccs += [uscc for uscc in named if uscc not in usccs]
    matches = []
    if usccs:
        matches.append(f"c.enterprise_uscc IN ({', '.join('?' * len(usccs))})")
    if key_ids:
        matches.append(f"c.key_id IN ({', '.join('?' * len(key_ids))})")
    if not matches:
        return []
    where = f" WHERE ({' OR '.join(matches)})" + "".join(f" AND {term}" for term in terms)
    return _rows(store, _SELECT + join + where + _ORDER, [*usccs, *key_ids, *params, limit])
