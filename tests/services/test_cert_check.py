"""The certificate check and PIN-unlock help: the verdicts and next steps a clerk reads for a
key, against a real store of enterprises and keys, and the cases they leave behind."""

from __future__ import annotations

import json
import string
from datetime import date, timedelta
from typing import Any

import pytest

from data.catalog import CATALOG
from data.i18n import translate
from data.models import CaseKind, CaseState, EnterpriseKind, KeyState
from devices.token import (
    CKF_TOKEN_INITIALIZED,
    CKF_USER_PIN_COUNT_LOW,
    CKF_USER_PIN_FINAL_TRY,
    CKF_USER_PIN_INITIALIZED,
    CKF_USER_PIN_LOCKED,
    CertificateObject,
    PinState,
    TokenReading,
    TokenSummary,
)
from devices.token_memory import MemoryToken, MemoryTokenReader
from kiosk.context import KioskContext
from kiosk.demo_certs import make_certificate
from kiosk.rules.key_limits import KeyKind
from kiosk.services import keys as moves
from kiosk.services.cert_check import CertCheckReport, Verdict, check_token, record_check
from kiosk.services.enterprises import expect_key, save_enterprise
from kiosk.services.unlock_help import PROCEDURE_STEPS, advise, record_unlock_help
from kiosk.support import UNLOCK_SYSTEM_URL
from tests.conftest import NOW

DOMESTIC_USCC = "91110000600037341L"
FOREIGN_USCC = "91350100M000100Y43"
WRONG_CHECK = DOMESTIC_USCC[:-1] + ("0" if DOMESTIC_USCC[-1] != "0" else "1")
DOMESTIC_NAME = "北京华贸进出口有限公司"
FOREIGN_NAME = "中德精密仪器（厦门）有限公司"
BASE = CKF_TOKEN_INITIALIZED | CKF_USER_PIN_INITIALIZED
GARBAGE = b"\x30\x82\x01\x00 this is not a certificate"

# name: (subject O, days from NOW to the end of validity)
CERTIFICATES: dict[str, tuple[str | None, timedelta]] = {
    "good": (DOMESTIC_USCC, timedelta(days=300)),
    "no_o": (None, timedelta(days=300)),
    "bad_check": (WRONG_CHECK, timedelta(days=300)),
    "among_words": (f"某某进出口有限公司 {DOMESTIC_USCC}", timedelta(days=300)),
    "foreign": (FOREIGN_USCC, timedelta(days=300)),
    "name_only": (FOREIGN_NAME, timedelta(days=300)),
    "expired": (DOMESTIC_USCC, -timedelta(days=10)),
    "expiring": (DOMESTIC_USCC, timedelta(days=12, hours=1)),
    "at_warning": (DOMESTIC_USCC, timedelta(days=30, hours=1)),
    "past_warning": (DOMESTIC_USCC, timedelta(days=31, hours=1)),
}


@pytest.fixture(scope="module")
def certs() -> dict[str, bytes]:
    """Every certificate of CERTIFICATES, made once (EC keys: cheap to generate)."""
    made = {}
    for name, (organization, until) in CERTIFICATES.items():
        end = NOW + until
        made[name] = make_certificate(
            f"{name} 经办人",
            organization,
            not_before=end - timedelta(days=365),
            not_after=end,
            algorithm="ec",
        )
    return made


@pytest.fixture
def records(context: KioskContext) -> dict[str, int]:
    """A domestic and a foreign-invested enterprise, each expecting one key; key ids by serial.

    The check itself needs no operator accounts; the tests that record a case (whose operator
    must be an account) ask for ``operators`` too (hashing their passwords takes ~0.1 s)."""
    store = context.store
    for uscc, name, kind in (
        (DOMESTIC_USCC, DOMESTIC_NAME, EnterpriseKind.DOMESTIC),
        (FOREIGN_USCC, FOREIGN_NAME, EnterpriseKind.FOREIGN_INVESTED),
    ):
        save_enterprise(store, uscc=uscc, name=name, kind=kind, operator="admin", now=NOW)
    return {
        serial: expect_key(
            store, uscc=uscc, token_serial=serial, kind=KeyKind.FIRST, operator="clerk", now=NOW
        ).id
        for serial, uscc in (("SN-DOM", DOMESTIC_USCC), ("SN-FOR", FOREIGN_USCC))
    }


