"""The enterprise's Unified Social Credit Code (统一社会信用代码, GB 32100-2015)."""

from __future__ import annotations

from stdnum.cn import uscc as _stdnum_uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength

from kiosk.errors import ValidationError
from kiosk.rules.normalize import normalize_code

USCC_LENGTH = 18
# GB 32100 character set: digits and capital letters except I, O, Z, S and V.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def validate_uscc(text: str) -> str:
    """Return the normalised 18-character USCC typed or scanned as ``text``.

    Raises:
        ValidationError: ``uscc.empty``; ``uscc.bad_length`` (``length``); ``uscc.bad_chars``
            (``chars``: the characters not allowed); ``uscc.bad_format`` (the first 8
            characters are not all digits); ``uscc.bad_check`` (``expected``: the check
            character the first 17 characters call for).
    """
    code = normalize_code(text)
    if not code:
        raise ValidationError("uscc.empty")
    if len(code) != USCC_LENGTH:
        raise ValidationError("uscc.bad_length", length=len(code))
    bad = _disallowed_chars(code)
    if bad:
        raise ValidationError("uscc.bad_chars", chars=bad)
    try:
        return str(_stdnum_uscc.validate(code))
    except InvalidLength:  # pragma: no cover - length was checked above
        raise ValidationError("uscc.bad_length", length=len(code)) from None
    except InvalidFormat:
        raise ValidationError("uscc.bad_format") from None
    except InvalidChecksum:
        expected = str(_stdnum_uscc.calc_check_digit(code[:-1]))
        raise ValidationError("uscc.bad_check", expected=expected) from None


def is_valid_uscc(text: str) -> bool:
    """True when ``text`` is a valid USCC once normalised."""
    try:
        validate_uscc(text)
    except ValidationError:
        return False
    return True


def _disallowed_chars(code: str) -> str:
    """The distinct characters of ``code`` outside the GB 32100 set, in order, space-separated."""
    seen: list[str] = []
    for char in code:
        if char not in USCC_ALPHABET and char not in seen:
            seen.append(char)
    return " ".join(seen)
