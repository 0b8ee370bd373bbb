"""Service evaluation (好差评): one rating per case; dissatisfied ones flagged."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from data.audit import verify_chain
from data.models import Case, CaseKind, Operator, Role
from kiosk.context import KioskContext
from kiosk.errors import AuthError, KioskError, StateError, ValidationError
from kiosk.services.cases import get_case, open_case, record_case
from kiosk.services.operators import create_operator
from kiosk.services.rating import CLERK_RATING_WINDOW, RATINGS, flagged_cases, rate_service
from tests.conftest import NOW
from tests.services.test_cancellation import event_kinds, payload, snapshot


def new_case(context: KioskContext, *, minutes: int = 0) -> Case:
    """A finished desk case (a certificate check), opened ``minutes`` after NOW."""
    return record_case(
        context.store,
        outcome="done",
        kind=CaseKind.CERT_CHECK,
        counter=context.counter,
        operator="clerk",
        now=NOW + timedelta(minutes=minutes),
        calendar=context.calendar,
    )


def rate(context: KioskContext, case_id: int, rating: str) -> Case:
    return rate_service(
        context.store,
        case_id=case_id,
        rating=rating,  # type: ignore[arg-type]
        now=NOW,
        in_service_flow=True,
    )


def _refused(context: KioskContext, error: type[KioskError], key: str, action: Any) -> KioskError:
    before = snapshot(context.store)
    with pytest.raises(error) as caught:
        action()
    assert caught.value.key == key
    assert snapshot(context.store) == before
    return caught.value


@pytest.mark.parametrize("rating", ["very_satisfied", "satisfied", "basic"])
def test_a_good_rating_is_recorded_unflagged(context, operators, rating) -> None:
    case = new_case(context)
    rated = rate(context, case.id, rating)
    assert rated.rating == rating and not rated.flagged
    assert event_kinds(context.store, case.id)[-1] == "case.rated"
    assert payload(context.store, case.id, "case.rated")["rating"] == rating
    assert flagged_cases(context.store) == []
    assert verify_chain(context.store.conn).ok


@pytest.mark.parametrize("rating", ["dissatisfied", "very_dissatisfied"])
def test_a_dissatisfied_rating_is_flagged_for_the_supervisor(context, operators, rating) -> None:
    case = new_case(context)
    rated = rate(context, case.id, rating)
    assert rated.rating == rating and rated.flagged
    assert event_kinds(context.store, case.id)[-2:] == ["case.rated", "case.flagged"]
    assert flagged_cases(context.store) == [rated]
    assert verify_chain(context.store.conn).ok


def test_an_open_case_can_be_rated(context, operators) -> None:
    case = open_case(
        context.store,
        kind=CaseKind.HANDOVER,
        counter=context.counter,
        operator="clerk",
        now=NOW,
        calendar=context.calendar,
    )
    assert rate(context, case.id, "satisfied").rating == "satisfied"


def test_a_case_is_rated_once(context, operators) -> None:
    case = new_case(context)
    rate(context, case.id, "very_satisfied")
    error = _refused(
        context,
        StateError,
        "rating.already_rated",
        lambda: rate(context, case.id, "very_dissatisfied"),
    )
    assert error.params == {"rating": "very_satisfied"}
    assert not get_case(context.store, case.id).flagged


def test_an_unknown_rating_or_case_is_refused(context, operators) -> None:
    case = new_case(context)
    _refused(context, ValidationError, "rating.bad", lambda: rate(context, case.id, "meh"))
    _refused(context, ValidationError, "case.not_found", lambda: rate(context, 999, "basic"))


def test_flagged_cases_newest_first(context, operators) -> None:
    older, newer, fine = (new_case(context, minutes=m) for m in (0, 5, 10))
    rate(context, older.id, "dissatisfied")
    rate(context, newer.id, "very_dissatisfied")
    rate(context, fine.id, "satisfied")
    assert [c.id for c in flagged_cases(context.store)] == [newer.id, older.id]


def test_every_grade_has_a_label_in_both_languages() -> None:
    from data.catalog import CATALOG

    assert RATINGS == (
        "very_satisfied",
        "satisfied",
        "basic",
        "dissatisfied",
        "very_dissatisfied",
    )
    for rating in RATINGS:
        assert f"rating.{rating}" in CATALOG


# --- who may enter a rating after the service flow ---


def _enter(
    context: KioskContext, case_id: int, operator: Operator | None, *, hours: float = 0
) -> Case:
    return rate_service(
        context.store,
        case_id=case_id,
        rating="satisfied",
        now=NOW + timedelta(hours=hours),
        entered_by=operator,
    )


def test_own_clerk_enters_a_rating_within_the_window_and_is_named(context, operators) -> None:
    case = new_case(context)
    rated = _enter(context, case.id, operators["clerk"], hours=23)
    assert rated.rating == "satisfied"
    event = payload(context.store, case.id, "case.rated")
    assert event["entered_by"] == "clerk" and event["in_service_flow"] is False
    row = context.store.query_one("SELECT operator FROM events WHERE kind = 'case.rated'")
    assert row is not None and row[0] == "clerk"


def test_own_clerk_is_refused_after_the_window(context, operators) -> None:
    case = new_case(context)
    hours = CLERK_RATING_WINDOW.total_seconds() / 3600 + 1
    error = _refused(
        context,
        AuthError,
        "rating.too_late",
        lambda: _enter(context, case.id, operators["clerk"], hours=hours),
    )
    assert "24" in error.message("en")


def test_another_clerk_is_refused(context, operators) -> None:
    other = create_operator(
        context.store,
        username="clerk2",
        display_name="",
        role=Role.CLERK,
        password="second-clerk-pass",
        created_by=operators["admin"],
        now=NOW,
    )
    case = new_case(context)
    _refused(context, AuthError, "rating.not_own_case", lambda: _enter(context, case.id, other))


def test_nobody_named_outside_the_service_flow_is_refused(context, operators) -> None:
    case = new_case(context)
    _refused(context, AuthError, "rating.who_enters", lambda: _enter(context, case.id, None))


def test_supervisor_enters_a_rating_any_time(context, operators) -> None:
    case = new_case(context)
    _enter(context, case.id, operators["super"], hours=24 * 30)
    assert payload(context.store, case.id, "case.rated")["entered_by"] == "super"


def test_service_flow_names_the_operator_given(context, operators) -> None:
    case = new_case(context)
    rate_service(
        context.store,
        case_id=case.id,
        rating="basic",
        now=NOW + timedelta(days=3),
        entered_by=operators["clerk"],
        in_service_flow=True,
    )
    assert payload(context.store, case.id, "case.rated")["entered_by"] == "clerk"
