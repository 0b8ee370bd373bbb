"""``kiosk doctor``: one line per check of the configuration, database and devices."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

from data.audit import verify_chain
from data.i18n import translate
from data.migrations import SCHEMA_VERSION
from data.store import Store, sqlite_companions
from data.sync_client import CentralClient, SyncProblem
from kiosk.clock import china_now
from kiosk.config import Settings, load_settings
from kiosk.errors import KioskError
from kiosk.hash_key import load_hash_key
from kiosk.rules.workdays import WorkCalendar, load_local_calendar
from kiosk.sync_setup import endpoint_of

Status = Literal["ok", "warn", "problem"]
MODULE_LOAD_TIMEOUT_S = 15
NETWORK_TIMEOUT_S = 3


@dataclass(frozen=True)
class CheckResult:
    """One checked item: its status, a catalog key for the finding and one for the fix."""

    item: str
    status: Status
    finding: str
    params: dict[str, object] = field(default_factory=dict)
    fix: str = ""


def run_checks(config_path: Path) -> list[CheckResult]:
    """Every check, in order; later checks are skipped when the configuration is bad."""
    try:
        settings = load_settings(config_path)
    except KioskError as error:
        return [CheckResult("config", "problem", error.key, error.params, "doctor.fix_config")]
    results = [
        CheckResult(
            "config",
            "ok",
            "doctor.config_ok",
            {
                "path": str(config_path),
                "office": settings.office.code,
                "counter": settings.counter.counter_id,
            },
        )
    ]
    results += [
        check_database(settings),
        check_hash_key(settings),
        check_file_modes(config_path, settings),
        check_calendar(settings, china_now().date()),
        check_token_module(settings),
        check_printer(settings),
        check_central(settings),
    ]
    return results


def print_report(results: list[CheckResult], language: str) -> None:
    """Print one ``status  item  finding [-> fix]`` line per check."""
    for result in results:
        finding = translate(result.finding, language, **result.params)
        # A finding of several lines (each bad setting of the file) stays on its check's line.
        first, *details = [part.strip() for part in finding.splitlines() if part.strip()] or [""]
        finding = " ".join([first, "; ".join(details)]) if details else first
        line = f"{result.status:<8}{result.item:<10}{finding}"
        if result.fix:
            line += "  -> " + translate(result.fix, language, **result.params)
        print(line)


def check_database(settings: Settings) -> CheckResult:
    """The file opens, its schema is current, its pages are sound and its audit chain holds."""
    path = settings.database.path
    if not path.exists():
        return CheckResult(
            "database", "problem", "doctor.db_missing", {"path": str(path)}, "doctor.fix_init"
        )
    try:
        store = Store(path, settings.database.busy_timeout_ms)
    except KioskError as error:
        return CheckResult("database", "problem", error.key, error.params, "doctor.fix_db")
    try:
        version = store.schema_version
        if version != SCHEMA_VERSION:
            return CheckResult(
                "database",
                "problem",
                "doctor.db_version",
                {"found": version, "expected": SCHEMA_VERSION},
                "doctor.fix_init",
            )
        if not store.integrity_ok():
            return CheckResult(
                "database", "problem", "doctor.db_corrupt", {"path": str(path)}, "doctor.fix_db"
            )
        report = verify_chain(store.conn)
        if not report.ok:
            return CheckResult(
                "database",
                "problem",
                "audit.verify_broken",
                {"seq": report.bad_seq, "problem": report.problem},
                "doctor.fix_audit",
            )
        return CheckResult(
            "database", "ok", "doctor.db_ok", {"path": str(path), "events": report.checked}
        )
    finally:
        store.close()


def check_hash_key(settings: Settings) -> CheckResult:
    """The ID-hash key exists, is well formed and is not readable by others."""
    path = settings.database.id_hash_key_file
    try:
        load_hash_key(path)
    except KioskError as error:
        return CheckResult("hash-key", "problem", error.key, error.params, "doctor.fix_init")
    if os.stat(path).st_mode & 0o077:
        return CheckResult(
            "hash-key", "warn", "doctor.key_open", {"path": str(path)}, "doctor.fix_key_mode"
        )
    return CheckResult("hash-key", "ok", "doctor.key_ok", {"path": str(path)})


def wide_open_files(paths: list[Path]) -> list[Path]:
    """Those of ``paths`` that exist and give group or other users any access."""
    return [path for path in paths if path.exists() and os.stat(path).st_mode & 0o077]


def check_file_modes(config_path: Path, settings: Settings) -> CheckResult:
    """The configuration, the database and its WAL/SHM are the owner's only (0600)."""
    wide = wide_open_files([config_path, *sqlite_companions(settings.database.path)])
    if wide:
        return CheckResult(
            "modes",
            "warn",
            "doctor.files_open",
            {"paths": ", ".join(str(path) for path in wide)},
            "doctor.fix_files_mode",
        )
    return CheckResult("modes", "ok", "doctor.files_private")


