"""Walk-in cancellation and shipment to the provider, walked on screen: take, confirm,
ship with the manifest, the provider's verdict; and the refusals."""

from __future__ import annotations

import asyncio
import json
from datetime import date, datetime

from textual.widgets import Checkbox, RadioButton

from data.models import KeyState
from devices.printer import MemoryPrinter
from devices.token_memory import MemoryTokenReader
from kiosk.app import KioskApp
from kiosk.clock import CHINA_TZ
from kiosk.services import keys as moves
from screens.cancellation import CancellationScreen
from screens.receipt_preview import ReceiptPreviewScreen
from screens.shipment import ShipmentScreen
from tests.conftest import NOW, PASSWORDS
from tests.services import test_cancellation as svc
from tests.services.test_intake_notice_handover import ID_NUMBER
from tests.ui.helpers import log_in, screen_text, settle
from tests.ui.test_handover_screen import setup_records
from tests.ui.test_token_screens import key, plug

SIZE = (120, 60)
WAYBILL = "SF1234567890"


def handed_over_key(context) -> int:
    """SN-01 of 北京华贸 (O of good_rsa.der), received and handed over."""
    setup_records(context)
    key_id = context.store.query_one("SELECT id FROM keys WHERE token_serial = 'SN-01'")[0]
    moves.hand_over_key(context.store, key_id, operator="clerk", now=NOW)
    return key_id


def key_state(context, serial: str = "SN-01") -> str:
    row = context.store.query_one("SELECT state FROM keys WHERE token_serial = ?", (serial,))
    return str(row[0])


def cancellation_cases(context) -> list:
    return context.store.query("SELECT * FROM cases WHERE kind = 'cancellation'")


async def wait(pilot) -> None:
    for _ in range(4):
        await asyncio.sleep(0.05)
        await settle(pilot)


async def open_screen(pilot, screen, user: str = "clerk") -> None:
    await log_in(pilot, user, PASSWORDS[user])
    pilot.app.push_screen(screen)
    await settle(pilot)
    assert pilot.app.screen is screen


async def to_details(pilot) -> None:
    """Find the key of 华贸, pick it and check its authorised agent."""
    app = pilot.app
    app.screen.query_one("#cx-search").value = "华贸"
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    app.screen.query_one("#cx-agent-id").value = ID_NUMBER
    await pilot.press("enter")
    await settle(pilot)
    assert "第三步" in screen_text(app)


def choose(screen, reason: str, *documents: str) -> None:
    screen.query_one(f"#cx-reason-{reason}", RadioButton).value = True
    for document in documents:
        screen.query_one(f"#cx-doc-{document}", Checkbox).value = True


async def test_a_damaged_key_brought_by_its_agent_is_taken_and_printed(context, operators):
    handed_over_key(context)
    reader, printer = MemoryTokenReader(), MemoryPrinter()
    context.token_reader, context.printer = reader, printer
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        screen = CancellationScreen()
        await open_screen(pilot, screen)
        await to_details(pilot)
        choose(screen, "damaged", "sealed_form", "key")
        await plug(pilot, reader, key("SN-01"))
        await wait(pilot)
        assert "已读取钥匙 SN-01" in screen_text(app)
        await pilot.press("f5")
        await wait(pilot)
        assert isinstance(app.screen, ReceiptPreviewScreen)
        step = str(screen.query_one("#cx-step").render())
        assert "2026-11-27" in step and "还剩 2 个工作日" in step
        preview = screen_text(app).replace(" ", "")
        assert "钥匙注销受理回执" in preview and "窗口存档联" in preview
        await pilot.press("f5")
        await wait(pilot)
        (receipt,) = context.store.query("SELECT template, copies, escpos FROM receipts")
        assert receipt["template"] == "cancellation" and receipt["copies"] == 2
        assert receipt["escpos"].count(b"\x1dV") == 2
        assert printer.printed == [receipt["escpos"]]
    (case,) = cancellation_cases(context)
    assert case["due_on"] == "2026-11-27" and case["operator"] == "clerk"
    assert key_state(context) == "cancel_requested"


async def test_a_different_key_or_a_key_pulled_out_is_refused(context, operators):
    handed_over_key(context)
    reader = MemoryTokenReader()
    context.token_reader = reader
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        screen = CancellationScreen()
        await open_screen(pilot, screen)
        await to_details(pilot)
        choose(screen, "no_longer_used", "sealed_form", "key")
        await plug(pilot, reader, key("SN-77"))
        await wait(pilot)
        assert "SN-77 与记录 SN-01 不符" in screen_text(app)
        await pilot.press("f5")
        await settle(pilot)
        assert "这不是要注销的钥匙" in screen_text(app)
        await plug(pilot, reader, remove="SN-77")
        await plug(pilot, reader, key("SN-01"))
        await wait(pilot)
        assert "已读取钥匙 SN-01" in screen_text(app)
        await plug(pilot, reader, remove="SN-01")
        await wait(pilot)
        assert "钥匙 SN-01 已被拔出" in screen_text(app)
        await pilot.press("f5")
        await settle(pilot)
        assert "请插入钥匙，读取序列号后再受理" in screen_text(app)
        assert app.screen is screen
    assert cancellation_cases(context) == []
    assert key_state(context) == "handed_over"


