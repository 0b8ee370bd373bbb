"""The status bar shows what the printer says of itself, asked off the UI loop."""

from __future__ import annotations

import asyncio

import pytest

from kiosk.app import KioskApp
from kiosk.clock import fixed_clock
from kiosk.config import load_settings
from kiosk.context import build_context
from kiosk.hash_key import create_hash_key
from kiosk.services.operators import LockoutPolicy, authenticate
from tests.conftest import BASE_CONFIG, NOW, PASSWORDS
from tests.devices.fake_printer import FakeNetworkPrinter, closed_port
from tests.ui.helpers import log_in, screen_text


@pytest.fixture
def printer_context(write_config, operators, request):
    fake = FakeNetworkPrinter(request.param) if request.param != "refused" else None
    spec = fake.spec if fake else f"tcp://127.0.0.1:{closed_port()}"
    config = write_config(
        BASE_CONFIG + f'\n[printer]\nconnection = "{spec}"\ntimeout_s = 0.5\n',
        name="printer.toml",
    )
    settings = load_settings(config)
    if not settings.database.id_hash_key_file.exists():
        create_hash_key(settings.database.id_hash_key_file)
    built = build_context(settings, clock=fixed_clock(NOW))
    authenticate(built.store, "clerk", PASSWORDS["clerk"], now=NOW, policy=LockoutPolicy())
    yield built
    built.close()
    if fake is not None:
        fake.close()


@pytest.mark.parametrize(
    ("printer_context", "shown"),
    [("paper_low", "打印机：纸将用完"), ("refused", "打印机：无法连接")],
    indirect=["printer_context"],
)
async def test_the_status_bar_shows_the_printer_state(printer_context, shown) -> None:
    app = KioskApp(printer_context)
    async with app.run_test(size=(120, 30)) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        for _ in range(40):
            if shown in screen_text(app):
                break
            await asyncio.sleep(0.05)
            await pilot.pause()
        assert shown in screen_text(app)
