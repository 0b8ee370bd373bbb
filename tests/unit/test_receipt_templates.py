"""Every receipt template on 58 and 80 mm paper: the key facts in GB18030, no plain ID
number, lines that fit the paper, the native QR holding the tracking URL, a cut per copy."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime

import pytest

from devices.receipt_builder import COLUMNS, display_width
from kiosk.receipts import (
    DOC_FORM,
    DOC_KEY,
    DOC_STATEMENT,
    BuiltReceipt,
    IntakeRow,
    ReceiptFacts,
    ShipmentRow,
    cancellation_receipt,
    cert_check_receipt,
    daily_summary,
    handover_receipt,
    intake_list,
    mail_out_receipt,
    shipment_manifest,
    unlock_slip,
)
from kiosk.rules.tracking import make_tracking_code

TRACK = "https://www.licence.org.cn/track/"
CODE = "BJ01-261125-0007-Q"
BATCH = make_tracking_code("BJ", 1, date(2026, 11, 25), 12).text()
ID_NUMBER = "110105198001011234"
MASKED_ID = "110***********1234"
PLAIN_ID = re.compile(r"\d{17}[\dXx]")
FACTS = ReceiptFacts(
    office_name="北京市商务局",
    counter_id=1,
    operator_name="张敏",
    printed_at=datetime(2026, 11, 25, 10, 30),
    tracking_code=CODE,
    tracking_url=TRACK + CODE,
    enterprise_name="中德精密仪器（北京）有限公司",
    uscc="91110108MA01A2B3CF",
    key_serial="a781c6c026b00960",
    agent_id_masked=MASKED_ID,
    findings=("证书缺少18位统一社会信用代码。",),
    next_steps=("外资企业：请当地商务主管部门手工补录经营者信息，1个工作日后进行证书更新。",),
    due_on=date(2026, 11, 27),
)
MAIL = replace(
    FACTS,
    findings=(),
    next_steps=("钥匙已交快递寄出，请企业收到后核对钥匙序列号。",),
    recipient="王芳",
    address="北京市海淀区中关村大街1号院2号楼三层301室",
    courier="中国邮政EMS",
    waybill="1187654321098",
    reason="企业申请邮寄",
    documents=(DOC_KEY,),
)
CANCEL = replace(
    FACTS,
    findings=(),
    next_steps=("窗口将申请表和书面说明寄送服务商，服务商收到后2个工作日内注销。",),
    reason="钥匙遗失",
    documents=(DOC_FORM, DOC_STATEMENT),
    due_on=date(2026, 11, 27),
)
HEADER = ReceiptFacts(
    office_name="北京市商务局",
    counter_id=1,
    operator_name="张敏",
    printed_at=datetime(2026, 11, 25, 16, 45),
    tracking_code=BATCH,
    tracking_url=TRACK + BATCH,
    next_steps=("请按各行期限通知企业。",),
    due_on=date(2026, 11, 27),
)
LONG_NAME = "内蒙古自治区呼和浩特市赛罕区某某进出口贸易股份有限责任公司第一分公司"
INTAKE = (
    IntakeRow(
        "中德精密仪器（北京）有限公司", "91110108MA01A2B3CF", "a781c6c026b00960", date(2026, 11, 27)
    ),
    IntakeRow(LONG_NAME, "91150105MA0N2K3L4U", "0011223344556677", date(2026, 11, 30)),
)
SHIPMENT = (
    ShipmentRow(
        CODE, "中德精密仪器（北京）有限公司", "91110108MA01A2B3CF", "a781c6c026b00960", "钥匙损坏"
    ),
    ShipmentRow(
        make_tracking_code("BJ", 1, date(2026, 11, 24), 3).text(),
        LONG_NAME,
        "91150105MA0N2K3L4U",
        "0011223344556677",
        "不再使用",
    ),
)
COUNTS = {"handover": 5, "intake": 12, "cancellation": 1}


@dataclass(frozen=True)
class Template:
    build: Callable[[int, bool], BuiltReceipt]
    facts: tuple[str, ...]
    """Texts that must appear whole on the paper."""
    url: str
    copies: int = 1


SUBJECT = (FACTS.enterprise_name, FACTS.uscc, FACTS.key_serial, MASKED_ID, "2026-11-27")
TEMPLATES = {
    "handover": Template(
        lambda p, n: handover_receipt(FACTS, p, n), SUBJECT, FACTS.tracking_url, 2
    ),
    "cert_check": Template(
        lambda p, n: cert_check_receipt(FACTS, p, n), SUBJECT, FACTS.tracking_url
    ),
    "unlock_slip": Template(lambda p, n: unlock_slip(FACTS, p, n), SUBJECT, FACTS.tracking_url),
    "mail_out": Template(
        lambda p, n: mail_out_receipt(MAIL, p, n),
        (*SUBJECT, "王芳", "中国邮政EMS", "1187654321098"),
        FACTS.tracking_url,
    ),
    "cancellation": Template(
        lambda p, n: cancellation_receipt(CANCEL, p, n),
        (*SUBJECT, "钥匙遗失", "寄送服务商期限"),
        FACTS.tracking_url,
        2,
    ),
    "intake_list": Template(
        lambda p, n: intake_list(HEADER, INTAKE, p, n),
        (
            BATCH,
            INTAKE[0].enterprise_name,
            *(row.uscc for row in INTAKE),
            *(row.key_serial for row in INTAKE),
            "2026-11-27",
            "2026-11-30",
            "共 2 把钥匙",
        ),
        HEADER.tracking_url,
    ),
    "shipment_manifest": Template(
        lambda p, n: shipment_manifest(HEADER, SHIPMENT, "顺丰速运", "SF1234567890", p, n),
        (
            BATCH,
            "顺丰速运",
            "SF1234567890",
            SHIPMENT[0].enterprise_name,
            *(row.tracking_code for row in SHIPMENT),
            *(row.uscc for row in SHIPMENT),
            *(row.key_serial for row in SHIPMENT),
            "钥匙损坏",
            "不再使用",
            "2026-11-27",
        ),
        HEADER.tracking_url,
    ),
    "daily_summary": Template(
        lambda p, n: daily_summary(HEADER, date(2026, 11, 25), COUNTS, 17, 1, 2, p, n),
        (BATCH, "2026-11-25", "钥匙领取交接", "钥匙接收登记", "钥匙注销受理", "2026-11-27"),
        HEADER.tracking_url,
    ),
}
CASES = [(name, paper) for name in TEMPLATES for paper in (58, 80)]


def gb(text: str) -> bytes:
    return text.encode("gb18030")


def qr_store(url: str) -> bytes:
    """GS ( k: store ``url`` in the QR symbol (function 180)."""
    return b"\x1d(k" + (len(url) + 3).to_bytes(2, "little") + b"1P0" + url.encode()


@pytest.fixture(params=CASES, ids=[f"{name}-{paper}mm" for name, paper in CASES])
def case(request: pytest.FixtureRequest) -> tuple[Template, int, BuiltReceipt]:
    name, paper = request.param
    template = TEMPLATES[name]
    return template, paper, template.build(paper, True)


def test_key_facts_are_on_paper_in_gb18030(case: tuple[Template, int, BuiltReceipt]) -> None:
    template, _, built = case
    for fact in template.facts:
        assert gb(fact) in built.data, fact
    assert b"\x1c\x26" in built.data  # Chinese mode


def test_no_plain_id_number_is_printed(case: tuple[Template, int, BuiltReceipt]) -> None:
    _, _, built = case
    assert not PLAIN_ID.search(built.data.decode("gb18030", errors="replace"))
    assert not any(PLAIN_ID.search(line) for line in built.preview)


def test_every_preview_line_fits_the_paper(case: tuple[Template, int, BuiltReceipt]) -> None:
    _, paper, built = case
    columns = COLUMNS[paper]
    too_wide = [line for line in built.preview if display_width(line) > columns]
    assert not too_wide


def test_the_native_qr_holds_the_tracking_url(case: tuple[Template, int, BuiltReceipt]) -> None:
    template, _, built = case
    assert built.data.count(qr_store(template.url)) == template.copies
    assert built.data.count(b"\x1d(k") == 5 * template.copies  # no other QR code


def test_one_cut_per_copy(case: tuple[Template, int, BuiltReceipt]) -> None:
    template, _, built = case
    assert built.data.count(b"\x1dV") == template.copies
    assert built.data.endswith(b"\x1dV\x00")  # the last copy ends on its cut


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_image_qr_when_the_printer_lacks_the_native_command(name: str) -> None:
    data = TEMPLATES[name].build(80, False).data
    assert b"\x1d(k" not in data
    assert data.count(b"\x1dv0") == TEMPLATES[name].copies


def test_an_unmasked_agent_id_is_masked_on_paper() -> None:
    built = handover_receipt(replace(FACTS, agent_id_masked=ID_NUMBER), 58)
    assert gb(MASKED_ID) in built.data
    assert b"19800101" not in built.data
    assert not any("19800101" in line for line in built.preview)


def test_without_an_agent_id_no_agent_line() -> None:
    built = mail_out_receipt(replace(MAIL, agent_id_masked=""), 80)
    assert gb("经办人证件号") not in built.data


def test_the_cancellation_checklist_and_the_office_copy_signature() -> None:
    built = cancellation_receipt(CANCEL, 80)
    text = "\n".join(built.preview)
    assert text.count("[√] 注销申请表（已盖章）") == 2
    assert text.count("[√] 钥匙遗失书面说明") == 2
    assert text.count("[  ] 电子钥匙") == 2  # the key was lost: not brought
    enterprise, office = text.split("✂")[:2]
    assert "（企业留存联）" in enterprise and "签字" not in enterprise
    assert "（窗口存档联）" in office and "经办人签字：" in office and "日期：" in office
    assert "寄送服务商期限（工作日）：2026-11-27" in text


def test_a_brought_key_is_checked_off() -> None:
    built = cancellation_receipt(replace(CANCEL, documents=(DOC_FORM, DOC_KEY)), 58)
    text = "\n".join(built.preview)
    assert text.count("[√] 电子钥匙") == 2
    assert text.count("[  ] 钥匙遗失书面说明") == 2


def test_the_mail_out_receipt_names_the_parcel() -> None:
    text = "\n".join(mail_out_receipt(MAIL, 80).preview)
    for line in ("收件人：王芳", "快递公司：中国邮政EMS", "运单号：1187654321098", "· 电子钥匙"):
        assert line in text
    assert "北京市海淀区中关村大街1号院2号楼三层301室" in text.replace("\n", "")


def test_list_rows_wrap_long_names_under_their_number() -> None:
    built = intake_list(HEADER, INTAKE, 58)
    rows = built.preview[built.preview.index("1. " + INTAKE[0].enterprise_name) :]
    second = next(i for i, line in enumerate(rows) if line.startswith("2. "))
    name_lines = rows[second : second + 3]
    assert "".join(line[3:] for line in name_lines) == LONG_NAME
    assert all(line.startswith("   ") for line in name_lines[1:])
    assert rows[second + 3] == "   信用代码：91150105MA0N2K3L4U"


def test_an_empty_list_says_so() -> None:
    text = "\n".join(intake_list(HEADER, [], 80).preview)
    assert "（无）" in text and "共 0 把钥匙" in text


def test_the_daily_summary_counts() -> None:
    lines = daily_summary(HEADER, date(2026, 11, 25), COUNTS, 17, 1, 2, 80).preview
    assert "统计日期：2026-11-25" in lines
    for label, value in (
        ("钥匙接收登记", "12 件"),
        ("合计", "18 件"),
        ("按期办结", "17 件"),
        ("逾期办结", "1 件"),
        ("未办结且已逾期", "2 件"),
        ("按期办结率", "94.4%"),
    ):
        line = next(line for line in lines if line.startswith(label + " "))
        assert line.endswith(value) and display_width(line) == 48


def test_an_unknown_case_kind_is_shown_as_it_is() -> None:
    lines = daily_summary(HEADER, date(2026, 11, 25), {"other": 3}, 0, 0, 0, 58).preview
    assert any(line.startswith("other ") and line.endswith("3 件") for line in lines)
    assert not any("按期办结率" in line for line in lines)  # nothing closed: no rate
