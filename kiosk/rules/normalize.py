"""Input clean-up shared by every code the counter types or scans."""

from __future__ import annotations

import unicodedata

# Hyphen-like characters a clerk, an input method or a copied document may put inside a code.
_DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")


def _is_separator(char: str) -> bool:
    """True for blanks, dashes and invisible format characters (zero-width space, BOM)."""
    return char.isspace() or char in _DASHES or unicodedata.category(char) == "Cf"


def normalize_code(text: str) -> str:
    """Return ``text`` as a bare code: NFKC-normalised, upper-case, without blanks or dashes.

    Full-width digits and letters (``９１１０``) become ASCII, the ideographic space U+3000 and
    every other blank is removed wherever it is, as are hyphens and zero-width characters.
    Never raises; the result may be empty.
    """
    text = unicodedata.normalize("NFKC", text)
    kept = "".join(char for char in text if not _is_separator(char))
    return unicodedata.normalize("NFKC", kept.upper())
