"""The app shell driven as a clerk would: login, language, idle lock, home entries."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from kiosk.app import KioskApp
from kiosk.clock import fixed_clock
from kiosk.config import load_settings
from kiosk.context import build_context
from kiosk.hash_key import create_hash_key
from screens.cancellation import CancellationScreen
from screens.cases import CasesScreen
from screens.cert_check import CertCheckScreen
from screens.handover import HandoverScreen
from screens.home import HomeScreen
from screens.intake import IntakeScreen
from screens.lock import LockScreen
from screens.login import LoginScreen
from screens.mail_out import MailOutScreen
from screens.notice import NoticeScreen
from screens.operators import OperatorsScreen
from screens.pending import PendingWorkflowScreen
from screens.shipment import ShipmentScreen
from screens.unlock_help import UnlockHelpScreen
from screens.workflows import WORKFLOWS
from tests.conftest import BASE_CONFIG, NOW, PASSWORDS
from tests.ui.helpers import log_in, screen_text, settle

SIZE = (110, 32)


async def test_login_opens_home_with_status_bar(context, operators) -> None:
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, LoginScreen)
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        assert isinstance(app.screen, HomeScreen)
        text = screen_text(app)
        assert "操作员：张敏（窗口人员）" in text
        assert "北京市商务局 3号窗口" in text
        assert "打印机：未配置" in text
        assert "钥匙领取交接" in text
        assert "操作员管理" not in text  # accounts are for admins only


async def test_wrong_password_says_so_and_stays(context, operators) -> None:
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "clerk", "not-my-password")
        assert isinstance(app.screen, LoginScreen)
        assert "用户名或密码错误" in screen_text(app)
        assert app.screen.query_one("#password").value == ""


async def test_empty_login_asks_for_both_fields(context, operators) -> None:
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "", "")
        assert "请输入用户名和密码" in screen_text(app)


async def test_five_wrong_passwords_lock_the_account(context, operators) -> None:
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(5):
            await log_in(pilot, "clerk", "not-my-password")
        assert "已被锁定" in screen_text(app)
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        assert isinstance(app.screen, LoginScreen)
        assert "已被锁定" in screen_text(app)


async def test_language_switch_keeps_what_was_typed(context, operators) -> None:
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one("#username").value = "clerk"
        await pilot.press("f2")
        await pilot.pause()
        text = screen_text(app)
        assert "Enterprise CA Key Counter" in text and "Log in" in text
        assert "Beijing Municipal Bureau of Commerce" in text
        assert app.screen.query_one("#username").value == "clerk"
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        assert "Hand over a key" in screen_text(app)
        await pilot.press("f2")
        await pilot.pause()
        assert "钥匙领取交接" in screen_text(app)


async def test_every_home_entry_opens_its_screen(context, operators) -> None:
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "admin", PASSWORDS["admin"])
        for workflow in WORKFLOWS:
            await pilot.press(workflow.key)
            await pilot.pause()
            if workflow.issue is None:
                expected = {
                    "operators": OperatorsScreen,
                    "cert_check": CertCheckScreen,
                    "unlock_help": UnlockHelpScreen,
                    "handover": HandoverScreen,
                    "mail_out": MailOutScreen,
                    "intake": IntakeScreen,
                    "notice": NoticeScreen,
                    "cancellation": CancellationScreen,
                    "shipment": ShipmentScreen,
                    "cases": CasesScreen,
                }[workflow.name]
                assert isinstance(app.screen, expected)
            else:
                assert isinstance(app.screen, PendingWorkflowScreen)
                assert f"第 {workflow.issue} 号需求" in screen_text(app)
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)


async def test_enter_on_the_list_opens_the_highlighted_entry(context, operators) -> None:
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MailOutScreen)


async def test_log_out_returns_to_login(context, operators) -> None:
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        await pilot.press("3")
        await pilot.pause()
        app.screen.app.pop_screen()
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        assert app.operator is None


async def test_ctrl_l_locks_and_the_password_unlocks(context, operators) -> None:
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        await pilot.press("1")
        await pilot.pause()
        app.screen.query_one("#ho-search").value = "北京华贸"
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        assert "屏幕已锁定" in screen_text(app)
        app.screen.query_one("#lock-password").value = "wrong-password"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        assert "用户名或密码错误" in screen_text(app)
        app.screen.query_one("#lock-password").value = PASSWORDS["clerk"]
        await pilot.press("enter")
        await settle(pilot)
        # Back where the clerk was: nothing under the lock was lost.
        assert isinstance(app.screen, HandoverScreen)
        assert app.screen.query_one("#ho-search").value == "北京华贸"


async def test_switch_operator_from_the_lock_logs_out(context, operators) -> None:
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        await pilot.press("ctrl+l")
        await pilot.pause()
        await pilot.click("#lock-switch")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        assert app.operator is None


@pytest.fixture
def quick_lock_context(write_config, operators, tmp_path: Path):
    """A second context on the same database whose screen locks after 0.6 s idle."""
    config = write_config(
        BASE_CONFIG.replace("idle_lock_minutes = 5", "idle_lock_minutes = 0.01"), name="quick.toml"
    )
    settings = load_settings(config)
    if not settings.database.id_hash_key_file.exists():
        create_hash_key(settings.database.id_hash_key_file)
    built = build_context(settings, clock=fixed_clock(NOW))
    yield built
    built.close()


async def test_idle_time_locks_the_screen(quick_lock_context) -> None:
    app = KioskApp(quick_lock_context)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        assert isinstance(app.screen, HomeScreen)
        await asyncio.sleep(1.0)
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)


async def test_no_idle_lock_before_anyone_logs_in(quick_lock_context) -> None:
    app = KioskApp(quick_lock_context)
    async with app.run_test(size=SIZE) as pilot:
        await asyncio.sleep(1.0)
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)


async def test_admin_adds_an_operator_on_screen(context, operators) -> None:
    app = KioskApp(context)
    async with app.run_test(size=(120, 45)) as pilot:
        await log_in(pilot, "admin", PASSWORDS["admin"])
        await pilot.press("0")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#new-username").value = "liwei"
        screen.query_one("#new-display-name").value = "李伟"
        screen.query_one("#new-password").value = "short"
        screen.query_one("#operators-add").press()
        await pilot.pause()
        assert "至少需要 8 个字符" in screen_text(app)
        screen.query_one("#new-password").value = "long-enough-1"
        screen.query_one("#operators-add").press()
        await pilot.pause()
        assert "已新增操作员 liwei" in screen_text(app)
        row = context.store.query_one("SELECT role FROM operators WHERE username = 'liwei'")
        assert row[0] == "clerk"
