"""The bottom line of keys, in the current language; each key can also be clicked."""

from __future__ import annotations

from rich.markup import escape
from textual.widgets import Static


class KeyBar(Static):
    """Shows ``key description`` pairs for the screen's own keys and the app's."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $panel;
        color: $text;
        padding: 0 1;
    }
    """

    def __init__(self, entries: list[tuple[str, str, str]]) -> None:
        """Args: entries: (key label, action with its namespace, description text)."""
        parts = [
            f"[b][@click={action}]{escape(key)}[/][/b] {escape(text)}"
            for key, action, text in entries
        ]
        super().__init__("   ".join(parts), markup=True)
