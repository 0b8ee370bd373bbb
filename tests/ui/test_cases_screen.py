"""The case list (search, lists, Enter opens the case) and the agent's rating on the case."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Select

from data.audit import verify_chain
from kiosk.app import KioskApp
from kiosk.services.cases import get_case
from kiosk.services.rating import flagged_cases
from screens.case import CaseScreen
from screens.cases import CasesScreen
from tests.conftest import PASSWORDS
from tests.services.test_case_search_report import make_records
from tests.ui.helpers import log_in, screen_text, settle


def table_codes(app: KioskApp) -> list[str]:
    table = app.screen.query_one("#cases-table", DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def test_search_by_partial_chinese_name_and_open_the_case(context, operators) -> None:
    records = make_records(context)
    app = KioskApp(context)
    async with app.run_test(size=(130, 44)) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        app.push_screen(CasesScreen())
        await settle(pilot)
        assert isinstance(app.screen, CasesScreen)
        open_codes = [
            c.tracking_code for c in (records.orphan, records.handover, records.old_intake)
        ]
        assert table_codes(app) == open_codes  # the open list, newest first
        search = app.screen.query_one("#cases-search", Input)
        assert search.has_focus
        search.value = "华贸"
        await pilot.press("enter")
        await settle(pilot)
        assert table_codes(app) == [records.handover.tracking_code]
        table = app.screen.query_one("#cases-table", DataTable)
        assert table.has_focus
        row = [str(cell) for cell in table.get_row_at(0)]
        assert row[1:3] == ["钥匙领取", "北京华贸进出口有限公司"]
        assert row[4] == "2026-12-02（还剩 5 个工作日）" and row[5] == "办理中"
        assert "共 1 条业务" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        assert app.screen.case.id == records.handover.id
        assert f"业务单号：{records.handover.tracking_code}" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CasesScreen)


async def test_the_overdue_list_and_the_kind_filter(context, operators) -> None:
    records = make_records(context)
    app = KioskApp(context)
    async with app.run_test(size=(130, 44)) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        app.push_screen(CasesScreen())
        await settle(pilot)
        app.screen.query_one("#cases-scope", Select).value = "overdue"
        await settle(pilot)
        assert table_codes(app) == [records.old_intake.tracking_code]
        row = [str(cell) for cell in app.screen.query_one("#cases-table", DataTable).get_row_at(0)]
        assert row[4] == "2026-11-17（已逾期 6 个工作日）"
        app.screen.query_one("#cases-scope", Select).value = "all"
        app.screen.query_one("#cases-kind", Select).value = "cert_check"
        await settle(pilot)
        assert table_codes(app) == [records.closed_check.tracking_code]
        search = app.screen.query_one("#cases-search", Input)
        search.focus()
        search.value = "没有这家公司"
        await pilot.press("enter")
        await settle(pilot)
        assert table_codes(app) == []
        assert "没有符合条件的业务" in screen_text(app)


async def test_a_dissatisfied_rating_is_flagged_for_the_supervisor(context, operators) -> None:
    records = make_records(context)
    app = KioskApp(context)
    async with app.run_test(size=(130, 44)) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        app.push_screen(CaseScreen(records.handover))
        await settle(pilot)
        assert "服务评价（请办事人选择）：1 非常满意" in screen_text(app)
        await pilot.press("4")  # 不满意
        await settle(pilot)
        text = screen_text(app)
        assert "服务评价：不满意" in text and "差评已标记，待主管跟进处理" in text
        case = get_case(context.store, records.handover.id)
        assert case.rating == "dissatisfied" and case.flagged
        assert [c.id for c in flagged_cases(context.store)] == [case.id]
        await pilot.press("1")  # rated once only
        await settle(pilot)
        assert "不能重复评价" in screen_text(app)
        assert get_case(context.store, records.handover.id).rating == "dissatisfied"
        assert verify_chain(context.store.conn).ok
