"""Printer faults: a refused connection, a printer that accepts and hangs (never reads, or
takes the bytes and never answers), one that closes the connection mid-receipt, and one
whose status says it is out of paper. Each against a fake network printer on 127.0.0.1.

For every fault, a real workflow that ends on a receipt: at service level the hand-over
(two copies), and with Textual's Pilot the certificate check printed from its preview.
The case is recorded whatever the printer does; the receipt stays stored as failed with a
plain reason; then the printer is fixed and the receipt printed again later (at service
level, and on screen from the case opened by its tracking code): it is marked printed and
the printer received exactly the stored receipt, whole.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from data.catalog import CATALOG
from data.models import ReceiptStatus
from devices.printer import EscposPrinter
from devices.token import CKF_TOKEN_INITIALIZED, CKF_USER_PIN_INITIALIZED, CertificateObject
from devices.token_memory import MemoryToken, MemoryTokenReader
from kiosk.app import KioskApp
from kiosk.clock import fixed_clock
from kiosk.config import load_settings
from kiosk.context import KioskContext, build_context
from kiosk.rules.key_limits import KeyKind
from kiosk.services.agents import check_agent
from kiosk.services.enterprises import expect_key
from kiosk.services.handover import hand_over
from kiosk.services.keys import get_key, receive_key
from kiosk.services.printing import handover_paper, print_for_case
from kiosk.services.receipts import get_receipt, send_receipt
from screens.case import CaseScreen
from screens.cert_check import CertCheckScreen
from screens.receipt_preview import ReceiptPreviewScreen
from tests.conftest import BASE_CONFIG, NOW, PASSWORDS
from tests.devices.fake_printer import FakeNetworkPrinter, closed_port
from tests.faults.record_checks import problems
from tests.faults.records import USCC, enterprise_with_agent
from tests.services.test_intake_notice_handover import ID_NUMBER, reading
from tests.ui.helpers import log_in, screen_text, settle

CERTS = Path(__file__).resolve().parents[1] / "fixtures" / "certs"
TIMEOUT_S = 0.5
STATUS = b"\x10\x04\x01\x10\x04\x04"
"""The status questions (DLE EOT 1, DLE EOT 4) the kiosk asks before and after a print."""

FAULTS: dict[str, frozenset[str]] = {
    "refused": frozenset({"refused"}),
    "never_read": frozenset({"timeout"}),  # accepts, then hangs without reading
    "silent": frozenset({"timeout"}),  # accepts, takes the bytes, never answers
    "close_mid": frozenset({"failed", "offline"}),  # the connection drops mid-receipt
    "paper_out": frozenset({"paper_out"}),
}
"""Each fault and the plain reasons the receipt may be marked failed with (a connection
reset mid-receipt reads as an error, or as no answer at all, by the kernel's timing)."""


@dataclass
class Bench:
    """A fake network printer with a fault, at a fixed address, that can be fixed."""

    fault: str
    port: int
    fake: FakeNetworkPrinter | None

    @classmethod
    def start(cls, fault: str) -> Bench:
        if fault == "refused":  # nothing listens (yet) at the printer's address
            return cls(fault, closed_port(), None)
        fake = FakeNetworkPrinter(fault, close_after=300)  # type: ignore[arg-type]
        return cls(fault, fake.port, fake)

    @property
    def spec(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def fix(self) -> FakeNetworkPrinter:
        """The printer works again, at the same address; the fake that now answers."""
        if self.fake is None:
            self.fake = FakeNetworkPrinter(port=self.port)
        else:
            self.fake.mode = "ok"
        self.fake.connections.clear()
        return self.fake

    def close(self) -> None:
        if self.fake is not None:
            self.fake.close()


@pytest.fixture(params=list(FAULTS))
def bench(request: pytest.FixtureRequest) -> Iterator[Bench]:
    started = Bench.start(request.param)
    yield started
    started.close()


@pytest.fixture
def printer_context(write_config, operators, bench: Bench) -> Iterator[KioskContext]:
    """A kiosk configured for the bench's printer (same database as ``context``)."""
    config = write_config(
        BASE_CONFIG
        + f'\n[printer]\nconnection = "{bench.spec}"\ntimeout_s = {TIMEOUT_S}\n'
        + "status_every_s = 600\n",
        name="printer.toml",
    )
    built = build_context(load_settings(config), clock=fixed_clock(NOW))
    yield built
    built.close()


def whole_print_of(fake: FakeNetworkPrinter, data: bytes) -> bool:
    """One connection carried exactly this receipt between the status questions."""
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        if any(bytes(conn) == STATUS + data + STATUS for conn in fake.connections):
            return True
        time.sleep(0.02)
    return False


def assert_plain_failure(reason: str, detail: str, fault: str) -> None:
    assert reason in FAULTS[fault], (reason, detail)
    assert f"print.failed_{reason}" in CATALOG and f"print.short_{reason}" in CATALOG
    assert "\n" not in detail and "Traceback" not in detail


# --- service level: the hand-over and its two-copy receipt ---


def received_key(context: KioskContext) -> int:
    enterprise_with_agent(context)
    key = expect_key(
        context.store,
        uscc=USCC,
        token_serial="SN-01",
        kind=KeyKind.FIRST,
        operator="clerk",
        now=NOW,
    )
    receive_key(context.store, key.id, operator="clerk", now=NOW)
    return key.id


def test_the_hand_over_is_recorded_and_its_receipt_reprints_after_the_fault(
    printer_context: KioskContext, bench: Bench, operators
) -> None:
    context = printer_context
    key_id = received_key(context)
    agent = check_agent(
        context.store,
        uscc=USCC,
        id_number=ID_NUMBER,
        id_hash_key=context.id_hash_key,
        operator="clerk",
        now=NOW,
        policy=context.lockout,
    )
    case = hand_over(
        context.store,
        key_id=key_id,
        agent=agent,
        reading=reading("SN-01"),
        operator="clerk",
        counter=context.counter,
        now=NOW,
        calendar=context.calendar,
    )
    built = handover_paper(
        context.settings,
        operators["clerk"],
        case,
        enterprise_name="北京华贸进出口有限公司",
        uscc=USCC,
        key_serial="SN-01",
        agent_id_masked=agent.id_masked,
        now=NOW,
    )
    printer = context.printer
    assert isinstance(printer, EscposPrinter)
    started = time.monotonic()
    outcome = print_for_case(
        context.store,
        printer,
        case,
        built,
        template="handover",
        copies=2,
        operator="clerk",
        now=NOW,
    )
    assert time.monotonic() - started < 4 * TIMEOUT_S + 1  # bounded by the timeouts
    assert not outcome.printed
    assert outcome.failure is not None
    assert_plain_failure(outcome.failure, outcome.detail, bench.fault)
    if bench.fault == "close_mid":  # it really went down half way through the receipt
        assert bench.fake is not None
        assert 0 < max(len(c) for c in bench.fake.connections) < len(STATUS + built.data)

    # The case is recorded whatever the printer did; the receipt is kept, failed.
    assert get_key(context.store, key_id).state.value == "handed_over"
    (row,) = context.store.query("SELECT state, outcome FROM cases WHERE kind = 'handover'")
    assert tuple(row) == ("closed", "handed_over")
    stored = outcome.receipt
    assert stored.status is ReceiptStatus.FAILED and stored.error == outcome.failure
    assert stored.escpos == built.data and stored.copies == 2
    assert problems(context.store) == []

    # Later the printer works again: the stored receipt prints, whole.
    fake = bench.fix()
    again = send_receipt(context.store, printer, stored.id, operator="clerk", now=NOW)
    assert again.printed, again
    assert get_receipt(context.store, stored.id).status is ReceiptStatus.PRINTED
    assert whole_print_of(fake, built.data)
    assert built.data.count(b"\x1dV") == 2  # both copies, each cut
    kinds = [
        r[0]
        for r in context.store.query(
            "SELECT kind FROM events WHERE case_id = ? AND kind LIKE 'receipt.%' ORDER BY seq",
            (case.id,),
        )
    ]
    assert kinds == ["receipt.stored", "receipt.failed", "receipt.printed"]
    assert problems(context.store) == []


# --- on screen: the certificate check printed from its preview, reprinted from its case ---


async def until(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"never saw {what}; the screen says:\n{screen_text(pilot.app)}")
        await asyncio.sleep(0.01)


def text_of(app: KioskApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_on_screen_the_check_is_recorded_the_receipt_kept_and_reprinted_later(
    printer_context: KioskContext, bench: Bench
) -> None:
    context = printer_context
    reader = MemoryTokenReader()
    context.token_reader = reader
    good = (CERTS / "good_rsa.der").read_bytes()
    app = KioskApp(context)
    async with app.run_test(size=(120, 50)) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        await pilot.press("5")
        await settle(pilot)
        assert isinstance(app.screen, CertCheckScreen)
        reader.insert(
            MemoryToken(
                serial="SN-01",
                flags=CKF_TOKEN_INITIALIZED | CKF_USER_PIN_INITIALIZED,
                certificates=[CertificateObject("sign", "01", good)],
            )
        )
        app.poll_tokens_now()
        done = context.translator.t("check.done")
        await until(pilot, lambda: text_of(app, "#check-note") == done, "the check")
        (case,) = context.store.query("SELECT id, tracking_code, state FROM cases")
        assert case["state"] == "closed"
        await pilot.press("p")
        await settle(pilot)
        preview = app.screen
        assert isinstance(preview, ReceiptPreviewScreen)
        await pilot.press("f5")
        kept = context.translator.t("preview.kept")
        await until(pilot, lambda: kept in text_of(app, "#preview-status"), "the failure")
        (receipt,) = context.store.query("SELECT id, status, error, escpos FROM receipts")
        assert receipt["status"] == "failed"
        assert_plain_failure(receipt["error"], "", bench.fault)
        status = text_of(app, "#preview-status")
        spec = str(context.settings.printer.connection)
        reason = context.translator.t(f"print.failed_{receipt['error']}", spec=spec)
        assert status.startswith(reason), status
        assert "Traceback" not in screen_text(app)
        assert problems(context.store) == []
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)

        # Later, the printer fixed: the code opens the case, R prints the receipt again.
        fake = bench.fix()
        await pilot.press("b")  # a letter moves to the scan box, as a scanner's would
        app.screen.query_one("#home-scan", Input).value = case["tracking_code"]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen), screen_text(app)
        short = context.translator.t(f"print.short_{receipt['error']}")
        receipts = app.screen.query_one("#case-receipts", DataTable)
        assert short in str(receipts.get_row_at(0)[1])  # failed, and why
        await pilot.press("r")
        reprinted = context.translator.t("case.reprinted")
        await until(pilot, lambda: text_of(app, "#case-message") == reprinted, "the reprint")
        assert str(receipts.get_row_at(0)[1]) == context.translator.t("receiptstatus.printed")
        assert app.is_running
    (again,) = context.store.query("SELECT status, error FROM receipts")
    assert again["status"] == "printed"
    assert whole_print_of(fake, receipt["escpos"])
    assert problems(context.store) == []
