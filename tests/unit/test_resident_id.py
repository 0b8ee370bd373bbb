"""Resident ID card number validation."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from data.catalog import CATALOG
from kiosk.errors import ValidationError
from kiosk.rules.resident_id import IdCheck, validate_resident_id

TODAY = datetime.date(2026, 11, 25)


def make_id(area: str = "110105", birth: str = "19800101", seq: str = "123") -> str:
    """A number with the correct check digit (stdnum's calc_check_digit takes all 18)."""
    body = area + birth + seq
    return body + ric.calc_check_digit(body + "0")


VALID = make_id()  # 110105198001011238


def _full_width(text: str) -> str:
    return "".join(chr(ord(char) + 0xFEE0) for char in text)


def _error(text: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_resident_id(text, today=TODAY)
    return caught.value


def _with_x_check() -> str:
    for seq in range(1000):
        number = make_id(seq=f"{seq:03d}")
        if number.endswith("X"):
            return number
    raise AssertionError("no X check digit found")  # pragma: no cover


def test_valid_number() -> None:
    assert VALID == "110105198001011238"
    assert validate_resident_id(VALID, today=TODAY) == IdCheck(
        number=VALID, birth_date=datetime.date(1980, 1, 1), warnings=()
    )


@pytest.mark.parametrize(
    "text",
    [f" {VALID} ", f"\u3000{VALID}\u3000", _full_width(VALID), "110105 19800101 1238"],
)
def test_accepts_blanks_and_full_width(text: str) -> None:
    assert validate_resident_id(text, today=TODAY).number == VALID


def test_lowercase_x_check_digit_becomes_upper() -> None:
    number = _with_x_check()
    for text in (number.lower(), number[:-1] + "ｘ"):
        assert validate_resident_id(text, today=TODAY).number == number


def test_default_today_is_used() -> None:
    assert validate_resident_id(VALID).birth_date == datetime.date(1980, 1, 1)


@pytest.mark.parametrize("text", ["", "  ", "\u3000", "\n\t"])
def test_empty(text: str) -> None:
    assert _error(text).key == "rid.empty"


def test_old_15_digit_number_asks_for_new_card() -> None:
    assert _error("110105800101123").key == "rid.old_15_digit"
    assert "18-digit" in _error("110105800101123").message("en")


@pytest.mark.parametrize("text", [VALID[:-1], VALID + "1", "11010519800101", "1" * 20])
def test_bad_length(text: str) -> None:
    error = _error(text)
    assert error.key == "rid.bad_length"
    assert error.params == {"length": len(text)}


@pytest.mark.parametrize(
    "text,chars",
    [
        ("11010519800101123A", "A"),
        ("X10105198001011238", "X"),  # X only allowed last
        ("1101051980O1011238", "O"),
        ("11010519800101.238", "."),
        ("11010519800101张238", "张"),
    ],
)
def test_bad_chars(text: str, chars: str) -> None:
    error = _error(text)
    assert error.key == "rid.bad_chars"
    assert error.params == {"chars": chars}


@pytest.mark.parametrize("wrong", ["0", "9", "X"])
def test_wrong_check_digit(wrong: str) -> None:
    assert _error(VALID[:-1] + wrong).key == "rid.bad_check"


def test_transposed_digits_fail_the_check() -> None:
    swapped = VALID[:14] + VALID[15] + VALID[14] + VALID[16:]
    assert _error(swapped).key == "rid.bad_check"


@pytest.mark.parametrize(
    "birth,shown",
    [
        ("19801301", "1980-13-01"),  # month 13
        ("19810229", "1981-02-29"),  # not a leap year
        ("19800100", "1980-01-00"),
        ("18991231", "1899-12-31"),  # before 1900
        ("20261126", "2026-11-26"),  # tomorrow
        ("20991231", "2099-12-31"),
    ],
)
def test_bad_birth_date(birth: str, shown: str) -> None:
    error = _error(make_id(birth=birth))
    assert error.key == "rid.bad_birth_date"
    assert error.params == {"date": shown}


def test_birth_date_edges_accepted() -> None:
    assert validate_resident_id(make_id(birth="19000101"), today=TODAY).birth_date.year == 1900
    born_today = validate_resident_id(make_id(birth="20261125"), today=TODAY)
    assert born_today.birth_date == TODAY
    assert validate_resident_id(make_id(birth="20000229"), today=TODAY).warnings == ()


def test_unknown_area_is_only_a_warning() -> None:
    number = make_id(area="999999")
    result = validate_resident_id(number, today=TODAY)
    assert result.number == number
    assert result.warnings == ("rid.unknown_area",)
    assert "rid.unknown_area" in CATALOG


def test_retired_area_warns_only_after_it_was_retired() -> None:
    # 110103 (崇文区) was merged away in 2010.
    before = validate_resident_id(make_id(area="110103", birth="19800101"), today=TODAY)
    after = validate_resident_id(make_id(area="110103", birth="20150101"), today=TODAY)
    assert before.warnings == ()
    assert after.warnings == ("rid.unknown_area",)


@given(st.text())
def test_never_raises_anything_but_validation_error(text: str) -> None:
    try:
        result = validate_resident_id(text, today=TODAY)
    except ValidationError as error:
        assert error.key in CATALOG
    else:
        assert len(result.number) == 18


@given(
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY),
    st.integers(min_value=0, max_value=999),
)
def test_any_real_birth_date_with_right_check_is_valid(born: datetime.date, seq: int) -> None:
    number = make_id(birth=born.strftime("%Y%m%d"), seq=f"{seq:03d}")
    assert validate_resident_id(number, today=TODAY).birth_date == born
