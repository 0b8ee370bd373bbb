"""Unified Social Credit Code validation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from data.catalog import CATALOG
from kiosk.errors import ValidationError
from kiosk.rules.normalize import normalize_code
from kiosk.rules.uscc import is_valid_uscc, validate_uscc

VALID = "91110000600037341L"


def _full_width(text: str) -> str:
    return "".join(chr(ord(char) + 0xFEE0) for char in text)


def _error_key(text: str) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_uscc(text)
    return caught.value.key


@pytest.mark.parametrize(
    "text",
    [
        VALID,
        VALID.lower(),
        f"  {VALID}\t",
        f"\u3000{VALID}\u3000",
        _full_width(VALID),
        "9111 0000 6000 3734 1L",
        "91110000-600037341-L",
        "９１１１００００６０００３７３４１ｌ",
    ],
)
def test_accepts_and_normalises(text: str) -> None:
    assert validate_uscc(text) == VALID
    assert is_valid_uscc(text)


@pytest.mark.parametrize("text", ["", "   ", "\u3000\u3000", "-", " - \n"])
def test_empty(text: str) -> None:
    assert _error_key(text) == "uscc.empty"


@pytest.mark.parametrize("text,length", [(VALID[:-1], 17), (VALID + "0", 19), ("9", 1)])
def test_bad_length_reports_length(text: str, length: int) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_uscc(text)
    assert caught.value.key == "uscc.bad_length"
    assert caught.value.params == {"length": length}
    assert f"this one has {length}" in caught.value.message("en")


@pytest.mark.parametrize(
    "text,chars",
    [
        ("91110000600037341O", "O"),  # letter O for the digit 0
        ("9111000060003734IL", "I"),
        ("911100006000S7341Z", "S Z"),
        ("91110000600037341V", "V"),
        ("9111000060003734企L", "企"),
        ("91110000600037.41L", "."),
    ],
)
def test_bad_chars_lists_them(text: str, chars: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_uscc(text)
    assert caught.value.key == "uscc.bad_chars"
    assert caught.value.params == {"chars": chars}


def test_letter_in_first_eight_is_bad_format() -> None:
    assert _error_key("A1110000600037341L") == "uscc.bad_format"


@pytest.mark.parametrize("wrong", ["K", "0", "M", "Y"])
def test_wrong_check_char_names_the_expected_one(wrong: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_uscc(VALID[:-1] + wrong)
    assert caught.value.key == "uscc.bad_check"
    assert caught.value.params == {"expected": "L"}
    assert "should be L" in caught.value.message("en")


def test_typo_in_body_is_bad_check() -> None:
    typo = VALID[:9] + "1" + VALID[10:]  # 6 -> 1 in position 10
    assert _error_key(typo) == "uscc.bad_check"
    assert not is_valid_uscc(typo)


@given(st.text())
def test_never_raises_anything_but_validation_error(text: str) -> None:
    try:
        result = validate_uscc(text)
    except ValidationError as error:
        assert error.key in CATALOG
    else:
        assert result == normalize_code(text)
        assert len(result) == 18


@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=9, max_size=9))
def test_built_codes_validate(tail: str) -> None:
    from stdnum.cn import uscc

    body = "91110000" + tail
    code = body + uscc.calc_check_digit(body)
    assert validate_uscc(code.lower()) == code
