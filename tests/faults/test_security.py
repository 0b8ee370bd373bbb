"""Security: the kiosk never logs in to a customer's token (counted over SoftHSM), plain ID
numbers never leave in clear (searched for in every file a day's work writes, the centre's
included), and a tampered audit trail is caught at the counter and at the centre."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from central.cli import add_counter
from central.server import CentralServer
from data.sync import SyncPlan, SyncReport, sync_pass
from data.sync_client import CentralClient, Endpoint
from devices.pkcs11_reader import Pkcs11Reader
from devices.softhsm_lab import USER_PIN
from kiosk.cli import main
from kiosk.clock import fixed_clock
from kiosk.context import KioskContext
from kiosk.services.cert_check import check_token
from kiosk.services.sync_apply import change_applier
from kiosk.services.unlock_help import advise
from tests.conftest import NOW
from tests.devices.lab import Lab
from tests.services.test_intake_notice_handover import ID_NUMBER
from tests.sync.helpers import Counter, add_events, sync
from tests.ui import test_workflow_softhsm

SHIM_SOURCE = Path(__file__).resolve().parents[1] / "fixtures" / "pkcs11_shim.c"


@pytest.fixture(scope="module")
def counting_module(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SoftHSM behind a shim that writes down every call carrying a PIN."""
    built = tmp_path_factory.mktemp("shim") / "counting.so"
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-o", str(built), str(SHIM_SOURCE), "-ldl"], check=True
    )
    return built


def pin_calls(path: Path) -> list[str]:
    """The PIN-bearing calls the shim saw."""
    return path.read_text().split() if path.exists() else []


