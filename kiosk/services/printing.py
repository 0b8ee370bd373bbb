"""What goes on a case's receipt, and printing it: stored first, then sent."""

from __future__ import annotations

from datetime import datetime

from data.i18n import translate
from data.models import Case, Operator
from data.store import Store
from devices.printer import ReceiptPrinter
from devices.token import TokenSummary
from kiosk.config import Settings
from kiosk.receipts import (
    PAPER_LANGUAGE,
    BuiltReceipt,
    ReceiptFacts,
    cert_check_receipt,
    handover_receipt,
    mail_out_receipt,
    unlock_slip,
)
from kiosk.services.cert_check import CertCheckReport
from kiosk.services.receipts import PrintOutcome, send_receipt, store_receipt
from kiosk.services.unlock_help import PROCEDURE_STEPS, UNLOCK_EMAIL_WORKDAYS

PAPER = PAPER_LANGUAGE


def tracking_url(settings: Settings, code: str) -> str:
    """The URL a receipt's QR code holds: the configured prefix and the tracking code."""
    prefix = settings.central.tracking_url
    return prefix + code if prefix.endswith(("/", "=")) else f"{prefix}/{code}"


def _facts(
    settings: Settings, operator: Operator, case: Case, now: datetime, **details: object
) -> ReceiptFacts:
    return ReceiptFacts(
        office_name=settings.office.name_zh,
        counter_id=settings.counter.counter_id,
        operator_name=operator.display_name,
        printed_at=now,
        tracking_code=case.tracking_code,
        tracking_url=tracking_url(settings, case.tracking_code),
        due_on=case.due_on,
        due_estimated=case.due_estimated,
        **details,  # type: ignore[arg-type]
    )


def cert_check_paper(
    settings: Settings, operator: Operator, case: Case, report: CertCheckReport, now: datetime
) -> BuiltReceipt:
    """The certificate check's result slip, with each finding and next step in Chinese."""
    findings, steps = [], []
    for verdict in report.verdicts:
        params = dict(verdict.params)
        if "state" in params:
            params["state"] = translate(f"keystate.{params['state']}", PAPER)
        findings.append(translate(f"verdict.{verdict.code}", PAPER, **params))
        if verdict.next_step and verdict.next_step not in steps:
            steps.append(verdict.next_step)
    facts = _facts(
        settings,
        operator,
        case,
        now,
        enterprise_name=report.enterprise.name if report.enterprise else "",
        uscc=report.enterprise.uscc if report.enterprise else "",
        key_serial=report.token.serial,
        findings=tuple(findings),
        next_steps=tuple(translate(step, PAPER) for step in steps),
    )
    return cert_check_receipt(facts, settings.printer.paper_width_mm, settings.printer.native_qr)


def unlock_paper(
    settings: Settings,
    operator: Operator,
    case: Case,
    token: TokenSummary,
    now: datetime,
    enterprise_name: str = "",
) -> BuiltReceipt:
    """The PIN-unlock guidance slip: the procedure and the day the reset e-mail is due."""
    steps = tuple(translate(step, PAPER, days=UNLOCK_EMAIL_WORKDAYS) for step in PROCEDURE_STEPS)
    facts = _facts(
        settings,
        operator,
        case,
        now,
        enterprise_name=enterprise_name,
        uscc=case.enterprise_uscc or "",
        key_serial=token.serial,
        next_steps=steps,
    )
    return unlock_slip(facts, settings.printer.paper_width_mm, settings.printer.native_qr)


def print_for_case(
    store: Store,
    printer: ReceiptPrinter,
    case: Case,
    built: BuiltReceipt,
    *,
    template: str,
    copies: int,
    operator: str,
    now: datetime,
) -> PrintOutcome:
    """Store the receipt with its case, then send it (blocking: run in a worker)."""
    receipt = store_receipt(
        store,
        case_id=case.id,
        template=template,
        data=built.data,
        copies=copies,
        operator=operator,
        now=now,
    )
    return send_receipt(store, printer, receipt.id, operator=operator, now=now)


def handover_paper(
    settings: Settings,
    operator: Operator,
    case: Case,
    *,
    enterprise_name: str,
    uscc: str,
    key_serial: str,
    agent_id_masked: str,
    now: datetime,
) -> BuiltReceipt:
    """The two-copy hand-over receipt (the office copy has signature and date lines)."""
    steps = (translate("receipt.handover_keep", PAPER),)
    facts = _facts(
        settings,
        operator,
        case,
        now,
        enterprise_name=enterprise_name,
        uscc=uscc,
        key_serial=key_serial,
        agent_id_masked=agent_id_masked,
        next_steps=steps,
    )
    return handover_receipt(facts, settings.printer.paper_width_mm, settings.printer.native_qr)


