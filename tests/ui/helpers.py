"""Driving the kiosk with Textual's Pilot."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Button, Input, OptionList, Static

from kiosk.app import KioskApp


def screen_text(app: KioskApp) -> str:
    """Every text the user can read on the top screen, joined by newlines."""
    parts: list[str] = []
    for widget in app.screen.query("*"):
        if isinstance(widget, Static | Button):
            parts.append(str(widget.render()))
        elif isinstance(widget, OptionList):
            parts.extend(str(option.prompt) for option in widget.options)
    return "\n".join(parts)


WATCHERS = {"token-watch", "printer-watch", "sync"}
"""Worker groups that run for the app's whole life."""


async def settle(pilot: Pilot[None]) -> None:
    """Let workers finish (all but the endless watchers) and messages be handled."""
    await pilot.pause()
    busy = [w for w in pilot.app.workers if w.group not in WATCHERS]
    if busy:  # an empty list would mean "wait for every worker", the endless watcher too
        await pilot.app.workers.wait_for_complete(busy)
    await pilot.pause()


async def log_in(pilot: Pilot[None], username: str, password: str) -> None:
    """Type a name and password at the login screen and press Enter."""
    app = pilot.app
    app.screen.query_one("#username", Input).value = username
    await pilot.click("#password")
    app.screen.query_one("#password", Input).value = password
    await pilot.press("enter")
    await settle(pilot)


async def until(pilot: Pilot[None], condition: Callable[[], bool], timeout_s: float = 30.0) -> None:
    """Let the app run until ``condition()`` holds; fail with the screen's text after
    ``timeout_s`` (generous: a busy 2-core CI machine is slow, never wrong)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(screen_text(pilot.app))  # type: ignore[arg-type]
        await asyncio.sleep(0.05)
        await settle(pilot)
