"""The ``kiosk`` command as a counter's administrator uses it: what it prints, how it exits."""

from __future__ import annotations

import io
import socket
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from data.audit import verify_chain
from data.models import EnterpriseKind, KeyState, Role
from data.store import open_store
from kiosk.cli import main
from kiosk.config import load_settings
from kiosk.demo import DEMO_OPERATORS
from kiosk.services.enterprises import save_enterprise
from kiosk.services.operators import create_operator, find_operator, list_operators
from tests.conftest import NOW

ADMIN_PASSWORD = "admin-pass-1"
PASSWORD_ENVS = ("KIOSK_INIT_PASSWORD", "KIOSK_ADMIN_PASSWORD", "KIOSK_OPERATOR_PASSWORD")
DOCTOR_ITEMS = [
    "config",
    "database",
    "hash-key",
    "modes",
    "calendar",
    "token",
    "printer",
    "central",
]
USCC_A = "91110000600037341L"
USCC_B = "91350100M000100Y43"

COUNTER_CONFIG = """\
[counter]
office = "BJ"
counter_id = 2

[database]
path = "data/kiosk.db"
id_hash_key_file = "data/id-hash.key"
"""


@dataclass
class Run:
    code: int
    out: str
    err: str


Kiosk = Callable[..., Run]


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """English messages, no passwords or token from the environment, no terminal."""
    monkeypatch.setenv("KIOSK_LANG", "en")
    for name in (*PASSWORD_ENVS, "KIOSK_CENTRAL_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setattr(sys, "stdin", io.StringIO())  # not a terminal: nothing to ask


@pytest.fixture
def kiosk(capsys: pytest.CaptureFixture[str]) -> Kiosk:
    """Run ``kiosk ARGS...`` in-process and return its exit code and output."""

    def run(*args: object) -> Run:
        capsys.readouterr()
        code = main([str(arg) for arg in args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def _no_traceback(run: Run) -> None:
    assert "Traceback" not in run.out + run.err


@pytest.fixture
def config(tmp_path: Path, kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A counter initialised by ``kiosk init`` on a hand-written configuration."""
    path = tmp_path / "counter" / "kiosk.toml"
    path.parent.mkdir()
    path.write_text(COUNTER_CONFIG, "utf-8")
    with monkeypatch.context() as env:
        env.setenv("KIOSK_INIT_PASSWORD", ADMIN_PASSWORD)
        assert kiosk("init", "--config", path).code == 0
    yield path


def _db(config_path: Path) -> Path:
    return config_path.parent / "data" / "kiosk.db"


# --- the console script ---


def test_installed_console_script_lists_every_subcommand() -> None:
    script = Path(sys.executable).parent / "kiosk"
    done = subprocess.run(
        [str(script), "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: kiosk")
    listed = {line.split()[0] for line in done.stdout.splitlines() if line.startswith("    ")}
    assert {"init", "run", "doctor", "audit", "operator", "demo"} <= listed


def test_no_subcommand_is_a_usage_error(kiosk: Kiosk) -> None:
    with pytest.raises(SystemExit) as caught:
        kiosk()
    assert caught.value.code == 2


# --- kiosk init ---


def test_init_on_an_empty_folder_sets_up_the_counter(
    tmp_path: Path, kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "new" / "kiosk.toml"
    monkeypatch.setenv("KIOSK_INIT_PASSWORD", ADMIN_PASSWORD)

    run = kiosk("init", "--config", path, "--office", "bj")

    assert run.code == 0, run.err
    assert run.err == ""
    folder = path.parent
    assert run.out.splitlines() == [
        f"Configuration written to {path}.",
        f"ID-number hash key written to {folder / 'id-hash.key'} (keep it safe).",
        f"Database {folder / 'kiosk.db'} is ready, with the admin account admin.",
    ]
    settings = load_settings(path)
    assert settings.counter.office == "BJ"
    key_file = folder / "id-hash.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(bytes.fromhex(key_file.read_text("ascii").strip())) == 32
    store = open_store(folder / "kiosk.db")
    try:
        admin = find_operator(store, "admin")
        assert admin is not None
        assert admin.role is Role.ADMIN
        assert admin.password_hash.startswith("$argon2id$")
        assert ADMIN_PASSWORD not in admin.password_hash
        assert len(list_operators(store)) == 1
    finally:
        store.close()


def test_init_twice_says_already_initialised(
    config: Path, kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_before = (config.parent / "data" / "id-hash.key").read_bytes()
    monkeypatch.setenv("KIOSK_INIT_PASSWORD", "another-password")

    run = kiosk("init", "--config", config, "--office", "SH")

    assert run.code == 0
    assert run.out.strip() == f"Database {_db(config)} is already initialised."
    assert (config.parent / "data" / "id-hash.key").read_bytes() == key_before
    assert load_settings(config).counter.office == "BJ"


def test_init_with_a_short_password_exits_1_and_says_so(
    tmp_path: Path, kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "kiosk.toml"
    monkeypatch.setenv("KIOSK_INIT_PASSWORD", "short")

    run = kiosk("init", "--config", path, "--office", "BJ")

    assert run.code == 1
    assert run.err.strip() == "A password needs at least 8 characters."
    _no_traceback(run)
    store = open_store(tmp_path / "kiosk.db")
    try:
        assert list_operators(store) == []
    finally:
        store.close()


def test_init_without_password_or_terminal_names_the_variable(tmp_path: Path, kiosk: Kiosk) -> None:
    run = kiosk("init", "--config", tmp_path / "kiosk.toml", "--office", "BJ")

    assert run.code == 1
    assert "KIOSK_INIT_PASSWORD" in run.err
    assert "A password is needed" in run.err
    _no_traceback(run)


def test_init_with_an_unknown_office_exits_1_and_writes_nothing(
    tmp_path: Path, kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_INIT_PASSWORD", ADMIN_PASSWORD)

    run = kiosk("init", "--config", tmp_path / "kiosk.toml", "--office", "XX")

    assert run.code == 1
    assert run.err.strip() == "XX is not one of the 37 accepting institutions."
    assert list(tmp_path.iterdir()) == []


def test_init_messages_are_chinese_by_default(
    tmp_path: Path, kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KIOSK_LANG")
    monkeypatch.setenv("KIOSK_INIT_PASSWORD", ADMIN_PASSWORD)
    path = tmp_path / "kiosk.toml"

    bad = kiosk("init", "--config", path, "--office", "XX")
    good = kiosk("init", "--config", path, "--office", "江苏省商务厅")

    assert bad.code == 1
    assert bad.err.strip() == "XX 不是37家受理机构之一。"
    assert good.code == 0
    assert good.out.splitlines()[0] == f"已生成配置文件 {path}。"
    assert "管理员账号 admin 已创建" in good.out
    assert load_settings(path).counter.office == "JS"


def test_init_with_a_bad_config_file_names_the_field(
    tmp_path: Path, kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text('[counter]\noffice = "BJ"\ncounter_id = 100\n', "utf-8")
    monkeypatch.setenv("KIOSK_INIT_PASSWORD", ADMIN_PASSWORD)

    run = kiosk("init", "--config", path)

    assert run.code == 1
    assert run.out == ""
    assert run.err.startswith(f"Configuration file {path} has problems:")
    assert "counter.counter_id: Input should be less than or equal to 99" in run.err
    _no_traceback(run)
    assert not (tmp_path / "kiosk.db").exists()


def test_init_without_a_config_file_or_office_says_how_to_make_one(
    tmp_path: Path, kiosk: Kiosk
) -> None:
    path = tmp_path / "kiosk.toml"
    run = kiosk("init", "--config", path)
    assert run.code == 1
    assert f"Configuration file {path} not found" in run.err
    assert "--office BJ" in run.err


def test_init_where_a_folder_cannot_be_made_is_a_clear_error(tmp_path: Path, kiosk: Kiosk) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", "utf-8")

    run = kiosk("init", "--config", blocker / "kiosk.toml", "--office", "BJ")

    assert run.code == 1
    assert run.err.startswith("A file could not be read or written:")
    assert str(blocker) in run.err
    _no_traceback(run)


@pytest.mark.parametrize("command", [["run"], ["audit", "verify"], ["operator", "list"]])
def test_other_commands_with_a_bad_config_exit_1_naming_the_field(
    write_config: Callable[[str], Path], kiosk: Kiosk, command: list[str]
) -> None:
    path = write_config('[counter]\noffice = "BJ"\nidle_lock_minute = 3\n')
    run = kiosk(*command, "--config", path)
    assert run.code == 1
    assert "counter.idle_lock_minute: unknown setting" in run.err
    _no_traceback(run)


# --- kiosk audit verify ---


@pytest.fixture
def config_with_events(config: Path) -> Path:
    """Three events: the admin's creation and two enterprises."""
    store = open_store(_db(config))
    try:
        for code, name in ((USCC_A, "甲公司"), (USCC_B, "乙公司")):
            save_enterprise(
                store, uscc=code, name=name, kind=EnterpriseKind.DOMESTIC, operator="admin", now=NOW
            )
    finally:
        store.close()
    return config


def _tamper(db_path: Path, *statements: str) -> None:
    conn = sqlite3.connect(db_path)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


def test_audit_verify_passes_on_a_fresh_database(config: Path, kiosk: Kiosk) -> None:
    run = kiosk("audit", "verify", "--config", config)
    assert run.code == 0
    assert run.out.strip() == "Audit trail intact: 1 events verified."


def test_audit_verify_names_the_changed_event(config_with_events: Path, kiosk: Kiosk) -> None:
    assert kiosk("audit", "verify", "--config", config_with_events).code == 0
    _tamper(
        _db(config_with_events),
        "DROP TRIGGER events_no_update",
        "UPDATE events SET payload = '{}' WHERE seq = 2",
    )

    run = kiosk("audit", "verify", "--config", config_with_events)

    assert run.code == 1
    assert run.out.strip() == "Audit trail broken at event 2: its content was changed."


def test_audit_verify_notices_the_last_event_deleted(
    config_with_events: Path, kiosk: Kiosk
) -> None:
    _tamper(
        _db(config_with_events),
        "DROP TRIGGER events_no_delete",
        "DELETE FROM events WHERE seq = (SELECT max(seq) FROM events)",
    )

    run = kiosk("audit", "verify", "--config", config_with_events)

    assert run.code == 1
    assert "Audit trail broken at event 3" in run.out
    assert "deleted" in run.out


def test_audit_triggers_refuse_tampering_without_dropping_them(
    config_with_events: Path,
) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="cannot be changed"):
        _tamper(_db(config_with_events), "UPDATE events SET payload = '{}' WHERE seq = 2")
    with pytest.raises(sqlite3.IntegrityError, match="cannot be deleted"):
        _tamper(_db(config_with_events), "DELETE FROM events WHERE seq = 3")


# --- kiosk operator ---


def test_operator_add_with_the_admin_password_adds_the_account(
    config: Path, kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_ADMIN_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.setenv("KIOSK_OPERATOR_PASSWORD", "clerk2-pass-1")

    run = kiosk(
        "operator",
        "add",
        "--config",
        config,
        "--admin",
        "admin",
        "--username",
        "clerk2",
        "--display-name",
        "李娜",
        "--role",
        "clerk",
    )

    assert run.code == 0, run.err
    assert run.out.strip() == "Operator clerk2 (clerk) added."
    listing = kiosk("operator", "list", "--config", config)
    assert listing.code == 0
    assert listing.out.splitlines() == ["admin\tadmin\tadmin", "clerk2\tclerk\t李娜"]
    store = open_store(_db(config))
    try:
        clerk = find_operator(store, "clerk2")
        assert clerk is not None
        assert clerk.role is Role.CLERK
    finally:
        store.close()


def test_operator_add_with_a_wrong_admin_password_adds_nothing(
    config: Path, kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_ADMIN_PASSWORD", "not-the-password")
    monkeypatch.setenv("KIOSK_OPERATOR_PASSWORD", "clerk2-pass-1")

    run = kiosk("operator", "add", "--config", config, "--admin", "admin", "--username", "clerk2")

    assert run.code == 1
    assert run.err.strip().startswith("Wrong user name or password.")
    _no_traceback(run)
    listing = kiosk("operator", "list", "--config", config)
    assert [line.split("\t")[0] for line in listing.out.splitlines()] == ["admin"]


def test_operator_add_without_the_admin_password_names_the_variable(
    config: Path, kiosk: Kiosk
) -> None:
    run = kiosk("operator", "add", "--config", config, "--admin", "admin", "--username", "clerk2")
    assert run.code == 1
    assert "KIOSK_ADMIN_PASSWORD" in run.err


# --- kiosk doctor ---


def _doctor_lines(run: Run) -> dict[str, tuple[str, str]]:
    """item -> (status, rest of the line); also checks each line's shape."""
    lines = run.out.splitlines()
    found: dict[str, tuple[str, str]] = {}
    for line in lines:
        status, item, *_ = line.split()
        assert status in ("ok", "warn", "problem"), line
        found[item] = (status, line)
    assert len(found) == len(lines)
    return found


def _rewrite(config_path: Path, extra: str, database: str = "data/kiosk.db") -> None:
    config_path.write_text(
        COUNTER_CONFIG.replace('path = "data/kiosk.db"', f'path = "{database}"') + extra, "utf-8"
    )


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_doctor_on_an_initialised_counter(config: Path, kiosk: Kiosk) -> None:
    run = kiosk("doctor", "--config", config)

    assert run.code == 0, run.out
    found = _doctor_lines(run)
    assert list(found) == DOCTOR_ITEMS
    assert found["config"][0] == "ok"
    assert "(office BJ, counter 2)" in found["config"][1]
    assert found["database"][0] == "ok"
    assert "1 audit events verified" in found["database"][1]
    assert found["hash-key"][0] == "ok"
    assert found["calendar"][0] in ("ok", "warn")
    for item in ("token", "printer", "central"):
        assert found[item][0] == "warn"
        assert "not configured" in found[item][1]


def test_doctor_reports_a_missing_database(config: Path, kiosk: Kiosk) -> None:
    _rewrite(config, "", database="data/missing.db")

    run = kiosk("doctor", "--config", config)

    assert run.code == 1
    status, line = _doctor_lines(run)["database"]
    assert status == "problem"
    assert "missing.db does not exist" in line
    assert "run kiosk init" in line


def test_doctor_reports_a_tampered_audit_trail(config_with_events: Path, kiosk: Kiosk) -> None:
    _tamper(
        _db(config_with_events),
        "DROP TRIGGER events_no_update",
        "UPDATE events SET payload = '{}' WHERE seq = 2",
    )
    run = kiosk("doctor", "--config", config_with_events)
    assert run.code == 1
    status, line = _doctor_lines(run)["database"]
    assert status == "problem"
    assert "event 2" in line


def test_doctor_reports_a_missing_token_module(config: Path, kiosk: Kiosk) -> None:
    _rewrite(config, '\n[token]\nmodule = "/nonexistent.so"\n')

    run = kiosk("doctor", "--config", config)

    assert run.code == 1
    status, line = _doctor_lines(run)["token"]
    assert status == "problem"
    assert "PKCS#11 library /nonexistent.so not found" in line


def test_doctor_reports_a_file_that_is_no_pkcs11_library(config: Path, kiosk: Kiosk) -> None:
    (config.parent / "fake.so").write_text("not a shared library\n", "utf-8")
    _rewrite(config, '\n[token]\nmodule = "fake.so"\n')

    run = kiosk("doctor", "--config", config)

    assert run.code == 1
    status, line = _doctor_lines(run)["token"]
    assert status == "problem"
    assert f"{config.parent.resolve() / 'fake.so'} is not a usable PKCS#11 library" in line


def test_doctor_reports_an_unreachable_network_printer(config: Path, kiosk: Kiosk) -> None:
    port = _closed_port()
    _rewrite(config, f'\n[printer]\nconnection = "network:127.0.0.1:{port}"\n')

    run = kiosk("doctor", "--config", config)

    assert run.code == 1
    status, line = _doctor_lines(run)["printer"]
    assert status == "problem"
    assert f"cannot reach printer network:127.0.0.1:{port}" in line


def test_doctor_finds_a_listening_network_printer(config: Path, kiosk: Kiosk) -> None:
    with socket.create_server(("127.0.0.1", 0)) as printer:
        port = printer.getsockname()[1]
        _rewrite(config, f'\n[printer]\nconnection = "network:127.0.0.1:{port}"\n')
        run = kiosk("doctor", "--config", config)

    assert run.code == 0
    status, line = _doctor_lines(run)["printer"]
    assert status == "ok"
    assert f"network:127.0.0.1:{port}" in line


def test_doctor_finds_a_writable_file_printer(config: Path, kiosk: Kiosk) -> None:
    _rewrite(config, '\n[printer]\nconnection = "file:receipts.bin"\n')
    run = kiosk("doctor", "--config", config)
    assert _doctor_lines(run)["printer"][0] == "ok"


def test_doctor_only_warns_when_central_is_unreachable(
    config: Path, kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = _closed_port()
    _rewrite(config, f'\n[central]\nurl = "http://127.0.0.1:{port}"\n')
    monkeypatch.setenv("KIOSK_CENTRAL_TOKEN", "counter-token")

    run = kiosk("doctor", "--config", config)

    assert run.code == 0
    status, line = _doctor_lines(run)["central"]
    assert status == "warn"
    assert f"cannot reach http://127.0.0.1:{port}" in line
    assert "works offline" in line


def test_doctor_reports_a_central_url_without_token(config: Path, kiosk: Kiosk) -> None:
    _rewrite(config, '\n[central]\nurl = "http://127.0.0.1:1"\n')
    run = kiosk("doctor", "--config", config)
    assert run.code == 1
    status, line = _doctor_lines(run)["central"]
    assert status == "problem"
    assert "KIOSK_CENTRAL_TOKEN" in line


def test_doctor_warns_about_a_key_file_others_can_read(config: Path, kiosk: Kiosk) -> None:
    (config.parent / "data" / "id-hash.key").chmod(0o644)
    run = kiosk("doctor", "--config", config)
    assert run.code == 0
    status, line = _doctor_lines(run)["hash-key"]
    assert status == "warn"
    assert "chmod 600" in line


def test_doctor_on_a_bad_config_prints_one_problem_line(
    write_config: Callable[[str], Path], kiosk: Kiosk
) -> None:
    path = write_config('[counter]\noffice = "XX"\ncounter_id = 0\n[central]\nurl = "ftp://x"\n')

    run = kiosk("doctor", "--config", path)

    assert run.code == 1
    assert len(run.out.splitlines()) == 1
    status, line = _doctor_lines(run)["config"]
    assert status == "problem"
    for field in ("counter.office", "counter.counter_id", "central.url"):
        assert field in line
    assert "correct the configuration file" in line
    _no_traceback(run)


def test_doctor_on_a_missing_config_prints_one_problem_line(tmp_path: Path, kiosk: Kiosk) -> None:
    run = kiosk("doctor", "--config", tmp_path / "none.toml")
    assert run.code == 1
    assert list(_doctor_lines(run)) == ["config"]
    assert "not found" in run.out


# --- kiosk demo ---


def _demo_counts(config_path: Path) -> dict[str, int]:
    store = open_store(load_settings(config_path).database.path)
    try:
        counts = {
            table: len(store.query(f"SELECT 1 FROM {table}"))
            for table in ("operators", "enterprises", "agents", "keys", "events")
        }
        states = {row[0] for row in store.query("SELECT DISTINCT state FROM keys")}
        counts["key_states"] = len(states)
        assert {KeyState.EXPECTED, KeyState.RECEIVED} <= {KeyState(s) for s in states}
        assert verify_chain(store.conn).ok
    finally:
        store.close()
    return counts


def test_demo_seed_only_prints_the_config_and_seeds_the_counter(
    tmp_path: Path, kiosk: Kiosk
) -> None:
    folder = tmp_path / "demo"

    run = kiosk("demo", "--dir", folder, "--seed-only")

    assert run.code == 0, run.err
    config_path = folder / "kiosk.toml"
    assert run.out.strip() == str(config_path)
    counts = _demo_counts(config_path)
    assert counts["operators"] == len(DEMO_OPERATORS) == 3
    assert counts["enterprises"] == 4
    assert counts["agents"] == 4
    assert counts["key_states"] >= 4
    verify = kiosk("audit", "verify", "--config", config_path)
    assert verify.code == 0
    assert f"{counts['events']} events verified" in verify.out


def test_demo_twice_does_not_reseed_and_reset_does(tmp_path: Path, kiosk: Kiosk) -> None:
    folder = tmp_path / "demo"
    assert kiosk("demo", "--dir", folder, "--seed-only").code == 0
    config_path = folder / "kiosk.toml"
    key_file = folder / "id-hash.key"
    first_key = key_file.read_bytes()
    store = open_store(folder / "kiosk.db")
    try:
        admin = find_operator(store, "admin")
        create_operator(
            store,
            username="extra",
            display_name="额外",
            role=Role.CLERK,
            password="extra-pass-1",
            created_by=admin,
            now=NOW,
        )
    finally:
        store.close()
    seeded = _demo_counts(config_path)

    again = kiosk("demo", "--dir", folder, "--seed-only")

    assert again.code == 0
    assert again.out.strip() == str(config_path)
    assert _demo_counts(config_path) == seeded
    assert key_file.read_bytes() == first_key

    reset = kiosk("demo", "--dir", folder, "--seed-only", "--reset")

    assert reset.code == 0
    assert _demo_counts(config_path)["operators"] == 3
    assert key_file.read_bytes() != first_key


def test_demo_reset_refuses_a_folder_that_is_not_a_demo(config: Path, kiosk: Kiosk) -> None:
    folder = config.parent
    before = sorted(p.name for p in folder.rglob("*"))

    run = kiosk("demo", "--dir", folder, "--seed-only", "--reset")

    assert run.code == 1
    assert f"{folder} is not a demo folder" in run.err
    assert sorted(p.name for p in folder.rglob("*")) == before
    assert config.read_text("utf-8") == COUNTER_CONFIG
