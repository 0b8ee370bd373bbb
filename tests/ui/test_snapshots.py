"""Snapshots pin the look of the login and home screens (update with --snapshot-update)."""

from __future__ import annotations

from kiosk.app import KioskApp
from tests.conftest import PASSWORDS
from tests.ui.helpers import log_in

SIZE = (100, 30)


def test_login_screen(snap_compare, context, operators) -> None:
    assert snap_compare(KioskApp(context), terminal_size=SIZE)


def test_login_screen_in_english(snap_compare, context, operators) -> None:
    assert snap_compare(KioskApp(context), terminal_size=SIZE, press=["f2"])


def test_home_screen(snap_compare, context, operators) -> None:
    async def logged_in(pilot) -> None:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])

    assert snap_compare(KioskApp(context), terminal_size=SIZE, run_before=logged_in)


def test_home_screen_for_an_admin(snap_compare, context, operators) -> None:
    async def logged_in(pilot) -> None:
        await log_in(pilot, "admin", PASSWORDS["admin"])

    assert snap_compare(KioskApp(context), terminal_size=SIZE, run_before=logged_in)


def test_lock_screen(snap_compare, context, operators) -> None:
    async def locked(pilot) -> None:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        await pilot.press("ctrl+l")

    assert snap_compare(KioskApp(context), terminal_size=SIZE, run_before=locked)