def read(
    serial: str,
    *objects: tuple[str, bytes],
    flags: int = BASE,
    reports_pin_flags: bool = True,
) -> TokenReading:
    """The reading a memory reader gives for a key holding these (label, value) objects."""
    reader = MemoryTokenReader(reports_pin_flags=reports_pin_flags)
    certificates = [CertificateObject(label, f"{n:02x}", v) for n, (label, v) in enumerate(objects)]
    reader.insert(MemoryToken(serial, label="KEY", flags=flags, certificates=certificates))
    return reader.read_token(serial)


def check(context: KioskContext, reading: TokenReading, **options: Any) -> CertCheckReport:
    return check_token(
        context.store,
        reading,
        now=NOW,
        expiry_warning_days=context.settings.rules.expiry_warning_days,
        **options,
    )


def verdicts(report: CertCheckReport) -> dict[str, Verdict]:
    """The verdicts by code (each code at most once in these tests)."""
    codes = [v.code for v in report.verdicts]
    assert len(codes) == len(set(codes)), codes
    return {v.code: v for v in report.verdicts}


def shown(verdict: Verdict) -> tuple[str, str]:
    """What the clerk reads: the verdict and its next step, in English, all filled in."""
    key = f"verdict.{verdict.code}"
    assert key in CATALOG and (not verdict.next_step or verdict.next_step in CATALOG)
    for template in CATALOG[key]:
        fields = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        assert fields <= set(verdict.params), (key, fields)
    message = translate(key, "en", **verdict.params)
    step = translate(verdict.next_step, "en") if verdict.next_step else ""
    return message, step


# -- the code in subject O --


def test_a_valid_code_matching_our_record_is_all_ok(context, records, certs) -> None:
    report = check(context, read("SN-DOM", ("sign", certs["good"])))
    found = verdicts(report)
    assert list(found) == ["in_records", "pin_ok", "uscc_ok", "valid"]
    assert {v.severity for v in report.verdicts} == {"ok"}
    assert report.worst == "ok"
    assert found["in_records"].params == {"enterprise": DOMESTIC_NAME, "state": "expected"}
    assert found["uscc_ok"].params == {"label": "sign", "uscc": DOMESTIC_USCC}
    assert found["valid"].params["until"] == (NOW + timedelta(days=300)).date().isoformat()
    assert report.key is not None and report.key.id == records["SN-DOM"]
    assert report.enterprise is not None and report.enterprise.uscc == DOMESTIC_USCC
    (view,) = report.certificates
    assert view.uscc == DOMESTIC_USCC and view.facts is not None
    assert shown(found["uscc_ok"])[0] == f"Certificate sign holds the valid USCC {DOMESTIC_USCC}."
    assert not report.offers_unlock_help


@pytest.mark.parametrize(
    ("serial", "chosen_kind", "next_step"),
    [
        ("SN-DOM", None, "next.add_code_domestic"),
        ("SN-FOR", None, "next.add_code_foreign"),
        # Our record wins over what the clerk picked.
        ("SN-FOR", EnterpriseKind.DOMESTIC, "next.add_code_foreign"),
        ("SN-DOM", EnterpriseKind.FOREIGN_INVESTED, "next.add_code_domestic"),
        # A key we hold no record of: the clerk's pick decides the branch.
        ("SN-UNKNOWN", None, "next.add_code_pick_kind"),
        ("SN-UNKNOWN", EnterpriseKind.DOMESTIC, "next.add_code_domestic"),
        ("SN-UNKNOWN", EnterpriseKind.FOREIGN_INVESTED, "next.add_code_foreign"),
    ],
)
def test_a_certificate_without_o_lacks_the_code_and_says_which_branch(
    context, records, certs, serial, chosen_kind, next_step
) -> None:
    report = check(context, read(serial, ("sign", certs["no_o"])), chosen_kind=chosen_kind)
    lacks = verdicts(report)["lacks_code"]
    assert lacks.severity == "error" and lacks.next_step == next_step
    assert lacks.params == {"label": "sign", "subject_o": "—"}
    assert shown(lacks)[0] == "Certificate sign lacks the 18-digit code (O=—)."
    assert report.worst == "error"
    assert report.certificates[0].uscc is None


