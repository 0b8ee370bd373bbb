"""`kiosk receipt render` and `kiosk print-test`, as a script or an admin runs them."""

from __future__ import annotations

import subprocess
from pathlib import Path

from data.models import CaseKind
from kiosk.cli import main
from kiosk.receipts import print_test_receipt
from kiosk.services.cases import open_case
from kiosk.services.receipts import store_receipt
from tests.conftest import NOW
from tests.devices.fake_printer import FakeNetworkPrinter, closed_port

URL = "https://www.licence.org.cn/track/"


def test_render_draws_the_stored_receipt_and_its_qr_scans(
    context, operators, tmp_path: Path, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("KIOSK_LANG", "en")
    case = open_case(
        context.store,
        kind=CaseKind.CERT_CHECK,
        counter=context.counter,
        operator="clerk",
        now=NOW,
        calendar=context.calendar,
    )
    data = print_test_receipt("北京市商务局", URL + case.tracking_code, 80).data
    store_receipt(
        context.store,
        case_id=case.id,
        template="cert_check",
        data=data,
        copies=1,
        operator="clerk",
        now=NOW,
    )
    png = tmp_path / "r.png"
    config = context.settings.database.path.parent / "kiosk.toml"
    assert (
        main(
            [
                "receipt",
                "render",
                "--config",
                str(config),
                "--case",
                case.tracking_code.lower(),
                "--png",
                str(png),
            ]
        )
        == 0
    )
    assert "drawn to" in capsys.readouterr().out
    scanned = subprocess.run(
        ["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True, check=False
    ).stdout.split()
    assert scanned == [URL + case.tracking_code]


def test_render_of_a_case_without_receipts_says_so(
    context, operators, tmp_path, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("KIOSK_LANG", "en")
    case = open_case(
        context.store,
        kind=CaseKind.CERT_CHECK,
        counter=context.counter,
        operator="clerk",
        now=NOW,
        calendar=context.calendar,
    )
    config = context.settings.database.path.parent / "kiosk.toml"
    code = main(
        [
            "receipt",
            "render",
            "--config",
            str(config),
            "--case",
            case.tracking_code,
            "--png",
            str(tmp_path / "x.png"),
        ]
    )
    assert code == 1
    assert f"Case {case.tracking_code} has no receipt." in capsys.readouterr().err


def test_print_test_reaches_a_network_printer(capsys, monkeypatch) -> None:
    monkeypatch.setenv("KIOSK_LANG", "en")
    printer = FakeNetworkPrinter()
    try:
        assert main(["print-test", "--printer", printer.spec, "--timeout", "1"]) == 0
        received = printer.printed()
    finally:
        printer.close()
    assert "打印测试".encode("gb18030") in received
    assert b"\x1d(k" in received and b"\x1dV" in received
    assert "Test receipt sent" in capsys.readouterr().out


def test_print_test_names_the_exact_failure(capsys, monkeypatch) -> None:
    monkeypatch.setenv("KIOSK_LANG", "en")
    spec = f"tcp://127.0.0.1:{closed_port()}"
    assert main(["print-test", "--printer", spec, "--timeout", "1"]) == 1
    err = capsys.readouterr().err
    assert "refused the connection" in err and "\n" not in err.strip()
    assert main(["print-test", "--printer", "usb:zz:01"]) == 1
    assert "Bad printer setting" in capsys.readouterr().err
