"""Message lookup in the one catalog, Simplified Chinese by default, English available."""

from __future__ import annotations

from typing import Any

from data.catalog import CATALOG

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"


def translate(key: str, language: str = DEFAULT_LANGUAGE, **params: Any) -> str:
    """Return the message for ``key`` in ``language`` with ``params`` filled in.

    An unknown key comes back as the key itself, so a missing entry is visible, never a crash.
    """
    entry = CATALOG.get(key)
    if entry is None:
        return key
    template = entry[0] if language == "zh" else entry[1]
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


class Translator:
    """Holds the current interface language; ``t(key)`` renders a message in it."""

    def __init__(self, language: str = DEFAULT_LANGUAGE) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}")
        self.language = language

    def t(self, key: str, **params: Any) -> str:
        """The message for ``key`` in the current language."""
        return translate(key, self.language, **params)

    def toggle(self) -> str:
        """Switch to the other language and return its code."""
        self.language = "en" if self.language == "zh" else "zh"
        return self.language
