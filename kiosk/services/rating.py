"""Service evaluation (好差评): the agent rates the service of a case, once.

The five grades of the government-service rating scheme. A dissatisfied or very
dissatisfied rating flags the case for the supervisor.
"""

from __future__ import annotations

from datetime import datetime
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


def rate_service(store: Store, *, case_id: int, rating: Rating, now: datetime) -> Case:
    """Record the agent's rating of the case's service; return the case.

    A ``case.rated`` event records it (the agent rates, so no operator is named); a rating
    in :data:`FLAGGED_RATINGS` also flags the case, with a ``case.flagged`` event. Open and
    closed cases may be rated (a cancellation stays open until the provider's verdict, but
    the agent rates the counter's service at the end of the visit).

    Raises:
        ValidationError: ``rating.bad`` (``rating``); ``case.not_found``.
        StateError: ``rating.already_rated`` (``rating``): a case is rated only once.
    """
    if rating not in RATINGS:
        raise ValidationError("rating.bad", rating=rating)
    flagged = rating in FLAGGED_RATINGS
    with store.transaction() as conn:
        case = get_case(store, case_id)
        if case.rating is not None:
            raise StateError("rating.already_rated", rating=case.rating)
        conn.execute(
            "UPDATE cases SET rating = ?, flagged = ? WHERE id = ?",
            (rating, int(flagged), case_id),
        )
        append_event(
            conn,
            kind="case.rated",
            at=now,
            operator=None,
            case_id=case_id,
            key_id=case.key_id,
            payload={"tracking_code": case.tracking_code, "rating": rating},
        )
        if flagged:
            append_event(
                conn,
                kind="case.flagged",
                at=now,
                operator=None,
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
