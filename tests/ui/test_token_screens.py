"""The certificate check and PIN-unlock help screens, driven with the in-memory reader
(and once over a real SoftHSM token)."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest

from data.models import EnterpriseKind
from devices.token import (
    CKF_TOKEN_INITIALIZED,
    CKF_USER_PIN_INITIALIZED,
    CKF_USER_PIN_LOCKED,
    CertificateObject,
)
from devices.token_memory import MemoryToken, MemoryTokenReader
from kiosk.app import KioskApp
from kiosk.rules.key_limits import KeyKind
from kiosk.services import keys as moves
from kiosk.services.enterprises import expect_key, save_enterprise
from screens.cert_check import CertCheckScreen
from screens.unlock_help import UnlockHelpScreen
from tests.conftest import NOW, PASSWORDS
from tests.ui.helpers import log_in, screen_text, settle

CERTS = Path(__file__).resolve().parents[1] / "fixtures" / "certs"
GOOD_USCC = "91110108MA01A2B3CF"
SIZE = (120, 40)
OK_FLAGS = CKF_TOKEN_INITIALIZED | CKF_USER_PIN_INITIALIZED


def key(serial: str, cert: str = "good_rsa.der", flags: int = OK_FLAGS) -> MemoryToken:
    value = (CERTS / cert).read_bytes()
    return MemoryToken(
        serial=serial,
        label=f"KEY-{serial[-2:]}",
        flags=flags,
        certificates=[CertificateObject("sign", "01", value)],
    )


@pytest.fixture
def reader(context, operators) -> MemoryTokenReader:
    """The in-memory reader, and an enterprise holding key SN-01 (handed over)."""
    memory = MemoryTokenReader()
    context.token_reader = memory
    save_enterprise(
        context.store,
        uscc=GOOD_USCC,
        name="北京华贸进出口有限公司",
        kind=EnterpriseKind.DOMESTIC,
        operator="admin",
        now=NOW,
    )
    record = expect_key(
        context.store,
        uscc=GOOD_USCC,
        token_serial="SN-01",
        kind=KeyKind.FIRST,
        operator="clerk",
        now=NOW,
    )
    moves.receive_key(context.store, record.id, operator="clerk", now=NOW)
    moves.hand_over_key(context.store, record.id, operator="clerk", now=NOW)
    return memory


async def plug(
    pilot, reader: MemoryTokenReader, token: MemoryToken | None = None, remove: str | None = None
) -> None:
    """Put a key in (or take one out) and let the watcher and the screen react."""
    if token is not None:
        reader.insert(token)
    if remove is not None:
        reader.remove(remove)
    pilot.app.poll_tokens_now()
    for _ in range(3):
        await asyncio.sleep(0.05)
        await settle(pilot)


async def open_check(pilot) -> None:
    await log_in(pilot, "clerk", PASSWORDS["clerk"])
    await pilot.press("5")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CertCheckScreen)


def cases(context, kind: str) -> list:
    return context.store.query("SELECT * FROM cases WHERE kind = ?", (kind,))


async def test_a_good_key_is_checked_and_recorded(context, reader) -> None:
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await open_check(pilot)
        assert "请插入电子钥匙" in screen_text(app)
        await plug(pilot, reader, key("SN-01"))
        text = screen_text(app)
        assert "钥匙：已插入 KEY-01" in text
        assert "我方记录：北京华贸进出口有限公司，状态“已领取”" in text
        assert f"含有效的统一社会信用代码 {GOOD_USCC}" in text
        assert "有效期至 2027-06-30" in text
        (case,) = cases(context, "cert_check")
        assert case["state"] == "closed" and case["outcome"] == "ok"
        assert f"已登记为业务 {case['tracking_code']}" in text
    assert reader.login_attempts == 0


async def test_a_key_pulled_out_mid_read_gives_a_clear_message(context, reader) -> None:
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await open_check(pilot)
        reader.remove_during_next_read = True
        await plug(pilot, reader, key("SN-01"))
        assert "钥匙已被拔出，请重新插入" in screen_text(app)
        assert cases(context, "cert_check") == []  # nothing half-recorded
        await plug(pilot, reader, key("SN-01"))
        assert "含有效的统一社会信用代码" in screen_text(app)
        await plug(pilot, reader, remove="SN-01")
        assert "钥匙已被拔出，请重新插入" in screen_text(app)
        assert isinstance(app.screen, CertCheckScreen)


async def test_a_key_without_the_code_and_no_record_asks_for_the_kind(context, reader) -> None:
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await open_check(pilot)
        await plug(pilot, reader, key("SN-99", "no_o_rsa.der"))
        text = screen_text(app)
        assert "我方没有此钥匙（序列号）的记录" in text
        assert "缺少18位统一社会信用代码" in text
        assert "请选择企业类型" in text
        assert app.screen.query_one("#check-kind-row").display
        app.screen.query_one("#check-kind").value = "foreign_invested"
        await settle(pilot)
        await asyncio.sleep(0.05)
        await settle(pilot)
        assert "外资企业：请当地商务主管部门手工补录经营者信息" in screen_text(app)


async def test_a_void_key_is_a_red_warning(context, reader) -> None:
    record = moves.find_key_by_serial(context.store, "SN-01")
    moves.report_lost(context.store, record.id, operator="clerk", now=NOW)
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await open_check(pilot)
        await plug(pilot, reader, key("SN-01"))
        assert "已作废（已挂失），不得继续使用" in screen_text(app)
        verdicts = str(app.screen.query_one("#check-verdicts").render())
        assert "不得继续使用" in verdicts


async def test_expiring_certificate_gets_renewal_guidance(context, reader) -> None:
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await open_check(pilot)
        await plug(pilot, reader, key("SN-01", "expiring_ec.der"))
        text = screen_text(app)
        assert "将于 2026-12-05 到期" in text
        assert "请尽快在线办理证书更新" in text


async def test_locked_pin_leads_to_unlock_help_and_a_case(context, reader) -> None:
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await open_check(pilot)
        await plug(pilot, reader, key("SN-01", flags=OK_FLAGS | CKF_USER_PIN_LOCKED))
        assert "PIN已锁定" in screen_text(app)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, UnlockHelpScreen)
        text = screen_text(app)
        assert "诊断：PIN已锁定" in text
        assert "电子钥匙密码重置" in text
        assert "busCertUnlockRequestController" in text
        assert app.screen.query_one("#unlock-qr-box").display
        await pilot.press("f5")
        await settle(pilot)
        (case,) = cases(context, "unlock_help")
        assert case["state"] == "open"
        assert date.fromisoformat(case["due_on"]) == date(2026, 11, 30)  # 3 working days
        assert f"已登记为业务 {case['tracking_code']}，预计 2026-11-30" in screen_text(app)
        await pilot.press("f5")
        await settle(pilot)
        assert len(cases(context, "unlock_help")) == 1
    assert reader.login_attempts == 0


async def test_unlock_help_for_a_key_that_is_not_locked(context, reader) -> None:
    reader.insert(key("SN-01"))
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        await plug(pilot, reader)
        await pilot.press("4")
        await settle(pilot)
        text = screen_text(app)
        assert "诊断：PIN未锁定" in text
        assert "按 C 进行证书检查" in text
        assert not app.screen.query_one("#unlock-qr-box").display
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CertCheckScreen)


async def test_language_switch_keeps_the_result(context, reader) -> None:
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await open_check(pilot)
        await plug(pilot, reader, key("SN-01"))
        await pilot.press("f2")
        await settle(pilot)
        assert f"holds the valid USCC {GOOD_USCC}" in screen_text(app)


async def test_check_over_a_real_softhsm_token(context, operators, lab) -> None:
    context.token_reader = lab.reader()
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await open_check(pilot)
        for _ in range(40):  # the first listing starts the module's process
            await asyncio.sleep(0.05)
            await settle(pilot)
            if "检查完成" in screen_text(app):
                break
        text = screen_text(app)
        assert "检查完成" in text
        assert "此钥匙不报告PIN剩余次数" in text
        assert cases(context, "cert_check")


async def test_markup_in_a_label_or_certificate_is_shown_as_text(context, reader) -> None:
    from kiosk.demo_certs import make_certificate, validity

    start, end = validity(100)
    der = make_certificate("[b]x[/b] 经办人", "ACME [/] Ltd", not_before=start, not_after=end)
    token = MemoryToken(
        serial="SN-MARKUP", label="[/]", certificates=[CertificateObject("[red]", "01", der)]
    )
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await open_check(pilot)
        await plug(pilot, reader, token)
        assert "检查完成" in screen_text(app)
        row = app.screen.query_one("#check-certs").get_row_at(0)
        assert [str(cell) for cell in row[:3]] == ["[red]", "[b]x[/b] 经办人", "ACME [/] Ltd"]
        assert "钥匙 [/]" in str(app.screen.query_one("#check-token").render())


class SlowModuleReader(MemoryTokenReader):
    """A reader whose reads always time out, counting how often it is asked."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def read_token(self, serial: str):
        from devices.token import TokenError

        self.reads += 1
        raise TokenError("timeout", "no answer")


