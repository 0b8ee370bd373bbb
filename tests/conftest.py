"""Shared fixtures: a configuration on disk, an open context on a real SQLite file, operators."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from data.models import Operator, Role
from data.store import Store
from devices.softhsm_lab import SoftHsmLab
from kiosk.clock import CHINA_TZ, fixed_clock
from kiosk.config import Settings, load_settings
from kiosk.context import KioskContext, build_context
from kiosk.hash_key import create_hash_key
from kiosk.services.operators import create_operator
from tests.devices.lab import Lab, build_fresh_lab, build_session_lab

NOW = datetime(2026, 11, 25, 10, 30, tzinfo=CHINA_TZ)
"""A Wednesday: the fixed 'now' of the tests."""

PASSWORDS = {"admin": "admin-pass-1", "clerk": "clerk-pass-1", "super": "super-pass-1"}

BASE_CONFIG = """\
[counter]
office = "BJ"
counter_id = 3
language = "zh"
idle_lock_minutes = 5

[database]
path = "kiosk.db"
"""


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[[str], Path]:
    """Write a configuration file into the test's folder and return its path."""

    def write(text: str = BASE_CONFIG, name: str = "kiosk.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, "utf-8")
        return path

    return write


@pytest.fixture
def settings(write_config: Callable[[str], Path]) -> Settings:
    """Valid settings with a hash key file in place."""
    loaded = load_settings(write_config(BASE_CONFIG))
    create_hash_key(loaded.database.id_hash_key_file)
    return loaded


@pytest.fixture
def context(settings: Settings) -> Iterator[KioskContext]:
    """An open kiosk context on a real SQLite file, with the clock fixed at ``NOW``."""
    built = build_context(settings, clock=fixed_clock(NOW))
    yield built
    built.close()


@pytest.fixture
def operators(context: KioskContext) -> dict[str, Operator]:
    """An admin, a clerk and a supervisor, by username."""
    return make_operators(context.store)


def make_operators(store: Store) -> dict[str, Operator]:
    """Create an admin, a clerk and a supervisor (passwords in ``PASSWORDS``), by username."""
    admin = create_operator(
        store,
        username="admin",
        display_name="管理员",
        role=Role.ADMIN,
        password=PASSWORDS["admin"],
        created_by=None,
        now=NOW,
    )
    made = {"admin": admin}
    for username, name, role in (("clerk", "张敏", Role.CLERK), ("super", "王强", Role.SUPERVISOR)):
        made[username] = create_operator(
            store,
            username=username,
            display_name=name,
            role=role,
            password=PASSWORDS[username],
            created_by=admin,
            now=NOW,
        )
    return made


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """The session's SoftHSM tokens (RSA-OK, NO-O, BAD-CHECK, EXPIRED, SM2, GARBAGE)."""
    yield from build_session_lab(tmp_path_factory)


@pytest.fixture
def fresh_lab(tmp_path: Path) -> SoftHsmLab:
    """An empty SoftHSM lab of the test's own, for tests that add or remove tokens."""
    return build_fresh_lab(tmp_path)
