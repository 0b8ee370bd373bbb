"""The office's daily report: the cases opened that day by kind and outcome, the deadlines
met and missed by the cases closed that day, what is still open past its due date, and the
agents' ratings (好差评) with the dissatisfied ones flagged for the supervisor."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from data.store import Store
from kiosk.rules.workdays import WorkCalendar
from kiosk.services.cases import deadline_pending
from kiosk.services.rating import RATINGS

OPEN_OUTCOME = "open"
"""The outcome column of a case still open."""

CSV_HEADER = ("day", "section", "kind", "item", "count")


@dataclass(frozen=True)
class OpenedLine:
    """How many cases of a kind, opened that day, ended with an outcome (or are open)."""

    kind: str
    outcome: str
    count: int


@dataclass(frozen=True)
class MissedDeadline:
    """A case closed that day after its due date."""

    tracking_code: str
    kind: str
    due_on: date
    closed_on: date
    workdays_late: int


@dataclass(frozen=True)
class DailyReport:
    """One day at the counter."""

    day: date
    opened: tuple[OpenedLine, ...]
    closed: int
    met: int
    missed: int
    missed_cases: tuple[MissedDeadline, ...]
    open_overdue: int
    ratings: dict[str, int]
    flagged: tuple[str, ...]
    """Tracking codes of the cases opened that day with a dissatisfied rating."""

    @property
    def total_opened(self) -> int:
        """Cases opened that day."""
        return sum(line.count for line in self.opened)

    def opened_by_kind(self) -> dict[str, int]:
        """Cases opened that day by kind (the daily summary receipt's counts)."""
        counts: dict[str, int] = {}
        for line in self.opened:
            counts[line.kind] = counts.get(line.kind, 0) + line.count
        return counts


def _outcome(state: str, outcome: str) -> str:
    """``open``, or the outcome's first part (``notified:sms:mail`` -> ``notified``)."""
    if state == "open":
        return OPEN_OUTCOME
    return outcome.split(":", 1)[0] or "closed"


def daily_report(store: Store, day: date, calendar: WorkCalendar) -> DailyReport:
    """The report of ``day`` (cases are stamped in China time, so the day is the office's).

    A case closed on a day later than its due date missed its deadline, by the working days
    ``calendar`` counts in between; open overdue cases are those open at the end of ``day``
    whose due date was before it.
    """
    start, end = day.isoformat(), (day + timedelta(days=1)).isoformat()
    opened: Counter[tuple[str, str]] = Counter()
    ratings: Counter[str] = Counter()
    flagged: list[str] = []
    for row in store.query(
        "SELECT tracking_code, kind, state, outcome, rating, flagged FROM cases"
        " WHERE opened_at >= ? AND opened_at < ? ORDER BY opened_at, id",
        (start, end),
    ):
        opened[(row["kind"], _outcome(row["state"], row["outcome"]))] += 1
        if row["rating"]:
            ratings[row["rating"]] += 1
        if row["flagged"]:
            flagged.append(row["tracking_code"])
    closed = met = 0
    missed: list[MissedDeadline] = []
    for row in store.query(
        "SELECT tracking_code, kind, due_on, closed_at,"
        " (SELECT min(s.shipped_at) FROM shipment_items i JOIN shipments s"
        "  ON s.id = i.shipment_id WHERE i.case_id = cases.id) AS shipped_at"
        " FROM cases WHERE closed_at >= ? AND closed_at < ? ORDER BY closed_at, id",
        (start, end),
    ):
        closed += 1
        if row["due_on"] is None:
            continue
        due_on = date.fromisoformat(row["due_on"])
        # A cancellation's deadline is the shipment to the provider, not the verdict.
        done_at = (
            row["shipped_at"]
            if row["kind"] == "cancellation" and row["shipped_at"]
            else row["closed_at"]
        )
        closed_on = datetime.fromisoformat(done_at).date()
        if closed_on <= due_on:
            met += 1
        else:
            late = calendar.workdays_between(due_on, closed_on)
            missed.append(
                MissedDeadline(row["tracking_code"], row["kind"], due_on, closed_on, late)
            )
    overdue = store.query_one(
        "SELECT count(*) FROM cases WHERE due_on < ? AND opened_at < ?"
        f" AND (state = 'open' OR closed_at >= ?) AND {deadline_pending()}",
        (start, end, end),
    )
    return DailyReport(
        day=day,
        opened=tuple(
            OpenedLine(kind, outcome, count) for (kind, outcome), count in sorted(opened.items())
        ),
        closed=closed,
        met=met,
        missed=len(missed),
        missed_cases=tuple(missed),
        open_overdue=int(overdue[0]) if overdue else 0,
        ratings={rating: ratings[rating] for rating in RATINGS if ratings[rating]},
        flagged=tuple(flagged),
    )


def report_csv(report: DailyReport) -> str:
    """The report as CSV: a header, then one ``day,section,kind,item,count`` row per figure."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    day = report.day.isoformat()
    for line in report.opened:
        writer.writerow((day, "opened", line.kind, line.outcome, line.count))
    writer.writerow((day, "closed", "", "", report.closed))
    writer.writerow((day, "deadline", "", "met", report.met))
    writer.writerow((day, "deadline", "", "missed", report.missed))
    for case in report.missed_cases:
        writer.writerow((day, "missed", case.kind, case.tracking_code, case.workdays_late))
    writer.writerow((day, "open_overdue", "", "", report.open_overdue))
    for rating, count in report.ratings.items():
        writer.writerow((day, "rating", "", rating, count))
    for code in report.flagged:
        writer.writerow((day, "flagged", "", code, 1))
    return out.getvalue()
