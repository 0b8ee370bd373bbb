"""Outside text on screen: plain content, never markup, with no control characters.

Everything a screen shows that the kiosk did not write itself (a token's label, a
certificate's fields, names and remarks from the centre or typed, a library's error
detail) reaches a widget through this module. Two things are done to it:

- it is never parsed as markup: the widgets here are built with ``markup=False`` and
  strings become :class:`rich.text.Text`, so ``[@click=app.quit]`` stays those characters;
- control characters (C0 but tab and newline, DEL, C1 including U+009B), bidi overrides,
  zero-width and other format characters, line and paragraph separators and lone
  surrogates are replaced, one character for one, by a visible placeholder, so nothing
  reaches the terminal as a command and the spans of a styled ``Text`` stay in place.

Screens import ``Static``, ``Label`` and ``Input`` from here, not from Textual (a test checks).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from rich.style import StyleType
from rich.text import Text
from textual import widgets
from textual.visual import VisualType

UNPRINTABLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
"""Unicode categories never sent to the terminal as they are."""

KEPT = frozenset("\n\t")
OTHER_PLACEHOLDER = "\ufffd"


@lru_cache(maxsize=4096)
def _placeholder(char: str) -> str:
    """The visible stand-in of one unprintable character (itself when printable)."""
    if char in KEPT:
        return char
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␛ for ESC
    if code == 0x7F:
        return "\u2421"  # ␡
    if unicodedata.category(char) in UNPRINTABLE_CATEGORIES:
        return OTHER_PLACEHOLDER
    return char


def visible(text: str) -> str:
    """``text`` with every control or format character replaced by a visible placeholder.

    The result has the same length as ``text``; printable text is returned unchanged.
    """
    if text.isprintable():
        return text
    return "".join(_placeholder(char) for char in text)


def typed(text: str) -> str:
    """Text for an input field as a keyboard could type it: a tab becomes a blank and every
    other control or format character (from a paste or a scanner) is dropped."""
    if text.isprintable():
        return text
    return "".join(
        " " if char == "\t" else char for char in text if char == "\t" or _placeholder(char) == char
    )


def plain(text: object, style: StyleType = "") -> Text:
    """Outside text as content for a widget: never markup, no control characters."""
    return Text(visible(str(text)), style=style)


def cleaned(content: VisualType) -> VisualType:
    """What a widget may show: strings become plain ``Text``; a ``Text`` keeps its styles
    but loses its control characters; anything else (a widget's own visual) is kept."""
    if isinstance(content, str):
        return plain(content)
    if isinstance(content, Text):
        safe = content.copy()
        safe.plain = visible(content.plain)
        return safe
    return content


class Static(widgets.Static):
    """Textual's ``Static`` that takes its content as plain text, never as markup."""

    def __init__(
        self,
        content: VisualType = "",
        *,
        expand: bool = False,
        shrink: bool = False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(
            cleaned(content),
            expand=expand,
            shrink=shrink,
            markup=False,
            name=name,
            id=id,
            classes=classes,
            disabled=disabled,
        )

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        """Show ``content`` as plain text."""
        super().update(cleaned(content), layout=layout)


class Label(Static):
    """A short plain-text label (Textual's ``Label`` styling)."""

    DEFAULT_CSS = """
    Label {
        width: auto;
        height: auto;
        min-height: 1;
    }
    """


class Input(widgets.Input):
    """Textual's ``Input`` that keeps pasted text as a keyboard could have typed it."""

    def insert(self, text: str, index: int) -> None:
        """Insert ``text`` at ``index``, without control or format characters."""
        super().insert(typed(text), index)

    def replace(self, text: str, start: int, end: int) -> None:
        """Replace the text between ``start`` and ``end``, without control characters."""
        super().replace(typed(text), start, end)
