"""Time of the case searches the case list runs (``search_cases``: by tracking code, USCC,
partial company name and token serial; today's, open and overdue lists) on a store of
1,000,000 cases, next to the same query written as one plain ``sqlite3`` statement on the
same file (the anchor), measured in the same run. Each pair must return the same cases.

The store is seeded in a temporary folder: schema migrations 1-3, then enterprises, keys and
cases with ``executemany`` in one transaction, then the remaining migrations (the indexes of
the case list, timed: what an upgrade costs on a large store).

Run: .venv/bin/python bench/search.py [--cases 1000000] [--rounds 11] [--plans]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

from data.migrations import MIGRATIONS
from data.models import CaseKind
from data.store import Store, open_store
from kiosk.rules.tracking import make_tracking_code
from kiosk.services.case_search import Scope, search_cases

TODAY = date(2026, 11, 25)
CITIES = ("北京", "上海", "天津", "重庆", "广州", "深圳", "杭州", "南京", "苏州", "成都")
WORDS = (
    "华信",
    "中德",
    "精密",
    "仪器",
    "医药",
    "贸易",
    "科技",
    "电子",
    "新材",
    "能源",
    "汽车",
    "物流",
    "食品",
    "化工",
    "机械",
    "软件",
    "网络",
    "环保",
    "建设",
    "文化",
    "传媒",
    "咨询",
    "投资",
    "金融",
    "服装",
    "家居",
    "光电",
    "生物",
    "农业",
    "电气",
)
KINDS = [kind.value for kind in CaseKind]
DEADLINE_KINDS = {"intake": 2, "handover": 5, "mail_out": 2, "cancellation": 2}


def enterprise_name(number: int) -> str:
    city = CITIES[number % len(CITIES)]
    first = WORDS[(number // len(CITIES)) % len(WORDS)]
    second = WORDS[(number // (len(CITIES) * len(WORDS))) % len(WORDS)]
    return f"{city}{first}{second}（{number}）有限公司"


def uscc(number: int) -> str:
    return f"91110108{number:010d}"


def serial(number: int) -> str:
    return f"a7{number:014x}"


def seed(path: Path, cases: int, enterprises: int, keys: int) -> tuple[float, float]:
    """Seed the store; returns (seconds to insert, seconds for the later migrations)."""
    store = Store(path)
    for version, migration in enumerate(MIGRATIONS[:3], start=1):
        with store.transaction() as conn:
            migration(conn)
            conn.execute(f"PRAGMA user_version = {version}")
    store.close()

    rng = random.Random(5)
    start = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")  # a bulk load; open_store turns WAL back on
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -400000")
    conn.execute("BEGIN")
    conn.execute(
        "INSERT INTO operators (username, display_name, role, password_hash, created_at)"
        " VALUES ('clerk', '张敏', 'clerk', 'x', '2023-01-01T00:00:00+08:00')"
    )
    conn.executemany(
        "INSERT INTO enterprises (uscc, name, kind, updated_at) VALUES (?, ?, 'domestic', ?)",
        ((uscc(n), enterprise_name(n), "2023-01-01T00:00:00+08:00") for n in range(enterprises)),
    )
    key_owner = [rng.randrange(enterprises) for _ in range(keys)]
    conn.executemany(
        "INSERT INTO keys (id, token_serial, enterprise_uscc, kind, state, state_since)"
        " VALUES (?, ?, ?, 'new', 'handed_over', '2023-01-01T00:00:00+08:00')",
        ((n + 1, serial(n), uscc(key_owner[n])) for n in range(keys)),
    )
    per_day = 1000
    days = -(-cases // per_day)
    first_day = TODAY - timedelta(days=days - 1)

    def rows() -> Iterator[tuple[object, ...]]:
        for number in range(cases):
            day = first_day + timedelta(days=number // per_day)
            sequence = number % per_day + 1
            second = sequence * 28
            clock = f"{8 + second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
            opened = f"{day.isoformat()}T{clock}+08:00"
            kind = KINDS[rng.randrange(len(KINDS))]
            key_id = rng.randrange(keys) + 1 if rng.random() < 0.6 else None
            owner = uscc(key_owner[key_id - 1]) if key_id else uscc(rng.randrange(enterprises))
            due = day + timedelta(days=DEADLINE_KINDS[kind]) if kind in DEADLINE_KINDS else None
            age = (TODAY - day).days
            still_open = rng.random() < (0.3 if age < 10 else 0.005)
            closed = None if still_open else (day + timedelta(days=rng.randrange(4)))
            if closed is not None and closed > TODAY:
                closed = TODAY
            yield (
                make_tracking_code("BJ", 1, day, sequence).text(),
                kind,
                owner,
                key_id,
                "open" if still_open else "closed",
                opened,
                due.isoformat() if due else None,
                f"{closed.isoformat()}T16:00:00+08:00" if closed else None,
                "" if still_open else "done",
            )

    conn.executemany(
        "INSERT INTO cases (tracking_code, kind, enterprise_uscc, key_id, state, opened_at,"
        " due_on, closed_at, operator, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'clerk', ?)",
        rows(),
    )
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    inserted = time.perf_counter() - start
    start = time.perf_counter()
    open_store(path).close()
    return inserted, time.perf_counter() - start


def median_time(action: Callable[[], object], rounds: int) -> float:
    """Median of ``rounds`` calls after one warm-up, in seconds."""
    action()
    runs = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


ANCHOR_SELECT = (
    "SELECT c.*, e.name FROM cases c LEFT JOIN enterprises e ON e.uscc = c.enterprise_uscc"
)
NAMED = " WHERE c.enterprise_uscc IN (SELECT uscc FROM enterprises WHERE name LIKE ?)"
ANCHOR_ORDER = " ORDER BY c.opened_at DESC, c.id DESC LIMIT 100"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--plans", action="store_true", help="print the anchors' query plans")
    args = parser.parse_args()
    enterprises, keys = max(10, args.cases // 20), max(10, args.cases // 5)

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        inserted, migrated = seed(path, args.cases, enterprises, keys)
        size = path.stat().st_size
        store = open_store(path)
        plain = sqlite3.connect(path)
        sample = store.query_one(
            "SELECT tracking_code, enterprise_uscc FROM cases WHERE key_id IS NOT NULL"
            " ORDER BY id LIMIT 1 OFFSET ?",
            (args.cases // 2,),
        )
        assert sample is not None
        code, owner = sample
        key_serial = store.query_one(
            "SELECT token_serial FROM keys WHERE enterprise_uscc = ? LIMIT 1", (owner,)
        )[0]  # type: ignore[index]
        rare = enterprise_name(enterprises // 3)[:6]  # city + two words: a few enterprises
        common = WORDS[2]  # one word: in thousands of names
        today, tomorrow = TODAY.isoformat(), (TODAY + timedelta(days=1)).isoformat()
        searches: list[tuple[str, str, Scope, str, tuple[object, ...]]] = [
            ("by tracking code", code, "all", " WHERE c.tracking_code = ?", (code,)),
            ("by USCC", owner, "all", " WHERE c.enterprise_uscc = ?", (owner,)),
            (
                f"by partial name, few ({rare})",
                rare,
                "all",
                NAMED,
                (f"%{rare}%",),
            ),
            (
                f"by partial name, many ({common})",
                common,
                "all",
                NAMED,
                (f"%{common}%",),
            ),
            (
                "by partial name, open (有限公司)",
                "有限公司",
                "open",
                NAMED + " AND c.state = 'open'",
                ("%有限公司%",),
            ),
            (
                "by token serial",
                key_serial,
                "all",
                " JOIN keys k ON k.id = c.key_id WHERE k.token_serial = ?",
                (key_serial,),
            ),
            (
                "today's list",
                "",
                "today",
                " WHERE c.opened_at >= ? AND c.opened_at < ?",
                (today, tomorrow),
            ),
            ("open list", "", "open", " WHERE c.state = 'open'", ()),
            (
                "overdue list",
                "",
                "overdue",
                " WHERE c.state = 'open' AND c.due_on < ?",
                (today,),
            ),
        ]
        print(
            f"{args.cases:,} cases, {enterprises:,} enterprises, {keys:,} keys;"
            f" seeded in {inserted:.1f} s, case-list indexes (migration 4) built in"
            f" {migrated:.1f} s; file {size / 2**20:.0f} MiB"
        )
        print(
            f"medians of {args.rounds} runs after one warm-up; anchor = the same query as one"
            " plain sqlite3 statement (fetchall) on the same file"
        )
        heading = "search (limit 100, newest first)"
        print(f"{heading:<44} {'rows':>5} {'kiosk':>10} {'anchor':>10}  ratio")
        for label, text, scope, where, params in searches:
            sql = ANCHOR_SELECT + where + ANCHOR_ORDER

            def service(text: str = text, scope: Scope = scope) -> list[int]:
                rows = search_cases(store, text=text, scope=scope, today=TODAY, limit=100)
                return [row.case.id for row in rows]

            def anchor(sql: str = sql, params: tuple[object, ...] = params) -> list[int]:
                return [row[0] for row in plain.execute(sql, params).fetchall()]

            found = service()
            if found != anchor():
                raise SystemExit(f"{label}: the kiosk and the anchor disagree")
            kiosk_s, anchor_s = median_time(service, args.rounds), median_time(anchor, args.rounds)
            print(
                f"{label:<44} {len(found):>5} {kiosk_s * 1000:>7.2f} ms {anchor_s * 1000:>7.2f} ms"
                f"  {kiosk_s / anchor_s:5.2f}"
            )
            if args.plans:
                for row in plain.execute("EXPLAIN QUERY PLAN " + sql, params):
                    print(f"    anchor plan: {row[3]}")
        plain.close()
        store.close()


if __name__ == "__main__":
    main()
