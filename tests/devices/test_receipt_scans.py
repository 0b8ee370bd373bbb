"""Each receipt template, drawn from its printer bytes, carries a QR code that scans back
to the tracking URL: the proof that what we print can be scanned."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest

from devices.escpos_render import render_receipt_png
from kiosk.receipts import (
    ReceiptFacts,
    cert_check_receipt,
    handover_receipt,
    print_test_receipt,
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
TEMPLATES = {
    "handover": lambda paper, native: handover_receipt(FACTS, paper, native),
    "cert_check": lambda paper, native: cert_check_receipt(FACTS, paper, native),
    "unlock_slip": lambda paper, native: unlock_slip(FACTS, paper, native),
}


def scan(png: Path) -> list[str]:
    if shutil.which("zbarimg") is None:
        pytest.fail("zbarimg missing: run scripts/system-deps.sh as root (zbar-tools)")
    done = subprocess.run(
        ["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True, check=False
    )
    return done.stdout.split()


@pytest.mark.parametrize("paper", [58, 80])
@pytest.mark.parametrize("native", [True, False], ids=["native-qr", "image-qr"])
@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_each_template_scans_back_to_its_tracking_url(
    tmp_path: Path, template: str, paper: int, native: bool
) -> None:
    built = TEMPLATES[template](paper, native)
    png = tmp_path / f"{template}.png"
    render_receipt_png(built.data, png, columns=32 if paper == 58 else 48)
    copies = 2 if template == "handover" else 1
    assert scan(png) == [URL] * copies


def test_the_print_test_receipt_scans(tmp_path: Path) -> None:
    png = tmp_path / "test.png"
    render_receipt_png(print_test_receipt("北京市商务局", URL, 80).data, png)
    assert scan(png) == [URL]
