"""Notice then mail-out, on screen, with the receipt on a file printer."""

from __future__ import annotations

from pathlib import Path

from devices.printer import EscposPrinter
from devices.printer_spec import parse_printer_spec
from kiosk.app import KioskApp
from screens.mail_out import MailOutScreen
from screens.notice import NoticeScreen
from screens.receipt_preview import ReceiptPreviewScreen
from tests.conftest import PASSWORDS
from tests.ui.helpers import log_in, screen_text, settle, until
from tests.ui.test_handover_screen import setup_records


async def test_notice_then_mail_out_with_a_file_printer(context, operators, tmp_path: Path):
    setup_records(context)  # SN-01 received, its notice due
    paper = tmp_path / "printer.bin"
    context.printer = EscposPrinter(parse_printer_spec(f"file:{paper}"), timeout_s=2)
    app = KioskApp(context)
    async with app.run_test(size=(120, 44)) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        await pilot.press("7")
        await settle(pilot)
        assert isinstance(app.screen, NoticeScreen)
        assert "SN-01" in screen_text(app)
        selects = {s.id: s for s in app.screen.query("Select")}
        channel = next(s for i, s in selects.items() if i and "channel" in i)
        delivery = next(s for i, s in selects.items() if i and "delivery" in i)
        channel.value, delivery.value = "phone", "mail"
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        state = context.store.query_one("SELECT state FROM keys WHERE token_serial = 'SN-01'")
        assert state[0] == "notified"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, MailOutScreen)
        app.screen.query_one("#mo-search").value = "SN-01"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        for field, value in (
            ("recipient", "李华"),
            ("address", "北京市朝阳区建国路1号"),
            ("courier", "顺丰速运"),
            ("waybill", "SF1234567890"),
        ):
            app.screen.query_one(f"#mo-{field}").value = value
        await pilot.press("f5")
        await until(pilot, lambda: isinstance(app.screen, ReceiptPreviewScreen))
        await pilot.press("f5")
        await until(pilot, lambda: paper.exists() and b"SF1234567890" in paper.read_bytes())
    assert "李华".encode("gb18030") in paper.read_bytes()
    state = context.store.query_one("SELECT state FROM keys WHERE token_serial = 'SN-01'")
    assert state[0] == "mailed"
