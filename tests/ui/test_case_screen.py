"""A scanned tracking code opens its case; the case screen shows the history and reprints."""

from __future__ import annotations

import asyncio

from data.models import CaseKind
from devices.printer import MemoryPrinter
from kiosk.app import KioskApp
from kiosk.services.cases import open_case
from kiosk.services.receipts import send_receipt, store_receipt
from screens.case import CaseScreen
from screens.home import HomeScreen
from tests.conftest import NOW, PASSWORDS
from tests.ui.helpers import log_in, screen_text, settle


def case_with_failed_receipt(context) -> str:
    case = open_case(
        context.store,
        kind=CaseKind.UNLOCK_HELP,
        counter=context.counter,
        operator="clerk",
        now=NOW,
        calendar=context.calendar,
        due_in_workdays=3,
    )
    receipt = store_receipt(
        context.store,
        case_id=case.id,
        template="unlock_slip",
        data=b"\x1b@slip\x1dV\x00",
        copies=1,
        operator="clerk",
        now=NOW,
    )
    send_receipt(
        context.store, MemoryPrinter(fail_with="paper_out"), receipt.id, operator="clerk", now=NOW
    )
    return case.tracking_code


async def test_a_scanned_code_opens_its_case_and_reprints(context, operators) -> None:
    code = case_with_failed_receipt(context)
    printer = MemoryPrinter()
    context.printer = printer
    app = KioskApp(context)
    async with app.run_test(size=(110, 44)) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        await pilot.press(*code)  # the scanner types the code...
        assert app.screen.query_one("#home-scan").value == code
        await pilot.press("enter")  # ...and presses Enter
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen), screen_text(app)
        text = screen_text(app)
        assert f"业务单号：{code}" in text
        assert "PIN码解锁帮助" in text and "办理中" in text
        assert "办理期限：2026-11-30（还剩 3 个工作日）" in text
        history = app.screen.query_one("#case-history")
        kinds = [str(history.get_row_at(i)[1]) for i in range(history.row_count)]
        assert kinds == ["case.opened", "receipt.stored", "receipt.failed"]
        receipts = app.screen.query_one("#case-receipts")
        assert "打印失败 (缺纸)" in str(receipts.get_row_at(0)[1])
        await pilot.press("r")
        for _ in range(3):
            await asyncio.sleep(0.05)
            await settle(pilot)
        assert "已重新打印" in screen_text(app)
        assert printer.printed == [b"\x1b@slip\x1dV\x00"]
        assert str(receipts.get_row_at(0)[1]) == "已打印"


async def test_a_code_with_a_wrong_check_character_is_refused(context, operators) -> None:
    code = case_with_failed_receipt(context)
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    app = KioskApp(context)
    async with app.run_test(size=(110, 44)) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        await pilot.press("b")
        app.screen.query_one("#home-scan").value = wrong
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "校验" in screen_text(app)


async def test_a_scanned_qr_url_opens_the_case_too(context, operators) -> None:
    code = case_with_failed_receipt(context)
    app = KioskApp(context)
    async with app.run_test(size=(110, 44)) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        await pilot.press("h")
        app.screen.query_one("#home-scan").value = f"https://www.licence.org.cn/track/{code}"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)


async def test_a_supervisor_sees_and_follows_up_a_dissatisfied_rating(context, operators):
    from kiosk.services.rating import rate_service

    code = case_with_failed_receipt(context)
    case_id = context.store.query_one("SELECT id FROM cases WHERE tracking_code = ?", (code,))[0]
    rate_service(
        context.store,
        case_id=case_id,
        rating="very_dissatisfied",
        now=NOW,
        in_service_flow=True,
    )
    app = KioskApp(context)
    async with app.run_test(size=(110, 44)) as pilot:
        await log_in(pilot, "super", PASSWORDS["super"])
        assert "差评待跟进：1 件" in screen_text(app)
        await pilot.press(*code, "enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("f")
        await settle(pilot)
        assert "标记已解除" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert "差评待跟进" not in screen_text(app)
    assert context.store.query_one("SELECT flagged FROM cases WHERE id = ?", (case_id,))[0] == 0
