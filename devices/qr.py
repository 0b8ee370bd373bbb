"""QR codes: a compact terminal rendering (half blocks) that a phone can read off the screen."""

from __future__ import annotations

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M


def qr_text(data: str) -> str:
    """The QR code of ``data`` in half blocks: dark modules drawn in the foreground colour,
    so show it dark on light (black text on a white background)."""
    code = qrcode.QRCode(border=2, error_correction=ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    buffer = io.StringIO()
    code.print_ascii(out=buffer, invert=False)
    return buffer.getvalue().rstrip("\n")
