"""The certificate check: what a key says, what our records say, and what to do next.

Verdicts follow PROCESS.md: the subject O must hold the 18-character USCC (else the
domestic or foreign-invested branch to add it), the USCC must match the enterprise we hold
for the key, validity (renewal), our records (void keys) and the PIN state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from data.models import Case, CaseKind, Enterprise, EnterpriseKind, Key
from data.store import Store
from devices.token import PinState, TokenReading, TokenSummary
from kiosk.certificates import CertificateFacts, UnreadableCertificate, parse_certificate
from kiosk.errors import ValidationError
from kiosk.rules.uscc import validate_uscc
from kiosk.rules.workdays import WorkCalendar
from kiosk.services.cases import Counter, record_case
from kiosk.services.enterprises import get_enterprise
from kiosk.services.keys import VOID_STATES, find_key_by_serial

Severity = Literal["ok", "info", "warn", "error"]
_SEVERITY_ORDER: tuple[Severity, ...] = ("ok", "info", "warn", "error")
_CODE_RUN = re.compile(r"[0-9A-Z]{18,}")


@dataclass(frozen=True)
class Verdict:
    """One finding with the next step for the agent; texts are catalog keys.

    Attributes:
        code: short id, also the catalog key ``verdict.<code>``.
        severity: ok, info, warn or error (error shows red).
        params: values for the message.
        next_step: catalog key of what to do, or "".
    """

    code: str
    severity: Severity
    params: dict[str, str] = field(default_factory=dict)
    next_step: str = ""


@dataclass(frozen=True)
class CertificateView:
    """One certificate object: parsed facts, or why it could not be read."""

    label: str
    facts: CertificateFacts | None
    error: str = ""
    error_reason: str = ""
    uscc: str | None = None
    """The valid USCC found in subject O, if any."""


@dataclass(frozen=True)
class CertCheckReport:
    """Everything the certificate check screen and command show."""

    token: TokenSummary
    certificates: tuple[CertificateView, ...]
    key: Key | None
    enterprise: Enterprise | None
    verdicts: tuple[Verdict, ...]

    @property
    def worst(self) -> Severity:
        """The most serious severity among the verdicts."""
        return max((v.severity for v in self.verdicts), key=_SEVERITY_ORDER.index, default="ok")

    @property
    def offers_unlock_help(self) -> bool:
        """True when the PIN is locked or nearly so."""
        return self.token.pin_state in {PinState.LOCKED, PinState.FINAL_TRY, PinState.COUNT_LOW}


def uscc_in_subject_o(subject_o: str) -> str | None:
    """The valid USCC that subject O holds (alone, or among other words), or None."""
    # Every 18-character window of every run of code characters, so a code glued to other
    # letters ("USCC9111...") is still found.
    windows = [
        run[start : start + 18]
        for run in _CODE_RUN.findall(subject_o.upper())
        for start in range(len(run) - 17)
    ]
    for candidate in [subject_o, *windows]:
        try:
            return validate_uscc(candidate)
        except ValidationError:
            continue
    return None


def view_certificates(reading: TokenReading) -> tuple[CertificateView, ...]:
    """Parse every certificate object; an unreadable one is reported with its label."""
    views = []
    for obj in reading.certificates:
        label = obj.label or obj.object_id or "?"
        try:
            facts = parse_certificate(obj.value)
        except UnreadableCertificate as error:
            views.append(
                CertificateView(
                    label=label, facts=None, error=str(error), error_reason=error.reason
                )
            )
            continue
        views.append(
            CertificateView(label=label, facts=facts, uscc=uscc_in_subject_o(facts.subject_o))
        )
    return tuple(views)


def check_token(
    store: Store,
    reading: TokenReading,
    *,
    now: datetime,
    expiry_warning_days: int,
    chosen_kind: EnterpriseKind | None = None,
) -> CertCheckReport:
    """Read the key's certificates against our records and the rules.

    Args:
        chosen_kind: the enterprise's kind as the clerk picked it, for a key we hold no
            record of (our record wins otherwise).
    """
    certificates = view_certificates(reading)
    key = find_key_by_serial(store, reading.token.serial)
    enterprise = get_enterprise(store, key.enterprise_uscc) if key else None
    kind = enterprise.kind if enterprise else chosen_kind
    verdicts: list[Verdict] = []
    verdicts += _record_verdicts(key, enterprise)
    verdicts += _pin_verdicts(reading.token.pin_state)
    readable = [view for view in certificates if view.facts is not None]
    if not readable:
        verdicts.append(Verdict("no_certificate", "error", next_step="next.contact_provider"))
    for view in certificates:
        verdicts += _certificate_verdicts(view, enterprise, kind, now, expiry_warning_days)
    return CertCheckReport(reading.token, certificates, key, enterprise, tuple(verdicts))


def _record_verdicts(key: Key | None, enterprise: Enterprise | None) -> list[Verdict]:
    if key is None:
        return [Verdict("not_in_records", "warn", next_step="next.check_records")]
    if key.state in VOID_STATES:
        return [Verdict("key_void", "error", {"state": key.state.value}, next_step="next.key_void")]
    name = enterprise.name if enterprise else key.enterprise_uscc
    return [Verdict("in_records", "ok", {"enterprise": name, "state": key.state.value})]


def _pin_verdicts(pin_state: PinState) -> list[Verdict]:
    match pin_state:
        case PinState.LOCKED:
            return [Verdict("pin_locked", "error", next_step="next.unlock_help")]
        case PinState.FINAL_TRY:
            return [Verdict("pin_final_try", "error", next_step="next.unlock_help")]
        case PinState.COUNT_LOW:
            return [Verdict("pin_count_low", "warn", next_step="next.unlock_help")]
        case PinState.NOT_INITIALIZED:
            return [Verdict("pin_not_initialized", "warn", next_step="next.contact_provider")]
        case PinState.UNKNOWN:
            return [Verdict("pin_unknown", "info")]
        case _:
            return [Verdict("pin_ok", "ok")]


def _add_code_step(kind: EnterpriseKind | None) -> str:
    """The branch of PROCESS.md that adds the 18-digit code, by the enterprise's kind."""
    if kind is EnterpriseKind.DOMESTIC:
        return "next.add_code_domestic"
    if kind is EnterpriseKind.FOREIGN_INVESTED:
        return "next.add_code_foreign"
    return "next.add_code_pick_kind"