def test_a_key_not_in_our_records_says_so(context, records, certs) -> None:
    report = check(context, read("SN-UNKNOWN", ("sign", certs["good"])))
    found = verdicts(report)
    assert found["not_in_records"].severity == "warn"
    assert found["not_in_records"].next_step == "next.check_records"
    assert "uscc_ok" in found  # no record to compare with: the code itself is fine
    assert report.key is None and report.enterprise is None
    assert report.worst == "warn"


@pytest.mark.parametrize(
    ("cert", "subject_o"), [("bad_check", WRONG_CHECK), ("name_only", FOREIGN_NAME)]
)
def test_an_o_without_a_valid_code_lacks_the_code(context, records, certs, cert, subject_o) -> None:
    lacks = verdicts(check(context, read("SN-FOR", ("sign", certs[cert]))))["lacks_code"]
    assert lacks.params == {"label": "sign", "subject_o": subject_o}
    assert lacks.next_step == "next.add_code_foreign"
    assert subject_o in shown(lacks)[0]


def test_a_code_among_other_words_in_o_is_found(context, records, certs) -> None:
    report = check(context, read("SN-DOM", ("sign", certs["among_words"])))
    found = verdicts(report)
    assert found["uscc_ok"].params["uscc"] == DOMESTIC_USCC
    assert "lacks_code" not in found
    assert report.worst == "ok"


def test_a_valid_code_of_another_enterprise_is_a_mismatch_naming_both(
    context, records, certs
) -> None:
    report = check(context, read("SN-DOM", ("sign", certs["foreign"])))
    mismatch = verdicts(report)["uscc_mismatch"]
    assert mismatch.severity == "warn" and mismatch.next_step == "next.check_records"
    assert mismatch.params == {
        "label": "sign",
        "on_key": FOREIGN_USCC,
        "ours": DOMESTIC_USCC,
        "enterprise": DOMESTIC_NAME,
    }
    message, _ = shown(mismatch)
    assert FOREIGN_USCC in message and DOMESTIC_USCC in message and DOMESTIC_NAME in message
    assert report.worst == "warn"


# -- validity --


def test_an_expired_certificate_sends_the_agent_to_renew(context, records, certs) -> None:
    report = check(context, read("SN-DOM", ("sign", certs["expired"])))
    expired = verdicts(report)["expired"]
    assert expired.severity == "error" and expired.next_step == "next.renew_expired"
    assert expired.params == {
        "label": "sign",
        "until": (NOW - timedelta(days=10)).date().isoformat(),
    }
    assert "valid" not in verdicts(report) and report.worst == "error"


@pytest.mark.parametrize(("cert", "days"), [("expiring", "12"), ("at_warning", "30")])
def test_a_certificate_expiring_within_the_warning_days_says_how_many(
    context, records, certs, cert, days
) -> None:
    assert context.settings.rules.expiry_warning_days == 30
    report = check(context, read("SN-DOM", ("sign", certs[cert])))
    expiring = verdicts(report)["expiring"]
    assert expiring.severity == "warn" and expiring.next_step == "next.renew"
    assert expiring.params["days"] == days
    assert f"({days} days left)" in shown(expiring)[0]
    assert report.worst == "warn"


def test_a_certificate_beyond_the_warning_days_is_valid(context, records, certs) -> None:
    found = verdicts(check(context, read("SN-DOM", ("sign", certs["past_warning"]))))
    assert found["valid"].severity == "ok" and "expiring" not in found


def test_the_warning_days_come_from_the_caller(context, records, certs) -> None:
    reading = read("SN-DOM", ("sign", certs["past_warning"]))
    report = check_token(context.store, reading, now=NOW, expiry_warning_days=60)
    assert verdicts(report)["expiring"].params["days"] == "31"


