"""The idle lock: the screen is covered until the same operator types their password,
or another operator logs in (which ends the first one's session)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button

from kiosk.errors import KioskError
from kiosk.services.operators import authenticate
from screens.base import KioskDialog
from screens.plain import Input, Static


class LockScreen(KioskDialog[None]):
    """Covers whatever was on screen; nothing under it is lost."""

    CSS_PATH = "lock.tcss"
    KEYS: ClassVar[list[tuple[str, str, str]]] = [
        ("F2", "app.toggle_language", "keybar.language"),
    ]

    @dataclass
    class Checked(Message):
        """The unlock password was checked: None if right, else the error."""

        error: KioskError | None

    def compose(self) -> ComposeResult:
        """The lock box: who is logged in, a password field, and a switch-operator button."""
        operator = self.kiosk.operator
        name = operator.display_name if operator else ""
        with Vertical(id="lock-box"):
            yield Static(self.t("lock.title"), id="lock-title")
            yield Static(self.t("lock.prompt", name=name), id="lock-prompt")
            yield Input(password=True, id="lock-password", max_length=128)
            yield Button(self.t("lock.unlock"), id="lock-unlock", variant="primary")
            yield Button(self.t("lock.switch_operator"), id="lock-switch")
            yield Static("", id="lock-message")
        yield self.key_bar(with_demo_tray=False)

    def on_mount(self) -> None:
        """Cursor in the password field."""
        self.query_one("#lock-password", Input).focus()

    @on(Input.Submitted, "#lock-password")
    @on(Button.Pressed, "#lock-unlock")
    def _unlock(self) -> None:
        password = self.query_one("#lock-password", Input).value
        operator = self.kiosk.operator
        if operator is None or not password:
            return
        context = self.context

        def check() -> None:
            try:
                authenticate(
                    context.store,
                    operator.username,
                    password,
                    now=context.clock(),
                    policy=context.lockout,
                )
            except KioskError as error:
                self.post_message(self.Checked(error))
            else:
                self.post_message(self.Checked(None))

        self.run_worker(check, thread=True, exclusive=True, group="unlock", exit_on_error=False)

    def on_lock_screen_checked(self, message: Checked) -> None:
        """Unlock, or say why not."""
        self.query_one("#lock-password", Input).value = ""
        if message.error is None:
            self.dismiss(None)
            return
        text = message.error.message(self.context.translator.language)
        self.query_one("#lock-message", Static).update(text)
        if message.error.key == "auth.locked":
            self.kiosk.log_out()

    @on(Button.Pressed, "#lock-switch")
    def _switch_operator(self) -> None:
        self.kiosk.log_out()
