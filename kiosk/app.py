"""The Textual app: login, home, idle lock, language switch and the status bar."""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Any, ClassVar

from textual import events, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.worker import Worker, WorkerState, get_current_worker

from data.models import Operator, Role
from data.sync import record_outcome, sync_pass
from data.sync_client import CentralClient, SyncProblem
from devices.printer import PrinterState
from devices.token import TokenError, TokenSummary
from kiosk.context import KioskContext
from kiosk.errors import KioskError
from kiosk.services.sync_apply import change_applier
from kiosk.status import status_items
from kiosk.sync_setup import backoff_of, endpoint_of, plan_of
from screens.base import KioskScreenMixin
from screens.lock import LockScreen
from screens.login import LoginScreen
from screens.messages import PrinterChanged, TokensChanged
from screens.widgets.status_bar import StatusBar

_ACTIVITY_EVENTS = (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)


class KioskApp(App[None]):
    """The counter kiosk. It is handed everything it uses in ``context``."""

    TITLE = "CA Key Counter"
    ENABLE_COMMAND_PALETTE = False
    """The palette would offer quitting and theme changes to anyone, the lock screen too."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "toggle_language", show=False, priority=True),
        Binding("ctrl+l", "lock", show=False, priority=True),
        Binding("ctrl+q", "quit", show=False, priority=True),
        Binding("f9", "demo_tray", show=False),
    ]

    def __init__(self, context: KioskContext) -> None:
        super().__init__()
        self.context = context
        self.operator: Operator | None = None
        self.tokens: list[TokenSummary] = []
        """The keys present, as the watcher last saw them."""
        self.token_problem: str | None = None
        self.printer_state: PrinterState | None = None
        """What the printer last said of itself (None until first asked)."""
        self._last_input = time.monotonic()
        self._poll_now = threading.Event()
        self._force_report = False
        self._stop_watching = threading.Event()
        self._sync_now = threading.Event()
        self._held_notices: list[tuple[str, dict[str, Any]]] = []
        """Notifications that arrived while the screen was locked, shown after unlocking."""

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
        if self.context.token_reader is not None:
            self.watch_tokens()
        if self.context.settings.printer.connection.kind != "none":
            self.watch_printer()
        if self.context.settings.central.url:
            self.run_sync()

    def on_unmount(self) -> None:
        """Let the watcher threads end now rather than at their next poll."""
        self._stop_watching.set()
        self._poll_now.set()
        self._sync_now.set()

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
        self._held_notices = []
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if not isinstance(self.screen, LoginScreen):
            self.pop_screen()

    def action_lock(self) -> None:
        """Lock the screen now (Ctrl+L)."""
        if self.operator is not None and not isinstance(self.screen, LockScreen):
            self.push_screen(LockScreen(), lambda _: self._unlocked())

    def _unlocked(self) -> None:
        """The same operator unlocked: show what waited under the lock."""
        held, self._held_notices = self._held_notices, []
        for message, options in held:
            super().notify(message, **options)
        self.tell_screens_about_tokens()

    @property
    def is_locked(self) -> bool:
        """Whether the lock screen covers the kiosk."""
        return any(isinstance(screen, LockScreen) for screen in self.screen_stack)

    def notify(self, message: str, **options: Any) -> None:
        """Show a notification; while locked it waits for the operator to unlock, so
        nothing appears above the lock screen."""
        if self.is_locked:
            self._held_notices.append((message, options))
            return
        super().notify(message, **options)

    def may_quit(self) -> bool:
        """Quitting needs a logged-in supervisor or admin, or ``counter.allow_quit``."""
        if self.context.settings.counter.allow_quit:
            return True
        operator = self.operator
        supervises = operator is not None and operator.role in (Role.SUPERVISOR, Role.ADMIN)
        return supervises and not self.is_locked

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """On the lock screen only the language switch works; Ctrl+L and Ctrl+Q do nothing."""
        return not (self.is_locked and action != "toggle_language")

    async def action_quit(self) -> None:
        """Quit (Ctrl+Q), if this operator may."""
        if self.may_quit():
            await super().action_quit()
        elif not self.is_locked:
            self.notify(self.context.translator.t("app.quit_refused"), severity="warning")

    def action_demo_tray(self) -> None:
        """Open the demo's tray of keys (F9; only when the demo configured one)."""
        from screens.demo_tray import DemoTrayScreen

        ready = self.context.demo_tray is not None and self.operator is not None
        if ready and not isinstance(self.screen, DemoTrayScreen | LockScreen):
            self.push_screen(DemoTrayScreen())

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

    @work(thread=True, exclusive=True, group="token-watch", exit_on_error=False)
    def watch_tokens(self) -> None:
        """Poll the slots off the UI loop; post TokensChanged when what is present changes."""
        reader = self.context.token_reader
        assert reader is not None
        interval = self.context.settings.token.poll_interval_s
        worker = get_current_worker()
        seen: object = None
        while not worker.is_cancelled:
            try:
                tokens, problem = reader.list_tokens(), None
            except TokenError as error:
                tokens, problem = [], error.reason
            except Exception as error:  # the watcher must outlive any reader failure
                tokens, problem = [], type(error).__name__
            state = (tuple((t.serial, t.flags) for t in tokens), problem)
            if state != seen or self._force_report:
                seen, self._force_report = state, False
                self.post_message(TokensChanged(tokens, problem))
            # A module that cannot be loaded is retried slowly, not twice a second.
            self._poll_now.wait(interval if problem is None else max(interval, 5.0))
            self._poll_now.clear()

    @work(thread=True, exclusive=True, group="printer-watch", exit_on_error=False)
    def watch_printer(self) -> None:
        """Ask the printer its status now and then, off the UI loop."""
        worker = get_current_worker()
        interval = self.context.settings.printer.status_every_s
        while not worker.is_cancelled:
            try:
                state = self.context.printer.status()
            except Exception:  # a driver failure is an unreachable printer, not a crash
                state = PrinterState.UNREACHABLE
            if state != self.printer_state:
                self.post_message(PrinterChanged(state))
            self._stop_watching.wait(interval)

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False)
    def run_sync(self) -> None:
        """Push the outbox and pull the centre's changes now and then, off the UI loop.

        Offline is normal: a failed pass waits longer each time (with jitter); a problem
        that needs a person (token, certificate) is retried only at the longest wait. The
        status bar reads the outcome from the store.
        """
        context = self.context
        settings = context.settings
        worker = get_current_worker()
        try:
            client = CentralClient(endpoint_of(settings))
        except KioskError as error:  # no token, or a CA file that cannot be read
            stopped = SyncProblem(error.key, retry=False, **error.params)
            record_outcome(context.store, stopped, context.clock())
            return
        plan, backoff = plan_of(settings), backoff_of(settings)
        apply = change_applier(context.store, context.clock)
        attempt = 0
        with client:
            while not worker.is_cancelled and not self._stop_watching.is_set():
                try:
                    problem = sync_pass(context.store, client, plan, apply, context.clock).problem
                except Exception as error:  # the worker must outlive a store failure too
                    problem = SyncProblem("sync.internal", retry=True, problem=repr(error))
                    with contextlib.suppress(Exception):
                        record_outcome(context.store, problem, context.clock())
                if problem is None:
                    attempt, wait = 0, settings.central.interval_s
                elif problem.retry:
                    wait = backoff.delay(attempt, problem.retry_after)
                    attempt += 1
                else:
                    wait = backoff.cap_s
                self._sync_now.wait(wait)
                self._sync_now.clear()

    def sync_now(self) -> None:
        """Ask the sync worker to run a pass at once (after work was recorded)."""
        self._sync_now.set()

    def on_printer_changed(self, message: PrinterChanged) -> None:
        """Show the printer's state in the status bar."""
        self.printer_state = message.state
        self.refresh_status()

    def poll_tokens_now(self, report: bool = False) -> None:
        """Ask the watcher to look at the slots at once (after the demo tray moved a key);
        with ``report``, tell the screens what it sees even if nothing changed."""
        self._force_report = self._force_report or report
        self._poll_now.set()

    def on_tokens_changed(self, message: TokensChanged) -> None:
        """Remember what is present, update the status bar and tell the open screens
        (not while the screen is locked: nothing is read for an absent operator)."""
        self.tokens = message.tokens
        self.token_problem = message.problem
        self.refresh_status()
        if not isinstance(self.screen, LockScreen):
            self.tell_screens_about_tokens()

    def tell_screens_about_tokens(self) -> None:
        """Give every open screen the keys present now."""
        for screen in self.screen_stack:
            if isinstance(screen, KioskScreenMixin):
                screen.tokens_changed(self.tokens)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed unexpectedly: say so, and the app goes on."""
        if event.state is WorkerState.ERROR:
            self.notify(self.context.translator.t("app.worker_failed"), severity="error")

    def refresh_status(self) -> None:
        """Update the status bar of the screen on top."""
        if self.operator is None:
            return
        items = status_items(
            self.context, self.operator, self.tokens, self.token_problem, self.printer_state
        )
        for bar in self.screen.query(StatusBar):
            bar.show(items)
