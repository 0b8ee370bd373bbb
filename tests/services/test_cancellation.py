"""Walk-in cancellation: documents, the key read, the agent's enterprise, the deadline to ship,
and the two-person confirmation.

The helpers at the top (enterprise, agent check, key in a state, snapshot) are shared by the
mail-out, shipment and rating tests.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pytest
from stdnum.cn import ric

from data.audit import verify_chain
from data.models import Case, CaseKind, CaseState, EnterpriseKind, KeyState
from data.store import Store
from kiosk.clock import CHINA_TZ
from kiosk.context import KioskContext
from kiosk.errors import AuthError, KioskError, StateError, ValidationError
from kiosk.rules.key_limits import KeyKind
from kiosk.services import keys as moves
from kiosk.services.agents import AgentCheck, Override, check_agent
from kiosk.services.cancellation import (
    confirm_cancellation,
    confirmed_awaiting_shipment,
    take_cancellation,
)
from kiosk.services.cases import get_case
from kiosk.services.enterprises import add_agent, expect_key, save_enterprise
from tests.conftest import NOW, PASSWORDS

USCC = "91110000600037341L"
OTHER_USCC = "91350100M000100Y43"
_ID_BODY = "11010219800101456"
ID_NUMBER = _ID_BODY + ric.calc_check_digit(_ID_BODY + "0")
_STRANGER_BODY = "11010219900202123"
STRANGER_ID = _STRANGER_BODY + ric.calc_check_digit(_STRANGER_BODY + "0")
SERIAL = "SN-C-0001"

# --- shared helpers ---


def add_enterprise(context: KioskContext, uscc: str = USCC) -> str:
    """Save an enterprise with one authorised agent (``ID_NUMBER``)."""
    save_enterprise(
        context.store,
        uscc=uscc,
        name="北京华贸进出口有限公司" if uscc == USCC else "福州闽贸有限公司",
        kind=EnterpriseKind.DOMESTIC,
        operator="admin",
        now=NOW,
    )
    add_agent(
        context.store,
        uscc=uscc,
        name="李娜",
        id_number=ID_NUMBER,
        id_hash_key=context.id_hash_key,
        operator="admin",
        now=NOW,
    )
    return uscc


def agent_check(context: KioskContext, uscc: str = USCC) -> AgentCheck:
    """The authorised agent of ``uscc`` checked at the desk."""
    return check_agent(
        context.store,
        uscc=uscc,
        id_number=ID_NUMBER,
        id_hash_key=context.id_hash_key,
        operator="clerk",
        now=NOW,
        policy=context.lockout,
    )


def key_in_state(
    context: KioskContext, state: KeyState, *, uscc: str = USCC, serial: str = SERIAL
) -> int:
    """A key of ``uscc`` walked from expected to ``state`` by the legal moves."""
    store = context.store
    kind = KeyKind.ADDITIONAL if moves.count_live_keys(store, uscc) else KeyKind.FIRST
    key_id = expect_key(
        store, uscc=uscc, token_serial=serial, kind=kind, operator="clerk", now=NOW
    ).id
    path = {
        KeyState.EXPECTED: [],
        KeyState.RECEIVED: [KeyState.RECEIVED],
        KeyState.NOTIFIED: [KeyState.RECEIVED, KeyState.NOTIFIED],
        KeyState.HANDED_OVER: [KeyState.RECEIVED, KeyState.HANDED_OVER],
        KeyState.MAILED: [KeyState.RECEIVED, KeyState.MAILED],
        KeyState.LOST: [KeyState.RECEIVED, KeyState.HANDED_OVER, KeyState.LOST],
        KeyState.CANCEL_REQUESTED: [
            KeyState.RECEIVED,
            KeyState.HANDED_OVER,
            KeyState.CANCEL_REQUESTED,
        ],
    }[state]
    for step in path:
        moves.change_key_state(store, key_id, step, operator="clerk", now=NOW)
    return key_id


def snapshot(store: Store) -> dict[str, Any]:
    """Every row a workflow may write, to prove a refusal wrote nothing."""
    tables = (
        "events",
        "audit_head",
        "cases",
        "keys",
        "shipments",
        "shipment_items",
        "tracking_sequences",
        "operators",
    )
    return {t: [tuple(r) for r in store.query(f"SELECT * FROM {t}")] for t in tables}


def event_kinds(store: Store, case_id: int) -> list[str]:
    """The kinds of the case's events, in order."""
    rows = store.query("SELECT kind FROM events WHERE case_id = ? ORDER BY seq", (case_id,))
    return [row[0] for row in rows]