def check_calendar(settings: Settings, today: date) -> CheckResult:
    """Working days are known for the next 90 days (else due dates are estimates)."""
    try:
        calendar = WorkCalendar(load_local_calendar(settings.rules.holidays_file))
    except KioskError as error:
        return CheckResult("calendar", "problem", error.key, error.params, "doctor.fix_calendar")
    for offset in range(91):
        day = today + timedelta(days=offset)
        if calendar.is_estimated(day):
            return CheckResult(
                "calendar",
                "warn",
                "doctor.calendar_unknown",
                {"year": day.year},
                "doctor.fix_calendar",
            )
    return CheckResult("calendar", "ok", "doctor.calendar_ok")


def check_token_module(settings: Settings) -> CheckResult:
    """The PKCS#11 module loads (in a child process, so a bad library cannot crash us)."""
    module = settings.token.module
    if module is None:
        return CheckResult("token", "warn", "doctor.not_configured", {}, "doctor.fix_token")
    if not module.exists():
        return CheckResult(
            "token", "problem", "doctor.module_missing", {"path": str(module)}, "doctor.fix_token"
        )
    probe = "import sys, pkcs11; print(len(pkcs11.lib(sys.argv[1]).get_slots()))"
    try:
        done = subprocess.run(
            [sys.executable, "-c", probe, str(module)],
            env={**os.environ, **settings.token.module_env},
            capture_output=True,
            text=True,
            timeout=MODULE_LOAD_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return CheckResult(
            "token", "problem", "doctor.module_hangs", {"path": str(module)}, "doctor.fix_token"
        )
    if done.returncode != 0:
        last_line = (done.stderr.strip().splitlines() or ["?"])[-1]
        return CheckResult(
            "token",
            "problem",
            "doctor.module_bad",
            {"path": str(module), "problem": last_line},
            "doctor.fix_token",
        )
    return CheckResult(
        "token", "ok", "doctor.module_ok", {"path": str(module), "slots": done.stdout.strip()}
    )


def check_printer(settings: Settings) -> CheckResult:
    """The printer connection is reachable as far as can be told without printing."""
    spec = settings.printer.connection
    params: dict[str, object] = {"spec": str(spec)}
    if spec.kind == "none":
        return CheckResult("printer", "warn", "doctor.not_configured", {}, "doctor.fix_printer")
    if spec.kind == "file":
        target = Path(spec.path)
        writable = os.access(target if target.exists() else target.parent, os.W_OK)
        if not writable:
            return CheckResult(
                "printer", "problem", "doctor.printer_unwritable", params, "doctor.fix_printer"
            )
    elif spec.kind == "serial" and not Path(spec.path).exists():
        return CheckResult(
            "printer", "problem", "doctor.printer_missing", params, "doctor.fix_printer"
        )
    elif spec.kind == "network":
        try:
            socket.create_connection((spec.host, spec.port), timeout=NETWORK_TIMEOUT_S).close()
        except OSError as error:
            params["problem"] = str(error)
            return CheckResult(
                "printer", "problem", "doctor.printer_unreachable", params, "doctor.fix_printer"
            )
    elif spec.kind == "usb" and not _usb_present(spec.vendor_id, spec.product_id):
        return CheckResult(
            "printer", "problem", "doctor.printer_missing", params, "doctor.fix_printer"
        )
    return CheckResult("printer", "ok", "doctor.printer_ok", params)


def _usb_present(vendor_id: int, product_id: int) -> bool:
    try:
        import usb.core

        return usb.core.find(idVendor=vendor_id, idProduct=product_id) is not None
    except Exception:  # no libusb backend on this machine: the device cannot be reached
        return False


def check_central(settings: Settings) -> CheckResult:
    """The central API answers; the kiosk works offline, so a failure is only a warning."""
    url = settings.central.url
    if not url:
        return CheckResult("central", "warn", "doctor.not_configured", {}, "doctor.fix_central")
    params: dict[str, object] = {"url": url}
    if not settings.central.token:
        return CheckResult(
            "central", "problem", "doctor.central_no_token", params, "doctor.fix_central_token"
        )
    # An empty page of changes far past any cursor: proves the address, the certificate,
    # this counter's token and its office in one cheap request.
    endpoint = replace(endpoint_of(settings), timeout_s=NETWORK_TIMEOUT_S)
    try:
        with CentralClient(endpoint) as client:
            client.get_changes(since=2**62, limit=1)
    except SyncProblem as problem:
        if problem.retry:
            params["problem"] = str(problem.params.get("problem") or problem.key)
            return CheckResult(
                "central", "warn", "doctor.central_unreachable", params, "doctor.fix_central"
            )
        return CheckResult("central", "problem", problem.key, dict(problem.params))
    return CheckResult("central", "ok", "doctor.central_ok", params)
