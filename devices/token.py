"""The USB key (token) as the kiosk sees it: what a reader lists and reads.

A reader only ever opens public sessions: the kiosk never logs in to a customer's key,
because every wrong PIN brings the key closer to locking.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

# PKCS#11 token flags (CK_TOKEN_INFO.flags) that describe the user PIN.
CKF_USER_PIN_INITIALIZED = 0x00000008
CKF_TOKEN_INITIALIZED = 0x00000400
CKF_USER_PIN_COUNT_LOW = 0x00010000
CKF_USER_PIN_FINAL_TRY = 0x00020000
CKF_USER_PIN_LOCKED = 0x00040000


class PinState(StrEnum):
    """What the key says about its user PIN."""

    OK = "ok"
    COUNT_LOW = "count_low"
    FINAL_TRY = "final_try"
    LOCKED = "locked"
    NOT_INITIALIZED = "not_initialized"
    UNKNOWN = "unknown"
    """The module sets none of the PIN flags, so nothing can be said."""


def pin_state_from_flags(flags: int, reports_pin_flags: bool) -> PinState:
    """Interpret the token flags.

    Args:
        flags: CK_TOKEN_INFO.flags.
        reports_pin_flags: whether this module is known to set the PIN-count flags; if not,
            a token with none of them set is UNKNOWN rather than a false OK.
    """
    if flags & CKF_USER_PIN_LOCKED:
        return PinState.LOCKED
    if flags & CKF_USER_PIN_FINAL_TRY:
        return PinState.FINAL_TRY
    if flags & CKF_USER_PIN_COUNT_LOW:
        return PinState.COUNT_LOW
    if not flags & CKF_USER_PIN_INITIALIZED:
        return PinState.NOT_INITIALIZED
    return PinState.OK if reports_pin_flags else PinState.UNKNOWN


@dataclass(frozen=True)
class TokenSummary:
    """A token present in a slot."""

    slot: int
    label: str
    serial: str
    manufacturer: str
    model: str
    flags: int
    pin_state: PinState


@dataclass(frozen=True)
class CertificateObject:
    """A certificate object as stored on the token: its label, id and raw value."""

    label: str
    object_id: str
    value: bytes


@dataclass(frozen=True)
class TokenReading:
    """One token with every certificate object on it."""

    token: TokenSummary
    certificates: tuple[CertificateObject, ...]


class TokenError(Exception):
    """A reader failure, with a ``reason`` the screens turn into a message.

    Reasons: ``removed`` (the key went away during the read), ``timeout`` (the module did
    not answer in time; it was restarted), ``crashed`` (the module died; it was restarted),
    ``module`` (the module cannot be loaded or is not a PKCS#11 library).
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class TokenReader(Protocol):
    """Lists and reads tokens without ever logging in."""

    def list_tokens(self) -> list[TokenSummary]:
        """The initialised tokens present now."""
        ...

    def read_token(self, serial: str) -> TokenReading:
        """The token with this serial and its certificate objects; TokenError(removed) if gone."""
        ...

    def close(self) -> None:
        """Release the module."""
        ...