def test_the_kiosk_never_logs_in_to_a_customers_token(
    counting_module: Path, lab: Lab, context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = tmp_path / "pin-calls"
    env = {**lab.softhsm.env, "SHIM_CALLS_FILE": str(calls)}
    reader = Pkcs11Reader(counting_module, env=env, call_timeout_s=10)
    try:
        tokens = reader.list_tokens()
        assert len(tokens) >= 6
        for token in tokens:  # every read step reads through these two calls
            reading = reader.read_token(token.serial)
            check_token(context.store, reading, now=NOW, expiry_warning_days=30)
            advise(token)
    finally:
        reader.close()
    monkeypatch.setenv("SOFTHSM2_CONF", lab.softhsm.env["SOFTHSM2_CONF"])
    monkeypatch.setenv("SHIM_CALLS_FILE", str(calls))
    assert main(["tokens", "--module", str(counting_module), "--json"]) == 0
    assert pin_calls(calls) == []

    # The counter works: a login through the same module is written down.
    login = (
        "import pkcs11, sys; lib = pkcs11.lib(sys.argv[1]);"
        "token = next(lib.get_tokens()); token.open(user_pin=sys.argv[2]).close()"
    )
    subprocess.run(
        [sys.executable, "-c", login, str(counting_module), USER_PIN],
        env={**os.environ, **env},
        check=True,
    )
    assert pin_calls(calls) == ["C_Login"]


@pytest.fixture
def centre(tmp_path: Path) -> Iterator[tuple[str, str, Path]]:
    """(URL, BJ counter 3's token, database file) of a running centre."""
    database = tmp_path / "central" / "central.db"
    token = add_counter(database, "BJ", 3)
    server = CentralServer(database)
    server.start()
    try:
        yield server.url, token, database
    finally:
        server.stop()


def files_holding(root: Path, needles: list[bytes]) -> list[str]:
    """Every file under ``root`` whose bytes hold one of ``needles``."""
    found = []
    for path in root.rglob("*"):
        if path.is_file() and any(needle in path.read_bytes() for needle in needles):
            found.append(str(path.relative_to(root)))
    return found


async def test_plain_id_numbers_are_never_written_anywhere(
    context, operators, lab: Lab, tmp_path: Path, centre: tuple[str, str, Path]
) -> None:
    # A key's whole life on the screens: the agent's ID number is typed at the desk for the
    # hand-over and again for the cancellation; receipts are printed to a file.
    await test_workflow_softhsm.test_a_keys_life_on_softhsm_with_a_file_printer(
        context, operators, lab, tmp_path
    )
    url, token, central_db = centre
    clock = fixed_clock(NOW)
    with CentralClient(Endpoint(url, token)) as client:
        report = sync_pass(
            context.store, client, SyncPlan("BJ", 3), change_applier(context.store, clock), clock
        )
    assert report.ok and report.pushed > 20
    for database in (context.settings.database.path, central_db):
        with sqlite3.connect(database) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    needles = [ID_NUMBER.encode(), ID_NUMBER.encode("utf-16-le"), ID_NUMBER[6:14].encode()]
    assert files_holding(tmp_path, needles) == []
    # The masked form is what travels and prints.
    masked = (ID_NUMBER[:3] + "*" * 11 + ID_NUMBER[-4:]).encode()
    assert files_holding(tmp_path, [masked])


def _swap(conn: sqlite3.Connection, first: int, second: int) -> None:
    """Exchange the places of two events (each keeps its own content and hashes)."""
    columns = [row[1] for row in conn.execute("PRAGMA table_info(events)") if row[1] != "seq"]
    names = ", ".join(columns)
    rows = {
        seq: conn.execute(f"SELECT {names} FROM events WHERE seq = ?", (seq,)).fetchone()
        for seq in (first, second)
    }
    conn.execute("DELETE FROM events WHERE seq IN (?, ?)", (first, second))
    marks = ", ".join("?" for _ in range(len(columns) + 1))
    for seq, other in ((first, second), (second, first)):
        conn.execute(f"INSERT INTO events (seq, {names}) VALUES ({marks})", (seq, *rows[other]))


TAMPERING = {
    "edited": lambda conn: conn.execute(
        'UPDATE events SET payload = \'{"username":"mallory"}\' WHERE seq = 3'
    ),
    "deleted": lambda conn: conn.execute("DELETE FROM events WHERE seq = 3"),
    "reordered": lambda conn: _swap(conn, 3, 4),
}


def _push(context: KioskContext, url: str, token: str) -> SyncReport:
    """One sync pass of the test context's counter (BJ 3)."""
    return sync(Counter(context.store, "BJ", 3, token), url)


@pytest.mark.parametrize("tampering", sorted(TAMPERING))
def test_a_tampered_trail_is_caught_at_the_counter_and_refused_by_the_centre(
    context, operators, centre: tuple[str, str, Path], capsys, tampering: str
) -> None:
    add_events(context.store, 6)
    config = str(context.settings.database.path.parent / "kiosk.toml")
    assert main(["audit", "verify", "--config", config]) == 0
    conn = sqlite3.connect(context.settings.database.path)
    # What someone editing the file would do first: the triggers forbid it otherwise.
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("DROP TRIGGER events_no_delete")
    TAMPERING[tampering](conn)
    conn.commit()
    conn.close()
    capsys.readouterr()
    assert main(["audit", "verify", "--config", config]) == 1
    assert "3" in capsys.readouterr().out
    url, token, central_db = centre
    report = _push(context, url, token)
    assert report.problem is not None and report.problem.key == "sync.chain"
    assert not report.problem.retry
    with sqlite3.connect(central_db) as held:
        assert held.execute("SELECT count(*) FROM events").fetchone()[0] == 0


def test_a_trail_cut_short_after_sync_is_caught_by_the_centre(
    context, operators, centre: tuple[str, str, Path], capsys
) -> None:
    add_events(context.store, 6)
    url, token, _ = centre
    assert _push(context, url, token).ok
    conn = sqlite3.connect(context.settings.database.path)
    conn.execute("DROP TRIGGER events_no_delete")
    conn.execute("DELETE FROM events WHERE seq > 5")
    last = conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    conn.execute("UPDATE audit_head SET seq = ?, hash = ?", last)  # a careful forger
    conn.commit()
    conn.close()
    config = str(context.settings.database.path.parent / "kiosk.toml")
    assert main(["audit", "verify", "--config", config]) == 0  # locally it looks whole
    add_events(context.store, 2)  # new work on the shortened trail
    report = _push(context, url, token)
    assert report.problem is not None and report.problem.key == "sync.chain"
    assert "rewritten or cut short" in report.problem.message("en")