async def test_a_lost_key_with_a_written_statement_needs_no_key(context, operators):
    handed_over_key(context)
    context.token_reader, context.printer = MemoryTokenReader(), MemoryPrinter()
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        screen = CancellationScreen()
        await open_screen(pilot, screen)
        await to_details(pilot)
        choose(screen, "lost", "sealed_form")
        await pilot.press("f5")
        await settle(pilot)
        assert "钥匙遗失的，须提交书面说明" in screen_text(app)
        assert cancellation_cases(context) == []
        choose(screen, "lost", "written_statement")
        await pilot.press("f5")
        await wait(pilot)
        assert isinstance(app.screen, ReceiptPreviewScreen)
        assert "钥匙遗失书面说明" in screen_text(app)
    (case,) = cancellation_cases(context)
    opened = context.store.query_one(
        "SELECT payload FROM events WHERE case_id = ? AND kind = 'case.opened'", (case["id"],)
    )
    assert json.loads(opened[0])["documents"] == ["sealed_form", "written_statement"]
    assert key_state(context) == "cancel_requested"


async def test_missing_form_is_refused(context, operators):
    handed_over_key(context)
    reader = MemoryTokenReader()
    context.token_reader = reader
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        screen = CancellationScreen()
        await open_screen(pilot, screen)
        await to_details(pilot)
        choose(screen, "damaged", "key")
        await plug(pilot, reader, key("SN-01"))
        await wait(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert "缺少加盖公章的注销申请表" in screen_text(app)
        assert app.screen is screen
    assert cancellation_cases(context) == []


async def test_the_clerk_cannot_confirm_their_own_cancellation_a_supervisor_can(context, operators):
    svc.add_enterprise(context)
    case = svc.take(context, svc.key_in_state(context, KeyState.HANDED_OVER), operator="clerk")
    context.token_reader = MemoryTokenReader()
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        screen = CancellationScreen()
        await open_screen(pilot, screen)
        assert case.tracking_code in screen_text(app)
        screen.query_one("#cx-conf-name").value = "clerk"
        screen.query_one("#cx-conf-password").value = PASSWORDS["clerk"]
        await pilot.press("f6")
        await settle(pilot)
        assert "受理人不能确认自己受理的注销" in screen_text(app)
        assert context.store.query_one("SELECT confirmed_by FROM cases")[0] is None
        screen.query_one("#cx-conf-name").value = "super"
        screen.query_one("#cx-conf-password").value = PASSWORDS["super"]
        await pilot.press("f6")
        await settle(pilot)
        assert f"注销 {case.tracking_code} 已由 super 确认" in screen_text(app)
        assert "没有待确认的注销" in screen_text(app)
    assert context.store.query_one("SELECT confirmed_by FROM cases")[0] == "super"


async def test_ship_with_the_manifest_then_the_providers_verdict(context, operators):
    svc.add_enterprise(context)
    late = svc.take(context, svc.key_in_state(context, KeyState.HANDED_OVER))
    early = svc.take(
        context,
        svc.key_in_state(context, KeyState.HANDED_OVER, serial="SN-C-0002"),
        key_serial_read="SN-C-0002",
        now=datetime(2026, 11, 20, 9, 0, tzinfo=CHINA_TZ),
    )
    assert early.due_on == date(2026, 11, 24)  # before NOW: overdue
    svc.confirm(context, late.id)
    svc.confirm(context, early.id)
    printer = MemoryPrinter()
    context.token_reader, context.printer = MemoryTokenReader(), printer
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        screen = ShipmentScreen()
        await open_screen(pilot, screen)
        text = screen_text(app)
        assert text.index(early.tracking_code) < text.index(late.tracking_code)
        assert f"【已逾期】{early.tracking_code}" in text
        assert f"【已逾期】{late.tracking_code}" not in text
        await pilot.press("f5")
        await settle(pilot)
        assert "请选择要寄送的注销业务" in screen_text(app)
        await pilot.press("space")  # the highlighted (first, overdue) one
        screen.query_one("#sh-courier").value = "顺丰速运"
        screen.query_one("#sh-waybill").value = WAYBILL
        await pilot.press("f5")
        await wait(pilot)
        assert isinstance(app.screen, ReceiptPreviewScreen)
        await pilot.press("f5")
        await wait(pilot)
        (receipt,) = context.store.query("SELECT template, escpos FROM receipts")
        assert receipt["template"] == "shipment_manifest"
        assert WAYBILL.encode() in receipt["escpos"] and printer.printed == [receipt["escpos"]]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert key_state(context, "SN-C-0002") == "shipped"
        assert key_state(context, svc.SERIAL) == "cancel_requested"
        assert "已寄送 1 件" in screen_text(app)
        await pilot.press("f8")
        await settle(pilot)
        assert "服务商退回的，请填写退回原因" in screen_text(app)
        await pilot.press("f7")
        await settle(pilot)
        assert f"业务 {early.tracking_code}：服务商已注销" in screen_text(app)
        assert "没有等待服务商结果的注销" in screen_text(app)
    assert key_state(context, "SN-C-0002") == "cancelled"
    row = context.store.query_one("SELECT state, outcome FROM cases WHERE id = ?", (early.id,))
    assert tuple(row) == ("closed", "cancelled")
