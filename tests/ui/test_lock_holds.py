"""The lock screen holds: no binding, palette or notification acts above it, and quitting
needs a logged-in supervisor or admin (or ``counter.allow_quit``)."""

from __future__ import annotations

from kiosk.app import KioskApp
from screens.home import HomeScreen
from screens.lock import LockScreen
from screens.login import LoginScreen
from tests.conftest import PASSWORDS
from tests.ui.helpers import log_in, settle

SIZE = (110, 32)


async def _lock(pilot) -> None:
    await pilot.press("ctrl+l")
    await pilot.pause()
    assert isinstance(pilot.app.screen, LockScreen)


async def test_ctrl_q_and_the_palette_do_nothing_on_the_lock_screen(context, operators) -> None:
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "super", PASSWORDS["super"])
        await _lock(pilot)
        for key in ("ctrl+q", "ctrl+p", "ctrl+l", "f9", "f10", "escape"):
            await pilot.press(key)
            await pilot.pause()
            assert app.is_running, key
            assert isinstance(app.screen, LockScreen), key
        assert len(app.screen_stack) == 4  # default, login, home, lock: nothing above


async def test_a_notice_that_arrives_while_locked_waits_for_the_unlock(context, operators) -> None:
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        await _lock(pilot)
        app.notify("打印完成 BJ01-261202-0001")  # as a worker finishing under the lock would
        await pilot.pause()
        assert not list(app._notifications)
        app.screen.query_one("#lock-password").value = PASSWORDS["clerk"]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert [n.message for n in app._notifications] == ["打印完成 BJ01-261202-0001"]


async def test_a_clerk_cannot_quit_and_a_supervisor_can(context, operators) -> None:
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+q")  # nobody logged in
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, LoginScreen)
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running
        assert any("主管" in str(n.message) for n in app._notifications)
        app.log_out()
        await pilot.pause()
        await log_in(pilot, "super", PASSWORDS["super"])
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


async def test_allow_quit_lets_anyone_quit(context, operators) -> None:
    settings = context.settings
    counter = settings.counter.model_copy(update={"allow_quit": True})
    context.settings = settings.model_copy(update={"counter": counter})
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0
