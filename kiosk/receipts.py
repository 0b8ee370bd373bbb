"""Receipt templates: what each counter action puts on paper, in Chinese.

Every receipt shows the office, counter, operator, time, the tracking code with its QR,
the enterprise and its USCC, the key serial, the masked agent ID where there is one, what
happens next and by which working day, and the support contacts of PROCESS.md.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from data.catalog import CATALOG
from data.i18n import translate
from devices.receipt_builder import ReceiptBuilder, display_width, wrap
from kiosk.rules.masking import mask_id_number
from kiosk.support import CA_KEY_HOTLINE, LICENCE_BUREAU_SITE, ONLINE_SYSTEM_URL, UNLOCK_SYSTEM_URL

PAPER_LANGUAGE = "zh"
DOC_FORM = "form"
"""``ReceiptFacts.documents``: the sealed cancellation form."""
DOC_KEY = "key"
"""``ReceiptFacts.documents``: the key itself."""
DOC_STATEMENT = "statement"
"""``ReceiptFacts.documents``: the written statement that replaces a lost key."""
CANCELLATION_DOCUMENTS = (DOC_FORM, DOC_KEY, DOC_STATEMENT)
"""The checklist of a cancellation receipt, in its printed order."""
_DOCUMENT_KEYS = {
    DOC_FORM: "receipt.doc_form",
    DOC_KEY: "receipt.doc_key",
    DOC_STATEMENT: "receipt.doc_statement",
}
_ROW_GAP = "  "  # between two short fields packed on one line of a list row


def _t(key: str, **params: object) -> str:
    return translate(key, PAPER_LANGUAGE, **params)


@dataclass(frozen=True)
class BuiltReceipt:
    """A receipt's printer bytes and the same receipt as lines for the on-screen preview."""

    data: bytes
    preview: tuple[str, ...]


def _built(builder: ReceiptBuilder) -> BuiltReceipt:
    # The builder's "[QR] <url>" preview line can be wider than the paper: wrap any such line
    # so that the preview, like the paper, never exceeds the columns.
    preview: list[str] = []
    for line in builder.preview:
        if display_width(line) <= builder.columns:
            preview.append(line)
        else:
            preview.extend(wrap(line.strip(), builder.columns))
    return BuiltReceipt(builder.output(), tuple(preview))


@dataclass(frozen=True)
class ReceiptFacts:
    """What a receipt says, gathered by the service that prints it."""

    office_name: str
    counter_id: int
    operator_name: str
    printed_at: datetime
    tracking_code: str
    tracking_url: str
    enterprise_name: str = ""
    uscc: str = ""
    key_serial: str = ""
    agent_id_masked: str = ""
    findings: tuple[str, ...] = ()
    next_steps: tuple[str, ...] = ()
    due_on: date | None = None
    due_estimated: bool = False
    extra_lines: tuple[str, ...] = field(default_factory=tuple)
    recipient: str = ""
    address: str = ""
    courier: str = ""
    waybill: str = ""
    reason: str = ""
    documents: tuple[str, ...] = ()
    """Document codes (DOC_FORM, DOC_KEY, DOC_STATEMENT) or, for others, their Chinese names."""


@dataclass(frozen=True)
class IntakeRow:
    """One key received from the provider, on the intake list."""

    enterprise_name: str
    uscc: str
    key_serial: str
    notice_due: date
    """The working day by which the enterprise must be notified."""


@dataclass(frozen=True)
class ShipmentRow:
    """One key (or written statement) in a parcel to the provider, on the shipment manifest."""

    tracking_code: str
    enterprise_name: str
    uscc: str
    key_serial: str
    reason: str


_MASKED_ID = re.compile(r"[0-9A-Z]{0,3}\*+[0-9A-Z]{0,4}")


def _agent_id(value: str) -> str:
    """The agent's ID as printed: a properly masked form (at most 3 characters, stars, at
    most 4 characters) stays as it is; anything else is masked here."""
    return value if not value or _MASKED_ID.fullmatch(value) else mask_id_number(value)


def _pair(builder: ReceiptBuilder, label: str, value: str) -> None:
    """``label：value`` on one line; where that is too wide but the value fits a line of its
    own, the value goes on the next line, so a code, a date or a name is never split."""
    line = f"{label}：{value}"
    width = display_width(value)
    if display_width(line) <= builder.columns or width > builder.columns:
        builder.text(line)
        return
    builder.text(f"{label}：")
    builder.text(("  " if width + 2 <= builder.columns else "") + value)


