"""Tracking codes printed on receipts, e.g. ``BJ01-261125-0007-Q``.

Parts: office code (2 capital letters), counter number (01-99), day received (yymmdd),
sequence of the day (0001-9999) and an ISO 7064 Mod 37,36 check character computed over the
14 characters before it, so a mistyped code is refused rather than matched to another record.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from stdnum.iso7064 import mod_37_36

from kiosk.errors import ValidationError
from kiosk.rules.normalize import normalize_code

_ASCII_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_PATTERN = re.compile(r"([A-Z]{2})([0-9]{2})([0-9]{6})([0-9]{4})([0-9A-Z])", re.ASCII)
_QUERY_KEY = "c"
MIN_YEAR = 2000
MAX_YEAR = 2099


@dataclass(frozen=True)
class TrackingCode:
    """One tracking code; constructing it checks every part (``ValueError`` if out of range)."""

    office: str
    counter: int
    day: datetime.date
    sequence: int

    def __post_init__(self) -> None:
        if len(self.office) != 2 or any(char not in _ASCII_UPPER for char in self.office):
            raise ValueError(f"office must be 2 capital letters A-Z, got {self.office!r}")
        if not 1 <= self.counter <= 99:
            raise ValueError(f"counter must be 1-99, got {self.counter}")
        if not MIN_YEAR <= self.day.year <= MAX_YEAR:
            raise ValueError(f"day must be in {MIN_YEAR}-{MAX_YEAR}, got {self.day}")
        if not 1 <= self.sequence <= 9999:
            raise ValueError(f"sequence must be 1-9999, got {self.sequence}")

    @property
    def body(self) -> str:
        """The 14 characters the check character covers, e.g. ``BJ012611250007``."""
        return f"{self.office}{self.counter:02d}{self.day:%y%m%d}{self.sequence:04d}"

    @property
    def check(self) -> str:
        """The Mod 37,36 check character."""
        return str(mod_37_36.calc_check_digit(self.body))

    def text(self) -> str:
        """The printed form with hyphens, e.g. ``BJ01-261125-0007-Q``."""
        body = self.body
        return f"{body[:4]}-{body[4:10]}-{body[10:]}-{self.check}"

    def __str__(self) -> str:
        return self.text()


def make_tracking_code(
    office: str, counter: int, day: datetime.date, sequence: int
) -> TrackingCode:
    """Build a tracking code from its parts.

    Raises:
        ValueError: a part out of range (office not 2 capital letters, counter not 1-99, year
            not 2000-2099, sequence not 1-9999): a programming error, not user input.
    """
    return TrackingCode(office=office, counter=counter, day=day, sequence=sequence)


def parse_tracking_code(text: str) -> TrackingCode:
    """Read a tracking code typed or scanned by the clerk.

    Accepts the code with or without hyphens, in lower case, in full-width characters, with
    blanks around it, and the receipt's QR URL whose ``?c=`` query or last path segment holds
    the code.

    Raises:
        ValidationError: ``tracking.empty``; ``tracking.bad_format`` (not shaped like a code);
            ``tracking.bad_check`` (a mistyped code); ``tracking.bad_date``.
    """
    code = normalize_code(_code_part(text))
    if not code:
        raise ValidationError("tracking.empty")
    match = _PATTERN.fullmatch(code)
    if match is None:
        raise ValidationError("tracking.bad_format")
    office, counter, day_text, sequence, check = match.groups()
    if int(counter) == 0 or int(sequence) == 0:
        raise ValidationError("tracking.bad_format")
    if mod_37_36.calc_check_digit(code[:-1]) != check:
        raise ValidationError("tracking.bad_check")
    try:
        day = datetime.date(2000 + int(day_text[:2]), int(day_text[2:4]), int(day_text[4:]))
    except ValueError:
        raise ValidationError("tracking.bad_date") from None
    return TrackingCode(office=office, counter=int(counter), day=day, sequence=int(sequence))


def _code_part(text: str) -> str:
    """The code inside ``text``: ``text`` itself, or the ``c`` query / last segment of a URL."""
    text = unicodedata.normalize("NFKC", text).strip()
    if "/" not in text and "?" not in text:
        return text
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unbalanced "[" in the host part
        raise ValidationError("tracking.bad_format") from None
    for key, values in parse_qs(parts.query).items():
        if key.strip().lower() == _QUERY_KEY and values:
            return values[0]
    segments = [segment for segment in parts.path.split("/") if segment.strip()]
    if not segments:  # a URL that carries no code
        raise ValidationError("tracking.bad_format")
    return unquote(segments[-1])
