"""A key's life at the counter walked end to end on a real SoftHSM token and a file printer:
intake, hand-over, walk-in cancellation, confirmation, shipment and the provider's verdict."""

from __future__ import annotations

from pathlib import Path

from data.audit import verify_chain
from data.models import EnterpriseKind
from devices.printer import EscposPrinter
from devices.printer_spec import parse_printer_spec
from kiosk.app import KioskApp
from kiosk.rules.key_limits import KeyKind
from kiosk.services.enterprises import add_agent, expect_key, save_enterprise
from screens.handover import HandoverScreen
from screens.intake import IntakeScreen
from screens.receipt_preview import ReceiptPreviewScreen
from tests.conftest import NOW, PASSWORDS
from tests.devices.lab import GOOD_USCC
from tests.services.test_intake_notice_handover import ID_NUMBER
from tests.ui.helpers import log_in, screen_text, settle, until


def key_state(context, serial: str) -> str:
    return context.store.query_one("SELECT state FROM keys WHERE token_serial = ?", (serial,))[0]


async def test_a_keys_life_on_softhsm_with_a_file_printer(
    context, operators, lab, tmp_path: Path
) -> None:
    reader = lab.reader()
    serial = next(t.serial for t in reader.list_tokens() if t.label == "RSA-OK")
    save_enterprise(
        context.store,
        uscc=GOOD_USCC,
        name="北京华贸进出口有限公司",
        kind=EnterpriseKind.DOMESTIC,
        operator="admin",
        now=NOW,
    )
    add_agent(
        context.store,
        uscc=GOOD_USCC,
        name="李华",
        id_number=ID_NUMBER,
        id_hash_key=context.id_hash_key,
        operator="admin",
        now=NOW,
    )
    expect_key(
        context.store,
        uscc=GOOD_USCC,
        token_serial=serial,
        kind=KeyKind.FIRST,
        operator="clerk",
        now=NOW,
    )
    paper = tmp_path / "printer.bin"
    context.token_reader = reader
    context.printer = EscposPrinter(parse_printer_spec(f"file:{paper}"), timeout_s=2)
    app = KioskApp(context)
    async with app.run_test(size=(120, 44)) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        await pilot.press("6")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        await until(pilot, lambda: key_state(context, serial) == "received")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, HandoverScreen)
        app.screen.query_one("#ho-search").value = serial
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        app.screen.query_one("#ho-agent-id").value = ID_NUMBER
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReceiptPreviewScreen))
        await pilot.press("f5")
        await until(pilot, lambda: paper.exists() and paper.stat().st_size > 0)
        assert key_state(context, serial) == "handed_over"
        printed = paper.read_bytes()
        assert "北京华贸进出口有限公司".encode("gb18030") in printed
        assert printed.count(b"\x1dV") == 2  # the enterprise's copy and the office's

        # Later the same key comes back damaged: walk-in cancellation, read off the token.
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        screen = app.screen
        screen.query_one("#cx-search").value = serial
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen.query_one("#cx-agent-id").value = ID_NUMBER
        await pilot.press("enter")
        await settle(pilot)
        screen.query_one("#cx-reason-damaged").value = True
        screen.query_one("#cx-doc-sealed_form").value = True
        screen.query_one("#cx-doc-key").value = True
        app.poll_tokens_now(report=True)
        await until(pilot, lambda: f"已读取钥匙 {serial}" in screen_text(app))
        await pilot.press("f5")
        await until(pilot, lambda: isinstance(app.screen, ReceiptPreviewScreen))
        await pilot.press("f5")
        await until(pilot, lambda: paper.read_bytes().count(b"\x1dV") == 4)
        await pilot.press("escape")
        await settle(pilot)
        screen.query_one("#cx-conf-name").value = "super"
        screen.query_one("#cx-conf-password").value = PASSWORDS["super"]
        await pilot.press("f6")
        await settle(pilot)
        assert key_state(context, serial) == "cancel_requested"

        # Shipped to the provider with the manifest; the provider cancels it.
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("8")
        await settle(pilot)
        await pilot.press("space")
        app.screen.query_one("#sh-courier").value = "顺丰速运"
        app.screen.query_one("#sh-waybill").value = "SF1234567890"
        await pilot.press("f5")
        await until(pilot, lambda: isinstance(app.screen, ReceiptPreviewScreen))
        await pilot.press("f5")
        await until(pilot, lambda: b"SF1234567890" in paper.read_bytes())
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
    assert key_state(context, serial) == "cancelled"
    events = [r[0] for r in context.store.query("SELECT kind FROM events ORDER BY seq")]
    for kind in (
        "key.received",
        "key.handed_over",
        "key.cancel_requested",
        "key.shipped",
        "key.cancelled",
        "receipt.printed",
    ):
        assert kind in events, kind
    assert verify_chain(context.store.conn).ok