def _header(builder: ReceiptBuilder, title_key: str, facts: ReceiptFacts, copy_key: str) -> None:
    builder.text(facts.office_name, align="center", bold=True)
    builder.text(_t(title_key), align="center", bold=True, double=True)
    if copy_key:
        builder.text(_t(copy_key), align="center")
    builder.rule()
    _pair(builder, _t("receipt.tracking_code"), facts.tracking_code)
    _pair(
        builder,
        _t("receipt.counter"),
        _t("receipt.counter_value", office=facts.office_name, counter=facts.counter_id),
    )
    _pair(builder, _t("receipt.operator"), facts.operator_name)
    _pair(builder, _t("receipt.time"), facts.printed_at.strftime("%Y-%m-%d %H:%M"))


def _subject(builder: ReceiptBuilder, facts: ReceiptFacts) -> None:
    builder.rule()
    for label, value in (
        ("receipt.enterprise", facts.enterprise_name),
        ("receipt.uscc", facts.uscc),
        ("receipt.key_serial", facts.key_serial),
        ("receipt.agent_id", _agent_id(facts.agent_id_masked)),
    ):
        if value:
            _pair(builder, _t(label), value)


def _body(builder: ReceiptBuilder, facts: ReceiptFacts, due_key: str = "receipt.due") -> None:
    if facts.findings:
        builder.rule()
        builder.text(_t("receipt.findings"), bold=True)
        for finding in facts.findings:
            builder.text(f"· {finding}")
    if facts.next_steps or facts.due_on:
        builder.rule()
        builder.text(_t("receipt.next_steps"), bold=True)
        for number, step in enumerate(facts.next_steps, 1):
            builder.text(f"{number}. {step}")
        if facts.due_on:
            _pair(builder, _t(due_key), facts.due_on.isoformat())
            if facts.due_estimated:
                builder.text(_t("due.estimated"))
    for line in facts.extra_lines:
        builder.text(line)


def _footer(builder: ReceiptBuilder, facts: ReceiptFacts, signature_key: str = "") -> None:
    builder.rule()
    builder.text(_t("receipt.scan_to_track"), align="center")
    builder.qr(facts.tracking_url)
    builder.text(facts.tracking_code, align="center", bold=True)
    builder.rule()
    builder.text(_t("receipt.support"), bold=True)
    _pair(builder, _t("receipt.hotline"), CA_KEY_HOTLINE)
    _pair(builder, _t("receipt.site"), LICENCE_BUREAU_SITE)
    _pair(builder, _t("receipt.online_system"), ONLINE_SYSTEM_URL)
    if signature_key:
        builder.blank()
        builder.columns_line(_t(signature_key), _t("receipt.date_line"))
        builder.blank()
    builder.cut()


def _copy(
    builder: ReceiptBuilder,
    title_key: str,
    facts: ReceiptFacts,
    copy_key: str = "",
    signature_key: str = "",
    details: Callable[[ReceiptBuilder], None] | None = None,
    due_key: str = "receipt.due",
) -> None:
    _header(builder, title_key, facts, copy_key)
    _subject(builder, facts)
    if details is not None:
        details(builder)
    _body(builder, facts, due_key)
    _footer(builder, facts, signature_key)


def handover_receipt(facts: ReceiptFacts, paper_mm: int, native_qr: bool = True) -> BuiltReceipt:
    """Two copies: the enterprise's, and the office's with signature and date lines."""
    builder = ReceiptBuilder(paper_mm, native_qr)
    _copy(builder, "receipt.title_handover", facts, "receipt.copy_enterprise")
    _copy(
        builder,
        "receipt.title_handover",
        facts,
        "receipt.copy_office",
        signature_key="receipt.signature",
    )
    return _built(builder)


def cert_check_receipt(facts: ReceiptFacts, paper_mm: int, native_qr: bool = True) -> BuiltReceipt:
    """The certificate check's findings and what to do next."""
    builder = ReceiptBuilder(paper_mm, native_qr)
    _copy(builder, "receipt.title_cert_check", facts)
    return _built(builder)


