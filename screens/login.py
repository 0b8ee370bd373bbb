"""The login screen: one account per operator, never a shared counter login."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.message import Message
from textual.widgets import Button

from data.models import Operator
from kiosk.errors import KioskError
from kiosk.services.operators import authenticate
from screens.base import KioskScreen
from screens.plain import Input, Label, Static


class LoginScreen(KioskScreen):
    """Asks for the operator's name and password."""

    CSS_PATH = "login.tcss"
    KEYS: ClassVar[list[tuple[str, str, str]]] = [
        ("F2", "app.toggle_language", "keybar.language"),
        ("Ctrl+Q", "app.quit", "keybar.quit"),
    ]

    @dataclass
    class Finished(Message):
        """The login check is done: an operator, or the message to show."""

        operator: Operator | None
        error: KioskError | None

    def __init__(self) -> None:
        super().__init__()
        self._username = ""

    def compose(self) -> ComposeResult:
        """The login box in the middle of the screen."""
        office = self.context.settings.office.name(self.context.translator.language)
        with Center(), Vertical(id="login-box"):
            yield Static(self.t("app.title"), id="login-title")
            yield Static(office, id="login-office")
            yield Label(self.t("login.username"))
            yield Input(value=self._username, id="username", max_length=32)
            yield Label(self.t("login.password"))
            yield Input(password=True, id="password", max_length=128)
            yield Button(self.t("login.submit"), id="login-submit", variant="primary")
            yield Static("", id="login-message")
        yield self.key_bar(with_demo_tray=False)

    def on_mount(self) -> None:
        """Put the cursor in the right field."""
        self.query_one("#username" if not self._username else "#password", Input).focus()

    async def relabel(self) -> None:
        """Redraw in the new language, keeping the name already typed."""
        self._username = self.query_one("#username", Input).value
        await super().relabel()
        self.on_mount()

    @on(Input.Submitted, "#username")
    def _to_password(self) -> None:
        self.query_one("#password", Input).focus()

    @on(Input.Submitted, "#password")
    @on(Button.Pressed, "#login-submit")
    def _submit(self) -> None:
        username = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not username or not password:
            self._show_message(self.t("login.empty"))
            return
        self.query_one("#login-submit", Button).disabled = True
        self.run_worker(
            lambda: self._check(username, password),
            thread=True,
            exclusive=True,
            group="login",
            exit_on_error=False,
        )

    def _check(self, username: str, password: str) -> None:
        context = self.context
        try:
            operator = authenticate(
                context.store, username, password, now=context.clock(), policy=context.lockout
            )
        except KioskError as error:
            self.post_message(self.Finished(None, error))
        else:
            self.post_message(self.Finished(operator, None))

    def on_login_screen_finished(self, message: Finished) -> None:
        """Open the home screen, or say what went wrong and clear the password."""
        self.query_one("#login-submit", Button).disabled = False
        password = self.query_one("#password", Input)
        password.value = ""
        if message.operator is None:
            error = message.error
            assert error is not None
            self._show_message(error.message(self.context.translator.language))
            password.focus()
            return
        self._show_message("")
        self.query_one("#username", Input).value = ""
        self.query_one("#username", Input).focus()
        self.kiosk.log_in(message.operator)

    def _show_message(self, text: str) -> None:
        self.query_one("#login-message", Static).update(text)
