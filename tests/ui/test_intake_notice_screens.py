"""The key intake and notice screens, driven with Pilot, the in-memory reader and printer."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from textual.widgets import OptionList

from data.models import EnterpriseKind
from devices.printer import MemoryPrinter
from devices.token_memory import MemoryTokenReader
from kiosk.app import KioskApp
from kiosk.rules.key_limits import KeyKind
from kiosk.services.enterprises import expect_key, save_enterprise
from kiosk.services.intake import receive_inserted_key
from screens.intake import IntakeScreen
from screens.notice import NoticeScreen
from screens.receipt_preview import ReceiptPreviewScreen
from tests.conftest import NOW, PASSWORDS
from tests.services.test_intake_notice_handover import reading
from tests.ui.helpers import log_in, screen_text, settle
from tests.ui.test_token_screens import key, plug

USCC = "91110108MA01A2B3CF"  # the O of tests/fixtures/certs/good_rsa.der
NAME = "北京华贸进出口有限公司"
PHONE = "13812345678"
SIZE = (140, 44)


def enterprise(context) -> None:
    save_enterprise(
        context.store,
        uscc=USCC,
        name=NAME,
        kind=EnterpriseKind.DOMESTIC,
        operator="admin",
        now=NOW,
        contact_name="李华",
        contact_phone=PHONE,
    )


def expect(context, serial: str, kind: KeyKind = KeyKind.FIRST) -> None:
    expect_key(context.store, uscc=USCC, token_serial=serial, kind=kind, operator="clerk", now=NOW)


def key_state(context, serial: str) -> str:
    row = context.store.query_one("SELECT state FROM keys WHERE token_serial = ?", (serial,))
    return row[0]


async def wait(pilot) -> None:
    for _ in range(3):
        await asyncio.sleep(0.05)
        await settle(pilot)


async def open_screen(pilot, screen) -> None:
    await log_in(pilot, "clerk", PASSWORDS["clerk"])
    pilot.app.push_screen(screen)
    await settle(pilot)


async def fill_expected(pilot, serial: str, kind: KeyKind) -> None:
    screen = pilot.app.screen
    screen.query_one("#in-uscc").value = USCC
    screen.query_one("#in-serial").value = serial
    screen.query_one("#in-kind").value = kind.value
    await settle(pilot)
    screen.query_one("#in-expect").press()
    await settle(pilot)


async def test_keys_entered_by_hand_and_a_fourth_refused(context, operators) -> None:
    enterprise(context)
    context.token_reader = MemoryTokenReader()
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, IntakeScreen())
        await fill_expected(pilot, "SN-01", KeyKind.FIRST)
        assert "已登记待接收钥匙 SN-01" in screen_text(app)
        assert key_state(context, "SN-01") == "expected"
        expect(context, "SN-02", KeyKind.ADDITIONAL)
        expect(context, "SN-03", KeyKind.ADDITIONAL)
        await fill_expected(pilot, "SN-04", KeyKind.ADDITIONAL)
        text = screen_text(app)
        assert "每家企业最多3把" in text
        await fill_expected(pilot, "SN-01", KeyKind.REPLACEMENT)
        assert app.screen.query_one("#in-replaces").display
        assert "补办请填写被替换钥匙的序列号" in screen_text(app)
    count = context.store.query_one("SELECT count(*) FROM keys")[0]
    assert count == 3


async def test_an_inserted_key_is_received_and_the_list_prints(context, operators) -> None:
    enterprise(context)
    expect(context, "SN-01")
    reader, printer = MemoryTokenReader(), MemoryPrinter()
    context.token_reader, context.printer = reader, printer
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, IntakeScreen())
        await plug(pilot, reader, key("SN-01"))
        await wait(pilot)
        text = screen_text(app)
        assert "已接收  SN-01" in text and "通知截止 2026-11-27" in text
        (case,) = context.store.query("SELECT * FROM cases WHERE kind = 'intake'")
        assert case["due_on"] == "2026-11-27" and case["state"] == "open"
        assert key_state(context, "SN-01") == "received"
        await plug(pilot, reader, remove="SN-01")  # nothing read again, nothing recorded
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptPreviewScreen)
        await pilot.press("f5")
        await wait(pilot)
    (receipt,) = context.store.query("SELECT case_id, template, escpos FROM receipts")
    assert receipt["case_id"] == case["id"] and receipt["template"] == "intake_list"
    assert printer.printed == [receipt["escpos"]]
    assert NAME.encode("gb18030") in printer.printed[0]


async def test_a_key_with_no_record_is_set_aside(context, operators) -> None:
    enterprise(context)
    reader = MemoryTokenReader()
    context.token_reader = reader
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, IntakeScreen())
        await plug(pilot, reader, key("SN-77"))
        await wait(pilot)
        text = screen_text(app)
        assert "单独存放  SN-77" in text and "不在待接收清单中" in text
        await pilot.press("p")
        await settle(pilot)
        assert "没有可打印的清单" in screen_text(app)
        await pilot.press("f2")  # in English, the session's list stays
        await settle(pilot)
        assert "SET ASIDE  SN-77" in screen_text(app)
    assert context.store.query("SELECT * FROM keys") == []
    (case,) = context.store.query("SELECT * FROM cases WHERE kind = 'intake'")
    assert case["outcome"] == "set_aside"


async def test_notice_lists_overdue_first_and_records_the_notice(context, operators) -> None:
    enterprise(context)
    expect(context, "SN-01")
    expect(context, "SN-02", KeyKind.ADDITIONAL)
    for serial, when in (("SN-01", NOW), ("SN-02", NOW - timedelta(days=7))):
        receive_inserted_key(
            context.store,
            reading(serial),
            counter=context.counter,
            operator="clerk",
            now=when,
            calendar=context.calendar,
            notice_workdays=2,
        )
    context.token_reader = MemoryTokenReader()
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, NoticeScreen())
        listing = app.screen.query_one("#nt-list", OptionList)
        first, second = (str(option.prompt) for option in listing.options)
        assert first.startswith("逾期 3 个工作日") and "SN-02" in first
        assert second.startswith("还剩 2 个工作日") and "截止 2026-11-27" in second
        assert "138****5678" in first and PHONE not in screen_text(app)
        app.screen.query_one("#nt-channel").value = "phone"
        app.screen.query_one("#nt-delivery").value = "collect"
        listing.focus()
        listing.highlighted = 1
        await pilot.press("enter")
        await settle(pilot)
        assert "已通过电话通知" in screen_text(app)
        assert [str(option.prompt) for option in listing.options] == [first]
    (case,) = context.store.query(
        "SELECT c.* FROM cases c JOIN keys k ON k.id = c.key_id WHERE k.token_serial = 'SN-01'"
    )
    assert case["state"] == "closed" and case["outcome"] == "notified:phone:collect"
    assert key_state(context, "SN-01") == "notified"
    assert key_state(context, "SN-02") == "received"
    assert date.fromisoformat(case["due_on"]) == date(2026, 11, 27)
