"""ESC/POS bytes for a receipt: Chinese text in GB18030, sizes, alignment, QR, cut.

Lines are laid out in half-width columns (32 on 58 mm paper, 48 on 80 mm), a CJK
character counting as two. The bytes are python-escpos commands (from its Dummy printer)
plus the FS & / FS . pair that puts Chinese printers into Chinese mode.
"""

from __future__ import annotations

from typing import Literal

from escpos.printer import Dummy

Align = Literal["left", "center", "right"]
COLUMNS = {58: 32, 80: 48}
"""Half-width columns per line, by paper width in millimetres."""
MISSING_GLYPH = "〓"
"""Printed in place of a character GB18030 cannot encode, so nothing vanishes silently."""
_CHINESE_ON = b"\x1c\x26"
_CHINESE_OFF = b"\x1c\x2e"


def char_width(char: str) -> int:
    """Columns a character takes on paper. In Chinese mode the printer draws every
    multi-byte GB18030 character full width (CJK, but also · × — °), so: ASCII one, any
    other character two."""
    return 1 if ord(char) < 0x80 else 2


def display_width(text: str) -> int:
    """Columns a text takes on paper."""
    return sum(char_width(char) for char in text)


def wrap(text: str, columns: int) -> list[str]:
    """Break text into lines of at most ``columns`` (never splitting a wide character)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current, width = "", 0
        for char in paragraph:
            if width + char_width(char) > columns:
                lines.append(current)
                current, width = "", 0
            current += char
            width += char_width(char)
        lines.append(current)
    return lines


def encode_gb18030(text: str) -> bytes:
    """GB18030 bytes; a character that cannot be encoded becomes MISSING_GLYPH, visibly."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("gb18030")
        except UnicodeEncodeError:
            out += MISSING_GLYPH.encode("gb18030")
    return bytes(out)


class ReceiptBuilder:
    """Accumulates one or more receipt copies as ESC/POS bytes."""

    def __init__(self, paper_mm: int = 80, native_qr: bool = True) -> None:
        self.columns = COLUMNS[paper_mm]
        self.native_qr = native_qr
        self._printer = Dummy()
        self._printer._raw(b"\x1b@")
        self.preview: list[str] = []
        """The same receipt as plain lines, for the on-screen preview."""

    def text(
        self, text: str, *, align: Align = "left", bold: bool = False, double: bool = False
    ) -> None:
        """Print text, wrapped to the paper (half as many columns when double size)."""
        columns = self.columns // 2 if double else self.columns
        self._printer.set(
            align=align,
            bold=bold,
            double_height=double,
            double_width=double,
            normal_textsize=not double,
        )
        for line in wrap(text, columns):
            self._printer._raw(_CHINESE_ON + encode_gb18030(line) + _CHINESE_OFF + b"\n")
            shown = "".join(char + " " for char in line) if double else line
            self.preview.append(_aligned(shown, self.columns, align))
        self._printer.set(align="left", bold=False, custom_size=True, width=1, height=1)

    def pair(self, label: str, value: str) -> None:
        """``label：value``, the value continuing under itself when it wraps."""
        self.text(f"{label}：{value}")

    def columns_line(self, left: str, right: str) -> None:
        """Left text and right text on one line, padded between (e.g. a signature line)."""
        gap = max(1, self.columns - display_width(left) - display_width(right))
        self.text(left + " " * gap + right)

    def rule(self, char: str = "-") -> None:
        """A line across the paper."""
        self.text(char * (self.columns // display_width(char)))

    def blank(self, lines: int = 1) -> None:
        """Empty lines."""
        self._printer._raw(b"\n" * lines)
        self.preview.extend([""] * lines)

    def qr(self, data: str, size: int = 6) -> None:
        """A centred QR code: the printer's own command, or an image when it lacks one."""
        self.blank()  # a quiet zone above the code
        self._printer.set(align="center")
        self._printer.qr(data, native=self.native_qr, size=size, center=not self.native_qr)
        self._printer.set(align="left")
        self.preview.append(_aligned(f"[QR] {data}", self.columns, "center"))

    def cut(self) -> None:
        """Feed and cut the paper (after each copy)."""
        self._printer.cut()
        self.preview.append("✂" + "-" * (self.columns - 2))

    def output(self) -> bytes:
        """Everything built so far."""
        return bytes(self._printer.output)


def _aligned(line: str, columns: int, align: Align) -> str:
    room = max(0, columns - display_width(line))
    if align == "center":
        return " " * (room // 2) + line
    if align == "right":
        return " " * room + line
    return line
