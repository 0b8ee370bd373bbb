"""PIN-unlock help: diagnose the key's PIN state and give the agent the unlock procedure.

The counter cannot unlock a key and never tries a PIN. After the agent applies online, the
provider e-mails the reset steps within 3 working days; the case is due then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from data.models import Case, CaseKind
from data.store import Store
from devices.token import PinState, TokenSummary
from kiosk.rules.workdays import WorkCalendar
from kiosk.services.cases import Counter, open_case
from kiosk.services.keys import find_key_by_serial
from kiosk.support import UNLOCK_SYSTEM_URL

UNLOCK_EMAIL_WORKDAYS = 3
PROCEDURE_STEPS = (
    "unlock.step_insert",
    "unlock.step_form",
    "unlock.step_upload",
    "unlock.step_email",
    "unlock.step_reset",
)
"""The steps of PROCESS.md's PIN unlock, as catalog keys, in order."""


@dataclass(frozen=True)
class UnlockAdvice:
    """What the screen says about a key's PIN.

    Attributes:
        diagnosis: catalog key of the finding (``unlock.diag_<pin state>``).
        show_procedure: whether the unlock procedure applies.
        suggest_cert_check: the key is not locked: the certificate check fits better.
    """

    pin_state: PinState
    diagnosis: str
    show_procedure: bool
    suggest_cert_check: bool
    steps: tuple[str, ...] = PROCEDURE_STEPS
    unlock_url: str = UNLOCK_SYSTEM_URL


def advise(token: TokenSummary) -> UnlockAdvice:
    """Diagnose from the token's PIN flags alone (no PIN is ever tried)."""
    state = token.pin_state
    locked_or_close = state in {PinState.LOCKED, PinState.FINAL_TRY, PinState.COUNT_LOW}
    cannot_tell = state is PinState.UNKNOWN
    return UnlockAdvice(
        pin_state=state,
        diagnosis=f"unlock.diag_{state.value}",
        show_procedure=locked_or_close or cannot_tell,
        suggest_cert_check=not locked_or_close,
    )


def record_unlock_help(
    store: Store,
    token: TokenSummary,
    *,
    counter: Counter,
    operator: str,
    now: datetime,
    calendar: WorkCalendar,
) -> Case:
    """Record the help given as an open case, due when the reset e-mail should have come."""
    key = find_key_by_serial(store, token.serial)
    return open_case(
        store,
        kind=CaseKind.UNLOCK_HELP,
        counter=counter,
        operator=operator,
        now=now,
        calendar=calendar,
        due_in_workdays=UNLOCK_EMAIL_WORKDAYS,
        enterprise_uscc=key.enterprise_uscc if key else None,
        key_id=key.id if key else None,
        details={"token_serial": token.serial, "pin_state": token.pin_state.value},
    )
