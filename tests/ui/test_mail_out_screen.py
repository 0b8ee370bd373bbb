"""Mail-out on screen: find the key, fill in the parcel, record it and print the receipt."""

from __future__ import annotations

import asyncio

from devices.printer import MemoryPrinter
from kiosk.app import KioskApp
from screens.mail_out import MailOutScreen
from screens.receipt_preview import ReceiptPreviewScreen
from tests.conftest import PASSWORDS
from tests.ui.helpers import log_in, screen_text, settle
from tests.ui.test_handover_screen import setup_records


async def test_mail_a_key_and_print_its_receipt(context, operators) -> None:
    setup_records(context)
    printer = MemoryPrinter()
    context.printer = printer
    app = KioskApp(context)
    async with app.run_test(size=(120, 44)) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, MailOutScreen)
        app.screen.query_one("#mo-search").value = "SN-01"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        screen.query_one("#mo-recipient").value = "李华"
        screen.query_one("#mo-address").value = "北京市朝阳区建国路1号"
        screen.query_one("#mo-courier").value = "顺丰速运"
        screen.query_one("#mo-waybill").value = "x1"
        await pilot.press("f5")
        await settle(pilot)
        assert "运单号应为" in screen_text(app)  # a bad waybill is refused with a message
        screen.query_one("#mo-waybill").value = "SF1234567890"
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptPreviewScreen), screen_text(app)
        await pilot.press("f5")
        for _ in range(3):
            await asyncio.sleep(0.05)
            await settle(pilot)
        (receipt,) = context.store.query("SELECT template, escpos FROM receipts")
        assert receipt["template"] == "mail_out" and b"SF1234567890" in receipt["escpos"]
    state = context.store.query_one("SELECT state FROM keys WHERE token_serial = 'SN-01'")[0]
    assert state == "mailed"
