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


def _key_context(context, flags: int):
    """The context with an in-memory reader holding one fixed demo key."""
    from devices.token import CKF_TOKEN_INITIALIZED, CKF_USER_PIN_INITIALIZED, CertificateObject
    from devices.token_memory import MemoryToken, MemoryTokenReader
    from tests.ui.test_token_screens import CERTS

    reader = MemoryTokenReader()
    reader.insert(
        MemoryToken(
            serial="SN-SNAPSHOT-01",
            label="华贸-1",
            flags=CKF_TOKEN_INITIALIZED | CKF_USER_PIN_INITIALIZED | flags,
            certificates=[CertificateObject("sign", "01", (CERTS / "no_o_rsa.der").read_bytes())],
        )
    )
    context.token_reader = reader
    return context


async def _open(pilot, key: str) -> None:
    import asyncio

    from tests.ui.helpers import settle

    await log_in(pilot, "clerk", PASSWORDS["clerk"])
    pilot.app.poll_tokens_now(report=True)
    await asyncio.sleep(0.1)
    await settle(pilot)
    await pilot.press(key)
    for _ in range(3):
        await asyncio.sleep(0.05)
        await settle(pilot)


def test_cert_check_screen(snap_compare, context, operators) -> None:
    from devices.token import CKF_USER_PIN_FINAL_TRY

    async def checked(pilot) -> None:
        await _open(pilot, "5")

    app = KioskApp(_key_context(context, CKF_USER_PIN_FINAL_TRY))
    assert snap_compare(app, terminal_size=(110, 34), run_before=checked)


def test_unlock_help_screen(snap_compare, context, operators) -> None:
    from devices.token import CKF_USER_PIN_LOCKED

    async def helped(pilot) -> None:
        await _open(pilot, "4")

    app = KioskApp(_key_context(context, CKF_USER_PIN_LOCKED))
    assert snap_compare(app, terminal_size=(110, 34), run_before=helped)


def test_sync_status_screen(snap_compare, context, operators) -> None:
    from tests.sync.helpers import add_events

    add_events(context.store, 1, kind="lottery.won")
    with context.store.transaction() as conn:
        conn.execute(
            "UPDATE events SET synced_at = '2026-11-25T10:29:00+08:00', sync_status = 'refused',"
            " sync_note = 'unknown event kind ''lottery.won''' WHERE kind = 'lottery.won'"
        )

    async def opened(pilot) -> None:
        await log_in(pilot, "super", PASSWORDS["super"])
        await pilot.press("f8")
        await pilot.pause()

    assert snap_compare(KioskApp(context), terminal_size=SIZE, run_before=opened)
