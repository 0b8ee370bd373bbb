"""The ESC/POS receipt renderer: bytes from python-escpos's Dummy printer drawn as a PNG whose
QR code zbarimg can scan."""

from __future__ import annotations

import contextlib
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from escpos.printer import Dummy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from devices import escpos_render
from devices.escpos_render import (
    COLUMN_PX,
    LINE_PX,
    MARGIN_PX,
    ReceiptRenderError,
    find_cjk_font,
    render_receipt,
    render_receipt_png,
)

URL = "https://www.licence.org.cn/track/BJ01-261125-0007-Q"
TITLE = "企业电子钥匙领取回执（北京市商务局）"


def chinese(text: str) -> bytes:
    """Text the way the kiosk sends it: FS &, GB18030, FS ."""
    return b"\x1c\x26" + text.encode("gb18030") + b"\x1c\x2e"


def receipt(*, native: bool = True, copies: int = 2) -> bytes:
    printer = Dummy()
    for _ in range(copies):
        printer._raw(b"\x1b@")
        printer.set(align="center", bold=True, double_height=True, double_width=True)
        printer._raw(chinese(TITLE) + b"\n")
        printer.set(align="left", bold=False, normal_textsize=True)
        printer.text("Ticket BJ01-261125-0007\nCounter 3\n")
        printer.qr(URL, native=native, size=6)
        printer.cut()
    return bytes(printer.output)


def zbar(path: Path) -> list[str]:
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        pytest.fail("zbarimg is missing: run scripts/system-deps.sh (Debian zbar-tools)")
    done = subprocess.run(
        [zbarimg, "--raw", "-q", str(path)], capture_output=True, text=True, timeout=30
    )
    return done.stdout.splitlines()


