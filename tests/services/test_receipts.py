"""Receipts are stored before they are sent; a failed print stays stored and reprints."""

from __future__ import annotations

from data.models import CaseKind, ReceiptStatus
from devices.printer import EscposPrinter, MemoryPrinter
from devices.printer_spec import parse_printer_spec
from kiosk.services.cases import open_case
from kiosk.services.receipts import receipts_of_case, send_receipt, store_receipt
from tests.conftest import NOW
from tests.devices.fake_printer import FakeNetworkPrinter, closed_port

DATA = b"\x1b@" + "回执".encode("gb18030") + b"\x1dV\x00"


def a_case(context) -> int:
    return open_case(
        context.store,
        kind=CaseKind.HANDOVER,
        counter=context.counter,
        operator="clerk",
        now=NOW,
        calendar=context.calendar,
    ).id


def test_a_receipt_is_stored_before_it_is_sent(context, operators) -> None:
    case_id = a_case(context)
    receipt = store_receipt(
        context.store,
        case_id=case_id,
        template="handover",
        data=DATA,
        copies=2,
        operator="clerk",
        now=NOW,
    )
    assert receipt.status is ReceiptStatus.PENDING and receipt.escpos == DATA
    outcome = send_receipt(context.store, MemoryPrinter(), receipt.id, operator="clerk", now=NOW)
    assert outcome.printed and outcome.receipt.status is ReceiptStatus.PRINTED
    kinds = [
        r[0]
        for r in context.store.query(
            "SELECT kind FROM events WHERE case_id = ? ORDER BY seq", (case_id,)
        )
    ]
    assert kinds == ["case.opened", "receipt.stored", "receipt.printed"]


def test_a_refused_print_stays_stored_as_failed_and_reprints_later(context, operators) -> None:
    case_id = a_case(context)
    receipt = store_receipt(
        context.store,
        case_id=case_id,
        template="handover",
        data=DATA,
        copies=2,
        operator="clerk",
        now=NOW,
    )
    offline = EscposPrinter(parse_printer_spec(f"tcp://127.0.0.1:{closed_port()}"), 0.5)
    outcome = send_receipt(context.store, offline, receipt.id, operator="clerk", now=NOW)
    assert outcome.failure == "refused"
    (stored,) = receipts_of_case(context.store, case_id)
    assert stored.status is ReceiptStatus.FAILED and stored.error == "refused"
    assert stored.escpos == DATA
    printer = FakeNetworkPrinter()
    try:
        again = send_receipt(
            context.store,
            EscposPrinter(parse_printer_spec(printer.spec), 0.5),
            receipt.id,
            operator="clerk",
            now=NOW,
        )
        assert again.printed
        assert printer.printed() == DATA
    finally:
        printer.close()
    assert receipts_of_case(context.store, case_id)[0].status is ReceiptStatus.PRINTED


def test_a_printer_that_never_reads_times_out_the_receipt_is_kept_and_reprints(
    context, operators
) -> None:
    case_id = a_case(context)
    big = DATA * 20_000
    receipt = store_receipt(
        context.store,
        case_id=case_id,
        template="handover",
        data=big,
        copies=1,
        operator="clerk",
        now=NOW,
    )
    stuck = FakeNetworkPrinter("never_read")
    try:
        printer = EscposPrinter(parse_printer_spec(stuck.spec), 0.5)
        outcome = send_receipt(context.store, printer, receipt.id, operator="clerk", now=NOW)
    finally:
        stuck.close()
    assert outcome.failure == "timeout"
    assert receipts_of_case(context.store, case_id)[0].status is ReceiptStatus.FAILED
    working = FakeNetworkPrinter()
    try:
        again = send_receipt(
            context.store,
            EscposPrinter(parse_printer_spec(working.spec), 5),
            receipt.id,
            operator="clerk",
            now=NOW,
        )
        assert again.printed and working.printed() == big
    finally:
        working.close()