# -- our records --


def _make_void(context: KioskContext, key_id: int, state: KeyState) -> None:
    store = context.store
    moves.receive_key(store, key_id, operator="clerk", now=NOW)
    moves.hand_over_key(store, key_id, operator="clerk", now=NOW)
    if state is KeyState.CANCELLED:
        moves.request_cancellation(store, key_id, operator="clerk", now=NOW, reason="damaged")
        moves.change_key_state(store, key_id, KeyState.SHIPPED, operator="clerk", now=NOW)
    moves.change_key_state(store, key_id, state, operator="clerk", now=NOW)


@pytest.mark.parametrize("state", [KeyState.LOST, KeyState.CANCELLED, KeyState.REPLACED])
def test_a_void_key_is_an_error(context, records, certs, state) -> None:
    _make_void(context, records["SN-DOM"], state)
    report = check(context, read("SN-DOM", ("sign", certs["good"])))
    found = verdicts(report)
    void = found["key_void"]
    assert void.severity == "error" and void.next_step == "next.key_void"
    assert void.params == {"state": state.value}
    assert "in_records" not in found
    assert report.worst == "error"
    assert "must not be used" in shown(void)[0]


def test_a_live_key_handed_over_is_in_records(context, records, certs) -> None:
    moves.receive_key(context.store, records["SN-DOM"], operator="clerk", now=NOW)
    moves.hand_over_key(context.store, records["SN-DOM"], operator="clerk", now=NOW)
    found = verdicts(check(context, read("SN-DOM", ("sign", certs["good"]))))
    assert found["in_records"].params["state"] == "handed_over"


# -- the PIN --


@pytest.mark.parametrize(
    ("flags", "code", "severity"),
    [
        (CKF_USER_PIN_LOCKED, "pin_locked", "error"),
        (CKF_USER_PIN_FINAL_TRY, "pin_final_try", "error"),
        (CKF_USER_PIN_COUNT_LOW, "pin_count_low", "warn"),
    ],
)
def test_a_pin_locked_or_close_offers_unlock_help(
    context, records, certs, flags, code, severity
) -> None:
    report = check(context, read("SN-DOM", ("sign", certs["good"]), flags=BASE | flags))
    pin = verdicts(report)[code]
    assert pin.severity == severity and pin.next_step == "next.unlock_help"
    assert report.offers_unlock_help
    assert report.worst == severity
    assert shown(pin)[1] == "Press U for PIN-unlock help."


def test_a_key_that_does_not_report_pin_tries_is_unknown_info(context, records, certs) -> None:
    reading = read("SN-DOM", ("sign", certs["good"]), reports_pin_flags=False)
    report = check(context, reading)
    unknown = verdicts(report)["pin_unknown"]
    assert unknown.severity == "info" and unknown.next_step == ""
    assert not report.offers_unlock_help
    assert report.worst == "info"


def test_a_pin_never_set_is_a_warning(context, records, certs) -> None:
    reading = read("SN-DOM", ("sign", certs["good"]), flags=CKF_TOKEN_INITIALIZED)
    report = check(context, reading)
    assert verdicts(report)["pin_not_initialized"].severity == "warn"
    assert not report.offers_unlock_help


# -- what is on the key --


def test_a_garbage_object_is_named_while_the_good_certificate_is_still_checked(
    context, records, certs
) -> None:
    reading = read("SN-DOM", ("sign", certs["good"]), ("broken", GARBAGE))
    report = check(context, reading)
    found = verdicts(report)
    unreadable = found["unreadable_not_der"]
    assert unreadable.severity == "warn"
    assert unreadable.params["label"] == "broken"
    assert shown(unreadable)[0] == (
        "Certificate object broken is unreadable: not valid certificate data."
    )
    assert found["uscc_ok"].params["label"] == "sign"
    assert found["valid"].params["label"] == "sign"
    assert "no_certificate" not in found
    assert report.worst == "warn"
    assert [(c.label, c.facts is None) for c in report.certificates] == [
        ("sign", False),
        ("broken", True),
    ]