def payload(store: Store, case_id: int, kind: str) -> dict[str, Any]:
    """The payload of the case's (first) event of ``kind``."""
    row = store.query_one(
        "SELECT payload FROM events WHERE case_id = ? AND kind = ? ORDER BY seq", (case_id, kind)
    )
    assert row is not None, kind
    result: dict[str, Any] = json.loads(row[0])
    return result


def take(
    context: KioskContext,
    key_id: int,
    *,
    check: AgentCheck | None = None,
    reason: str = "damaged",
    documents: set[str] | None = None,
    key_serial_read: str | None = SERIAL,
    operator: str = "clerk",
    now: datetime = NOW,
    **extra: Any,
) -> Case:
    """Take a cancellation with sensible defaults (a damaged key brought with its form)."""
    return take_cancellation(
        context.store,
        key_id=key_id,
        agent=check if check is not None else agent_check(context),
        reason=reason,  # type: ignore[arg-type]
        documents={"sealed_form", "key"} if documents is None else documents,
        key_serial_read=key_serial_read,
        operator=operator,
        counter=context.counter,
        now=now,
        calendar=context.calendar,
        **extra,
    )


def confirm(context: KioskContext, case_id: int, supervisor: str = "super") -> Case:
    """Confirm with the supervisor's right password."""
    return confirm_cancellation(
        context.store,
        case_id=case_id,
        supervisor=supervisor,
        password=PASSWORDS[supervisor],
        now=NOW,
        policy=context.lockout,
    )


@pytest.fixture
def enterprise(context: KioskContext, operators: object) -> str:
    return add_enterprise(context)


def _refused(context: KioskContext, error: type[KioskError], key: str, action: Any) -> KioskError:
    before = snapshot(context.store)
    with pytest.raises(error) as caught:
        action()
    assert caught.value.key == key
    assert snapshot(context.store) == before
    return caught.value


# --- taking a cancellation ---


def test_a_damaged_key_brought_with_its_form_is_taken(context, enterprise) -> None:
    store = context.store
    key_id = key_in_state(context, KeyState.HANDED_OVER)
    case = take(context, key_id, key_serial_read=f"  {SERIAL} ")
    assert case.kind is CaseKind.CANCELLATION and case.state is CaseState.OPEN
    assert case.enterprise_uscc == USCC and case.key_id == key_id
    assert case.due_on == date(2026, 11, 27)  # Wednesday + 2 working days
    assert case.operator == "clerk" and case.confirmed_by is None
    assert moves.get_key(store, key_id).state is KeyState.CANCEL_REQUESTED
    assert event_kinds(store, case.id) == ["case.opened", "key.cancel_requested"]
    opened = payload(store, case.id, "case.opened")
    assert opened["reason"] == "damaged"
    assert opened["documents"] == ["key", "sealed_form"]
    assert opened["token_serial"] == SERIAL
    assert opened["agent_name"] == "李娜"
    assert opened["agent_id_masked"] == "110***********" + ID_NUMBER[-4:]
    trail = "".join(r[0] for r in store.query("SELECT payload FROM events"))
    assert ID_NUMBER not in trail
    assert verify_chain(store.conn).ok


@pytest.mark.parametrize("state", [KeyState.MAILED, KeyState.LOST])
def test_a_mailed_or_lost_key_can_be_cancelled(context, enterprise, state) -> None:
    key_id = key_in_state(context, state)
    if state is KeyState.LOST:
        case = take(
            context,
            key_id,
            reason="lost",
            documents={"sealed_form", "written_statement"},
            key_serial_read=None,
        )
    else:
        case = take(context, key_id, reason="no_longer_used")
    assert moves.get_key(context.store, key_id).state is KeyState.CANCEL_REQUESTED
    assert payload(context.store, case.id, "key.cancel_requested")["from"] == state.value


def test_a_handed_over_key_reported_lost_goes_straight_to_cancel_requested(
    context, enterprise
) -> None:
    key_id = key_in_state(context, KeyState.HANDED_OVER)
    case = take(
        context,
        key_id,
        reason="lost",
        documents={"sealed_form", "written_statement"},
        key_serial_read=None,
    )
    assert payload(context.store, case.id, "case.opened")["documents"] == [
        "sealed_form",
        "written_statement",
    ]
    assert moves.get_key(context.store, key_id).state is KeyState.CANCEL_REQUESTED