def unlock_slip(facts: ReceiptFacts, paper_mm: int, native_qr: bool = True) -> BuiltReceipt:
    """The PIN-unlock guidance slip, with the unlock system's address."""
    builder = ReceiptBuilder(paper_mm, native_qr)
    with_url = dataclasses.replace(
        facts,
        extra_lines=(*facts.extra_lines, _t("receipt.unlock_system", url=UNLOCK_SYSTEM_URL)),
    )
    _copy(builder, "receipt.title_unlock", with_url)
    return _built(builder)


def _mail_details(facts: ReceiptFacts) -> Callable[[ReceiptBuilder], None]:
    def details(builder: ReceiptBuilder) -> None:
        shown = [
            (label, value)
            for label, value in (
                ("receipt.recipient", facts.recipient),
                ("receipt.address", facts.address),
                ("receipt.courier", facts.courier),
                ("receipt.waybill", facts.waybill),
                ("receipt.reason", facts.reason),
            )
            if value
        ]
        if shown:
            builder.rule()
            for label, value in shown:
                _pair(builder, _t(label), value)
        if facts.documents:
            builder.rule()
            builder.text(_t("receipt.enclosed"), bold=True)
            for document in facts.documents:
                builder.text(f"· {_document_name(document)}")

    return details


def _document_name(document: str) -> str:
    key = _DOCUMENT_KEYS.get(document)
    return _t(key) if key else document


def mail_out_receipt(facts: ReceiptFacts, paper_mm: int, native_qr: bool = True) -> BuiltReceipt:
    """The key mailed to the enterprise: recipient, address, courier and waybill number."""
    builder = ReceiptBuilder(paper_mm, native_qr)
    _copy(builder, "receipt.title_mail_out", facts, details=_mail_details(facts))
    return _built(builder)


def _cancellation_details(facts: ReceiptFacts) -> Callable[[ReceiptBuilder], None]:
    def details(builder: ReceiptBuilder) -> None:
        builder.rule()
        if facts.reason:
            _pair(builder, _t("receipt.cancel_reason"), facts.reason)
        builder.text(_t("receipt.documents"), bold=True)
        others = [doc for doc in facts.documents if doc not in CANCELLATION_DOCUMENTS]
        for document in (*CANCELLATION_DOCUMENTS, *others):
            mark = "[√]" if document in facts.documents else "[  ]"
            builder.text(f"{mark} {_document_name(document)}")

    return details


def cancellation_receipt(
    facts: ReceiptFacts, paper_mm: int, native_qr: bool = True
) -> BuiltReceipt:
    """A walk-in cancellation, in two copies: the enterprise's, and the office's with signature
    and date lines. Shows the reason, the documents checked off (sealed form, key, or the
    written statement for a lost key) and, as ``due_on``, the working day by which the office
    ships them to the provider."""
    builder = ReceiptBuilder(paper_mm, native_qr)
    details = _cancellation_details(facts)
    for copy_key, signature_key in (
        ("receipt.copy_enterprise", ""),
        ("receipt.copy_office", "receipt.signature_agent"),
    ):
        _copy(
            builder,
            "receipt.title_cancellation",
            facts,
            copy_key,
            signature_key=signature_key,
            details=details,
            due_key="receipt.ship_by",
        )
    return _built(builder)


def _rows(builder: ReceiptBuilder, rows: Sequence[Sequence[str]]) -> None:
    """Numbered list rows. A row's first field (a name) starts beside its number; the other
    fields follow under an indent, two short ones sharing a line where they fit; anything
    longer than the line wraps under the indent. Nothing exceeds ``builder.columns``."""
    builder.rule()
    if not rows:
        builder.text(_t("receipt.no_rows"))
    indent = len(f"{len(rows)}.") + 1
    room = builder.columns - indent
    for index, fields in enumerate(rows, 1):
        name, *rest = [value for value in fields if value] or [""]
        lines = [name]
        for position, value in enumerate(rest):
            joined = f"{lines[-1]}{_ROW_GAP}{value}"
            if position > 0 and display_width(joined) <= room:
                lines[-1] = joined
            else:
                lines.append(value)
        parts = [part for line in lines for part in wrap(line, room)]
        builder.text(f"{index}.".ljust(indent) + parts[0])
        for part in parts[1:]:
            builder.text(" " * indent + part)


