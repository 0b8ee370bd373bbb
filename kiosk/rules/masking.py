"""Masked display of personal numbers on screens, receipts and logs."""

from __future__ import annotations

from kiosk.rules.normalize import normalize_code

MASK = "*"
_ID_MIN_SHOWN_LENGTH = 18  # shorter text is masked in full: never show a birth date
_ID_MASK_CAP = 18
_PHONE_MIN_SHOWN_DIGITS = 8
_HEAD = 3
_TAIL = 4
_PHONE_MIN_HIDDEN = 4


def mask_id_number(text: str) -> str:
    """Return the ID number with all but its first 3 and last 4 characters masked.

    ``110105198001011234`` -> ``110***********1234``: the birth date never shows. Text shorter
    than 18 characters, or holding anything but ASCII letters and digits, is masked in full
    (at most 18 ``*``). Never raises.
    """
    code = normalize_code(text)
    if len(code) >= _ID_MIN_SHOWN_LENGTH and code.isascii() and code.isalnum():
        return code[:_HEAD] + MASK * (len(code) - _HEAD - _TAIL) + code[-_TAIL:]
    return MASK * min(len(code), _ID_MASK_CAP)


def mask_phone(text: str) -> str:
    """Return the phone number's digits with the middle masked.

    An 11-digit mobile ``13812345678`` -> ``138****5678``. Other lengths show at most the first
    3 and last 4 digits and always hide at least 4; fewer than 8 digits are masked in full.
    Separators and other non-digits are dropped. Never raises.
    """
    digits = "".join(char for char in normalize_code(text) if "0" <= char <= "9")
    count = len(digits)
    if count < _PHONE_MIN_SHOWN_DIGITS:
        return MASK * count
    head = min(_HEAD, count - _TAIL - _PHONE_MIN_HIDDEN)
    return digits[:head] + MASK * (count - head - _TAIL) + digits[-_TAIL:]
