"""The status line: operator, office, token, printer and sync backlog."""

from __future__ import annotations

from rich.text import Text

from kiosk.status import StatusItems
from screens.plain import Static


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
        self.update(Text(" │ ".join(fields) + f"   {items.clock}"))