def _list_end(builder: ReceiptBuilder, header: ReceiptFacts, count: int) -> None:
    builder.rule()
    builder.text(_t("receipt.key_count", count=count), bold=True)
    _body(builder, header)
    _footer(builder, header, "receipt.signature_checked")


def intake_list(
    header: ReceiptFacts, rows: Sequence[IntakeRow], paper_mm: int, native_qr: bool = True
) -> BuiltReceipt:
    """The keys received from the provider in one batch, each with the working day by which
    its enterprise must be notified. ``header.tracking_code`` is the batch's own code."""
    builder = ReceiptBuilder(paper_mm, native_qr)
    _header(builder, "receipt.title_intake_list", header, "")
    _rows(
        builder,
        [
            (
                row.enterprise_name,
                _t("receipt.row_uscc", uscc=row.uscc),
                _t("receipt.row_serial", serial=row.key_serial),
                _t("receipt.row_notice_due", due=row.notice_due.isoformat()),
            )
            for row in rows
        ],
    )
    _list_end(builder, header, len(rows))
    return _built(builder)


def shipment_manifest(
    header: ReceiptFacts,
    rows: Sequence[ShipmentRow],
    courier: str,
    waybill: str,
    paper_mm: int,
    native_qr: bool = True,
) -> BuiltReceipt:
    """The parcel to the provider: courier, waybill and each key (or written statement) with
    its case and reason. ``header.tracking_code`` is the batch's own code; ``header.due_on``
    the ship-by working day."""
    builder = ReceiptBuilder(paper_mm, native_qr)
    _header(builder, "receipt.title_shipment", header, "")
    _pair(builder, _t("receipt.courier"), courier)
    _pair(builder, _t("receipt.waybill"), waybill)
    _rows(
        builder,
        [
            (
                row.enterprise_name,
                _t("receipt.row_tracking", code=row.tracking_code),
                _t("receipt.row_uscc", uscc=row.uscc),
                _t("receipt.row_serial", serial=row.key_serial),
                _t("receipt.row_reason", reason=row.reason),
            )
            for row in rows
        ],
    )
    _list_end(builder, header, len(rows))
    return _built(builder)


def _kind_name(kind: str) -> str:
    key = f"workflow.{kind}"
    return _t(key) if key in CATALOG else kind


def daily_summary(
    header: ReceiptFacts,
    day: date,
    counts: Mapping[str, int],
    met: int,
    missed: int,
    open_overdue: int,
    paper_mm: int,
    native_qr: bool = True,
) -> BuiltReceipt:
    """The counter's day: cases by kind (``counts``: case kind -> number), the cases closed by
    their due working day (``met``) or after it (``missed``), and those still open past it."""
    builder = ReceiptBuilder(paper_mm, native_qr)
    _header(builder, "receipt.title_daily_summary", header, "")
    _pair(builder, _t("receipt.summary_day"), day.isoformat())
    builder.rule()
    builder.text(_t("receipt.summary_cases"), bold=True)
    for kind, number in counts.items():
        builder.columns_line(_kind_name(kind), _t("receipt.count_value", count=number))
    builder.columns_line(
        _t("receipt.summary_total"), _t("receipt.count_value", count=sum(counts.values()))
    )
    builder.rule()
    for label, number in (
        ("receipt.summary_met", met),
        ("receipt.summary_missed", missed),
        ("receipt.summary_open_overdue", open_overdue),
    ):
        builder.columns_line(_t(label), _t("receipt.count_value", count=number))
    if met + missed:
        builder.columns_line(_t("receipt.summary_rate"), f"{100 * met / (met + missed):.1f}%")
    _body(builder, header)
    _footer(builder, header)
    return _built(builder)


def print_test_receipt(
    office_name: str, tracking_url: str, paper_mm: int, native_qr: bool = True
) -> BuiltReceipt:
    """`kiosk print-test`: Chinese text, full-width punctuation, a QR code and a cut."""
    builder = ReceiptBuilder(paper_mm, native_qr)
    builder.text(office_name or _t("app.title"), align="center", bold=True)
    builder.text(_t("receipt.title_test"), align="center", bold=True, double=True)
    builder.rule()
    builder.text(_t("receipt.test_text"))
    builder.text("（）：，。、“”《》——0123456789 ABCDEF abcdef")
    builder.qr(tracking_url)
    builder.cut()
    return _built(builder)
