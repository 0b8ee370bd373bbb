"""Receipts: stored (bytes and case) before they are sent, marked printed or failed,
and printed again from the stored bytes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from data.audit import append_event
from data.models import Receipt, ReceiptStatus
from data.store import Store
from devices.printer import PrinterError, ReceiptPrinter
from kiosk.errors import StoreError, ValidationError


@dataclass(frozen=True)
class PrintOutcome:
    """How a print went: the stored receipt, and the failure reason if it failed."""

    receipt: Receipt
    failure: str | None = None
    detail: str = ""
    """The device's own words about the failure (for the clerk and the log)."""

    @property
    def printed(self) -> bool:
        """True when the printer took the receipt."""
        return self.failure is None


def store_receipt(
    store: Store,
    *,
    case_id: int,
    template: str,
    data: bytes,
    copies: int,
    operator: str,
    now: datetime,
) -> Receipt:
    """Keep the receipt's bytes with its case, as pending, before anything is sent."""
    with store.transaction() as conn:
        cursor = conn.execute(
            "INSERT INTO receipts (case_id, template, escpos, status, copies, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                case_id,
                template,
                data,
                ReceiptStatus.PENDING.value,
                copies,
                now.isoformat(timespec="seconds"),
            ),
        )
        receipt_id = cursor.lastrowid
        append_event(
            conn,
            kind="receipt.stored",
            at=now,
            operator=operator,
            case_id=case_id,
            payload={"receipt_id": receipt_id, "template": template, "bytes": len(data)},
        )
    assert receipt_id is not None
    return get_receipt(store, receipt_id)


def get_receipt(store: Store, receipt_id: int) -> Receipt:
    """The stored receipt with this id."""
    row = store.query_one("SELECT * FROM receipts WHERE id = ?", (receipt_id,))
    if row is None:
        raise ValidationError("receipt.not_found", receipt_id=receipt_id)
    return Receipt.from_row(row)


def receipts_of_case(store: Store, case_id: int) -> list[Receipt]:
    """The case's receipts, oldest first."""
    rows = store.query("SELECT * FROM receipts WHERE case_id = ? ORDER BY id", (case_id,))
    return [Receipt.from_row(row) for row in rows]


def send_receipt(
    store: Store, printer: ReceiptPrinter, receipt_id: int, *, operator: str, now: datetime
) -> PrintOutcome:
    """Send a stored receipt (first print or reprint) and record how it went.

    Blocking: call it from a worker. A failure never raises; it is in the outcome and the
    receipt stays stored as failed, ready to be printed again.
    """
    receipt = get_receipt(store, receipt_id)
    failure: str | None = None
    detail = ""
    try:
        printer.send(receipt.escpos)
    except PrinterError as error:
        failure, detail = error.reason, error.detail
    status = ReceiptStatus.FAILED if failure else ReceiptStatus.PRINTED
    try:
        with store.transaction() as conn:
            conn.execute(
                "UPDATE receipts SET status = ?, error = ?, printed_at = coalesce(?, printed_at)"
                " WHERE id = ?",
                (
                    status.value,
                    failure or "",
                    None if failure else now.isoformat(timespec="seconds"),
                    receipt_id,
                ),
            )
            append_event(
                conn,
                kind=f"receipt.{status.value}",
                at=now,
                operator=operator,
                case_id=receipt.case_id,
                payload={"receipt_id": receipt_id, "error": failure or "", "detail": detail},
            )
    except StoreError as error:
        if failure is not None:
            raise
        # On paper, but not in the records (e.g. the disk is full): never say "not printed".
        raise StoreError("print.not_recorded", problem=error.params.get("problem", "")) from None
    return PrintOutcome(get_receipt(store, receipt_id), failure, detail)