def ink(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    """Dark pixels in ``box`` (left, top, right, bottom)."""
    histogram = image.crop(box).histogram()
    return sum(histogram[:128])


@pytest.mark.parametrize("native", [True, False], ids=["gs-k", "raster"])
def test_both_copies_of_the_qr_code_scan(native: bool, tmp_path: Path) -> None:
    path = tmp_path / "receipt.png"
    render_receipt_png(receipt(native=native), path)
    assert zbar(path) == [URL, URL]
    with Image.open(path) as image:
        assert image.width == 48 * COLUMN_PX + 2 * MARGIN_PX


def test_paper_width_follows_the_columns_and_height_the_content(tmp_path: Path) -> None:
    one, two = render_receipt(receipt(copies=1)), render_receipt(receipt(copies=2))
    narrow = render_receipt(receipt(copies=1), columns=32)
    assert one.width == two.width == 48 * COLUMN_PX + 2 * MARGIN_PX  # 80 mm: 576 dots
    assert narrow.width == 32 * COLUMN_PX + 2 * MARGIN_PX < one.width  # 58 mm: 384 dots
    assert two.height > one.height > 29 * 6 + 4 * LINE_PX  # title, 2 lines, 29-module QR
    assert narrow.height > one.height  # the double-size title wraps onto more lines
    path = tmp_path / "narrow.png"
    render_receipt_png(receipt(copies=1), path, columns=32)
    assert zbar(path) == [URL]
    assert render_receipt(b"").height == 2 * MARGIN_PX


def test_set_sizes_and_gs_bang_match() -> None:
    via_set, via_gs = Dummy(), Dummy()
    via_set.set(double_height=True, double_width=True)  # ESC ! 0x30 in python-escpos 3.1
    via_gs.set(custom_size=True, width=2, height=2)  # GS ! 0x11
    for printer in (via_set, via_gs):
        printer.text("AB\n")
    double, custom = render_receipt(via_set.output), render_receipt(via_gs.output)
    assert double.tobytes() == custom.tobytes()
    assert double.height == LINE_PX * 2 + 2 * MARGIN_PX
    assert render_receipt(b"AB\n").height == LINE_PX + 2 * MARGIN_PX


def test_alignment_moves_the_line() -> None:
    def leftmost_ink(align: str) -> int:
        printer = Dummy()
        printer.set(align=align)
        printer.text("X\n")
        image = render_receipt(printer.output, columns=32)
        box = image.point(lambda v: 255 if v < 128 else 0).getbbox()
        assert box is not None
        return box[0]

    left, centre, right = leftmost_ink("left"), leftmost_ink("center"), leftmost_ink("right")
    assert left < MARGIN_PX + COLUMN_PX
    assert abs(centre - (MARGIN_PX + 16 * COLUMN_PX)) < COLUMN_PX
    assert right >= MARGIN_PX + 31 * COLUMN_PX


def test_gb18030_four_byte_sequences_are_one_character() -> None:
    # "¥" (U+00A5) is 81 30 84 36 in GB18030: one character which a Chinese printer draws
    # full width (two columns), so "|" is in column 2 and nothing is in column 3.
    assert "¥".encode("gb18030") == b"\x81\x30\x84\x36"
    image = render_receipt(chinese("¥|") + b"\n")
    column = [
        ink(image, (MARGIN_PX + c * 12, MARGIN_PX, MARGIN_PX + c * 12 + 12, 40))
        for c in (0, 1, 2, 3)
    ]
    assert (column[0] or column[1]) and column[2] and not column[3]


def test_a_chinese_character_leaves_ink(monkeypatch: pytest.MonkeyPatch) -> None:
    font = find_cjk_font()
    assert font is not None, "no CJK font: run scripts/system-deps.sh (fonts-wqy-microhei)"
    data = chinese("企") + b"\n"
    cell = (MARGIN_PX, MARGIN_PX, MARGIN_PX + 2 * COLUMN_PX, MARGIN_PX + LINE_PX)
    drawn = render_receipt(data, font_path=font)
    assert ink(drawn, cell) > 30
    assert ink(drawn, (cell[2], cell[1], cell[2] + COLUMN_PX, cell[3])) == 0  # two columns
    monkeypatch.setattr(escpos_render, "find_cjk_font", lambda: None)
    boxed = render_receipt(data)  # no Chinese font: a box, never an exception
    assert ink(boxed, cell) > 30
    assert boxed.tobytes() != drawn.tobytes()


def test_a_missing_font_file_is_a_render_error(tmp_path: Path) -> None:
    with pytest.raises(ReceiptRenderError):
        render_receipt(b"x", font_path=tmp_path / "none.ttc")


@pytest.mark.parametrize(
    "data",
    [
        b"\x1b",
        b"\x1b!",
        b"\x1d",
        b"\x1dV",
        b"\x1dVA",
        b"\x1d(k\x03\x00\x31",
        b"\x1d(k\x03\x00\x31\x51\x30",  # print with no stored data
        b"\x1d(k\xff\xff\x31\x50\x30http",
        b"\x1dv0\x00\x10\x00\x10\x00\xff\xff",
        b"\x1dv0\x00\x00\x00\x00\x00",
        b"\x1c&\x81",
        b"\x1c&\x81\x30\x81",
        b"\x1c&\xff\xfe\x80\x81\x7f",
        b"\x1c",
        b"\x1b@\x1bd\x03\x1bJ\x40\x1d!\xff\x1ba\x07\x1bE\x01\x1b-\x02",
        receipt()[:-700],
    ],
)
def test_garbage_and_cut_short_commands_do_not_raise(data: bytes) -> None:
    assert render_receipt(data + b"\x1b").width == 48 * COLUMN_PX + 2 * MARGIN_PX


def test_a_huge_feed_is_a_render_error_not_a_crash() -> None:
    with pytest.raises(ReceiptRenderError):
        render_receipt(b"\x1bd\xff" * 10)


def test_random_bytes_mostly_render() -> None:
    rng = random.Random(20261125)
    rendered = 0
    for _ in range(50):
        with contextlib.suppress(ReceiptRenderError):
            rendered += isinstance(render_receipt(rng.randbytes(rng.randrange(2000))), Image.Image)
    assert rendered >= 45


COMMANDS = [
    b"\x1b",
    b"\x1d",
    b"\x1c&",
    b"\x1c.",
    b"\x1b!",
    b"\x1d!",
    b"\x1dv0",
    b"\x1d(k",
    b"\x1dV",
]
FRAGMENTS = st.one_of(
    st.binary(max_size=8), st.sampled_from([*COMMANDS, b"\n", b"\x1d(k\x03\x001Q0"])
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=400), st.lists(FRAGMENTS, max_size=60).map(b"".join)))
def test_render_never_raises_anything_but_render_error(data: bytes) -> None:
    try:
        image = render_receipt(data, columns=32)
    except ReceiptRenderError:
        return
    assert image.width == 32 * COLUMN_PX + 2 * MARGIN_PX
