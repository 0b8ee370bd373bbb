"""Sync at a glance, for supervisors: what waits to go, when it last went, what went wrong
last, and each event the centre took as refused with its reason (F5 syncs now)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable

from kiosk.services.sync_overview import sync_overview
from screens.base import KioskScreen
from screens.plain import Static, plain
from screens.widgets.status_bar import StatusBar


class SyncStatusScreen(KioskScreen):
    """The sync summary and the table of refused events."""

    CSS_PATH = "sync_status.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", show=False),
        Binding("f5", "sync_now", show=False),
    ]
    KEYS: ClassVar[list[tuple[str, str, str]]] = [
        ("F5", "screen.sync_now", "keybar.sync_now"),
        ("Esc", "app.pop_screen", "keybar.back"),
        ("F2", "app.toggle_language", "keybar.language"),
    ]

    def compose(self) -> ComposeResult:
        """Title, summary, the refused events, the key bar."""
        yield StatusBar()
        with Vertical(id="sync-body"):
            yield Static(self.t("sync_screen.title"), id="sync-title")
            yield Static("", id="sync-summary")
            yield Static(self.t("sync_screen.refused_title"), id="sync-refused-title")
            yield DataTable(id="sync-refused", cursor_type="row", zebra_stripes=True)
        yield self.key_bar()

    def on_mount(self) -> None:
        """Fill in the figures."""
        self.kiosk.refresh_status()
        self._fill()

    def _fill(self) -> None:
        overview = sync_overview(self.context.store)
        status = overview.status
        none = self.t("sync.none")
        problem = (
            self.t(status.last_error[0], **status.last_error[1]) if status.last_error else none
        )
        configured = bool(self.context.settings.central.url)
        summary = self.t(
            "sync.status_line",
            backlog=status.backlog,
            refused=status.refused,
            last=status.last_success or none,
            problem=problem,
        )
        if not configured:
            summary = self.t("sync.not_configured") + "\n" + summary
        self.query_one("#sync-summary", Static).update(plain(summary))
        table = self.query_one("#sync-refused", DataTable)
        table.clear(columns=True)
        table.add_columns(
            self.t("sync_screen.seq"),
            self.t("sync_screen.at"),
            self.t("sync_screen.kind"),
            self.t("sync_screen.reason"),
        )
        for event in overview.refused:
            table.add_row(str(event.seq), plain(event.at), plain(event.kind), plain(event.reason))

    def action_sync_now(self) -> None:
        """Ask the sync worker for a pass now, then show the figures again."""
        self.kiosk.sync_now()
        self.set_timer(1.0, self._fill)

    async def relabel(self) -> None:
        """Redraw in the other language, with fresh figures."""
        await super().relabel()
        self._fill()