def _certificate_verdicts(
    view: CertificateView,
    enterprise: Enterprise | None,
    kind: EnterpriseKind | None,
    now: datetime,
    expiry_warning_days: int,
) -> list[Verdict]:
    label = view.label
    facts = view.facts
    if facts is None:
        return [Verdict(f"unreadable_{view.error_reason or 'not_der'}", "warn", {"label": label})]
    verdicts: list[Verdict] = []
    if view.uscc is None:
        verdicts.append(
            Verdict(
                "lacks_code",
                "error",
                {"label": label, "subject_o": facts.subject_o or "—"},
                _add_code_step(kind),
            )
        )
    elif enterprise is not None and view.uscc != enterprise.uscc:
        verdicts.append(
            Verdict(
                "uscc_mismatch",
                "warn",
                {
                    "label": label,
                    "on_key": view.uscc,
                    "ours": enterprise.uscc,
                    "enterprise": enterprise.name,
                },
                "next.check_records",
            )
        )
    else:
        verdicts.append(Verdict("uscc_ok", "ok", {"label": label, "uscc": view.uscc}))
    until = facts.not_after.astimezone(now.tzinfo).date().isoformat()
    if facts.expired(now):
        verdicts.append(
            Verdict("expired", "error", {"label": label, "until": until}, "next.renew_expired")
        )
    elif facts.days_left(now) <= expiry_warning_days:
        verdicts.append(
            Verdict(
                "expiring",
                "warn",
                {"label": label, "until": until, "days": str(facts.days_left(now))},
                "next.renew",
            )
        )
    else:
        verdicts.append(Verdict("valid", "ok", {"label": label, "until": until}))
    return verdicts


def record_check(
    store: Store,
    report: CertCheckReport,
    *,
    counter: Counter,
    operator: str,
    now: datetime,
    calendar: WorkCalendar,
) -> Case:
    """Record the check as a closed case whose outcome is the worst verdict and its codes."""
    codes = [v.code for v in report.verdicts if v.severity != "ok"]
    return record_case(
        store,
        outcome=report.worst,
        kind=CaseKind.CERT_CHECK,
        counter=counter,
        operator=operator,
        now=now,
        calendar=calendar,
        enterprise_uscc=report.enterprise.uscc if report.enterprise else None,
        key_id=report.key.id if report.key else None,
        details={
            "token_serial": report.token.serial,
            "pin_state": report.token.pin_state.value,
            "verdicts": [v.code for v in report.verdicts],
            "problems": codes,
            "fingerprints": [c.facts.fingerprint_sha256 for c in report.certificates if c.facts],
        },
    )
