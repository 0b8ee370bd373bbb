"""The hand-over walked end to end on screen: find, check the agent, insert, print."""

from __future__ import annotations

import asyncio

from data.models import EnterpriseKind
from devices.printer import MemoryPrinter
from devices.token_memory import MemoryTokenReader
from kiosk.app import KioskApp
from kiosk.rules.key_limits import KeyKind
from kiosk.services.enterprises import add_agent, expect_key, save_enterprise
from kiosk.services.intake import receive_inserted_key
from screens.handover import HandoverScreen
from screens.receipt_preview import ReceiptPreviewScreen
from tests.conftest import NOW, PASSWORDS
from tests.services.test_intake_notice_handover import ID_NUMBER, STRANGER, USCC, reading
from tests.ui.helpers import log_in, screen_text, settle
from tests.ui.test_token_screens import key, plug


def setup_records(context) -> None:
    save_enterprise(
        context.store,
        uscc=USCC,
        name="北京华贸进出口有限公司",
        kind=EnterpriseKind.DOMESTIC,
        operator="admin",
        now=NOW,
    )
    add_agent(
        context.store,
        uscc=USCC,
        name="李华",
        id_number=ID_NUMBER,
        id_hash_key=context.id_hash_key,
        operator="admin",
        now=NOW,
    )
    expect_key(
        context.store,
        uscc=USCC,
        token_serial="SN-01",
        kind=KeyKind.FIRST,
        operator="clerk",
        now=NOW,
    )
    receive_inserted_key(
        context.store,
        reading("SN-01"),
        counter=context.counter,
        operator="clerk",
        now=NOW,
        calendar=context.calendar,
        notice_workdays=2,
    )


async def wait(pilot) -> None:
    for _ in range(4):
        await asyncio.sleep(0.05)
        await settle(pilot)


async def start(pilot, context) -> None:
    await log_in(pilot, "clerk", PASSWORDS["clerk"])
    await pilot.press("1")
    await settle(pilot)
    assert isinstance(pilot.app.screen, HandoverScreen)
    pilot.app.screen.query_one("#ho-search").value = "华贸"
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("enter")  # the highlighted (only) key
    await settle(pilot)


async def test_hand_over_end_to_end_with_its_two_copy_receipt(context, operators) -> None:
    setup_records(context)
    reader, printer = MemoryTokenReader(), MemoryPrinter()
    context.token_reader, context.printer = reader, printer
    app = KioskApp(context)
    async with app.run_test(size=(120, 44)) as pilot:
        await start(pilot, context)
        assert "北京华贸进出口有限公司" in screen_text(app)
        app.screen.query_one("#ho-agent-id").value = ID_NUMBER
        await pilot.press("enter")
        await settle(pilot)
        assert "请插入钥匙 SN-01" in screen_text(app)
        assert ID_NUMBER not in screen_text(app)
        await plug(pilot, reader, key("SN-01"))
        await wait(pilot)
        assert isinstance(app.screen, ReceiptPreviewScreen)
        assert "窗口存档联" in screen_text(app).replace(" ", "")
        await pilot.press("f5")
        await wait(pilot)
        (receipt,) = context.store.query("SELECT template, copies, escpos FROM receipts")
        assert receipt["template"] == "handover" and receipt["copies"] == 2
        assert receipt["escpos"].count(b"\x1dV") == 2
        assert printer.printed == [receipt["escpos"]]
    state = context.store.query_one("SELECT state FROM keys WHERE token_serial = 'SN-01'")[0]
    assert state == "handed_over"


async def test_a_stranger_needs_a_supervisor(context, operators) -> None:
    setup_records(context)
    context.token_reader = MemoryTokenReader()
    app = KioskApp(context)
    async with app.run_test(size=(120, 44)) as pilot:
        await start(pilot, context)
        app.screen.query_one("#ho-agent-id").value = STRANGER
        await pilot.press("enter")
        await settle(pilot)
        assert "不是该企业的授权经办人" in screen_text(app)
        assert app.screen.query_one("#ho-override").display
        app.screen.query_one("#ho-sup-name").value = "super"
        app.screen.query_one("#ho-sup-password").value = PASSWORDS["super"]
        app.screen.query_one("#ho-reason").value = "持企业授权委托书"
        app.screen.query_one("#ho-override-go").press()
        await settle(pilot)
        assert "核验通过" in screen_text(app)


async def test_a_different_key_inserted_stops_the_hand_over(context, operators) -> None:
    setup_records(context)
    reader = MemoryTokenReader()
    context.token_reader = reader
    app = KioskApp(context)
    async with app.run_test(size=(120, 44)) as pilot:
        await start(pilot, context)
        app.screen.query_one("#ho-agent-id").value = ID_NUMBER
        await pilot.press("enter")
        await settle(pilot)
        await plug(pilot, reader, key("SN-77"))
        await wait(pilot)
        assert "不是本次应交付的钥匙" in screen_text(app)
        assert isinstance(app.screen, HandoverScreen)
    state = context.store.query_one("SELECT state FROM keys WHERE token_serial = 'SN-01'")[0]
    assert state == "received"


async def test_switching_language_keeps_what_was_typed(context, operators) -> None:
    setup_records(context)
    context.token_reader = MemoryTokenReader()
    app = KioskApp(context)
    async with app.run_test(size=(120, 44)) as pilot:
        await start(pilot, context)
        app.screen.query_one("#ho-agent-id").value = ID_NUMBER[:10]
        await pilot.press("f2")
        await settle(pilot)
        assert "Agent's ID number" in screen_text(app)
        assert app.screen.query_one("#ho-search").value == "华贸"
        assert app.screen.query_one("#ho-agent-id").value == ID_NUMBER[:10]
