"""`kiosk report daily`: the office's day as text, as CSV, and on paper."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

from data.models import CaseKind
from kiosk.cli import main
from kiosk.services.cases import close_case, open_case
from kiosk.services.report import CSV_HEADER
from tests.conftest import BASE_CONFIG, NOW

ROOT = Path(__file__).resolve().parents[2]


def a_day(context) -> str:
    """Two cases opened on NOW's day, one closed by its due date."""
    handover = open_case(
        context.store,
        kind=CaseKind.HANDOVER,
        counter=context.counter,
        operator="clerk",
        now=NOW,
        calendar=context.calendar,
        due_in_workdays=5,
    )
    close_case(context.store, handover.id, outcome="handed_over", operator="clerk", now=NOW)
    open_case(
        context.store,
        kind=CaseKind.INTAKE,
        counter=context.counter,
        operator="clerk",
        now=NOW,
        calendar=context.calendar,
        due_in_workdays=2,
    )
    return handover.tracking_code


def config_of(context) -> Path:
    return context.settings.database.path.parent / "kiosk.toml"


def test_csv_goes_to_stdout(context, operators, capsys) -> None:
    a_day(context)
    code = main(
        ["report", "daily", "--config", str(config_of(context)), "--date", "2026-11-25", "--csv"]
    )
    out = capsys.readouterr().out
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert tuple(rows[0]) == CSV_HEADER
    assert ["2026-11-25", "opened", "handover", "handed_over", "1"] in rows
    assert ["2026-11-25", "opened", "intake", "open", "1"] in rows
    assert ["2026-11-25", "deadline", "", "met", "1"] in rows
    assert ["2026-11-25", "deadline", "", "missed", "0"] in rows


def test_the_readable_summary(context, operators, capsys, monkeypatch) -> None:
    monkeypatch.setenv("KIOSK_LANG", "en")
    a_day(context)
    assert (
        main(["report", "daily", "--config", str(config_of(context)), "--date", "2026-11-25"]) == 0
    )
    out = capsys.readouterr().out
    assert "daily report, 2026-11-25" in out
    assert "Cases opened: 2" in out
    assert "hand-over, handed over: 1" in out
    assert "key intake, open: 1" in out
    assert "Closed: 1; deadline met 1, missed 0" in out


def test_a_bad_date_is_one_clear_line(context, operators) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "report", "daily", "--config",
         str(config_of(context)), "--date", "2026-13-45", "--csv"],
        capture_output=True, text=True, cwd=ROOT, env={"KIOSK_LANG": "en", "PATH": ""},
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.strip() == (
        "The date “2026-13-45” is not valid; use YYYY-MM-DD, e.g. 2026-11-25."
    )


def test_print_sends_the_daily_summary(
    context, operators, write_config, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("KIOSK_LANG", "en")
    a_day(context)
    config = write_config(BASE_CONFIG + '\n[printer]\nconnection = "file:summary.bin"\n', "p.toml")
    code = main(["report", "daily", "--config", str(config), "--date", "2026-11-25", "--print"])
    out = capsys.readouterr().out
    assert code == 0, out
    paper = (config.parent / "summary.bin").read_bytes()
    assert b"2026-11-25" in paper and "窗口业务日报".encode("gb18030") in paper
    assert "Daily summary sent to file:" in out
