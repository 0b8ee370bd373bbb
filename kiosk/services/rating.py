"""Service evaluation (好差评): the agent rates the service of a case, once.

The five grades of the government-service rating scheme. A dissatisfied or very
dissatisfied rating flags the case for the supervisor.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final, Literal, get_args

from data.audit import append_event
from data.models import Case, Operator, Role
from data.store import Store
from kiosk.errors import AuthError, StateError, ValidationError
from kiosk.services.cases import get_case

Rating = Literal["very_satisfied", "satisfied", "basic", "dissatisfied", "very_dissatisfied"]
RATINGS: Final = get_args(Rating)
"""The grades, best first (非常满意, 满意, 基本满意, 不满意, 非常不满意)."""
FLAGGED_RATINGS: Final = frozenset({"dissatisfied", "very_dissatisfied"})
"""Ratings the supervisor must look at."""
CLERK_RATING_WINDOW: Final = timedelta(hours=24)
"""How long after the case the clerk who served it may still enter the agent's rating;
supervisors may enter one any time, and the service flow itself always may."""


def check_may_enter_rating(
    case: Case, entered_by: Operator | None, *, in_service_flow: bool, now: datetime
) -> None:
    """Refuse a rating entered outside the service flow by anyone but the case's own clerk
    (within :data:`CLERK_RATING_WINDOW`) or a supervisor.

    Raises:
        AuthError: ``rating.who_enters`` (no operator outside the service flow);
            ``rating.not_own_case`` (``code``, ``operator``); ``rating.too_late``
            (``code``, ``hours``).
    """
    if in_service_flow:
        return
    if entered_by is None:
        raise AuthError("rating.who_enters")
    if entered_by.may(Role.SUPERVISOR):
        return
    if entered_by.username != case.operator:
        raise AuthError("rating.not_own_case", code=case.tracking_code, operator=case.operator)
    served_at = case.closed_at or case.opened_at
    if now - served_at > CLERK_RATING_WINDOW:
        hours = int(CLERK_RATING_WINDOW.total_seconds() // 3600)
        raise AuthError("rating.too_late", code=case.tracking_code, hours=hours)


def rate_service(
    store: Store,
    *,
    case_id: int,
    rating: Rating,
    now: datetime,
    entered_by: Operator | None = None,
    in_service_flow: bool = False,
) -> Case:
    """Record the agent's rating of the case's service; return the case.

    The rating is entered in the service flow itself (``in_service_flow``: the receipt step
    right after the service), or later by the case's own clerk within
    :data:`CLERK_RATING_WINDOW` or by a supervisor (:func:`check_may_enter_rating`).
    A ``case.rated`` event records it, naming who entered it (``entered_by`` in the payload
    and as the event's operator; None when the agent rated in the service flow with nobody
    named); a rating
    in :data:`FLAGGED_RATINGS` also flags the case, with a ``case.flagged`` event. Open and
    closed cases may be rated (a cancellation stays open until the provider's verdict, but
    the agent rates the counter's service at the end of the visit).

    Raises:
        ValidationError: ``rating.bad`` (``rating``); ``case.not_found``.
        StateError: ``rating.already_rated`` (``rating``): a case is rated only once.
        AuthError: see :func:`check_may_enter_rating`.
    """
    if rating not in RATINGS:
        raise ValidationError("rating.bad", rating=rating)
    flagged = rating in FLAGGED_RATINGS
    with store.transaction() as conn:
        case = get_case(store, case_id)
        if case.rating is not None:
            raise StateError("rating.already_rated", rating=case.rating)
        check_may_enter_rating(case, entered_by, in_service_flow=in_service_flow, now=now)
        who = entered_by.username if entered_by is not None else None
        details = {
            "tracking_code": case.tracking_code,
            "rating": rating,
            "entered_by": who,
            "in_service_flow": in_service_flow,
        }
        conn.execute(
            "UPDATE cases SET rating = ?, flagged = ? WHERE id = ?",
            (rating, int(flagged), case_id),
        )
        append_event(
            conn,
            kind="case.rated",
            at=now,
            operator=who,
            case_id=case_id,
            key_id=case.key_id,
            payload=details,
        )
        if flagged:
            append_event(
                conn,
                kind="case.flagged",
                at=now,
                operator=who,
                case_id=case_id,
                key_id=case.key_id,
                payload={"tracking_code": case.tracking_code, "rating": rating},
            )
        return get_case(store, case_id)


def flagged_cases(store: Store) -> list[Case]:
    """Cases flagged by a dissatisfied rating, newest first."""
    rows = store.query("SELECT * FROM cases WHERE flagged = 1 ORDER BY opened_at DESC, id DESC")
    return [Case.from_row(row) for row in rows]


def follow_up_flag(
    store: Store, *, case_id: int, supervisor: Operator, note: str, now: datetime
) -> Case:
    """A supervisor has followed up a dissatisfied rating: the flag is cleared, with a note.

    Raises:
        AuthError: ``auth.supervisor_only``.
        StateError: ``rating.not_flagged``.
    """
    if not supervisor.may(Role.SUPERVISOR):
        raise AuthError("auth.supervisor_only")
    with store.transaction() as conn:
        case = get_case(store, case_id)
        if not case.flagged:
            raise StateError("rating.not_flagged", code=case.tracking_code)
        conn.execute("UPDATE cases SET flagged = 0 WHERE id = ?", (case_id,))
        append_event(
            conn,
            kind="case.followed_up",
            at=now,
            operator=supervisor.username,
            case_id=case_id,
            key_id=case.key_id,
            payload={"note": note.strip()},
        )
    return get_case(store, case_id)