@pytest.mark.parametrize("objects", [[], [("broken", GARBAGE)], [("", b"")]])
def test_no_readable_certificate_is_an_error(context, records, objects) -> None:
    report = check(context, read("SN-DOM", *objects))
    found = verdicts(report)
    assert found["no_certificate"].severity == "error"
    assert found["no_certificate"].next_step == "next.contact_provider"
    assert {"uscc_ok", "valid", "lacks_code"}.isdisjoint(found)
    assert report.worst == "error"


def test_an_unlabelled_broken_object_is_named_by_its_id(context, records) -> None:
    unreadable = verdicts(check(context, read("SN-DOM", ("", b"junk"))))["unreadable_not_der"]
    assert unreadable.params["label"] == "00"


def test_worst_is_the_most_serious_severity(context, records, certs) -> None:
    # warn (mismatch) + info (pin unknown) + ok: warn
    reading = read("SN-DOM", ("sign", certs["foreign"]), reports_pin_flags=False)
    assert check(context, reading).worst == "warn"
    # error (expired) beside warn (mismatch) and info: error
    reading = read(
        "SN-DOM", ("a", certs["foreign"]), ("b", certs["expired"]), reports_pin_flags=False
    )
    report = check(context, reading)
    assert report.worst == "error"
    severities = {v.code: v.severity for v in report.verdicts}
    assert severities["uscc_mismatch"] == "warn" and severities["pin_unknown"] == "info"


def test_every_verdict_and_next_step_has_both_languages(context, records, certs) -> None:
    seen: set[str] = set()
    for serial in ("SN-DOM", "SN-UNKNOWN"):
        for name, der in certs.items():
            for flags in (BASE, BASE | CKF_USER_PIN_LOCKED, CKF_TOKEN_INITIALIZED):
                report = check(context, read(serial, (name, der), ("junk", b"x"), flags=flags))
                for verdict in report.verdicts:
                    shown(verdict)
                    seen.add(verdict.code)
    for verdict in check(context, read("SN-DOM")).verdicts:
        seen.add(verdict.code)
    assert {"verdict." + code for code in seen} <= set(CATALOG)


# -- recording the check --


def _events(context: KioskContext, case_id: int) -> list[tuple[str, dict[str, Any]]]:
    rows = context.store.query(
        "SELECT kind, payload FROM events WHERE case_id = ? ORDER BY seq", (case_id,)
    )
    return [(row[0], json.loads(row[1])) for row in rows]


def _cases(context: KioskContext) -> int:
    return int(context.store.query_one("SELECT count(*) FROM cases")[0])


def test_record_check_writes_one_closed_case_with_the_worst_outcome(
    context, operators, records, certs
) -> None:
    reading = read("SN-DOM", ("sign", certs["expiring"]), ("broken", GARBAGE))
    report = check(context, reading)
    case = record_check(
        context.store,
        report,
        counter=context.counter,
        operator="clerk",
        now=NOW,
        calendar=context.calendar,
    )
    assert _cases(context) == 1
    assert case.kind is CaseKind.CERT_CHECK and case.state is CaseState.CLOSED
    assert case.outcome == "warn" == report.worst
    assert case.enterprise_uscc == DOMESTIC_USCC and case.key_id == records["SN-DOM"]
    assert case.operator == "clerk" and case.due_on is None
    events = _events(context, case.id)
    assert [kind for kind, _ in events] == ["case.opened", "case.closed"]
    opened = events[0][1]
    assert opened["token_serial"] == "SN-DOM"
    assert opened["verdicts"] == [v.code for v in report.verdicts]
    assert opened["verdicts"] == [
        "in_records",
        "pin_ok",
        "uscc_ok",
        "expiring",
        "unreadable_not_der",
    ]
    assert opened["problems"] == ["expiring", "unreadable_not_der"]
    assert opened["kind"] == "cert_check" and opened["tracking_code"] == case.tracking_code
    assert events[1][1] == {"outcome": "warn"}


