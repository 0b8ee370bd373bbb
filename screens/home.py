"""The home screen: the workflows with their keys, and what is due."""

from __future__ import annotations

from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from data.models import Role
from kiosk.errors import KioskError
from kiosk.services.cases import count_due, find_case_by_code
from kiosk.services.rating import flagged_cases
from screens.base import KioskScreen
from screens.plain import Input, Static, plain
from screens.widgets.status_bar import StatusBar
from screens.workflows import WORKFLOWS, Workflow


class HomeScreen(KioskScreen):
    """Lists every workflow; a digit key or Enter opens one."""

    CSS_PATH = "home.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(w.key, f"open_workflow('{w.name}')", show=False) for w in WORKFLOWS),
        Binding("f8", "sync_status", show=False),
        Binding("f10", "log_out", show=False),
    ]
    KEYS: ClassVar[list[tuple[str, str, str]]] = [
        ("0-9", "", "keybar.open"),
        ("F2", "app.toggle_language", "keybar.language"),
        ("F8", "screen.sync_status", "keybar.sync_status"),
        ("Ctrl+L", "app.lock", "keybar.lock"),
        ("F10", "screen.log_out", "keybar.log_out"),
        ("Ctrl+Q", "app.quit", "keybar.quit"),
    ]

    def compose(self) -> ComposeResult:
        """Status bar, greeting, due counts, the workflow list and the key bar."""
        yield StatusBar()
        operator = self.kiosk.operator
        with Vertical(id="home-body"):
            greeting = self.t("home.greeting", name=operator.display_name if operator else "")
            yield Static(plain(greeting), id="home-greeting")
            yield Static(self._due_text(), id="home-due")
            # select_on_focus off: the scanner's first letter, put in on focus, must stay.
            yield Input(
                placeholder=self.t("home.scan_placeholder"),
                id="home-scan",
                max_length=200,
                select_on_focus=False,
            )
            yield Static("", id="home-scan-message")
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
        text = self.t("home.due", today=counts.due_today, overdue=counts.overdue)
        operator = self.kiosk.operator
        if operator is not None and operator.may(Role.SUPERVISOR):
            flagged = len(flagged_cases(self.context.store))
            if flagged:
                text += self.t("home.flagged", count=flagged)
        return text

    def on_key(self, event: events.Key) -> None:
        """A barcode scanner types like a keyboard: a letter starts a tracking code (codes
        and their URLs begin with letters; digits stay the workflow keys)."""
        scan = self.query_one("#home-scan", Input)
        if event.character and event.character.isalpha() and not scan.has_focus:
            scan.focus()
            scan.insert_text_at_cursor(event.character)
            event.stop()
            event.prevent_default()

    @on(Input.Submitted, "#home-scan")
    def _scanned(self, event: Input.Submitted) -> None:
        from screens.case import CaseScreen

        text, message = event.value.strip(), self.query_one("#home-scan-message", Static)
        event.input.value = ""
        if not text:
            self.query_one(OptionList).focus()
            return
        try:
            case = find_case_by_code(self.context.store, text)
        except KioskError as error:
            message.update(plain(error.message(self.context.translator.language)))
            return
        message.update("")
        self.query_one(OptionList).focus()
        self.app.push_screen(CaseScreen(case))

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

    def action_sync_status(self) -> None:
        """Open the sync state and the refused events (F8; supervisors and admins)."""
        from screens.sync_status import SyncStatusScreen

        operator = self.kiosk.operator
        message = self.query_one("#home-scan-message", Static)
        if operator is None or not operator.may(Role.SUPERVISOR):
            message.update(plain(self.t("sync_screen.supervisors_only")))
            return
        message.update("")
        self.app.push_screen(SyncStatusScreen())

    def action_log_out(self) -> None:
        """End this operator's session (F10)."""
        self.kiosk.log_out()
