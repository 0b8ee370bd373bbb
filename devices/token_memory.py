"""An in-memory token reader: for fast tests and for demo keys that SoftHSM cannot imitate
(SoftHSM never locks a PIN). Keys are "inserted" and "removed" by calling methods."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace

from devices.token import (
    CKF_TOKEN_INITIALIZED,
    CKF_USER_PIN_INITIALIZED,
    CertificateObject,
    TokenError,
    TokenReading,
    TokenSummary,
    pin_state_from_flags,
)


@dataclass
class MemoryToken:
    """A token held in memory: its identity, flags and certificate objects."""

    serial: str
    label: str = "KEY"
    flags: int = CKF_TOKEN_INITIALIZED | CKF_USER_PIN_INITIALIZED
    certificates: list[CertificateObject] = field(default_factory=list)
    manufacturer: str = "Demo CA"
    model: str = "USB Key"


class MemoryTokenReader:
    """A :class:`devices.token.TokenReader` over :class:`MemoryToken` objects.

    Attributes:
        login_attempts: how many times anything tried to log in (the kiosk must never).
        remove_during_next_read: if set, the next read finds the key pulled out half way.
    """

    def __init__(self, reports_pin_flags: bool = True) -> None:
        self.reports_pin_flags = reports_pin_flags
        self.login_attempts = 0
        self.remove_during_next_read = False
        self._tokens: dict[str, MemoryToken] = {}
        self._lock = threading.Lock()

    def insert(self, token: MemoryToken) -> None:
        """Plug a key in."""
        with self._lock:
            self._tokens[token.serial] = token

    def remove(self, serial: str) -> None:
        """Pull a key out (no error if it was not there)."""
        with self._lock:
            self._tokens.pop(serial, None)

    def set_flags(self, serial: str, flags: int) -> None:
        """Change a key's flags, as wrong PIN entries elsewhere would."""
        with self._lock:
            self._tokens[serial] = replace(self._tokens[serial], flags=flags)

    def login(self, serial: str, pin: str) -> None:
        """Present only to count: any call is a bug in the kiosk."""
        self.login_attempts += 1
        raise TokenError("module", "login is not allowed on a customer's key")

    def list_tokens(self) -> list[TokenSummary]:
        """Every key inserted, in slot order."""
        with self._lock:
            return [self._summary(slot, token) for slot, token in enumerate(self._tokens.values())]

    def read_token(self, serial: str) -> TokenReading:
        """The key with its certificates; TokenError(removed) if it is not (or no longer) in."""
        with self._lock:
            tokens = list(self._tokens.values())
            found = next(((i, t) for i, t in enumerate(tokens) if t.serial == serial), None)
            if found is None:
                raise TokenError("removed", f"no token with serial {serial}")
            if self.remove_during_next_read:
                self.remove_during_next_read = False
                del self._tokens[serial]
                raise TokenError("removed", "DeviceRemoved")
            slot, token = found
            return TokenReading(self._summary(slot, token), tuple(token.certificates))

    def close(self) -> None:
        """Nothing to release."""

    def _summary(self, slot: int, token: MemoryToken) -> TokenSummary:
        return TokenSummary(
            slot=slot,
            label=token.label,
            serial=token.serial,
            manufacturer=token.manufacturer,
            model=token.model,
            flags=token.flags,
            pin_state=pin_state_from_flags(token.flags, self.reports_pin_flags),
        )
