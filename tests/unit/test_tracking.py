"""Tracking codes: make, print, parse."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from data.catalog import CATALOG
from kiosk.errors import ValidationError
from kiosk.rules.tracking import TrackingCode, make_tracking_code, parse_tracking_code

DAY = datetime.date(2026, 11, 25)
CODE = make_tracking_code("BJ", 1, DAY, 7)
TEXT = "BJ01-261125-0007-Q"  # Q = ISO 7064 Mod 37,36 over BJ012611250007


def _full_width(text: str) -> str:
    return "".join(chr(ord(char) + 0xFEE0) if char != " " else "\u3000" for char in text)


def _error_key(text: str) -> str:
    with pytest.raises(ValidationError) as caught:
        parse_tracking_code(text)
    return caught.value.key


def test_printed_form() -> None:
    assert CODE.text() == TEXT
    assert str(CODE) == TEXT
    assert CODE.body == "BJ012611250007"
    assert CODE.check == "Q"


def test_fields() -> None:
    assert TrackingCode(office="BJ", counter=1, day=DAY, sequence=7) == CODE
    high = make_tracking_code("SZ", 99, datetime.date(2099, 12, 31), 9999)
    assert high.text().startswith("SZ99-991231-9999-")


@pytest.mark.parametrize(
    "text",
    [
        TEXT,
        "BJ012611250007Q",
        TEXT.lower(),
        "bj012611250007q",
        f"  {TEXT}\n",
        _full_width(TEXT),
        "ＢＪ０１－２６１１２５－０００７－Ｑ",
        "BJ01 261125 0007 Q",
        f"https://kiosk.example.cn/t/{TEXT}",
        f"https://kiosk.example.cn/t/{TEXT}/",
        "https://kiosk.example.cn/track?c=BJ012611250007Q",
        f"http://10.0.0.5:8080/status?lang=zh&c={TEXT}",
        f"HTTPS://KIOSK.EXAMPLE.CN/T/{TEXT}",
        f"kiosk.example.cn/t/{TEXT}",
        "https://kiosk.example.cn/t/BJ01%2D261125%2D0007%2DQ",
    ],
)
def test_parse_accepts_every_way_it_is_typed_or_scanned(text: str) -> None:
    assert parse_tracking_code(text) == CODE


@pytest.mark.parametrize("text", ["", "   ", "\u3000", "--", "https://kiosk.example.cn/t/?c="])
def test_empty(text: str) -> None:
    assert _error_key(text) in {"tracking.empty", "tracking.bad_format"}
    if "/" not in text:
        assert _error_key(text) == "tracking.empty"


@pytest.mark.parametrize(
    "text",
    [
        "BJ01-261125-0007",  # no check character
        "BJ01-261125-0007-QQ",
        "B01-261125-0007-Q",
        "1J01-261125-0007-Q",
        "BJ1-261125-0007-Q",
        "BJ01-26112-0007-Q",
        "BJ01-261125-007-Q",
        "BJ00-261125-0007-Q",  # counter 00
        "BJ01-261125-0000-Q",  # sequence 0000
        "BJ01-261125-0007-*",
        "北京01-261125-0007-Q",
        "110105198001011238",  # an ID number scanned by mistake
        "https://kiosk.example.cn/",
        "http://[::1/t/BJ012611250007Q",
    ],
)
def test_bad_format(text: str) -> None:
    assert _error_key(text) == "tracking.bad_format"


@pytest.mark.parametrize(
    "text",
    [
        "BJ01-261125-0007-K",  # wrong check character
        "BJ01-261125-0008-Q",  # one digit mistyped
        "BJ10-261125-0007-Q",  # two digits swapped
        "BJ01-261152-0007-Q",
        "JB01-261125-0007-Q",
        "BJ01-261125-0007-0",
    ],
)
def test_mistyped_code_is_refused(text: str) -> None:
    assert _error_key(text) == "tracking.bad_check"


def test_impossible_date_with_right_check_is_bad_date() -> None:
    from stdnum.iso7064 import mod_37_36

    body = "BJ012602300007"  # 30 February
    assert _error_key(body + mod_37_36.calc_check_digit(body)) == "tracking.bad_date"


@pytest.mark.parametrize(
    "office,counter,day,sequence",
    [
        ("bj", 1, DAY, 1),
        ("B", 1, DAY, 1),
        ("BJX", 1, DAY, 1),
        ("北京", 1, DAY, 1),
        ("BJ", 0, DAY, 1),
        ("BJ", 100, DAY, 1),
        ("BJ", 1, datetime.date(1999, 12, 31), 1),
        ("BJ", 1, datetime.date(2100, 1, 1), 1),
        ("BJ", 1, DAY, 0),
        ("BJ", 1, DAY, 10000),
    ],
)
def test_make_refuses_out_of_range_parts(
    office: str, counter: int, day: datetime.date, sequence: int
) -> None:
    with pytest.raises(ValueError):
        make_tracking_code(office, counter, day, sequence)


_codes = st.builds(
    make_tracking_code,
    office=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2),
    counter=st.integers(min_value=1, max_value=99),
    day=st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2099, 12, 31)),
    sequence=st.integers(min_value=1, max_value=9999),
)


@given(_codes)
def test_make_then_parse_round_trips(code: TrackingCode) -> None:
    text = code.text()
    assert len(text) == 18
    assert parse_tracking_code(text) == code
    assert parse_tracking_code(text.replace("-", "").lower()) == code
    assert parse_tracking_code(f"https://kiosk.example.cn/t?c={text}") == code


@given(_codes, st.integers(min_value=0, max_value=14), st.sampled_from("0123456789ABCDEFGHJKZ"))
def test_any_single_substitution_is_refused(code: TrackingCode, position: int, char: str) -> None:
    compact = code.body + code.check
    if compact[position] == char:
        return
    mistyped = compact[:position] + char + compact[position + 1 :]
    with pytest.raises(ValidationError) as caught:
        parse_tracking_code(mistyped)
    assert caught.value.key in {"tracking.bad_check", "tracking.bad_format"}


@given(st.text())
def test_parse_never_raises_anything_but_validation_error(text: str) -> None:
    try:
        parse_tracking_code(text)
    except ValidationError as error:
        assert error.key in CATALOG


@given(st.text(alphabet="BJ0123456789-/?c=:.Q%x ", max_size=40))
def test_parse_code_like_text_never_crashes(text: str) -> None:
    try:
        parse_tracking_code(text)
    except ValidationError as error:
        assert error.key in CATALOG
