"""Working days: chinese_calendar, the office's local table, and the weekday guess."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from kiosk.errors import ValidationError
from kiosk.rules.workdays import (
    DueDate,
    LocalCalendar,
    WorkCalendar,
    load_local_calendar,
)

D = datetime.date
CAL = WorkCalendar()

TABLE_2027 = """
[2027]
days_off = ["2027-01-01", "2027-02-06", "2027-02-08", "2027-02-09"]
workdays = ["2027-02-14"]
"""


@pytest.fixture
def local_2027(tmp_path: Path) -> WorkCalendar:
    path = tmp_path / "holidays.toml"
    path.write_text(TABLE_2027, encoding="utf-8")
    return WorkCalendar(load_local_calendar(path))


def _bad_file_problem(tmp_path: Path, content: str | bytes) -> str:
    path = tmp_path / "holidays.toml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_local_calendar(path)
    assert caught.value.key == "calendar.bad_file"
    assert caught.value.params["path"] == str(path)
    return str(caught.value.params["problem"])


# --- chinese_calendar years -------------------------------------------------------------


def test_national_day_2026() -> None:
    for day in range(1, 8):
        assert not CAL.is_workday(D(2026, 10, day))
    assert CAL.is_workday(D(2026, 10, 9))
    assert D(2026, 10, 10).weekday() == 5  # a Saturday make-up workday
    assert CAL.is_workday(D(2026, 10, 10))
    assert not CAL.is_estimated(D(2026, 10, 10))


def test_spring_festival_2026() -> None:
    for day in range(15, 24):
        assert not CAL.is_workday(D(2026, 2, day))
    assert CAL.is_workday(D(2026, 2, 14))
    assert CAL.is_workday(D(2026, 2, 28))
    assert not CAL.is_workday(D(2026, 3, 1))  # an ordinary Sunday


def test_add_workdays_counts_after_start() -> None:
    assert CAL.add_workdays(D(2026, 11, 25), 2) == DueDate(D(2026, 11, 27), estimated=False)
    assert CAL.add_workdays(D(2026, 11, 25), 1).day == D(2026, 11, 26)
    assert CAL.add_workdays(D(2026, 11, 27), 1).day == D(2026, 11, 30)  # Friday -> Monday


def test_received_on_saturday_monday_is_day_one() -> None:
    assert CAL.add_workdays(D(2026, 11, 28), 1).day == D(2026, 11, 30)
    assert CAL.add_workdays(D(2026, 11, 29), 2).day == D(2026, 12, 1)


def test_add_workdays_across_national_day() -> None:
    # Received Wednesday 30 September: Oct 1-7 off, Oct 8, 9, 10 (Sat) are workdays.
    assert CAL.add_workdays(D(2026, 9, 30), 1).day == D(2026, 10, 8)
    assert CAL.add_workdays(D(2026, 9, 30), 3) == DueDate(D(2026, 10, 10), estimated=False)
    assert CAL.add_workdays(D(2026, 9, 30), 4).day == D(2026, 10, 12)


def test_add_workdays_across_spring_festival() -> None:
    # Received Friday 13 February: Sat 14 is a make-up workday, then 15-23 off.
    assert CAL.add_workdays(D(2026, 2, 13), 1).day == D(2026, 2, 14)
    assert CAL.add_workdays(D(2026, 2, 13), 2).day == D(2026, 2, 24)


@pytest.mark.parametrize("count", [0, -1])
def test_add_workdays_count_must_be_positive(count: int) -> None:
    with pytest.raises(ValueError):
        CAL.add_workdays(D(2026, 11, 25), count)


def test_workdays_between() -> None:
    assert CAL.workdays_between(D(2026, 11, 25), D(2026, 11, 25)) == 0
    assert CAL.workdays_between(D(2026, 11, 25), D(2026, 11, 27)) == 2
    assert CAL.workdays_between(D(2026, 11, 27), D(2026, 11, 29)) == 0  # weekend
    assert CAL.workdays_between(D(2026, 9, 30), D(2026, 10, 10)) == 3
    # Due Friday 27 November, today Tuesday 1 December: overdue by 2 working days.
    assert CAL.workdays_between(D(2026, 12, 1), D(2026, 11, 27)) == -2


def test_workdays_between_inverts_add_workdays() -> None:
    start = D(2026, 1, 30)
    for count in (1, 2, 5, 20):
        due = CAL.add_workdays(start, count).day
        assert CAL.workdays_between(start, due) == count


# --- years the package does not know -----------------------------------------------------


def test_2027_without_table_is_a_weekday_guess() -> None:
    assert CAL.is_estimated(D(2027, 1, 1))
    assert CAL.is_workday(D(2027, 1, 1))  # a Friday, guessed as a workday
    assert not CAL.is_workday(D(2027, 1, 2))  # Saturday
    assert not CAL.is_estimated(D(2026, 12, 31))


def test_due_date_reaching_2027_without_table_is_estimated() -> None:
    assert CAL.add_workdays(D(2026, 12, 30), 1) == DueDate(D(2026, 12, 31), estimated=False)
    due = CAL.add_workdays(D(2026, 12, 30), 2)
    assert due == DueDate(D(2027, 1, 1), estimated=True)
    assert CAL.add_workdays(D(2027, 2, 5), 2) == DueDate(D(2027, 2, 9), estimated=True)


def test_years_before_the_package_are_guessed() -> None:
    assert CAL.is_estimated(D(2003, 6, 2))
    assert CAL.is_workday(D(2003, 6, 2))


def test_2027_with_local_table_honours_it(local_2027: WorkCalendar) -> None:
    assert not local_2027.is_estimated(D(2027, 1, 1))
    assert not local_2027.is_workday(D(2027, 1, 1))
    assert local_2027.is_workday(D(2027, 2, 14))  # Sunday make-up workday
    assert not local_2027.is_workday(D(2027, 2, 13))  # ordinary Saturday
    assert local_2027.is_workday(D(2027, 2, 10))  # ordinary Wednesday
    # Friday 5 Feb + 2: Sat 6 off, Sun 7, Mon 8 off, Tue 9 off, Wed 10, Thu 11.
    assert local_2027.add_workdays(D(2027, 2, 5), 2) == DueDate(D(2027, 2, 11), estimated=False)
    assert local_2027.add_workdays(D(2026, 12, 31), 1) == DueDate(D(2027, 1, 4), estimated=False)


def test_local_table_overrides_the_package_for_its_year() -> None:
    local = LocalCalendar(days_off={2026: frozenset({D(2026, 11, 26)})}, workdays={})
    cal = WorkCalendar(local)
    assert not cal.is_workday(D(2026, 11, 26))
    # For 2026 only the local table counts now: National Day is an ordinary Thursday, the
    # make-up Saturday an ordinary Saturday.
    assert cal.is_workday(D(2026, 10, 1))
    assert not cal.is_workday(D(2026, 10, 10))
    assert not cal.is_estimated(D(2026, 10, 10))
    assert not WorkCalendar().is_workday(D(2026, 10, 1))


def test_empty_year_table_counts_as_known(tmp_path: Path) -> None:
    path = tmp_path / "holidays.toml"
    path.write_text("[2028]\n", encoding="utf-8")
    local = load_local_calendar(path)
    assert local.knows(2028)
    assert not WorkCalendar(local).is_estimated(D(2028, 3, 1))


# --- loading the local table -------------------------------------------------------------


def test_load_none_or_missing_gives_empty(tmp_path: Path) -> None:
    for local in (load_local_calendar(None), load_local_calendar(tmp_path / "none.toml")):
        assert local == LocalCalendar(days_off={}, workdays={})
        assert not local.knows(2027)


def test_load_reads_dates(tmp_path: Path) -> None:
    path = tmp_path / "holidays.toml"
    path.write_text(TABLE_2027 + "[2028]\ndays_off = [2028-01-01]\n", encoding="utf-8")
    local = load_local_calendar(path)
    assert local.days_off[2027] == frozenset(
        {D(2027, 1, 1), D(2027, 2, 6), D(2027, 2, 8), D(2027, 2, 9)}
    )
    assert local.workdays[2027] == frozenset({D(2027, 2, 14)})
    assert local.days_off[2028] == frozenset({D(2028, 1, 1)})  # a bare TOML date works too
    assert local.workdays[2028] == frozenset()


@pytest.mark.parametrize(
    "content,fragment",
    [
        ("[2027\ndays_off = []", ""),  # not TOML
        (b"\xff\xfe[2027]", ""),  # not UTF-8
        ('[2027]\ndays_off = ["2026-12-31"]\n', "not in 2027"),
        ('[2027]\nworkdays = ["2028-01-01"]\n', "not in 2027"),
        ('[2027]\ndays_off = ["2027-02-30"]\n', "2027-02-30"),
        ('[2027]\ndays_off = ["1 Jan 2027"]\n', "1 Jan 2027"),
        ('[2027]\ndays_off = ["20270101"]\n', "20270101"),
        ("[2027]\ndays_off = [2027-01-01T08:00:00]\n", "not a date"),
        ('[2027]\ndays_off = "2027-01-01"\n', "must be a list"),
        ('[2027]\nday_off = ["2027-01-01"]\n', "day_off"),
        ('[next]\ndays_off = ["2027-01-01"]\n', "[next]"),
        ('2027 = "2027-01-01"\n', "must be a table"),
        ('[2027]\ndays_off = ["2027-02-14"]\nworkdays = ["2027-02-14"]\n', "both"),
    ],
)
def test_malformed_file_is_refused(tmp_path: Path, content: str | bytes, fragment: str) -> None:
    problem = _bad_file_problem(tmp_path, content)
    assert problem
    assert fragment in problem


def test_unreadable_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        load_local_calendar(tmp_path)  # a directory
    assert caught.value.key == "calendar.bad_file"
    assert str(tmp_path) in caught.value.message("en")
    assert str(tmp_path) in caught.value.message("zh")


def test_workdays_left_counts_a_day_off_after_the_due_day_as_overdue() -> None:
    from datetime import date

    from kiosk.rules.workdays import WorkCalendar

    calendar = WorkCalendar()
    friday, saturday = date(2026, 11, 27), date(2026, 11, 28)
    assert calendar.workdays_left(date(2026, 11, 25), friday) == 2
    assert calendar.workdays_left(friday, friday) == 0
    assert calendar.workdays_left(saturday, friday) == -1  # overdue, not "due today"
    assert calendar.workdays_left(date(2026, 12, 1), friday) == -2
