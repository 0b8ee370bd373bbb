"""The app syncs in a background worker; the status bar shows backlog, refusals, last
success and the last problem in plain words."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.widgets import DataTable

from central.cli import add_counter
from kiosk.app import KioskApp
from kiosk.clock import fixed_clock
from kiosk.config import load_settings
from kiosk.context import KioskContext, build_context
from kiosk.hash_key import create_hash_key
from tests.conftest import BASE_CONFIG, NOW, PASSWORDS, make_operators
from tests.sync.conftest import Centre
from tests.sync.helpers import add_events, central_events
from tests.ui.helpers import log_in, screen_text


def counter_context(
    write_config: Callable[[str, str], Path], url: str, *, interval_s: float = 1.0
) -> KioskContext:
    """The BJ 3 counter configured for the centre at ``url``, with admin, clerk and super."""
    config = write_config(
        BASE_CONFIG
        + f'\n[central]\nurl = "{url}"\ninterval_s = {interval_s}\n'
        + "backoff_base_s = 0.05\nbackoff_cap_s = 0.2\n",
        "synced.toml",
    )
    settings = load_settings(config)
    create_hash_key(settings.database.id_hash_key_file)
    built = build_context(settings, clock=fixed_clock(NOW))
    make_operators(built.store)
    return built


@pytest.fixture
def synced(write_config, centre: Centre, monkeypatch: pytest.MonkeyPatch) -> Iterator[KioskContext]:
    """A counter whose token the centre knows."""
    monkeypatch.setenv("KIOSK_CENTRAL_TOKEN", add_counter(centre.db_path, "BJ", 3))
    built = counter_context(write_config, centre.url)
    yield built
    built.close()


async def wait_for(
    app: KioskApp, pilot, text: str, seconds: float = 10.0, *, absent: str | None = None
) -> str:
    """The screen's text once it shows ``text`` (and no longer ``absent``), or the last
    text seen."""
    shown = ""
    for _ in range(int(seconds / 0.05)):
        app.refresh_status()
        await pilot.pause()
        shown = screen_text(app)
        if text in shown and (absent is None or absent not in shown):
            break
        await asyncio.sleep(0.05)
    return shown


async def test_the_worker_drains_the_outbox_and_the_bar_says_so(
    synced: KioskContext, centre: Centre
) -> None:
    add_events(synced.store, 25)
    add_events(synced.store, 1, kind="lottery.won")
    app = KioskApp(synced)
    async with app.run_test(size=(160, 30)) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        shown = await wait_for(app, pilot, "待上传 0 条")
        assert "待上传 0 条" in shown
        assert "中心拒收 1 条" in shown
        assert "上次成功 10:30" in shown
        # Work done while the app runs goes up at the next pass.
        add_events(synced.store, 5)
        app.sync_now()
        await wait_for(app, pilot, "待上传 0 条")
    held = central_events(centre.db_path)
    local = synced.store.query("SELECT count(*) FROM events")[0][0]
    assert len(held) == local and len({row[3] for row in held}) == local


async def test_offline_the_counter_works_and_the_bar_says_why(
    write_config, centre: Centre, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_CENTRAL_TOKEN", add_counter(centre.db_path, "BJ", 3))
    centre.server.stop()
    context = counter_context(write_config, centre.url)
    try:
        add_events(context.store, 3)
        app = KioskApp(context)
        async with app.run_test(size=(160, 30)) as pilot:
            await log_in(pilot, "clerk", PASSWORDS["clerk"])
            shown = await wait_for(app, pilot, "无法连接中心")
            waiting = context.store.query("SELECT count(*) FROM events")[0][0]
            assert waiting == 7  # 3 of the day's work, 3 accounts made and the login
            assert f"待上传 {waiting} 条" in shown and "尚未成功同步" in shown
            assert "无法连接中心" in shown
            centre.server.start()
            app.sync_now()
            shown = await wait_for(app, pilot, "待上传 0 条", absent="无法连接中心")
            assert "待上传 0 条" in shown and "无法连接中心" not in shown
    finally:
        context.close()
    assert len(central_events(centre.db_path)) == 7


async def test_supervisors_see_the_refused_events_with_their_reasons(
    synced: KioskContext, centre: Centre
) -> None:
    add_events(synced.store, 3)
    add_events(synced.store, 1, kind="lottery.won")
    app = KioskApp(synced)
    async with app.run_test(size=(160, 40)) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        await wait_for(app, pilot, "中心拒收 1 条")
        await pilot.press("f8")
        await pilot.pause()
        assert "同步状态仅供主管查看" in screen_text(app)
        await pilot.press("f10")
        await pilot.pause()
        await log_in(pilot, "super", PASSWORDS["super"])
        await pilot.press("f8")
        await pilot.pause()
        shown = screen_text(app)
        assert "中心拒收的记录" in shown
        assert "中心拒收 1 条" in shown
        table = app.screen.query_one("#sync-refused", DataTable)
        assert table.row_count == 1
        seq, _at, kind, reason = (str(cell) for cell in table.get_row_at(0))
        assert kind == "lottery.won" and "unknown event kind" in reason
        assert (
            int(seq)
            == synced.store.query_one("SELECT seq FROM events WHERE kind = 'lottery.won'")[0]
        )
