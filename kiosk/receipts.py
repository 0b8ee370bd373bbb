"""Receipt templates: what each counter action puts on paper, in Chinese.

Every receipt shows the office, counter, operator, time, the tracking code with its QR,
the enterprise and its USCC, the key serial, the masked agent ID where there is one, what
happens next and by which working day, and the support contacts of PROCESS.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from data.i18n import translate
from devices.receipt_builder import ReceiptBuilder
from kiosk.support import CA_KEY_HOTLINE, LICENCE_BUREAU_SITE, ONLINE_SYSTEM_URL, UNLOCK_SYSTEM_URL

PAPER_LANGUAGE = "zh"


def _t(key: str, **params: object) -> str:
    return translate(key, PAPER_LANGUAGE, **params)


@dataclass(frozen=True)
class BuiltReceipt:
    """A receipt's printer bytes and the same receipt as lines for the on-screen preview."""

    data: bytes
    preview: tuple[str, ...]


def _built(builder: ReceiptBuilder) -> BuiltReceipt:
    return BuiltReceipt(builder.output(), tuple(builder.preview))


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


def _header(builder: ReceiptBuilder, title_key: str, facts: ReceiptFacts, copy_key: str) -> None:
    builder.text(facts.office_name, align="center", bold=True)
    builder.text(_t(title_key), align="center", bold=True, double=True)
    if copy_key:
        builder.text(_t(copy_key), align="center")
    builder.rule()
    builder.pair(_t("receipt.tracking_code"), facts.tracking_code)
    builder.pair(
        _t("receipt.counter"),
        _t("receipt.counter_value", office=facts.office_name, counter=facts.counter_id),
    )
    builder.pair(_t("receipt.operator"), facts.operator_name)
    builder.pair(_t("receipt.time"), facts.printed_at.strftime("%Y-%m-%d %H:%M"))


def _subject(builder: ReceiptBuilder, facts: ReceiptFacts) -> None:
    builder.rule()
    for label, value in (
        ("receipt.enterprise", facts.enterprise_name),
        ("receipt.uscc", facts.uscc),
        ("receipt.key_serial", facts.key_serial),
        ("receipt.agent_id", facts.agent_id_masked),
    ):
        if value:
            builder.pair(_t(label), value)


def _body(builder: ReceiptBuilder, facts: ReceiptFacts) -> None:
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
            builder.pair(_t("receipt.due"), facts.due_on.isoformat())
            if facts.due_estimated:
                builder.text(_t("due.estimated"))
    for line in facts.extra_lines:
        builder.text(line)


def _footer(builder: ReceiptBuilder, facts: ReceiptFacts, signature: bool) -> None:
    builder.rule()
    builder.text(_t("receipt.scan_to_track"), align="center")
    builder.qr(facts.tracking_url)
    builder.text(facts.tracking_code, align="center", bold=True)
    builder.rule()
    builder.text(_t("receipt.support"), bold=True)
    builder.pair(_t("receipt.hotline"), CA_KEY_HOTLINE)
    builder.pair(_t("receipt.site"), LICENCE_BUREAU_SITE)
    builder.pair(_t("receipt.online_system"), ONLINE_SYSTEM_URL)
    if signature:
        builder.blank()
        builder.columns_line(_t("receipt.signature"), _t("receipt.date_line"))
        builder.blank()
    builder.cut()


def _copy(
    builder: ReceiptBuilder,
    title_key: str,
    facts: ReceiptFacts,
    copy_key: str = "",
    signature: bool = False,
) -> None:
    _header(builder, title_key, facts, copy_key)
    _subject(builder, facts)
    _body(builder, facts)
    _footer(builder, facts, signature)


def handover_receipt(facts: ReceiptFacts, paper_mm: int, native_qr: bool = True) -> BuiltReceipt:
    """Two copies: the enterprise's, and the office's with signature and date lines."""
    builder = ReceiptBuilder(paper_mm, native_qr)
    _copy(builder, "receipt.title_handover", facts, "receipt.copy_enterprise")
    _copy(builder, "receipt.title_handover", facts, "receipt.copy_office", signature=True)
    return _built(builder)


def cert_check_receipt(facts: ReceiptFacts, paper_mm: int, native_qr: bool = True) -> BuiltReceipt:
    """The certificate check's findings and what to do next."""
    builder = ReceiptBuilder(paper_mm, native_qr)
    _copy(builder, "receipt.title_cert_check", facts)
    return _built(builder)


def unlock_slip(facts: ReceiptFacts, paper_mm: int, native_qr: bool = True) -> BuiltReceipt:
    """The PIN-unlock guidance slip, with the unlock system's address."""
    builder = ReceiptBuilder(paper_mm, native_qr)
    with_url = ReceiptFacts(
        **{
            **facts.__dict__,
            "extra_lines": (*facts.extra_lines, _t("receipt.unlock_system", url=UNLOCK_SYSTEM_URL)),
        }
    )
    _copy(builder, "receipt.title_unlock", with_url)
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