def test_an_agent_passed_by_override_needs_the_enterprise_named(context, enterprise) -> None:
    key_id = key_in_state(context, KeyState.HANDED_OVER)
    overridden = check_agent(
        context.store,
        uscc=USCC,
        id_number=STRANGER_ID,
        id_hash_key=context.id_hash_key,
        operator="clerk",
        now=NOW,
        policy=context.lockout,
        override=Override("super", PASSWORDS["super"], "法定代表人本人到场"),
    )
    _refused(
        context,
        ValidationError,
        "cancellation.enterprise_unknown",
        lambda: take(context, key_id, check=overridden),
    )
    case = take(context, key_id, check=overridden, enterprise_uscc=USCC)
    opened = payload(context.store, case.id, "case.opened")
    assert opened["override_by"] == "super"
    assert opened["override_reason"] == "法定代表人本人到场"
    assert STRANGER_ID not in json.dumps(opened)


@pytest.mark.parametrize(
    ("reason", "documents", "serial", "key"),
    [
        ("damaged", {"key"}, SERIAL, "cancellation.form_missing"),
        ("damaged", {"sealed_form"}, SERIAL, "cancellation.key_missing"),
        ("damaged", {"sealed_form", "written_statement"}, None, "cancellation.key_missing"),
        ("no_longer_used", {"sealed_form", "key"}, None, "cancellation.key_not_read"),
        ("lost", {"sealed_form"}, None, "cancellation.statement_missing"),
        ("lost", {"sealed_form", "key"}, SERIAL, "cancellation.statement_missing"),
        ("lost", {"sealed_form", "written_statement", "key"}, SERIAL, "cancellation.lost_key_read"),
        ("lost", {"sealed_form", "written_statement"}, SERIAL, "cancellation.lost_key_read"),
        ("damaged", {"sealed_form", "key", "photo"}, SERIAL, "cancellation.unknown_document"),
        ("stolen", {"sealed_form", "key"}, SERIAL, "cancellation.bad_reason"),
    ],
)
def test_missing_or_wrong_documents_are_refused(
    context, enterprise, reason, documents, serial, key
) -> None:
    key_id = key_in_state(context, KeyState.HANDED_OVER)
    check = agent_check(context)
    _refused(
        context,
        ValidationError,
        key,
        lambda: take(
            context, key_id, check=check, reason=reason, documents=documents, key_serial_read=serial
        ),
    )


def test_a_different_key_inserted_is_refused(context, enterprise) -> None:
    key_id = key_in_state(context, KeyState.HANDED_OVER)
    check = agent_check(context)
    error = _refused(
        context,
        ValidationError,
        "cancellation.serial_mismatch",
        lambda: take(context, key_id, check=check, key_serial_read="SN-OTHER"),
    )
    assert error.params == {"read": "SN-OTHER", "expected": SERIAL}


def test_a_key_of_another_enterprise_is_refused(context, enterprise) -> None:
    add_enterprise(context, OTHER_USCC)
    key_id = key_in_state(context, KeyState.HANDED_OVER, uscc=OTHER_USCC)
    check = agent_check(context)  # the agent of USCC, not of OTHER_USCC
    error = _refused(
        context,
        ValidationError,
        "cancellation.wrong_enterprise",
        lambda: take(context, key_id, check=check),
    )
    assert error.params == {"uscc": USCC}
    _refused(
        context,
        ValidationError,
        "cancellation.wrong_enterprise",
        lambda: take(context, key_id, check=check, enterprise_uscc=OTHER_USCC),
    )


@pytest.mark.parametrize(
    "state", [KeyState.EXPECTED, KeyState.RECEIVED, KeyState.NOTIFIED, KeyState.CANCEL_REQUESTED]
)
def test_a_key_not_yet_handed_out_or_already_cancelling_is_refused(
    context, enterprise, state
) -> None:
    key_id = key_in_state(context, state)
    check = agent_check(context)
    error = _refused(
        context,
        StateError,
        "cancellation.key_state",
        lambda: take(context, key_id, check=check),
    )
    assert error.params == {"state": state.value}


def test_an_unknown_key_is_refused(context, enterprise) -> None:
    check = agent_check(context)
    _refused(context, ValidationError, "key.not_found", lambda: take(context, 999, check=check))


@pytest.mark.parametrize(
    ("taken", "due"),
    [
        # Mid-Autumn (Fri 25 - Sun 27 Sep) then working Mon 28, Tue 29.
        (datetime(2026, 9, 25, 9, 0, tzinfo=CHINA_TZ), date(2026, 9, 29)),
        # The day before National Day: Oct 1-7 off, Thu 8 and Fri 9 are working days.
        (datetime(2026, 9, 30, 16, 0, tzinfo=CHINA_TZ), date(2026, 10, 9)),
        # Sat 10 Oct is a make-up working day.
        (datetime(2026, 10, 8, 9, 0, tzinfo=CHINA_TZ), date(2026, 10, 10)),
        (datetime(2026, 10, 9, 9, 0, tzinfo=CHINA_TZ), date(2026, 10, 12)),
    ],
)
def test_the_deadline_to_ship_counts_working_days_around_national_day(
    context, enterprise, taken, due
) -> None:
    key_id = key_in_state(context, KeyState.HANDED_OVER)
    case = take(context, key_id, now=taken)
    assert case.due_on == due and not case.due_estimated
    assert case.tracking_code.startswith(f"BJ03-{taken:%y%m%d}-0001-")


