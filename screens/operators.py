"""Account management for admins: list, add and unlock operators."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Select

from data.models import Role
from kiosk.errors import KioskError
from kiosk.services.operators import create_operator, list_operators, unlock_operator
from screens.base import KioskScreen
from screens.plain import Input, Label, Static, plain
from screens.widgets.status_bar import StatusBar


class OperatorsScreen(KioskScreen):
    """Admins see every account, add one, or clear a lockout."""

    CSS_PATH = "operators.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", show=False)]
    KEYS: ClassVar[list[tuple[str, str, str]]] = [
        ("Esc", "app.pop_screen", "keybar.back"),
        ("F2", "app.toggle_language", "keybar.language"),
    ]

    def compose(self) -> ComposeResult:
        """The account table and the form to add one."""
        yield StatusBar()
        with Vertical(id="operators-body"):
            yield Static(self.t("workflow.operators"), id="operators-title")
            yield DataTable(id="operators-table", cursor_type="row")
            yield Button(self.t("operators.unlock"), id="operators-unlock")
            yield Static(self.t("operators.add_title"), classes="operators-heading")
            with Horizontal(classes="operators-row"):
                yield Label(self.t("operators.username"))
                yield Input(id="new-username", max_length=32)
            with Horizontal(classes="operators-row"):
                yield Label(self.t("operators.display_name"))
                yield Input(id="new-display-name", max_length=32)
            with Horizontal(classes="operators-row"):
                yield Label(self.t("operators.role"))
                yield Select(
                    [(self.t(f"role.{role.value}"), role.value) for role in Role],
                    value=Role.CLERK.value,
                    allow_blank=False,
                    id="new-role",
                )
            with Horizontal(classes="operators-row"):
                yield Label(self.t("operators.password"))
                yield Input(id="new-password", password=True, max_length=128)
            yield Button(self.t("operators.add"), id="operators-add", variant="primary")
            yield Static("", id="operators-message")
        yield self.key_bar()

    def on_mount(self) -> None:
        """Fill the table."""
        self._fill_table()
        self.kiosk.refresh_status()

    def _fill_table(self) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_columns(
            self.t("operators.username"),
            self.t("operators.display_name"),
            self.t("operators.role"),
            self.t("operators.state"),
        )
        now = self.context.clock()
        for operator in list_operators(self.context.store):
            locked = operator.locked_until is not None and operator.locked_until > now
            state = self.t("operators.locked" if locked else "operators.active")
            table.add_row(
                plain(operator.username),
                plain(operator.display_name),
                self.t(f"role.{operator.role.value}"),
                state,
                key=operator.username,
            )

    def _say(self, text: str) -> None:
        self.query_one("#operators-message", Static).update(text)

    @on(Button.Pressed, "#operators-add")
    def _add(self) -> None:
        admin = self.kiosk.operator
        if admin is None:
            return
        role = self.query_one("#new-role", Select).value
        try:
            created = create_operator(
                self.context.store,
                username=self.query_one("#new-username", Input).value,
                display_name=self.query_one("#new-display-name", Input).value,
                role=Role(str(role)),
                password=self.query_one("#new-password", Input).value,
                created_by=admin,
                now=self.context.clock(),
            )
        except KioskError as error:
            self._say(error.message(self.context.translator.language))
            return
        for field in ("#new-username", "#new-display-name", "#new-password"):
            self.query_one(field, Input).value = ""
        self._fill_table()
        self._say(self.t("operators.added", username=created.username))

    @on(Button.Pressed, "#operators-unlock")
    def _unlock(self) -> None:
        admin = self.kiosk.operator
        table = self.query_one(DataTable)
        if admin is None or table.row_count == 0:
            return
        username = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        try:
            unlock_operator(self.context.store, username, by=admin, now=self.context.clock())
        except KioskError as error:
            self._say(error.message(self.context.translator.language))
            return
        self._fill_table()
        self._say(self.t("operators.unlocked", username=username))
