"""`kiosk sync --once` and `kiosk sync --status`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from central.cli import add_counter
from data.store import open_store
from kiosk.cli import main
from kiosk.config import load_settings
from kiosk.hash_key import create_hash_key
from tests.conftest import BASE_CONFIG
from tests.sync.conftest import Centre
from tests.sync.helpers import add_events


@pytest.fixture
def config(
    write_config: Callable[[str], Path], centre: Centre, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A counter (BJ 3) configured for the running centre, its token in the environment."""
    path = write_config(
        BASE_CONFIG + f'\n[central]\nurl = "{centre.url}"\nbackoff_base_s = 0.01\nretries = 1\n'
    )
    settings = load_settings(path)
    create_hash_key(settings.database.id_hash_key_file)
    monkeypatch.setenv("KIOSK_CENTRAL_TOKEN", add_counter(centre.db_path, "BJ", 3))
    monkeypatch.setenv("KIOSK_LANG", "en")
    store = open_store(settings.database.path)
    add_events(store, 12)
    add_events(store, 1, kind="lottery.won")
    store.close()
    return path


def test_sync_once_sends_everything_and_exits_0(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sync", "--config", str(config), "--once"]) == 0
    out = capsys.readouterr().out
    assert "13 events sent (1 refused by the centre)" in out
    assert "0 waiting" in out
    assert main(["sync", "--config", str(config), "--status"]) == 0
    status = capsys.readouterr().out
    assert "Waiting: 0; refused by the centre: 1" in status
    assert "#13" in status and "lottery.won" in status and "unknown event kind" in status


def test_sync_once_without_the_centre_exits_1_with_the_backlog(
    config: Path, centre: Centre, capsys: pytest.CaptureFixture[str]
) -> None:
    centre.server.stop()
    assert main(["sync", "--config", str(config), "--once"]) == 1
    err = capsys.readouterr().err
    assert "Cannot reach the centre" in err and "13 waiting" in err
    assert main(["sync", "--config", str(config), "--status"]) == 0
    assert "Cannot reach the centre" in capsys.readouterr().out


def test_sync_without_a_token_says_how_to_set_it(
    config: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("KIOSK_CENTRAL_TOKEN")
    assert main(["sync", "--config", str(config), "--once"]) == 1
    assert "KIOSK_CENTRAL_TOKEN" in capsys.readouterr().err


def test_doctor_checks_the_token_at_the_centre(
    config: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["doctor", "--config", str(config)]) == 0
    assert any(
        line.startswith("ok") and "central" in line for line in capsys.readouterr().out.splitlines()
    )
    monkeypatch.setenv("KIOSK_CENTRAL_TOKEN", "not-the-token")
    assert main(["doctor", "--config", str(config)]) == 1
    out = capsys.readouterr().out
    assert "does not accept this counter's token" in out