async def test_a_read_that_times_out_is_not_retried_in_a_loop(context, operators) -> None:
    slow = SlowModuleReader()
    context.token_reader = slow
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await open_check(pilot)
        await plug(pilot, slow, key("SN-01"))
        await asyncio.sleep(1.0)
        await settle(pilot)
        assert "读取超时" in screen_text(app)
        assert slow.reads == 1
        await pilot.press("r")
        await settle(pilot)
        assert slow.reads == 2


async def test_nothing_is_read_while_the_screen_is_locked(context, reader) -> None:
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await open_check(pilot)
        await pilot.press("ctrl+l")
        await pilot.pause()
        await plug(pilot, reader, key("SN-01"))
        assert cases(context, "cert_check") == []
        app.screen.query_one("#lock-password").value = PASSWORDS["clerk"]
        await pilot.press("enter")
        await settle(pilot)
        await asyncio.sleep(0.05)
        await settle(pilot)
        assert isinstance(app.screen, CertCheckScreen)
        assert "含有效的统一社会信用代码" in screen_text(app)
        assert len(cases(context, "cert_check")) == 1


async def test_unlock_help_opens_for_the_key_being_checked(context, reader) -> None:
    reader.insert(key("SN-01"))
    reader.insert(key("SN-02", flags=OK_FLAGS | CKF_USER_PIN_LOCKED))
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await open_check(pilot)
        await plug(pilot, reader)
        assert "KEY-01" in str(app.screen.query_one("#check-token").render())
        await pilot.press("n")
        for _ in range(3):
            await asyncio.sleep(0.05)
            await settle(pilot)
        assert "KEY-02" in str(app.screen.query_one("#check-token").render())
        await pilot.press("u")
        await settle(pilot)
        assert "SN-02" in screen_text(app)
        assert "诊断：PIN已锁定" in screen_text(app)