def test_record_check_of_an_unknown_key_links_nothing(context, operators, records, certs) -> None:
    report = check(
        context, read("SN-UNKNOWN", ("sign", certs["no_o"]), flags=BASE | CKF_USER_PIN_LOCKED)
    )
    case = record_check(
        context.store,
        report,
        counter=context.counter,
        operator="clerk",
        now=NOW,
        calendar=context.calendar,
    )
    assert case.outcome == "error"
    assert case.key_id is None and case.enterprise_uscc is None
    opened = _events(context, case.id)[0][1]
    assert opened["token_serial"] == "SN-UNKNOWN" and opened["pin_state"] == "locked"
    assert opened["verdicts"] == ["not_in_records", "pin_locked", "lacks_code", "valid"]


# -- PIN-unlock help --


def _summary(serial: str, state: PinState) -> TokenSummary:
    return TokenSummary(
        slot=1,
        label="KEY",
        serial=serial,
        manufacturer="Demo CA",
        model="USB Key",
        flags=BASE,
        pin_state=state,
    )


@pytest.mark.parametrize(
    ("state", "show_procedure", "suggest_cert_check"),
    [
        (PinState.LOCKED, True, False),
        (PinState.FINAL_TRY, True, False),
        (PinState.COUNT_LOW, True, False),
        (PinState.UNKNOWN, True, True),
        (PinState.OK, False, True),
        (PinState.NOT_INITIALIZED, False, True),
    ],
)
def test_unlock_advice_for_each_pin_state(state, show_procedure, suggest_cert_check) -> None:
    advice = advise(_summary("SN-DOM", state))
    assert advice.pin_state is state
    assert advice.show_procedure is show_procedure
    assert advice.suggest_cert_check is suggest_cert_check
    assert advice.diagnosis == f"unlock.diag_{state.value}"
    assert advice.diagnosis in CATALOG
    assert advice.steps == PROCEDURE_STEPS and all(step in CATALOG for step in advice.steps)
    assert advice.unlock_url == UNLOCK_SYSTEM_URL
    assert "busCertUnlockRequestController" in advice.unlock_url


def test_unlock_advice_covers_every_pin_state() -> None:
    for state in PinState:
        assert f"unlock.diag_{state.value}" in CATALOG


def test_record_unlock_help_opens_a_case_due_in_three_working_days(
    context, operators, records
) -> None:
    assert NOW.date() == date(2026, 11, 25) and NOW.weekday() == 2  # a Wednesday
    case = record_unlock_help(
        context.store,
        _summary("SN-FOR", PinState.LOCKED),
        counter=context.counter,
        operator="clerk",
        now=NOW,
        calendar=context.calendar,
    )
    assert case.kind is CaseKind.UNLOCK_HELP and case.state is CaseState.OPEN
    assert case.due_on == date(2026, 11, 30)  # Thu, Fri, Mon
    assert case.key_id == records["SN-FOR"] and case.enterprise_uscc == FOREIGN_USCC
    assert case.closed_at is None and case.operator == "clerk"
    (kind, payload), *_ = _events(context, case.id)
    assert kind == "case.opened"
    assert payload["token_serial"] == "SN-FOR" and payload["pin_state"] == "locked"
    assert payload["due_on"] == "2026-11-30"


def test_record_unlock_help_for_a_key_we_do_not_hold(context, operators, records) -> None:
    case = record_unlock_help(
        context.store,
        _summary("SN-UNKNOWN", PinState.FINAL_TRY),
        counter=context.counter,
        operator="clerk",
        now=NOW,
        calendar=context.calendar,
    )
    assert case.state is CaseState.OPEN and case.due_on == date(2026, 11, 30)
    assert case.key_id is None and case.enterprise_uscc is None


def test_a_code_glued_to_other_letters_is_still_found() -> None:
    from stdnum.cn import uscc

    from kiosk.services.cert_check import uscc_in_subject_o

    body = "91110108MA01A2B3C"
    code = body + uscc.calc_check_digit(body)
    assert uscc_in_subject_o(f"USCC{code}") == code
    assert uscc_in_subject_o(f"某某公司{code}X") == code
    assert uscc_in_subject_o("NOCODEHERE") is None
