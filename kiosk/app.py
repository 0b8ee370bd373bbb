"""The Textual app: login, home, idle lock, language switch and the status bar."""

from __future__ import annotations

import time
from typing import ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType

from data.models import Operator
from kiosk.context import KioskContext
from kiosk.status import status_items
from screens.base import KioskScreenMixin
from screens.lock import LockScreen
from screens.login import LoginScreen
from screens.widgets.status_bar import StatusBar

_ACTIVITY_EVENTS = (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)


class KioskApp(App[None]):
    """The counter kiosk. It is handed everything it uses in ``context``."""

    TITLE = "CA Key Counter"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "toggle_language", show=False, priority=True),
        Binding("ctrl+l", "lock", show=False, priority=True),
        Binding("ctrl+q", "quit", show=False, priority=True),
    ]

    def __init__(self, context: KioskContext) -> None:
        super().__init__()
        self.context = context
        self.operator: Operator | None = None
        self._last_input = time.monotonic()

    @property
    def idle_seconds(self) -> float:
        """Seconds without input after which the screen locks."""
        return self.context.settings.counter.idle_lock_minutes * 60

    def on_mount(self) -> None:
        """Start at the login screen; watch for idleness; keep the status bar fresh."""
        self.title = self.context.translator.t("app.title")
        self.push_screen(LoginScreen())
        self.set_interval(min(5.0, self.idle_seconds / 4), self._lock_if_idle)
        self.set_interval(1.0, self.refresh_status)

    async def on_event(self, event: events.Event) -> None:
        """Note every key press and click, for the idle lock."""
        if isinstance(event, _ACTIVITY_EVENTS):
            self._last_input = time.monotonic()
        await super().on_event(event)

    def log_in(self, operator: Operator) -> None:
        """Start an operator's session at the home screen."""
        from screens.home import HomeScreen

        self.operator = operator
        self._last_input = time.monotonic()
        self.push_screen(HomeScreen())

    def log_out(self) -> None:
        """End the session and go back to the login screen."""
        self.operator = None
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if not isinstance(self.screen, LoginScreen):
            self.pop_screen()

    def action_lock(self) -> None:
        """Lock the screen now (Ctrl+L)."""
        if self.operator is not None and not isinstance(self.screen, LockScreen):
            self.push_screen(LockScreen())

    def _lock_if_idle(self) -> None:
        if time.monotonic() - self._last_input >= self.idle_seconds:
            self.action_lock()

    async def action_toggle_language(self) -> None:
        """Switch between Chinese and English (F2) and redraw every open screen."""
        self.context.translator.toggle()
        self.title = self.context.translator.t("app.title")
        for screen in self.screen_stack:
            if isinstance(screen, KioskScreenMixin):
                await screen.relabel()
        self.refresh_status()

    def refresh_status(self) -> None:
        """Update the status bar of the screen on top."""
        if self.operator is None:
            return
        items = status_items(self.context, self.operator)
        for bar in self.screen.query(StatusBar):
            bar.show(items)
