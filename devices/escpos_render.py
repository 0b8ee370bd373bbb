"""Draw the ESC/POS bytes the kiosk sends to its receipt printer as an image, so a clerk can
see the receipt and tests can prove the printed QR code scans. Interprets what python-escpos
3.1 and the kiosk emit: styles (ESC @ a E - !, GS !), FS & / FS . (GB18030 Chinese mode),
feeds (LF, ESC d, ESC J), QR codes (GS ( k), raster images (GS v 0) and cuts (GS V); other
``set()`` commands are consumed, any other byte skipped. One pixel is one dot (203 dpi)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from pathlib import Path

import qrcode
from PIL import Image, ImageChops, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_Q
from qrcode.exceptions import DataOverflowError

COLUMN_PX, LINE_PX = 12, 24  # a half-width character at size 1 (Font A: 12 x 24 dots)
MARGIN_PX = 16  # white border around the paper
MAX_HEIGHT_PX = 40_000  # about 5 m of paper: longer raises ReceiptRenderError

ESC, FS, GS, LF = 0x1B, 0x1C, 0x1D, 0x0A
# Parameter counts of the ESC and GS commands that are consumed and otherwise ignored:
# ESC M font, ESC { upside down, ESC t code page, ESC G double strike, ESC V rotate,
# ESC 2 / ESC 3 line spacing, ESC SP character spacing, ESC r colour, ESC p cash drawer;
# GS B invert, GS b smoothing, GS | density, GS L left margin, GS W print width,
# GS H / GS f / GS h / GS w barcode settings.
_ESC_SKIP = dict.fromkeys(b"M{tGV3 r", 1) | {ord("2"): 0, ord("p"): 3}
_GS_SKIP = dict.fromkeys(b"BbHfhw|", 1) | dict.fromkeys(b"LW", 2)
_QR_EC = {48: ERROR_CORRECT_L, 49: ERROR_CORRECT_M, 50: ERROR_CORRECT_Q, 51: ERROR_CORRECT_H}
_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


class ReceiptRenderError(ValueError):
    """The bytes or the options cannot be drawn (receipt too long, unusable font)."""


class _Truncated(Exception):
    """A command runs past the end of the data: the printer would wait for the rest."""


@dataclass(frozen=True)
class _Style:
    bold: bool = False
    underline: bool = False
    width: int = 1
    height: int = 1


def find_cjk_font() -> Path | None:
    """The first installed font with Chinese glyphs (WenQuanYi, Noto CJK, Droid), or None."""
    for candidate in _FONT_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    roots = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
    found = (font for root in roots if root.is_dir() for font in root.rglob("*CJK*.[ot]t[cf]"))
    return min(found, default=None)


@functools.lru_cache(maxsize=8)
def _load_font(path: Path) -> ImageFont.FreeTypeFont:
    """Load ``path``; in a collection prefer the Simplified Chinese face (Noto's ``SC``)."""
    faces: list[ImageFont.FreeTypeFont] = []
    for index in range(6 if path.suffix.lower() == ".ttc" else 1):
        try:
            faces.append(ImageFont.truetype(str(path), 22, index=index))
        except OSError:
            break
    if not faces:
        raise ReceiptRenderError(f"cannot load the font {path}")
    return next((face for face in faces if " SC" in (face.getname()[0] or "")), faces[0])


class _Renderer:
    def __init__(self, columns: int, font: Font, cjk: bool) -> None:
        self.paper = columns * COLUMN_PX
        self.font, self.cjk = font, cjk
        self.strips: list[tuple[int, int, Image.Image | None]] = []  # x, height, image
        self.height = 0
        self.line: list[tuple[str, int, _Style]] = []
        self.glyphs: dict[tuple[str, int, _Style], Image.Image] = {}
        self._reset()

    def _reset(self) -> None:
        self.style, self.align, self.chinese = _Style(), 0, False
        self.qr_size, self.qr_ec, self.qr_data = 3, ERROR_CORRECT_L, b""

    def run(self, data: bytes) -> Image.Image:
        i = 0
        try:
            while i < len(data):
                i = self._step(data, i)
        except _Truncated:
            pass
        self._flush(force=False)
        page = Image.new("L", (self.paper + 2 * MARGIN_PX, self.height + 2 * MARGIN_PX), 255)
        y = MARGIN_PX
        for x, height, image in self.strips:
            if image is not None:
                page.paste(image, (MARGIN_PX + x, y))
            y += height
        return page

    def _step(self, data: bytes, i: int) -> int:
        byte = data[i]
        nxt = data[i + 1] if i + 1 < len(data) else -1
        if byte == LF:
            self._flush(force=True)
        elif byte == ESC and nxt >= 0:
            return self._esc(data, i, nxt)
        elif byte == GS and nxt >= 0:
            return self._gs(data, i, nxt)
        elif byte == FS and nxt in (0x26, 0x2E):
            self.chinese = nxt == 0x26
            return i + 2
        elif self.chinese and 0x81 <= byte <= 0xFE:
            for size in (2, 4):  # a 4-byte sequence has 0x30-0x39 as its second byte
                try:
                    text = data[i : i + size].decode("gb18030")
                except UnicodeDecodeError:
                    continue
                for char in text:
                    self._char(char)
                return i + size
        elif 0x20 <= byte <= 0x7E:
            self._char(chr(byte))
        return i + 1

    def _esc(self, data: bytes, i: int, cmd: int) -> int:
        if cmd == 0x40:  # ESC @
            self._reset()
            return i + 2
        if cmd in _ESC_SKIP:
            return _end(data, i + 2 + _ESC_SKIP[cmd])
        if cmd not in b"aE-!dJ":
            return i + 1
        n = data[_end(data, i + 3) - 1]
        if cmd == 0x61 and n in (0, 1, 2, 48, 49, 50):  # ESC a
            self.align = n & 3
        elif cmd == 0x45:  # ESC E
            self.style = replace(self.style, bold=bool(n & 1))
        elif cmd == 0x2D:  # ESC -
            self.style = replace(self.style, underline=bool(n & 3))
        elif cmd == 0x21:  # ESC !: bit 3 bold, 4 double height, 5 double width, 7 underline
            self.style = _Style(
                bool(n & 8), bool(n & 0x80), 2 if n & 0x20 else 1, 2 if n & 0x10 else 1
            )
        elif cmd in (0x64, 0x4A):  # ESC d n lines, ESC J n dots
            self._flush(force=False)
            self._add(0, n * LINE_PX if cmd == 0x64 else n, None)
        return i + 3

    def _gs(self, data: bytes, i: int, cmd: int) -> int:
        if cmd in _GS_SKIP:
            return _end(data, i + 2 + _GS_SKIP[cmd])
        if cmd == 0x21:  # GS ! n
            n = data[_end(data, i + 3) - 1]
            self.style = replace(
                self.style, width=min((n >> 4) + 1, 8), height=min((n & 15) + 1, 8)
            )
            return i + 3
        if cmd == 0x56:  # GS V m [n]: cut
            m = data[_end(data, i + 3) - 1]
            self._flush(force=False)
            cut = Image.new("L", (self.paper, LINE_PX), 255)
            for x in range(0, self.paper, 12):  # a dashed line across the paper
                cut.paste(0, (x, LINE_PX // 2 - 1, x + 6, LINE_PX // 2 + 1))
            self._add(0, LINE_PX, cut)
            return _end(data, i + 4) if m in (65, 66, 97, 98, 103, 104) else i + 3
        if cmd == 0x28:  # GS ( x pL pH body
            head = _end(data, i + 5)
            end = _end(data, head + data[i + 3] + 256 * data[i + 4])
            if data[i + 2] == 0x6B and end - head >= 2 and data[head] == 0x31:
                self._qr(data[head + 1], data[head + 2 : end])
            return end
        if cmd == 0x76 and data[_end(data, i + 3) - 1] in (0x30, 0):  # GS v 0 m xL xH yL yH
            head = _end(data, i + 8)
            mode, row_bytes, rows = data[i + 3], data[i + 4] + 256 * data[i + 5], data[i + 6]
            rows += 256 * data[i + 7]
            self._raster(data[head : _end(data, head + row_bytes * rows)], row_bytes, rows, mode)
            return head + row_bytes * rows
        return i + 1

    def _qr(self, fn: int, args: bytes) -> None:
        if fn == 0x43 and args and 1 <= args[0] <= 16:
            self.qr_size = args[0]
        elif fn == 0x45 and args and args[0] in _QR_EC:
            self.qr_ec = _QR_EC[args[0]]
        elif fn == 0x50 and args:
            self.qr_data = args[1:]
        elif fn == 0x51 and self.qr_data:
            code = qrcode.QRCode(error_correction=self.qr_ec, box_size=1, border=0)
            code.add_data(self.qr_data)
            try:
                code.make(fit=True)
            except DataOverflowError:
                return
            matrix: list[list[bool]] = code.get_matrix()
            image = Image.new("L", (len(matrix), len(matrix)), 255)
            image.putdata([0 if dark else 255 for row in matrix for dark in row])
            size = len(matrix) * self.qr_size
            self._flush(force=False)
            self._place(image.resize((size, size), Image.Resampling.NEAREST))

    def _raster(self, bits: bytes, row_bytes: int, rows: int, mode: int) -> None:
        if not row_bytes or not rows:
            return
        valid = mode in (0, 1, 2, 3, 48, 49, 50, 51)  # bit 0 double width, bit 1 double height
        scale_x, scale_y = (1 + (mode & 1), 1 + ((mode >> 1) & 1)) if valid else (1, 1)
        self._check(rows * scale_y)
        image = Image.frombytes("1", (row_bytes * 8, rows), bits, "raw", "1;I").convert("L")
        image = image.crop((0, 0, min(image.width, -(-self.paper // scale_x)), rows))
        self._flush(force=False)
        self._place(image.resize((image.width * scale_x, rows * scale_y), Image.Resampling.NEAREST))

    def _char(self, char: str) -> None:
        # A Chinese printer draws every multi-byte GB18030 character full width.
        cols = 2 if ord(char) >= 0x80 else 1
        width = cols * COLUMN_PX * self.style.width
        if self.line and sum(c * COLUMN_PX * s.width for _, c, s in self.line) + width > self.paper:
            self._flush(force=False)  # the printer wraps a full line
        self.line.append((char, cols, self.style))

    def _glyph(self, char: str, cols: int, style: _Style) -> Image.Image:
        key = (char, cols, style)
        if key not in self.glyphs:
            glyph = _cell(self.font, self.cjk, char, cols, style.bold, style.underline)
            size = (glyph.width * style.width, LINE_PX * style.height)
            self.glyphs[key] = glyph.resize(size, Image.Resampling.NEAREST)
        return self.glyphs[key]

    def _flush(self, *, force: bool) -> None:
        if not self.line:
            if force:
                self._add(0, LINE_PX, None)
            return
        glyphs = [self._glyph(char, cols, style) for char, cols, style in self.line]
        height = max(glyph.height for glyph in glyphs)
        image = Image.new("L", (sum(glyph.width for glyph in glyphs), height), 255)
        x = 0
        for glyph in glyphs:
            image.paste(glyph, (x, height - glyph.height))  # characters share a baseline
            x += glyph.width
        self.line = []
        self._place(image)

    def _place(self, image: Image.Image) -> None:
        image = image.crop((0, 0, min(image.width, self.paper), image.height))
        x = (0, (self.paper - image.width) // 2, self.paper - image.width)[self.align]
        self._add(x, image.height, image)

    def _check(self, height: int) -> None:
        if self.height + height > MAX_HEIGHT_PX:
            raise ReceiptRenderError(f"receipt longer than {MAX_HEIGHT_PX} dots")

    def _add(self, x: int, height: int, image: Image.Image | None) -> None:
        self._check(height)
        self.strips.append((x, height, image))
        self.height += height


@functools.cache
def _default_font() -> Font:
    return ImageFont.load_default(size=20)  # Latin only: Chinese characters become boxes


@functools.lru_cache(maxsize=4096)
def _cell(font: Font, cjk: bool, char: str, cols: int, bold: bool, underline: bool) -> Image.Image:
    """One character at size 1, in a cell ``cols`` columns wide: black ink on white."""
    width = cols * COLUMN_PX
    canvas = Image.new("L", (3 * width, LINE_PX), 0)  # white ink on black; the cell in the middle
    draw = ImageDraw.Draw(canvas)
    if cols == 2 and not cjk:  # no Chinese font: a box, as for a missing glyph
        draw.rectangle((width + 3, 3, 2 * width - 4, LINE_PX - 4), outline=255, width=2)
    else:
        for dx in (0, 1) if bold else (0,):
            if isinstance(font, ImageFont.FreeTypeFont):
                draw.text((1.5 * width + dx, LINE_PX / 2), char, 255, font, "mm")
            else:
                draw.text((width + 1 + dx, 6), char, 255, font)
    ink = canvas.getbbox()
    wide = ink is not None and ink[2] - ink[0] > width  # a wide glyph is squeezed into the cell
    left, right = (ink[0], ink[2]) if ink and wide else (width, 2 * width)
    cell = canvas.crop((left, 0, right, LINE_PX)).resize((width, LINE_PX), Image.Resampling.BOX)
    if underline:
        ImageDraw.Draw(cell).line((0, LINE_PX - 2, width, LINE_PX - 2), 255, 2)
    return ImageChops.invert(cell)


def _end(data: bytes, end: int) -> int:
    """``end`` if the data reaches it, else the command is cut short."""
    if end > len(data):
        raise _Truncated
    return end


def render_receipt(data: bytes, *, columns: int = 48, font_path: Path | None = None) -> Image.Image:
    """Draw ESC/POS ``data`` on a paper ``columns`` half-width characters wide (32 for 58 mm,
    48 for 80 mm) as a greyscale image. Uses ``font_path``, else ``find_cjk_font()``; with no
    Chinese font, Chinese characters are drawn as boxes. Never raises on unknown or cut-short
    commands; raises ReceiptRenderError for a receipt over ``MAX_HEIGHT_PX`` or a bad font."""
    if not 1 <= columns <= 256:
        raise ReceiptRenderError(f"columns must be between 1 and 256, got {columns}")
    path = font_path or find_cjk_font()
    font: Font = _load_font(path) if path else _default_font()
    return _Renderer(columns, font, cjk=path is not None).run(data)


def render_receipt_png(data: bytes, path: Path, *, columns: int = 48) -> None:
    """Draw ESC/POS ``data`` (see ``render_receipt``) and save it as a PNG file at ``path``."""
    render_receipt(data, columns=columns).save(path, format="PNG")
