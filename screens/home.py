"""The home screen: the workflows with their keys, and what is due."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from kiosk.services.cases import count_due
from screens.base import KioskScreen
from screens.widgets.status_bar import StatusBar
from screens.workflows import WORKFLOWS, Workflow


class HomeScreen(KioskScreen):
    """Lists every workflow; a digit key or Enter opens one."""

    CSS_PATH = "home.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(w.key, f"open_workflow('{w.name}')", show=False) for w in WORKFLOWS),
        Binding("f10", "log_out", show=False),
    ]
    KEYS: ClassVar[list[tuple[str, str, str]]] = [
        ("1-8", "", "keybar.open"),
        ("F2", "app.toggle_language", "keybar.language"),
        ("Ctrl+L", "app.lock", "keybar.lock"),
        ("F10", "screen.log_out", "keybar.log_out"),
        ("Ctrl+Q", "app.quit", "keybar.quit"),
    ]

    def compose(self) -> ComposeResult:
        """Status bar, greeting, due counts, the workflow list and the key bar."""
        yield StatusBar()
        operator = self.kiosk.operator
        with Vertical(id="home-body"):
            yield Static(
                self.t("home.greeting", name=operator.display_name if operator else ""),
                id="home-greeting",
            )
            yield Static(self._due_text(), id="home-due")
            options = [
                Option(f"{w.key}  {self.t('workflow.' + w.name)}", id=w.name)
                for w in self._visible_workflows()
            ]
            yield OptionList(*options, id="home-workflows")
        yield self.key_bar()

    def on_mount(self) -> None:
        """Focus the list and fill in the status bar."""
        self.query_one(OptionList).focus()
        self.kiosk.refresh_status()

    def on_screen_resume(self) -> None:
        """Coming back from a workflow: counts may have changed."""
        self.query_one("#home-due", Static).update(self._due_text())
        self.kiosk.refresh_status()

    def _visible_workflows(self) -> list[Workflow]:
        operator = self.kiosk.operator
        return [w for w in WORKFLOWS if operator is not None and operator.may(w.role)]

    def _due_text(self) -> str:
        counts = count_due(self.context.store, self.context.clock().date())
        return self.t("home.due", today=counts.due_today, overdue=counts.overdue)

    @on(OptionList.OptionSelected, "#home-workflows")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.action_open_workflow(event.option.id)

    def action_open_workflow(self, name: str) -> None:
        """Open the workflow's screen (or say that it is not built yet)."""
        from screens.registry import screen_for

        workflow = next((w for w in self._visible_workflows() if w.name == name), None)
        if workflow is not None:
            self.app.push_screen(screen_for(workflow))

    def action_log_out(self) -> None:
        """End this operator's session (F10)."""
        self.kiosk.log_out()
