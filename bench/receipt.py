"""Time to build a hand-over receipt (two copies, Chinese text, native QR, cuts) and to render
it to a PNG, next to python-escpos's own ``Dummy()`` printing the same text lines with
``text()``, ``qr(native=True)`` and ``cut()`` (the anchor), measured in the same run.

Run: .venv/bin/python bench/receipt.py [--paper 80] [--rounds 200] [--render-rounds 20]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path

from escpos.printer import Dummy

from devices.escpos_render import render_receipt_png
from devices.receipt_builder import COLUMNS
from kiosk.receipts import ReceiptFacts, handover_receipt

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
    next_steps=("请妥善保管电子钥匙，首次使用前请修改PIN码。",),
    due_on=date(2026, 11, 27),
)
QR_MARK, CUT_MARK = "[QR] ", "✂"


def anchor_script(preview: Sequence[str], url: str) -> list[tuple[str, str]]:
    """The receipt as python-escpos calls: ("text", line), ("qr", url) or ("cut", "").
    The preview's QR line (wrapped when the URL is long) becomes one ``qr`` call."""
    script: list[tuple[str, str]] = []
    lines = iter(preview)
    for line in lines:
        if line.strip().startswith(QR_MARK):
            shown = line.strip()[len(QR_MARK) :]
            while shown != url:
                shown += next(lines).strip()
            script.append(("qr", url))
        elif line.startswith(CUT_MARK):
            script.append(("cut", ""))
        else:
            script.append(("text", line + "\n"))
    return script


def print_with_dummy(script: Sequence[tuple[str, str]]) -> bytes:
    printer = Dummy()
    for command, value in script:
        if command == "text":
            printer.text(value)
        elif command == "qr":
            printer.qr(value, native=True, size=6)
        else:
            printer.cut()
    return bytes(printer.output)


def median_time(action: Callable[[], object], rounds: int) -> tuple[float, float]:
    """(first call, median of ``rounds`` further calls), in seconds."""
    start = time.perf_counter()
    action()
    first = time.perf_counter() - start
    runs = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        runs.append(time.perf_counter() - start)
    return first, statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--paper", type=int, choices=sorted(COLUMNS), default=80)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--render-rounds", type=int, default=20)
    args = parser.parse_args()
    paper, columns = args.paper, COLUMNS[args.paper]

    built = handover_receipt(FACTS, paper)
    script = anchor_script(built.preview, URL)
    _, anchor = median_time(lambda: print_with_dummy(script), args.rounds)
    _, build = median_time(lambda: handover_receipt(FACTS, paper), args.rounds)
    with tempfile.TemporaryDirectory() as folder:
        png = Path(folder) / "handover.png"
        cold, render = median_time(
            lambda: render_receipt_png(built.data, png, columns=columns), args.render_rounds
        )
        size = png.stat().st_size

    print(
        f"hand-over receipt, {paper} mm ({columns} columns): {len(built.preview)} lines,"
        f" {len(built.data)} bytes, 2 copies; PNG {size} bytes"
    )
    print(f"medians of {args.rounds} runs ({args.render_rounds} for the PNG), after one warm-up")
    rows = (
        ("python-escpos Dummy text/qr(native)/cut, same lines (anchor)", anchor, ""),
        ("kiosk build (handover_receipt)", build, f"ratio {build / anchor:6.2f}"),
        (
            "kiosk render to PNG (render_receipt_png)",
            render,
            f"ratio {render / anchor:6.2f}   (first, cold caches: {cold * 1000:.1f} ms)",
        ),
    )
    for label, seconds, note in rows:
        print(f"{label:<62} {seconds * 1000:8.2f} ms   {note}".rstrip())


if __name__ == "__main__":
    main()