def mail_out_paper(
    settings: Settings,
    operator: Operator,
    case: Case,
    *,
    enterprise_name: str,
    uscc: str,
    key_serial: str,
    recipient: str,
    address: str,
    courier: str,
    waybill: str,
    now: datetime,
) -> BuiltReceipt:
    """The mail-out receipt: where the key went and how to follow the parcel."""
    facts = _facts(
        settings,
        operator,
        case,
        now,
        enterprise_name=enterprise_name,
        uscc=uscc,
        key_serial=key_serial,
        recipient=recipient,
        address=address,
        courier=courier,
        waybill=waybill,
    )
    return mail_out_receipt(facts, settings.printer.paper_width_mm, settings.printer.native_qr)


def intake_list_paper(
    settings: Settings, store: Store, operator: Operator, cases: list[Case], now: datetime
) -> BuiltReceipt:
    """The intake list of a session's received keys (their open intake ``cases``), each with
    the working day by which its enterprise must be notified. The batch's code is that of the
    first case, with which the list is stored."""
    from kiosk.receipts import IntakeRow, intake_list
    from kiosk.services.enterprises import get_enterprise
    from kiosk.services.keys import get_key

    rows = []
    for case in cases:
        key = get_key(store, case.key_id) if case.key_id is not None else None
        uscc = case.enterprise_uscc or (key.enterprise_uscc if key else "")
        enterprise = get_enterprise(store, uscc) if uscc else None
        rows.append(
            IntakeRow(
                enterprise_name=enterprise.name if enterprise else "",
                uscc=uscc,
                key_serial=(key.token_serial or "") if key else "",
                notice_due=case.due_on or now.date(),
            )
        )
    header = _facts(settings, operator, cases[0], now)
    return intake_list(header, rows, settings.printer.paper_width_mm, settings.printer.native_qr)


def cancellation_paper(
    settings: Settings,
    operator: Operator,
    case: Case,
    *,
    enterprise_name: str,
    uscc: str,
    key_serial: str,
    agent_id_masked: str,
    reason: str,
    documents: tuple[str, ...],
    now: datetime,
) -> BuiltReceipt:
    """The two-copy cancellation receipt: the reason (a ``cancel_reason.*`` code), the
    documents checked off (the service's names, see ``RECEIPT_DOCUMENTS``) and the ship-by
    working day (the case's due date)."""
    from kiosk.receipts import cancellation_receipt
    from kiosk.services.cancellation import RECEIPT_DOCUMENTS

    facts = _facts(
        settings,
        operator,
        case,
        now,
        enterprise_name=enterprise_name,
        uscc=uscc,
        key_serial=key_serial,
        agent_id_masked=agent_id_masked,
        reason=translate(f"cancel_reason.{reason}", PAPER),
        documents=tuple(RECEIPT_DOCUMENTS.get(doc, doc) for doc in documents),
        next_steps=(translate("receipt.cancel_next", PAPER),),
    )
    return cancellation_receipt(facts, settings.printer.paper_width_mm, settings.printer.native_qr)


def manifest_paper(
    settings: Settings,
    operator: Operator,
    *,
    tracking_code: str,
    courier: str,
    waybill: str,
    items: list[tuple[Case, str, str, str]],
    now: datetime,
) -> BuiltReceipt:
    """The shipment manifest: courier, waybill and, for each ``(case, enterprise name, key
    serial, reason code)`` in the parcel, a row; ``tracking_code`` is the shipment's own
    code, and the earliest ship-by day of the cases is printed as its due day."""
    from kiosk.receipts import ShipmentRow, shipment_manifest

    due = [case.due_on for case, _, _, _ in items if case.due_on is not None]
    header = ReceiptFacts(
        office_name=settings.office.name_zh,
        counter_id=settings.counter.counter_id,
        operator_name=operator.display_name,
        printed_at=now,
        tracking_code=tracking_code,
        tracking_url=tracking_url(settings, tracking_code),
        due_on=min(due) if due else None,
    )
    rows = [
        ShipmentRow(
            tracking_code=case.tracking_code,
            enterprise_name=name,
            uscc=case.enterprise_uscc or "",
            key_serial=serial,
            reason=translate(f"cancel_reason.{reason}", PAPER) if reason else "",
        )
        for case, name, serial, reason in items
    ]
    return shipment_manifest(
        header,
        rows,
        courier,
        waybill,
        settings.printer.paper_width_mm,
        settings.printer.native_qr,
    )
