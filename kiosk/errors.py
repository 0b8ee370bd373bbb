"""The project's own errors, each carrying a catalog key so it shows in either language."""

from __future__ import annotations

from typing import Any

from data.i18n import translate


class KioskError(Exception):
    """A failure the user can understand and act on.

    Attributes:
        key: catalog key of the message (see ``data/catalog.py``).
        params: values substituted into the message.
    """

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(key)

    def message(self, language: str = "en") -> str:
        """The message in the given language ("zh" or "en")."""
        return translate(self.key, language, **self.params)

    def __str__(self) -> str:
        return self.message("en")


class ValidationError(KioskError):
    """Input that breaks a rule (a bad code, number or date)."""


class StateError(KioskError):
    """A move the process does not allow from the record's current state."""


class AuthError(KioskError):
    """A login or permission failure."""


class StoreError(KioskError):
    """The database cannot be opened, migrated or written."""
