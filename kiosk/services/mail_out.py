"""Mail-out: a finished key goes to the enterprise by courier instead of being collected.

The clerk enters the recipient, the address, the courier and its waybill number. One
transaction opens a MAIL_OUT case, moves the key to mailed and closes the case, so the
case, the key's state and their audit events are written together or not at all.
"""

from __future__ import annotations

from datetime import datetime

from data.models import Case, CaseKind, KeyState
from data.store import Store
from kiosk.errors import StateError, ValidationError
from kiosk.rules.masking import mask_phone
from kiosk.rules.normalize import normalize_code
from kiosk.rules.workdays import WorkCalendar
from kiosk.services import keys as moves
from kiosk.services.cases import Counter, close_case, close_open_intake, open_case

WAYBILL_MIN_LENGTH = 8
WAYBILL_MAX_LENGTH = 20
_WAYBILL_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

MAILABLE_STATES = frozenset({KeyState.RECEIVED, KeyState.NOTIFIED})
"""A key may be mailed once it is at the counter, whether or not the enterprise was told."""

MAILED_OUTCOME = "mailed"


def validate_waybill(text: str) -> str:
    """Return the courier's waybill number as stored: upper case, without blanks or dashes.

    Full-width characters are folded to ASCII first; the result must be 8-20 ASCII letters
    and digits.

    Raises:
        ValidationError: ``waybill.empty``; ``waybill.bad_chars`` (``chars``: the characters
            not allowed); ``waybill.bad_length`` (``length``, ``minimum``, ``maximum``).
    """
    code = normalize_code(text)
    if not code:
        raise ValidationError("waybill.empty")
    bad = sorted({char for char in code if char not in _WAYBILL_CHARS})
    if bad:
        raise ValidationError("waybill.bad_chars", chars=" ".join(bad))
    if not WAYBILL_MIN_LENGTH <= len(code) <= WAYBILL_MAX_LENGTH:
        raise ValidationError(
            "waybill.bad_length",
            length=len(code),
            minimum=WAYBILL_MIN_LENGTH,
            maximum=WAYBILL_MAX_LENGTH,
        )
    return code


def validate_courier(text: str) -> str:
    """Return the courier's name, trimmed.

    Raises:
        ValidationError: ``courier.required`` when it is blank.
    """
    courier = " ".join(text.split())
    if not courier:
        raise ValidationError("courier.required")
    return courier


def mail_key(
    store: Store,
    *,
    key_id: int,
    recipient: str,
    address: str,
    courier: str,
    waybill: str,
    operator: str,
    counter: Counter,
    now: datetime,
    calendar: WorkCalendar,
    recipient_phone: str = "",
) -> Case:
    """Record a key mailed to its enterprise and return the closed MAIL_OUT case.

    The ``case.opened`` event holds the courier, the waybill, the recipient, the address and
    the recipient's phone masked (the plain phone number is not stored); ``key.mailed`` and
    ``case.closed`` (outcome ``mailed``) follow, all in one transaction.

    Raises:
        ValidationError: ``mail.recipient_required``, ``mail.address_required``,
            ``courier.required``, a ``waybill.*`` error, or ``key.not_found``.
        StateError: ``mail.key_not_ready`` (``state``) when the key is not received or
            notified.
    """
    recipient = " ".join(recipient.split())
    address = " ".join(address.split())
    if not recipient:
        raise ValidationError("mail.recipient_required")
    if not address:
        raise ValidationError("mail.address_required")
    courier = validate_courier(courier)
    waybill = validate_waybill(waybill)
    details: dict[str, object] = {
        "courier": courier,
        "waybill": waybill,
        "recipient": recipient,
        "address": address,
    }
    if recipient_phone.strip():
        details["recipient_phone_masked"] = mask_phone(recipient_phone)
    with store.transaction():
        # Checked inside the write transaction, so two counters cannot both mail the key.
        key = moves.get_key(store, key_id)
        if key.state not in MAILABLE_STATES:
            raise StateError("mail.key_not_ready", state=key.state.value)
        case = open_case(
            store,
            kind=CaseKind.MAIL_OUT,
            counter=counter,
            operator=operator,
            now=now,
            calendar=calendar,
            enterprise_uscc=key.enterprise_uscc,
            key_id=key.id,
            details=details,
        )
        moves.mail_key(store, key.id, operator=operator, now=now, waybill=waybill, case_id=case.id)
        moves.void_replaced_key(store, key, operator=operator, now=now, case_id=case.id)
        close_open_intake(store, key.id, outcome=MAILED_OUTCOME, operator=operator, now=now)
        return close_case(store, case.id, outcome=MAILED_OUTCOME, operator=operator, now=now)
