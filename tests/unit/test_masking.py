"""Masked display of ID and phone numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.rules.masking import mask_id_number, mask_phone


def test_id_number_shows_first_3_and_last_4() -> None:
    assert mask_id_number("110105198001011234") == "110***********1234"


def test_id_number_hides_birth_date() -> None:
    masked = mask_id_number("110105198001011234")
    assert "19800101" not in masked
    assert len(masked) == 18


@pytest.mark.parametrize(
    "text",
    [" 110105198001011234 ", "\u3000110105 19800101 1234", "１１０１０５１９８００１０１１２３４"],
)
def test_id_number_is_normalised_first(text: str) -> None:
    assert mask_id_number(text) == "110***********1234"


def test_id_number_lowercase_x() -> None:
    assert mask_id_number("11010519800101123x") == "110***********123X"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("", ""),
        ("   ", ""),
        ("1101", "****"),
        ("110105800101123", "*" * 15),  # old 15-digit: fully masked
        ("11010519800101123", "*" * 17),
        ("张三的身份证号码是一一零一零五一九八零", "*" * 18),
        ("1101051980!1011234", "*" * 18),
        ("x" * 500, "XXX" + "*" * 493 + "XXXX"),
    ],
)
def test_id_number_short_or_garbage(text: str, expected: str) -> None:
    assert mask_id_number(text) == expected


def test_mobile_phone() -> None:
    assert mask_phone("13812345678") == "138****5678"


@pytest.mark.parametrize(
    "text",
    ["138 1234 5678", "138-1234-5678", "\u3000１３８１２３４５６７８ ", "Tel: 13812345678"],
)
def test_phone_ignores_separators(text: str) -> None:
    assert mask_phone(text) == "138****5678"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("", ""),
        ("abc", ""),
        ("1234567", "*******"),
        ("12345678", "****5678"),
        ("123456789", "1****6789"),
        ("010-5810359", "01****0359"),
        ("010-58103599", "010****3599"),
        ("+86 138 1234 5678", "861******5678"),
    ],
)
def test_phone_other_lengths(text: str, expected: str) -> None:
    assert mask_phone(text) == expected


@given(st.text())
def test_masks_never_raise_and_reveal_at_most_7(text: str) -> None:
    for masked in (mask_id_number(text), mask_phone(text)):
        assert len(masked.replace("*", "")) <= 7


@given(st.text(alphabet="0123456789", min_size=8, max_size=30))
def test_phone_hides_at_least_4_digits(digits: str) -> None:
    masked = mask_phone(digits)
    assert len(masked) == len(digits)
    assert masked.count("*") >= 4
    assert masked.endswith(digits[-4:])
