"""Working days (工作日) for the process time limits, with China's holidays and make-up days.

The ``chinese_calendar`` package knows the State Council's holiday arrangements up to the
year it was released (2026 for 1.11). For a later year the office fills in a local table
when the arrangement is published; until then the calendar guesses Monday-Friday and marks
the answer as estimated.
"""

from __future__ import annotations

import datetime
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import chinese_calendar

from kiosk.errors import ValidationError

_LIST_NAMES = ("days_off", "workdays")
_SATURDAY = 5
_MAX_SPAN_DAYS = 3660  # no real time limit looks further than ten years ahead


@dataclass(frozen=True)
class DueDate:
    """A day reached by counting working days.

    Attributes:
        day: the due day.
        estimated: True if any day counted was a Monday-Friday guess (holidays unknown).
    """

    day: datetime.date
    estimated: bool


@dataclass
class LocalCalendar:
    """The office's own table of days off and make-up workdays, per year.

    A year present in either dict counts as known locally and overrides ``chinese_calendar``.
    """

    days_off: dict[int, frozenset[datetime.date]] = field(default_factory=dict)
    workdays: dict[int, frozenset[datetime.date]] = field(default_factory=dict)

    def knows(self, year: int) -> bool:
        """True when the table covers ``year``."""
        return year in self.days_off or year in self.workdays


def load_local_calendar(path: Path | None) -> LocalCalendar:
    """Read the office's TOML table of days off and make-up workdays.

    The file has one table per year::

        [2027]
        days_off = ["2027-01-01", "2027-02-06"]
        workdays = ["2027-02-14"]

    ``None`` or a missing file gives an empty calendar.

    Raises:
        ValidationError: ``calendar.bad_file`` (``path``, ``problem``) when the file cannot be
            read or parsed, a year or date is malformed, a date sits under the wrong year, a
            day is listed both off and as a workday, or an unknown entry appears.
    """
    if path is None or not path.exists():
        return LocalCalendar()
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except (OSError, ValueError) as error:  # also bad UTF-8, bad TOML, an over-long integer
        raise _bad_file(path, str(error)) from None
    except RecursionError:  # tomllib recurses once per level of nested arrays and tables
        raise _bad_file(path, "nested too deeply") from None
    calendar = LocalCalendar()
    for year_text, table in document.items():
        year = _parse_year(path, year_text)
        if not isinstance(table, dict):
            raise _bad_file(path, f"[{year_text}] must be a table with days_off and workdays")
        unknown = sorted(set(table) - set(_LIST_NAMES))
        if unknown:
            raise _bad_file(path, f"[{year_text}] has unknown entries: {', '.join(unknown)}")
        days_off = _parse_days(path, year, "days_off", table.get("days_off", []))
        workdays = _parse_days(path, year, "workdays", table.get("workdays", []))
        both = sorted(days_off & workdays)
        if both:
            raise _bad_file(path, f"{both[0].isoformat()} is listed as both day off and workday")
        calendar.days_off[year] = days_off
        calendar.workdays[year] = workdays
    return calendar


def _bad_file(path: Path, problem: str) -> ValidationError:
    """The error for an unusable local calendar file."""
    return ValidationError("calendar.bad_file", path=str(path), problem=problem)


def _parse_year(path: Path, text: str) -> int:
    """The year of a ``[yyyy]`` table heading."""
    if len(text) != 4 or not text.isascii() or not text.isdigit():
        raise _bad_file(path, f"[{text}] is not a year such as [2027]")
    return int(text)


def _parse_days(path: Path, year: int, name: str, values: Any) -> frozenset[datetime.date]:
    """The dates of one list, each checked to be a real date within ``year``."""
    if not isinstance(values, list):
        raise _bad_file(path, f"[{year}] {name} must be a list of dates")
    days: set[datetime.date] = set()
    for value in values:
        day = _parse_day(value)
        if day is None:
            raise _bad_file(path, f"[{year}] {name}: {value!r} is not a date such as 2027-01-01")
        if day.year != year:
            raise _bad_file(path, f"[{year}] {name}: {day.isoformat()} is not in {year}")
        days.add(day)
    return frozenset(days)


def _parse_day(value: object) -> datetime.date | None:
    """A date from a TOML date or a ``YYYY-MM-DD`` string; ``None`` when it is neither."""
    if isinstance(value, datetime.datetime):
        return None
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None
    return None


class WorkCalendar:
    """Answers whether a day is a working day, and counts working days."""

    def __init__(self, local: LocalCalendar | None = None) -> None:
        self._local = local or LocalCalendar()

    def is_workday(self, day: datetime.date) -> bool:
        """True when ``day`` is a working day.

        The local table decides for a year it covers, else ``chinese_calendar``, else a
        Monday-Friday guess (see :meth:`is_estimated`).
        """
        workday, _estimated = self._lookup(day)
        return workday

    def is_estimated(self, day: datetime.date) -> bool:
        """True when neither the local table nor ``chinese_calendar`` knows ``day``'s year."""
        _workday, estimated = self._lookup(day)
        return estimated

    def add_workdays(self, start: datetime.date, count: int) -> DueDate:
        """The ``count``-th working day strictly after ``start``.

        Received Wednesday 2026-11-25, 2 working days -> Friday 2026-11-27; received on a
        Saturday, the following Monday is day 1.

        Raises:
            ValueError: ``count`` is less than 1.
        """
        if count < 1:
            raise ValueError(f"count must be >= 1, got {count}")
        day = start
        found = 0
        estimated = False
        for _ in range(_MAX_SPAN_DAYS + count):
            day += datetime.timedelta(days=1)
            workday, guessed = self._lookup(day)
            estimated = estimated or guessed
            if workday:
                found += 1
                if found == count:
                    return DueDate(day=day, estimated=estimated)
        raise ValueError(f"no {count} working days found after {start}")  # pragma: no cover

    def workdays_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after ``start`` up to and including ``end``; negative if ``end`` is
        before ``start``.

        With ``start`` today and ``end`` the due day: "due in N working days"; a negative
        result means "overdue by -N working days".
        """
        if end < start:
            return -self.workdays_between(end, start)
        total = 0
        day = start
        while day < end:
            day += datetime.timedelta(days=1)
            if self.is_workday(day):
                total += 1
        return total

    def workdays_left(self, today: datetime.date, due: datetime.date) -> int:
        """Working days left until ``due`` (0 on the due day itself); negative once past it,
        and at least 1 day overdue from the day after, even when that is a day off."""
        if today <= due:
            return self.workdays_between(today, due)
        return -max(1, self.workdays_between(due, today))

    def _lookup(self, day: datetime.date) -> tuple[bool, bool]:
        """(is a working day, is a guess) for ``day``."""
        if isinstance(day, datetime.datetime):
            day = day.date()
        if self._local.knows(day.year):
            if day in self._local.workdays.get(day.year, frozenset()):
                return True, False
            if day in self._local.days_off.get(day.year, frozenset()):
                return False, False
            return day.weekday() < _SATURDAY, False
        try:
            return bool(chinese_calendar.is_workday(day)), False
        except NotImplementedError:
            return day.weekday() < _SATURDAY, True
