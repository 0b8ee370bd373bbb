"""The screen of a workflow whose issue has not landed yet: it says so, nothing more."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical

from screens.base import KioskScreen
from screens.plain import Static
from screens.widgets.status_bar import StatusBar
from screens.workflows import Workflow


class PendingWorkflowScreen(KioskScreen):
    """Names the workflow and the issue that will build it; Esc goes back."""

    CSS_PATH = "pending.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", show=False)]
    KEYS: ClassVar[list[tuple[str, str, str]]] = [
        ("Esc", "app.pop_screen", "keybar.back"),
        ("F2", "app.toggle_language", "keybar.language"),
    ]

    def __init__(self, workflow: Workflow) -> None:
        super().__init__()
        self.workflow = workflow

    def compose(self) -> ComposeResult:
        """The workflow's title and the note that it is not available yet."""
        yield StatusBar()
        with Vertical(id="pending-body"):
            yield Static(self.t(f"workflow.{self.workflow.name}"), id="pending-title")
            yield Static(self.t("pending.not_yet", issue=self.workflow.issue), id="pending-note")
        yield self.key_bar()

    def on_mount(self) -> None:
        """Fill in the status bar."""
        self.kiosk.refresh_status()