def test_ship_workdays_is_a_parameter(context, enterprise) -> None:
    key_id = key_in_state(context, KeyState.HANDED_OVER)
    case = take(context, key_id, ship_workdays=3)
    assert case.due_on == date(2026, 11, 30)  # Wed + 3 working days, over the weekend


# --- confirming ---


def test_a_supervisor_who_did_not_take_it_confirms(context, enterprise) -> None:
    store = context.store
    case = take(context, key_in_state(context, KeyState.HANDED_OVER))
    confirmed = confirm(context, case.id)
    assert confirmed.confirmed_by == "super" and confirmed.confirmed_at == NOW
    assert confirmed.state is CaseState.OPEN
    assert event_kinds(store, case.id) == [
        "case.opened",
        "key.cancel_requested",
        "cancellation.confirmed",
    ]
    assert payload(store, case.id, "cancellation.confirmed")["taken_by"] == "clerk"
    assert confirmed_awaiting_shipment(store) == [confirmed]
    assert verify_chain(store.conn).ok


def test_the_person_who_took_it_cannot_confirm_it(context, enterprise) -> None:
    case = take(context, key_in_state(context, KeyState.HANDED_OVER), operator="super")
    _refused(
        context, AuthError, "cancellation.same_person", lambda: confirm(context, case.id, "super")
    )
    assert confirm(context, case.id, "admin").confirmed_by == "admin"


def test_a_clerk_cannot_confirm(context, enterprise) -> None:
    store = context.store
    case = take(context, key_in_state(context, KeyState.HANDED_OVER), operator="super")
    events_before = store.query_one("SELECT count(*) FROM events")[0]
    with pytest.raises(AuthError) as caught:
        confirm(context, case.id, "clerk")
    assert caught.value.key == "cancellation.confirm_role"
    assert get_case(store, case.id) == case
    # Only the clerk's login itself was recorded; nothing of the cancellation.
    new = store.query("SELECT kind FROM events WHERE seq > ?", (events_before,))
    assert [r[0] for r in new] == ["operator.login"]
    assert confirmed_awaiting_shipment(store) == []


def test_a_wrong_password_does_not_confirm(context, enterprise) -> None:
    case = take(context, key_in_state(context, KeyState.HANDED_OVER))
    with pytest.raises(AuthError) as caught:
        confirm_cancellation(
            context.store,
            case_id=case.id,
            supervisor="super",
            password="wrong-password",
            now=NOW,
            policy=context.lockout,
        )
    assert caught.value.key == "auth.bad_credentials"
    assert get_case(context.store, case.id).confirmed_by is None


def test_confirming_twice_is_refused(context, enterprise) -> None:
    case = take(context, key_in_state(context, KeyState.HANDED_OVER))
    confirm(context, case.id)
    error = _refused(
        context,
        StateError,
        "cancellation.already_confirmed",
        lambda: confirm(context, case.id, "admin"),
    )
    assert error.params == {"supervisor": "super"}


def test_only_a_cancellation_can_be_confirmed(context, enterprise) -> None:
    from kiosk.services.cases import open_case

    other = open_case(
        context.store,
        kind=CaseKind.UNLOCK_HELP,
        counter=context.counter,
        operator="clerk",
        now=NOW,
        calendar=context.calendar,
    )
    _refused(
        context,
        ValidationError,
        "cancellation.not_cancellation",
        lambda: confirm(context, other.id),
    )


def test_confirmed_cancellations_are_listed_due_first(context, enterprise) -> None:
    late = take(
        context,
        key_in_state(context, KeyState.HANDED_OVER, serial="SN-LATE"),
        key_serial_read="SN-LATE",
    )
    early = take(
        context,
        key_in_state(context, KeyState.HANDED_OVER, serial="SN-EARLY"),
        key_serial_read="SN-EARLY",
        now=datetime(2026, 11, 20, 9, 0, tzinfo=CHINA_TZ),
    )
    unconfirmed = take(
        context,
        key_in_state(context, KeyState.HANDED_OVER, serial="SN-OPEN"),
        key_serial_read="SN-OPEN",
    )
    confirm(context, late.id)
    confirm(context, early.id)
    listed = confirmed_awaiting_shipment(context.store)
    assert [c.id for c in listed] == [early.id, late.id]
    assert unconfirmed.id not in [c.id for c in listed]
