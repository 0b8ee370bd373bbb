"""The QR code drawn in the terminal (half blocks) is a real, scannable code."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from devices.qr import qr_text

URL = "https://www.licence.org.cn/track/BJ01-261125-0007-Q"
# Each character cell is two modules high: upper half, lower half (dark = ink).
HALVES = {" ": (0, 0), "\xa0": (0, 0), "▀": (1, 0), "▄": (0, 1), "█": (1, 1)}


def as_image(text: str, scale: int = 8) -> Image.Image:
    rows = text.split("\n")
    width = max(len(row) for row in rows)
    image = Image.new("L", ((width + 8) * scale, (len(rows) * 2 + 8) * scale), 255)
    for y, row in enumerate(rows):
        for x, char in enumerate(row):
            for half, dark in enumerate(HALVES[char]):
                if dark:
                    left, top = (x + 4) * scale, (y * 2 + half + 4) * scale
                    image.paste(0, (left, top, left + scale, top + scale))
    return image


def test_the_terminal_rendering_scans_back_to_the_url(tmp_path: Path) -> None:
    if shutil.which("zbarimg") is None:
        pytest.fail("zbarimg missing: run scripts/system-deps.sh as root (zbar-tools)")
    text = qr_text(URL)
    assert set(text) <= set(HALVES) | {"\n"}
    png = tmp_path / "screen.png"
    as_image(text).save(png)
    done = subprocess.run(
        ["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True, check=False
    )
    assert done.stdout.split() == [URL]
    assert len(text.split("\n")) <= 24  # compact: fits beside the text on a counter screen
