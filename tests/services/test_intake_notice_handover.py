"""Key intake, notice and hand-over services on a real store, with in-memory key readings."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from stdnum.cn import ric

from data.audit import verify_chain
from data.models import EnterpriseKind, KeyState
from devices.token import CertificateObject, PinState, TokenReading, TokenSummary
from kiosk.errors import AuthError, StateError, ValidationError
from kiosk.rules.key_limits import KeyKind
from kiosk.services import keys as moves
from kiosk.services.agents import Override, check_agent
from kiosk.services.enterprises import add_agent, expect_key, save_enterprise
from kiosk.services.handover import hand_over
from kiosk.services.intake import receive_inserted_key
from kiosk.services.notice import awaiting_notice, record_enterprise_told
from tests.conftest import NOW, PASSWORDS

CERTS = Path(__file__).resolve().parents[1] / "fixtures" / "certs"
USCC = "91110108MA01A2B3CF"  # the O of tests/fixtures/certs/good_rsa.der
OTHER = "91110105MA00K7L8DN"
BODY = "11010519800101123"
ID_NUMBER = BODY + ric.calc_check_digit(BODY + "0")
STRANGER_BODY = "11010819850315261"
STRANGER = STRANGER_BODY + ric.calc_check_digit(STRANGER_BODY + "0")


def reading(serial: str, cert: str = "good_rsa.der") -> TokenReading:
    token = TokenSummary(
        slot=1,
        label="KEY",
        serial=serial,
        manufacturer="CA",
        model="USB",
        flags=0,
        pin_state=PinState.UNKNOWN,
    )
    return TokenReading(token, (CertificateObject("sign", "01", (CERTS / cert).read_bytes()),))


@pytest.fixture
def records(context, operators):
    for code, name in ((USCC, "北京华贸进出口有限公司"), (OTHER, "北京远洋机电设备有限公司")):
        save_enterprise(
            context.store,
            uscc=code,
            name=name,
            kind=EnterpriseKind.DOMESTIC,
            operator="admin",
            now=NOW,
        )
    add_agent(
        context.store,
        uscc=USCC,
        name="李华",
        id_number=ID_NUMBER,
        id_hash_key=context.id_hash_key,
        operator="admin",
        now=NOW,
    )
    return expect_key(
        context.store,
        uscc=USCC,
        token_serial="SN-01",
        kind=KeyKind.FIRST,
        operator="clerk",
        now=NOW,
    )


def receive(context, serial: str = "SN-01", cert: str = "good_rsa.der", now=NOW):
    return receive_inserted_key(
        context.store,
        reading(serial, cert),
        counter=context.counter,
        operator="clerk",
        now=now,
        calendar=context.calendar,
        notice_workdays=2,
    )


def agent(context, number: str = ID_NUMBER, override: Override | None = None):
    return check_agent(
        context.store,
        uscc=USCC,
        id_number=number,
        id_hash_key=context.id_hash_key,
        operator="clerk",
        now=NOW,
        policy=context.lockout,
        override=override,
    )


def test_an_expected_key_is_received_and_its_notice_is_due(context, records) -> None:
    result = receive(context)
    assert result.received and result.key.state is KeyState.RECEIVED
    assert result.case.due_on == date(2026, 11, 27)  # Wednesday + 2 working days
    assert result.key.cert_fingerprint and result.key.subject_o == USCC
    assert verify_chain(context.store.conn).ok


@pytest.mark.parametrize(
    ("serial", "cert", "reason"),
    [("SN-99", "good_rsa.der", "intake.no_match"), ("SN-01", "no_o_rsa.der", "intake.no_code")],
)
def test_a_key_that_does_not_fit_is_set_aside(context, records, serial, cert, reason) -> None:
    result = receive(context, serial, cert)
    assert not result.received and result.reason == reason
    assert result.case.state.value == "closed" and result.case.outcome == "set_aside"
    assert moves.get_key(context.store, records.id).state is KeyState.EXPECTED


def test_a_key_naming_another_enterprise_is_set_aside(context, records) -> None:
    expect_key(
        context.store,
        uscc=OTHER,
        token_serial="SN-02",
        kind=KeyKind.FIRST,
        operator="clerk",
        now=NOW,
    )
    result = receive(context, "SN-02")
    assert result.reason == "intake.other_enterprise"
    assert result.params == {"serial": "SN-02", "on_key": USCC, "ours": OTHER}


def test_a_key_received_twice_is_set_aside_the_second_time(context, records) -> None:
    receive(context)
    again = receive(context)
    assert again.reason == "intake.not_expected"


def test_notice_list_puts_overdue_first_and_records_the_notice(context, records) -> None:
    late = receive(context, now=NOW - timedelta(days=7))
    waiting = awaiting_notice(context.store, NOW.date(), context.calendar)
    assert [item.case.id for item in waiting] == [late.case.id]
    assert waiting[0].overdue and waiting[0].workdays_left < 0
    case = record_enterprise_told(
        context.store,
        case_id=late.case.id,
        channel="phone",
        delivery="collect",
        operator="clerk",
        now=NOW,
    )
    assert case.outcome == "notified:phone:collect" and case.state.value == "closed"
    assert moves.get_key(context.store, records.id).state is KeyState.NOTIFIED
    assert awaiting_notice(context.store, NOW.date(), context.calendar) == []
    with pytest.raises(ValidationError):
        record_enterprise_told(
            context.store,
            case_id=late.case.id,
            channel="fax",
            delivery="collect",
            operator="clerk",
            now=NOW,
        )


def test_hand_over_to_the_authorised_agent(context, records) -> None:
    receive(context)
    case = hand_over(
        context.store,
        key_id=records.id,
        agent=agent(context),
        reading=reading("SN-01"),
        operator="clerk",
        counter=context.counter,
        now=NOW,
        calendar=context.calendar,
    )
    assert case.outcome == "handed_over"
    assert moves.get_key(context.store, records.id).state is KeyState.HANDED_OVER
    payloads = [
        r[0]
        for r in context.store.query("SELECT payload FROM events WHERE case_id = ?", (case.id,))
    ]
    assert any("110***********" in p for p in payloads)
    assert all(ID_NUMBER not in p and "19800101" not in p for p in payloads)


def test_a_stranger_is_refused_unless_a_supervisor_overrides(context, records) -> None:
    receive(context)
    with pytest.raises(AuthError) as caught:
        agent(context, STRANGER)
    assert caught.value.key == "agent.not_authorised"
    with pytest.raises(AuthError) as self_override:
        agent(context, STRANGER, Override("clerk", PASSWORDS["clerk"], "授权书已核"))
    assert self_override.value.key == "agent.override_self"
    with pytest.raises(AuthError) as no_reason:
        agent(context, STRANGER, Override("super", PASSWORDS["super"], " "))
    assert no_reason.value.key == "agent.override_reason"
    passed = agent(context, STRANGER, Override("super", PASSWORDS["super"], "授权书已核"))
    case = hand_over(
        context.store,
        key_id=records.id,
        agent=passed,
        reading=reading("SN-01"),
        operator="clerk",
        counter=context.counter,
        now=NOW,
        calendar=context.calendar,
    )
    kinds = [
        r[0]
        for r in context.store.query(
            "SELECT kind FROM events WHERE case_id = ? ORDER BY seq", (case.id,)
        )
    ]
    assert "agent.override" in kinds


def test_a_different_key_plugged_in_stops_the_hand_over(context, records) -> None:
    receive(context)
    with pytest.raises(ValidationError) as caught:
        hand_over(
            context.store,
            key_id=records.id,
            agent=agent(context),
            reading=reading("SN-77"),
            operator="clerk",
            counter=context.counter,
            now=NOW,
            calendar=context.calendar,
        )
    assert caught.value.key == "handover.wrong_key"
    with pytest.raises(ValidationError) as changed:
        hand_over(
            context.store,
            key_id=records.id,
            agent=agent(context),
            reading=reading("SN-01", "expiring_ec.der"),
            operator="clerk",
            counter=context.counter,
            now=NOW,
            calendar=context.calendar,
        )
    assert changed.value.key == "handover.cert_changed"
    assert moves.get_key(context.store, records.id).state is KeyState.RECEIVED
    assert context.store.query("SELECT * FROM cases WHERE kind = 'handover'") == []


def test_a_key_not_yet_received_cannot_be_handed_over(context, records) -> None:
    with pytest.raises(StateError):
        hand_over(
            context.store,
            key_id=records.id,
            agent=agent(context),
            reading=reading("SN-01"),
            operator="clerk",
            counter=context.counter,
            now=NOW,
            calendar=context.calendar,
        )


def test_handing_over_a_replacement_voids_the_old_key(context, records) -> None:
    receive(context)
    hand_over(
        context.store,
        key_id=records.id,
        agent=agent(context),
        reading=reading("SN-01"),
        operator="clerk",
        counter=context.counter,
        now=NOW,
        calendar=context.calendar,
    )
    moves.report_lost(context.store, records.id, operator="clerk", now=NOW)
    new = expect_key(
        context.store,
        uscc=USCC,
        token_serial="SN-03",
        kind=KeyKind.REPLACEMENT,
        operator="clerk",
        now=NOW,
        replaces_key_id=records.id,
    )
    assert receive(context, "SN-03").received
    hand_over(
        context.store,
        key_id=new.id,
        agent=agent(context),
        reading=reading("SN-03"),
        operator="clerk",
        counter=context.counter,
        now=NOW,
        calendar=context.calendar,
    )
    assert moves.get_key(context.store, records.id).state is KeyState.REPLACED
    assert moves.get_key(context.store, new.id).state is KeyState.HANDED_OVER


def test_a_hand_over_before_the_notice_closes_the_intake_case(context, records) -> None:
    intake = receive(context).case
    hand_over(
        context.store,
        key_id=records.id,
        agent=agent(context),
        reading=reading("SN-01"),
        operator="clerk",
        counter=context.counter,
        now=NOW,
        calendar=context.calendar,
    )
    row = context.store.query_one("SELECT state, outcome FROM cases WHERE id = ?", (intake.id,))
    assert tuple(row) == ("closed", "handed_over")
    assert awaiting_notice(context.store, NOW.date(), context.calendar) == []


def test_a_replacement_for_a_key_in_cancellation_is_still_handed_over(context, records) -> None:
    receive(context)
    hand_over(
        context.store,
        key_id=records.id,
        agent=agent(context),
        reading=reading("SN-01"),
        operator="clerk",
        counter=context.counter,
        now=NOW,
        calendar=context.calendar,
    )
    moves.request_cancellation(
        context.store, records.id, operator="clerk", now=NOW, reason="damaged"
    )
    new = expect_key(
        context.store,
        uscc=USCC,
        token_serial="SN-03",
        kind=KeyKind.REPLACEMENT,
        operator="clerk",
        now=NOW,
        replaces_key_id=records.id,
    )
    assert receive(context, "SN-03").received
    hand_over(
        context.store,
        key_id=new.id,
        agent=agent(context),
        reading=reading("SN-03"),
        operator="clerk",
        counter=context.counter,
        now=NOW,
        calendar=context.calendar,
    )
    assert moves.get_key(context.store, records.id).state is KeyState.CANCEL_REQUESTED
    assert moves.get_key(context.store, new.id).state is KeyState.HANDED_OVER


def test_mailing_a_replacement_voids_the_old_key(context, records) -> None:
    from kiosk.services.mail_out import mail_key

    receive(context)
    hand_over(
        context.store,
        key_id=records.id,
        agent=agent(context),
        reading=reading("SN-01"),
        operator="clerk",
        counter=context.counter,
        now=NOW,
        calendar=context.calendar,
    )
    new = expect_key(
        context.store,
        uscc=USCC,
        token_serial="SN-03",
        kind=KeyKind.REPLACEMENT,
        operator="clerk",
        now=NOW,
        replaces_key_id=records.id,
    )
    intake = receive(context, "SN-03").case
    mail_key(
        context.store,
        key_id=new.id,
        recipient="李华",
        address="北京市朝阳区建国路1号",
        courier="顺丰速运",
        waybill="SF1234567890",
        operator="clerk",
        counter=context.counter,
        now=NOW,
        calendar=context.calendar,
    )
    assert moves.get_key(context.store, records.id).state is KeyState.REPLACED
    row = context.store.query_one("SELECT state FROM cases WHERE id = ?", (intake.id,))
    assert row[0] == "closed"


def test_the_notice_deadline_skips_the_national_day_holiday(context, records) -> None:
    from datetime import datetime

    from kiosk.clock import CHINA_TZ

    # Received Wed 2026-09-30: Oct 1-7 are days off, so the 2 working days are Oct 8 and 9.
    result = receive(context, now=datetime(2026, 9, 30, 15, 0, tzinfo=CHINA_TZ))
    assert result.case.due_on == date(2026, 10, 9)
    # Received Fri 2026-10-09: Sat Oct 10 is a make-up workday, so due Mon Oct 12.
    expect_key(
        context.store,
        uscc=USCC,
        token_serial="SN-02",
        kind=KeyKind.ADDITIONAL,
        operator="clerk",
        now=NOW,
    )
    second = receive(context, "SN-02", now=datetime(2026, 10, 9, 9, 0, tzinfo=CHINA_TZ))
    assert second.case.due_on == date(2026, 10, 12)
