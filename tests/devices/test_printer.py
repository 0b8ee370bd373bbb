"""The receipt printer over a real TCP socket on 127.0.0.1, and the receipt bytes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest

from devices.printer import EscposPrinter, NoPrinter, PrinterError, PrinterState
from devices.printer_spec import parse_printer_spec
from devices.receipt_builder import MISSING_GLYPH, ReceiptBuilder, display_width, wrap
from kiosk.receipts import ReceiptFacts, handover_receipt
from tests.devices.fake_printer import FakeNetworkPrinter, Mode, closed_port

URL = "https://www.licence.org.cn/track/BJ01-261125-0007-Q"


@pytest.fixture
def fake_printer(request: pytest.FixtureRequest) -> Iterator[FakeNetworkPrinter]:
    mode: Mode = getattr(request, "param", "ok")
    printer = FakeNetworkPrinter(mode)
    yield printer
    printer.close()


def printer_at(spec: str) -> EscposPrinter:
    return EscposPrinter(parse_printer_spec(spec), timeout_s=0.5)


def facts() -> ReceiptFacts:
    return ReceiptFacts(
        office_name="北京市商务局",
        counter_id=1,
        operator_name="张敏",
        printed_at=datetime(2026, 11, 25, 10, 30),
        tracking_code="BJ01-261125-0007-Q",
        tracking_url=URL,
        enterprise_name="北京华贸进出口有限公司",
        uscc="91110108MA01A2B3CF",
        key_serial="a781c6c026b00960",
        agent_id_masked="110***********1234",
        next_steps=("请妥善保管钥匙",),
        due_on=date(2026, 11, 27),
    )


def test_receipt_bytes_hold_gb18030_text_the_native_qr_and_a_cut_per_copy() -> None:
    data = handover_receipt(facts(), 80).data
    assert "北京华贸进出口有限公司".encode("gb18030") in data
    assert b"\x1c\x26" in data and b"\x1c\x2e" in data  # Chinese mode on and off
    qr_store = b"\x1d(k" + (len(URL) + 3).to_bytes(2, "little") + b"1P0" + URL.encode()
    assert data.count(qr_store) == 2
    assert data.count(b"\x1dV") == 2  # one cut after each of the two copies
    assert "领取人签字".encode("gb18030") in data  # the office copy's signature line
    assert b"110***********1234" in data
    assert b"19800101" not in data


def test_image_qr_when_the_printer_lacks_the_native_command() -> None:
    data = handover_receipt(facts(), 80, native_qr=False).data
    assert b"\x1d(k" not in data
    assert b"\x1dv0" in data  # GS v 0 raster image


@pytest.mark.parametrize(("paper", "columns"), [(58, 32), (80, 48)])
def test_lines_fit_the_paper_with_chinese_counted_twice(paper: int, columns: int) -> None:
    builder = ReceiptBuilder(paper)
    text = "北京华贸进出口有限公司" * 5 + "ABC"
    lines = wrap(text, builder.columns)
    assert builder.columns == columns
    assert all(display_width(line) <= columns for line in lines)
    assert "".join(lines) == text
    assert display_width("中A") == 3


def test_text_gb18030_cannot_encode_is_replaced_visibly() -> None:
    builder = ReceiptBuilder(80)
    builder.text("坏\udcff字")
    data = builder.output()
    assert MISSING_GLYPH.encode("gb18030") in data
    assert "坏".encode("gb18030") in data and "字".encode("gb18030") in data


def test_a_network_printer_receives_the_receipt(fake_printer: FakeNetworkPrinter) -> None:
    data = handover_receipt(facts(), 80).data
    printer_at(fake_printer.spec).send(data)
    assert fake_printer.printed() == data
    assert printer_at(fake_printer.spec).status() is PrinterState.ONLINE


@pytest.mark.parametrize(
    ("fake_printer", "reason", "state"),
    [
        ("paper_out", "paper_out", PrinterState.PAPER_OUT),
        ("never_read", "timeout", PrinterState.UNKNOWN),
    ],
    indirect=["fake_printer"],
)
def test_a_printer_that_cannot_print_fails_plainly(
    fake_printer: FakeNetworkPrinter, reason: str, state: PrinterState
) -> None:
    with pytest.raises(PrinterError) as caught:
        printer_at(fake_printer.spec).send(b"receipt")
    assert caught.value.reason == reason
    assert printer_at(fake_printer.spec).status() is state


@pytest.mark.parametrize("fake_printer", ["paper_low"], indirect=True)
def test_paper_near_its_end_still_prints(fake_printer: FakeNetworkPrinter) -> None:
    printer_at(fake_printer.spec).send(b"receipt")
    assert printer_at(fake_printer.spec).status() is PrinterState.PAPER_LOW


def test_a_refused_connection_fails_plainly() -> None:
    spec = f"tcp://127.0.0.1:{closed_port()}"
    with pytest.raises(PrinterError) as caught:
        printer_at(spec).send(b"receipt")
    assert caught.value.reason == "refused"
    assert printer_at(spec).status() is PrinterState.UNREACHABLE


def test_a_file_printer_writes_the_bytes(tmp_path) -> None:
    target = tmp_path / "lp0"
    printer_at(f"file:{target}").send(b"\x1b@hello")
    assert target.read_bytes() == b"\x1b@hello"
    assert printer_at(f"file:{target}").status() is PrinterState.UNKNOWN  # files cannot say


def test_a_file_printer_in_a_missing_folder_is_not_found(tmp_path) -> None:
    with pytest.raises(PrinterError) as caught:
        printer_at(f"file:{tmp_path}/no/such/lp0").send(b"x")
    assert caught.value.reason == "not_found"


def test_no_printer_refuses_and_says_not_configured() -> None:
    with pytest.raises(PrinterError) as caught:
        NoPrinter().send(b"x")
    assert caught.value.reason == "not_configured"
    assert NoPrinter().status() is PrinterState.NOT_CONFIGURED


def printed_lines(data: bytes) -> list[tuple[str, int]]:
    """(text, width multiplier) of each Chinese-mode line in the bytes, as a printer sees it."""
    lines, scale, at = [], 1, 0
    while at < len(data):
        if data.startswith(b"\x1d!", at):
            scale = (data[at + 2] >> 4) + 1
            at += 3
        elif data.startswith(b"\x1c\x26", at):
            end = data.index(b"\x1c\x2e", at)
            lines.append((data[at + 2 : end].decode("gb18030"), scale))
            at = end + 2
        else:
            at += 1
    return lines


@pytest.mark.parametrize(("paper", "columns"), [(58, 32), (80, 48)])
def test_every_printed_line_fits_the_paper(paper: int, columns: int) -> None:
    from kiosk.receipts import cancellation_receipt, cert_check_receipt, unlock_slip

    for template in (handover_receipt, cert_check_receipt, unlock_slip, cancellation_receipt):
        lines = printed_lines(template(facts(), paper).data)
        assert any("北京华贸进出口有限公司" in text for text, _ in lines)
        for text, scale in lines:
            assert display_width(text) * scale <= columns, (template.__name__, text)
