"""Each receipt template, drawn from its printer bytes, carries a QR code that scans back
to the tracking URL: the proof that what we print can be scanned."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from devices.escpos_render import render_receipt_png
from kiosk.receipts import (
    DOC_FORM,
    DOC_KEY,
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
    print_test_receipt,
    shipment_manifest,
    unlock_slip,
)

URL = "https://www.licence.org.cn/track/BJ01-261125-0007-Q"
FACTS = ReceiptFacts(
    office_name="北京市商务局",
    counter_id=1,
    operator_name="张敏",
    printed_at=datetime(2026, 11, 25, 10, 30),
    tracking_code="BJ01-261125-0007-Q",
    tracking_url=URL,
    enterprise_name="中德精密仪器（北京）有限公司",
    uscc="91110108MA01A2B3CF",
    key_serial="a781c6c026b00960",
    agent_id_masked="110***********1234",
    findings=("证书缺少18位统一社会信用代码。",),
    next_steps=("外资企业：请当地商务主管部门手工补录经营者信息，1个工作日后进行证书更新。",),
    due_on=date(2026, 11, 27),
)
BATCH_URL = "https://www.licence.org.cn/track/BJ01-261125-0012-W"
HEADER = replace(
    FACTS,
    tracking_code="BJ01-261125-0012-W",  # a batch's own code
    tracking_url=BATCH_URL,
    enterprise_name="",
    uscc="",
    key_serial="",
    agent_id_masked="",
    findings=(),
    next_steps=(),
)
MAIL = replace(
    FACTS,
    recipient="王芳",
    address="北京市海淀区中关村大街1号院2号楼三层301室",
    courier="中国邮政EMS",
    waybill="1187654321098",
    documents=(DOC_KEY,),
)
CANCEL = replace(FACTS, reason="不再使用", documents=(DOC_FORM, DOC_KEY))
INTAKE = [IntakeRow(FACTS.enterprise_name, FACTS.uscc, FACTS.key_serial, date(2026, 11, 27))]
SHIPMENT = [
    ShipmentRow(
        FACTS.tracking_code, FACTS.enterprise_name, FACTS.uscc, FACTS.key_serial, "不再使用"
    )
]
Build = Callable[[int, bool], BuiltReceipt]
TEMPLATES: dict[str, Build] = {
    "handover": lambda paper, native: handover_receipt(FACTS, paper, native),
    "cert_check": lambda paper, native: cert_check_receipt(FACTS, paper, native),
    "unlock_slip": lambda paper, native: unlock_slip(FACTS, paper, native),
    "mail_out": lambda paper, native: mail_out_receipt(MAIL, paper, native),
    "cancellation": lambda paper, native: cancellation_receipt(CANCEL, paper, native),
    "intake_list": lambda paper, native: intake_list(HEADER, INTAKE, paper, native),
    "shipment_manifest": lambda paper, native: shipment_manifest(
        HEADER, SHIPMENT, "顺丰速运", "SF1234567890", paper, native
    ),
    "daily_summary": lambda paper, native: daily_summary(
        HEADER, date(2026, 11, 25), {"handover": 5, "intake": 12}, 4, 1, 0, paper, native
    ),
}
TWO_COPIES = {"handover", "cancellation"}
BATCHES = {"intake_list", "shipment_manifest", "daily_summary"}
FIRST = ("handover", "cert_check", "unlock_slip")
# Every paper width and QR kind for the first templates; the others at 80 mm with the native
# QR, plus one image QR on 58 mm: each case costs a render and a zbarimg run.
CASES = [
    *(
        pytest.param(name, paper, native, id=f"{name}-{kind}-{paper}")
        for name in FIRST
        for paper in (58, 80)
        for native, kind in ((True, "native-qr"), (False, "image-qr"))
    ),
    *(
        pytest.param(name, 80, True, id=f"{name}-native-qr-80")
        for name in sorted(TEMPLATES)
        if name not in FIRST
    ),
    pytest.param("cancellation", 58, False, id="cancellation-image-qr-58"),
]


def scan(png: Path) -> list[str]:
    if shutil.which("zbarimg") is None:
        pytest.fail("zbarimg missing: run scripts/system-deps.sh as root (zbar-tools)")
    done = subprocess.run(
        ["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True, check=False
    )
    return done.stdout.split()


@pytest.mark.parametrize(("template", "paper", "native"), CASES)
def test_each_template_scans_back_to_its_tracking_url(
    tmp_path: Path, template: str, paper: int, native: bool
) -> None:
    built = TEMPLATES[template](paper, native)
    png = tmp_path / f"{template}.png"
    render_receipt_png(built.data, png, columns=32 if paper == 58 else 48)
    copies = 2 if template in TWO_COPIES else 1
    assert scan(png) == [BATCH_URL if template in BATCHES else URL] * copies


def test_the_print_test_receipt_scans(tmp_path: Path) -> None:
    png = tmp_path / "test.png"
    render_receipt_png(print_test_receipt("北京市商务局", URL, 80).data, png)
    assert scan(png) == [URL]
