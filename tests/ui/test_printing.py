"""Preview, print and print again from the certificate check and PIN-unlock help."""

from __future__ import annotations

import asyncio

from devices.printer import MemoryPrinter
from devices.token import CKF_USER_PIN_LOCKED
from kiosk.app import KioskApp
from screens.receipt_preview import ReceiptPreviewScreen
from tests.conftest import PASSWORDS
from tests.ui.helpers import log_in, screen_text, settle
from tests.ui.test_token_screens import OK_FLAGS, key, open_check, plug
from tests.ui.test_token_screens import reader as reader


async def wait(pilot) -> None:
    for _ in range(3):
        await asyncio.sleep(0.05)
        await settle(pilot)


def receipts(context) -> list:
    return context.store.query("SELECT status, error, template, escpos FROM receipts")


async def test_preview_then_print_the_check_result(context, reader) -> None:
    printer = MemoryPrinter()
    context.printer = printer
    app = KioskApp(context)
    async with app.run_test(size=(120, 44)) as pilot:
        await open_check(pilot)
        await plug(pilot, reader, key("SN-01"))
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptPreviewScreen)
        text = screen_text(app)
        assert "证书检查结果" in text.replace(" ", "")
        assert "业务单号" in text and "[QR] https://www.licence.org.cn/track/BJ03-" in text
        # Stored with its case before anything is sent: closing the preview loses nothing.
        assert [r["status"] for r in receipts(context)] == ["pending"]
        await pilot.press("f5")
        await wait(pilot)
        assert "已打印" in screen_text(app)
        (stored,) = receipts(context)
        assert stored["status"] == "printed" and stored["template"] == "cert_check"
        assert printer.printed == [stored["escpos"]]
        await pilot.press("f6")
        await wait(pilot)
        assert len(printer.printed or []) == 2
        await pilot.press("f7")
        await settle(pilot)
        images = list((context.settings.database.path.parent / "receipt-images").glob("*.png"))
        assert len(images) == 1 and images[0].stat().st_size > 1000
        assert "回执图片已保存" in screen_text(app)
        assert "请经办人评价本次服务" in screen_text(app)
        await pilot.press("4")  # dissatisfied
        await settle(pilot)
        assert "已转主管跟进" in screen_text(app)
        row = context.store.query_one("SELECT rating, flagged FROM cases WHERE kind = 'cert_check'")
        assert tuple(row) == ("dissatisfied", 1)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ReceiptPreviewScreen)


async def test_a_failed_print_is_kept_and_printed_again(context, reader) -> None:
    printer = MemoryPrinter(fail_with="paper_out")
    context.printer = printer
    app = KioskApp(context)
    async with app.run_test(size=(120, 44)) as pilot:
        await open_check(pilot)
        await plug(pilot, reader, key("SN-01"))
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("f5")
        await wait(pilot)
        text = screen_text(app)
        assert "缺纸" in text and "回执已保存" in text
        (stored,) = receipts(context)
        assert stored["status"] == "failed" and stored["error"] == "paper_out"
        printer.fail_with = None
        await pilot.press("f6")
        await wait(pilot)
        assert "已打印" in screen_text(app)
        assert [r["status"] for r in receipts(context)] == ["printed"]


async def test_the_unlock_slip_prints_with_its_case(context, reader) -> None:
    printer = MemoryPrinter()
    context.printer = printer
    reader.insert(key("SN-01", flags=OK_FLAGS | CKF_USER_PIN_LOCKED))
    app = KioskApp(context)
    async with app.run_test(size=(120, 44)) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        await plug(pilot, reader)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert "电子钥匙密码重置" in screen_text(app).replace("\n", "")
        await pilot.press("f5")
        await wait(pilot)
        (stored,) = receipts(context)
        assert stored["template"] == "unlock_slip" and stored["status"] == "printed"
        assert (
            context.store.query_one("SELECT count(*) FROM cases WHERE kind='unlock_help'")[0] == 1
        )
