"""The status line: operator, office, token, printer and sync backlog."""

from __future__ import annotations

from rich.markup import escape
from textual.widgets import Static

from kiosk.status import StatusItems


class StatusBar(Static):
    """One line at the top of every screen after login."""

    DEFAULT_CSS = """
    StatusBar {
        dock: top;
        height: 1;
        background: $primary-darken-2;
        color: $text;
        padding: 0 1;
    }
    """

    def show(self, items: StatusItems) -> None:
        """Replace what the bar says."""
        fields = [items.operator, items.office, items.token, items.printer, items.sync]
        self.update(" │ ".join(escape(text) for text in fields) + f"   {escape(items.clock)}")
