"""The database, its WAL and SHM, the configuration init writes and the centre's SQLite file
are made 0600 whatever the umask; ``kiosk doctor`` warns when any is open to others."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from central.db import init_db, make_engine
from data.store import open_store, sqlite_companions
from kiosk.config import Settings, load_settings, write_private_text
from kiosk.doctor import check_file_modes
from tests.conftest import BASE_CONFIG


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask that would leave new files readable by everyone."""
    old = os.umask(0o000)
    yield
    os.umask(old)


@pytest.mark.usefixtures("open_umask")
def test_database_wal_and_shm_are_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "db" / "kiosk.sqlite"
    store = open_store(path)
    try:
        with store.transaction() as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS probe (x)")
        companions = sqlite_companions(path)
        assert all(p.exists() for p in companions)
        assert [_mode(p) for p in companions] == [0o600, 0o600, 0o600]
    finally:
        store.close()


@pytest.mark.usefixtures("open_umask")
def test_existing_wide_wal_is_closed_on_open(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.sqlite"
    open_store(path).close()
    wal = sqlite_companions(path)[1]
    wal.touch()
    os.chmod(wal, 0o644)
    store = open_store(path)
    try:
        assert _mode(wal) == 0o600
    finally:
        store.close()


@pytest.mark.usefixtures("open_umask")
def test_written_configuration_is_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "etc" / "kiosk.toml"
    write_private_text(path, BASE_CONFIG)
    assert _mode(path) == 0o600
    assert path.read_text("utf-8") == BASE_CONFIG
    with pytest.raises(FileExistsError):
        write_private_text(path, "")


@pytest.mark.usefixtures("open_umask")
def test_centre_sqlite_file_is_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "central" / "central.sqlite"
    engine = make_engine(path)
    try:
        init_db(engine)
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
            present = [p for p in sqlite_companions(path) if p.exists()]
            assert {_mode(p) for p in present} == {0o600}
        assert _mode(path) == 0o600
    finally:
        engine.dispose()


def test_doctor_warns_for_wide_files(write_config: Callable[[str], Path]) -> None:
    config_path = write_config(BASE_CONFIG)
    settings: Settings = load_settings(config_path)
    open_store(settings.database.path).close()
    os.chmod(config_path, 0o600)
    assert check_file_modes(config_path, settings).status == "ok"
    os.chmod(settings.database.path, 0o640)
    os.chmod(config_path, 0o604)
    result = check_file_modes(config_path, settings)
    assert (result.status, result.finding, result.fix) == (
        "warn",
        "doctor.files_open",
        "doctor.fix_files_mode",
    )
    assert str(settings.database.path) in str(result.params["paths"])
    assert str(config_path) in str(result.params["paths"])
