"""The agent's resident identity card number (居民身份证号码, GB 11643)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from stdnum.cn import ric as _stdnum_ric

from kiosk.errors import ValidationError
from kiosk.rules.normalize import normalize_code

ID_LENGTH = 18
OLD_ID_LENGTH = 15
EARLIEST_BIRTH_YEAR = 1900
_DIGITS = frozenset("0123456789")

WARNING_UNKNOWN_AREA = "rid.unknown_area"


@dataclass(frozen=True)
class IdCheck:
    """A resident ID number that passed the checks.

    Attributes:
        number: the normalised 18-character number (a final ``x`` is upper-case ``X``).
        birth_date: the birth date it encodes.
        warnings: catalog keys of doubts that do not make it invalid (``rid.unknown_area``).
    """

    number: str
    birth_date: datetime.date
    warnings: tuple[str, ...]


def validate_resident_id(text: str, today: datetime.date | None = None) -> IdCheck:
    """Check the 18-character resident ID number in ``text``.

    The check digit and the birth date (a real date, from 1900 up to ``today``) decide
    validity. An area code missing from the national list (a retired or unknown county) is
    only a warning, ``rid.unknown_area``: old cards stay valid after counties are renamed.

    Raises:
        ValidationError: ``rid.empty``; ``rid.old_15_digit`` (a first-generation 15-digit
            number); ``rid.bad_length`` (``length``); ``rid.bad_chars`` (``chars``);
            ``rid.bad_birth_date`` (``date``: digits 7-14 as YYYY-MM-DD); ``rid.bad_check``.
    """
    number = normalize_code(text)
    if not number:
        raise ValidationError("rid.empty")
    if len(number) == OLD_ID_LENGTH and set(number) <= _DIGITS:
        raise ValidationError("rid.old_15_digit")
    if len(number) != ID_LENGTH:
        raise ValidationError("rid.bad_length", length=len(number))
    bad = _disallowed_chars(number)
    if bad:
        raise ValidationError("rid.bad_chars", chars=bad)
    birth_date = _birth_date(number, today or datetime.date.today())
    if number[-1] != _stdnum_ric.calc_check_digit(number):
        raise ValidationError("rid.bad_check")
    warnings: tuple[str, ...] = () if _area_known(number) else (WARNING_UNKNOWN_AREA,)
    return IdCheck(number=number, birth_date=birth_date, warnings=warnings)


def _disallowed_chars(number: str) -> str:
    """Distinct characters not allowed where they stand: digits only, plus ``X`` last."""
    seen: list[str] = []
    for position, char in enumerate(number):
        allowed = char in _DIGITS or (char == "X" and position == ID_LENGTH - 1)
        if not allowed and char not in seen:
            seen.append(char)
    return " ".join(seen)


def _birth_date(number: str, today: datetime.date) -> datetime.date:
    """The birth date in digits 7-14, refused when impossible, in the future or before 1900."""
    digits = number[6:14]
    shown = f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    try:
        born = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise ValidationError("rid.bad_birth_date", date=shown) from None
    if born.year < EARLIEST_BIRTH_YEAR or born > today:
        raise ValidationError("rid.bad_birth_date", date=shown)
    return born


def _area_known(number: str) -> bool:
    """True when stdnum's table lists the area code as in use in the birth year."""
    try:
        _stdnum_ric.get_birth_place(number)
    except ValueError:  # stdnum's InvalidComponent, or an odd line in its data file
        return False
    return True
