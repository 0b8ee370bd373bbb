"""The case list's search (every way, each list, by kind) and the office's daily report."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from stdnum.cn import uscc as stdnum_uscc

from data.models import Case, CaseKind, EnterpriseKind
from kiosk.context import KioskContext
from kiosk.errors import ValidationError
from kiosk.rules.key_limits import KeyKind
from kiosk.services.case_search import search_cases
from kiosk.services.cases import close_case, open_case
from kiosk.services.enterprises import expect_key, save_enterprise
from kiosk.services.rating import rate_service
from kiosk.services.report import CSV_HEADER, daily_report, report_csv
from tests.conftest import NOW

TODAY = NOW.date()  # Wednesday 2026-11-25


def make_uscc(body: str) -> str:
    return body + stdnum_uscc.calc_check_digit(body)


HUAMAO = make_uscc("91110108MA01A2B3C")
ZHONGDE = make_uscc("91110105MA00XK7L1")


@dataclass
class Records:
    key_id: int
    handover: Case  # 华贸, with its key, opened today
    old_intake: Case  # 中德, opened 10 days ago, due 2 working days later: overdue
    closed_check: Case  # 华贸, closed today
    orphan: Case  # no enterprise


def make_records(context: KioskContext) -> Records:
    store, counter, calendar = context.store, context.counter, context.calendar
    for code, name in (
        (HUAMAO, "北京华贸进出口有限公司"),
        (ZHONGDE, "中德精密仪器（北京）有限公司"),
    ):
        save_enterprise(
            store, uscc=code, name=name, kind=EnterpriseKind.DOMESTIC, operator="admin", now=NOW
        )
    key = expect_key(
        store, uscc=HUAMAO, token_serial="a781c6c026b00960", kind=KeyKind.FIRST,
        operator="clerk", now=NOW,
    )  # fmt: skip
    old_intake = open_case(
        store, kind=CaseKind.INTAKE, counter=counter, operator="clerk",
        now=NOW - timedelta(days=10), calendar=calendar, due_in_workdays=2,
        enterprise_uscc=ZHONGDE,
    )  # fmt: skip
    closed_check = open_case(
        store, kind=CaseKind.CERT_CHECK, counter=counter, operator="clerk",
        now=NOW - timedelta(minutes=30), calendar=calendar, enterprise_uscc=HUAMAO,
    )  # fmt: skip
    closed_check = close_case(
        store, closed_check.id, outcome="done", operator="clerk", now=NOW - timedelta(minutes=20)
    )
    handover = open_case(
        store, kind=CaseKind.HANDOVER, counter=counter, operator="clerk", now=NOW,
        calendar=calendar, due_in_workdays=5, enterprise_uscc=HUAMAO, key_id=key.id,
    )  # fmt: skip
    orphan = open_case(
        store, kind=CaseKind.UNLOCK_HELP, counter=counter, operator="clerk",
        now=NOW + timedelta(minutes=1), calendar=calendar,
    )  # fmt: skip
    return Records(key.id, handover, old_intake, closed_check, orphan)


def codes(context: KioskContext, **kwargs: object) -> list[str]:
    rows = search_cases(context.store, today=TODAY, **kwargs)  # type: ignore[arg-type]
    return [row.case.tracking_code for row in rows]


def test_a_case_is_found_by_code_uscc_name_and_serial(context, operators) -> None:
    r = make_records(context)
    code = r.handover.tracking_code
    for text in (code, code.lower().replace("-", ""), f"https://x.cn/track/{code}"):
        assert codes(context, text=text, scope="all") == [code], text
    huamao = [r.handover.tracking_code, r.closed_check.tracking_code]
    assert codes(context, text=HUAMAO, scope="all") == huamao
    assert codes(context, text=" " + HUAMAO.lower(), scope="all") == huamao
    assert codes(context, text="华贸", scope="all") == huamao
    assert codes(context, text="精密仪器", scope="all") == [r.old_intake.tracking_code]
    assert codes(context, text="有限公司", scope="all") == [*huamao, r.old_intake.tracking_code]
    assert codes(context, text="A781C6C026B00960", scope="all") == [r.handover.tracking_code]
    assert codes(context, text="100%_", scope="all") == []
    rows = search_cases(context.store, text="华贸", scope="all", today=TODAY)
    assert rows[0].enterprise_name == "北京华贸进出口有限公司"


def test_a_mistyped_code_is_refused(context, operators) -> None:
    code = make_records(context).handover.tracking_code
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(ValidationError) as caught:
        search_cases(context.store, text=wrong, scope="all", today=TODAY)
    assert caught.value.key == "tracking.bad_check"


def test_the_lists_and_the_kind_filter(context, operators) -> None:
    r = make_records(context)
    newest_first = [r.orphan, r.handover, r.closed_check, r.old_intake]
    assert codes(context, scope="all") == [c.tracking_code for c in newest_first]
    assert codes(context, scope="open") == [
        c.tracking_code for c in (r.orphan, r.handover, r.old_intake)
    ]
    assert codes(context, scope="today") == [
        c.tracking_code for c in (r.orphan, r.handover, r.closed_check)
    ]
    assert codes(context, scope="overdue") == [r.old_intake.tracking_code]
    assert codes(context) == codes(context, scope="open")  # the default list
    assert codes(context, scope="all", kind=CaseKind.HANDOVER) == [r.handover.tracking_code]
    assert codes(context, scope="open", kind=CaseKind.CERT_CHECK) == []
    assert codes(context, text="华贸", scope="open") == [r.handover.tracking_code]
    assert len(codes(context, scope="all", limit=2)) == 2


def test_every_search_reads_cases_through_an_index(context, operators) -> None:
    r = make_records(context)
    statements: list[str] = []
    context.store.conn.set_trace_callback(statements.append)
    try:
        for text in ("", r.handover.tracking_code, HUAMAO, "华贸", "a781c6c026b00960"):
            for scope in ("today", "open", "overdue", "all"):
                search_cases(context.store, text=text, scope=scope, today=TODAY)  # type: ignore[arg-type]
        search_cases(context.store, scope="all", kind=CaseKind.INTAKE, today=TODAY)
    finally:
        context.store.conn.set_trace_callback(None)
    on_cases = [sql for sql in statements if " FROM cases" in sql]
    assert len(on_cases) >= 20
    for sql in on_cases:
        plan = [str(row[3]) for row in context.store.query("EXPLAIN QUERY PLAN " + sql)]
        full_scans = [step for step in plan if step.startswith("SCAN c") and "INDEX" not in step]
        assert not full_scans, (sql, plan)


def test_the_daily_report(context, operators) -> None:
    store, calendar = context.store, context.calendar
    r = make_records(context)
    # The handover (due Wed 2 Dec) closes today: met. The overdue intake closes today: missed.
    close_case(store, r.handover.id, outcome="handed_over", operator="clerk", now=NOW)
    close_case(store, r.old_intake.id, outcome="set_aside", operator="clerk", now=NOW)
    rate_service(
        store, case_id=r.handover.id, rating="very_dissatisfied", now=NOW, in_service_flow=True
    )
    rate_service(
        store, case_id=r.closed_check.id, rating="satisfied", now=NOW, in_service_flow=True
    )
    late = open_case(
        store, kind=CaseKind.MAIL_OUT, counter=context.counter, operator="clerk",
        now=NOW - timedelta(days=7), calendar=calendar, due_in_workdays=2,
    )  # fmt: skip
    report = daily_report(store, TODAY, calendar)
    assert [(line.kind, line.outcome, line.count) for line in report.opened] == [
        ("cert_check", "done", 1),
        ("handover", "handed_over", 1),
        ("unlock_help", "open", 1),
    ]
    assert report.total_opened == 3
    assert report.opened_by_kind() == {"cert_check": 1, "handover": 1, "unlock_help": 1}
    assert (report.closed, report.met, report.missed) == (3, 1, 1)
    (missed,) = report.missed_cases
    assert missed.tracking_code == r.old_intake.tracking_code
    assert missed.due_on == date(2026, 11, 17) and missed.workdays_late == 6
    assert report.open_overdue == 1  # the mail-out, due 2026-11-20
    assert report.ratings == {"satisfied": 1, "very_dissatisfied": 1}
    assert report.flagged == (r.handover.tracking_code,)
    # The day before: the intake was still open and overdue, the mail-out too.
    earlier = daily_report(store, TODAY - timedelta(days=1), calendar)
    assert earlier.total_opened == 0 and earlier.open_overdue == 2
    assert late.state.value == "open"

    rows = list(csv.reader(io.StringIO(report_csv(report))))
    assert tuple(rows[0]) == CSV_HEADER
    body = {tuple(row[1:4]): row[4] for row in rows[1:]}
    assert all(row[0] == "2026-11-25" for row in rows[1:])
    assert body[("opened", "handover", "handed_over")] == "1"
    assert body[("deadline", "", "met")] == "1"
    assert body[("deadline", "", "missed")] == "1"
    assert body[("missed", "intake", r.old_intake.tracking_code)] == "6"
    assert body[("open_overdue", "", "")] == "1"
    assert body[("rating", "", "very_dissatisfied")] == "1"
    assert body[("flagged", "", r.handover.tracking_code)] == "1"


def test_an_empty_day(context, operators) -> None:
    report = daily_report(context.store, date(2026, 1, 1), context.calendar)
    assert report.total_opened == report.closed == report.met == report.missed == 0
    lines = report_csv(report).splitlines()
    assert lines[0] == ",".join(CSV_HEADER)
    assert "2026-01-01,deadline,,met,0" in lines
