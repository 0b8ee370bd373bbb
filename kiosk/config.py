"""The kiosk's configuration: a TOML file validated by pydantic.

A bad file becomes one ``ConfigError`` whose message names each field and its problem.
Relative paths in the file are taken relative to the file's own folder.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from data.offices import Office, all_offices, find_office
from devices.printer_spec import PrinterSpec, parse_printer_spec
from kiosk.errors import KioskError

CENTRAL_TOKEN_ENV = "KIOSK_CENTRAL_TOKEN"


class ConfigError(KioskError):
    """The configuration file is missing, unreadable or invalid."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CounterSettings(_Section):
    """Who and where this counter is, and how its screen behaves."""

    office: str = Field(description="Code (e.g. BJ) or Chinese name of the accepting institution")
    counter_id: Annotated[int, Field(ge=1, le=99)] = 1
    """Number of this counter within the office (1-99); part of every tracking code."""
    language: Literal["zh", "en"] = "zh"
    idle_lock_minutes: Annotated[float, Field(gt=0, le=240)] = 5
    """Minutes without a key press or click before the screen locks."""
    allow_quit: bool = False
    """True for a desktop install where anyone may quit (Ctrl+Q); otherwise quitting needs a
    logged-in supervisor or admin, so the counter cannot be left without its kiosk."""

    @field_validator("office")
    @classmethod
    def _known_office(cls, value: str) -> str:
        office = find_office(value)
        if office is None:
            codes = ", ".join(o.code for o in all_offices())
            raise ValueError(f"not one of the 37 accepting institutions (codes: {codes})")
        return office.code


class DatabaseSettings(_Section):
    """The local SQLite file and the key that hashes ID numbers."""

    path: Path = Path("kiosk.db")
    id_hash_key_file: Path = Path("id-hash.key")
    """32 random bytes shared by the province's counters; made by ``kiosk init`` if missing."""
    busy_timeout_ms: Annotated[int, Field(ge=100, le=60_000)] = 5000


class TokenSettings(_Section):
    """The PKCS#11 module of the key provider's tokens."""

    module: Path | None = None
    """Path of the vendor's PKCS#11 library (.so); unset means no token reader."""
    module_env: dict[str, str] = Field(default_factory=dict)
    """Extra environment for the module's process (e.g. SOFTHSM2_CONF)."""
    reports_pin_flags: bool = False
    """Set true only for a module known to set the PIN-count flags; otherwise a key with
    none set shows "does not report its PIN tries" instead of a false "ok"."""
    call_timeout_s: Annotated[float, Field(gt=0, le=60)] = 5
    """Longest a list or read may take before the module's process is restarted."""
    poll_interval_s: Annotated[float, Field(ge=0.1, le=10)] = 0.5
    """How often the slots are polled for keys put in or taken out."""
    rescan_every: Annotated[int, Field(ge=1, le=100)] = 1
    """Re-initialise the module every n-th poll, so it sees newly inserted keys."""


class DemoSettings(_Section):
    """Only for `kiosk demo`: the tray of demo keys that can be plugged in and out."""

    softhsm_lab: Path | None = None
    """Folder of the demo's own SoftHSM tokens."""
    memory_keys: Path | None = None
    """JSON list of in-memory demo keys (for PIN states SoftHSM cannot show)."""


class PrinterSettings(_Section):
    """The receipt printer."""

    connection: PrinterSpec = Field(default_factory=lambda: PrinterSpec(kind="none"))
    paper_width_mm: Literal[58, 80] = 80
    native_qr: bool = True
    """False for a printer without the GS ( k QR command: the QR is then sent as an image."""
    timeout_s: Annotated[float, Field(gt=0, le=60)] = 5
    """Longest a connect, a write or a status answer may take."""
    status_every_s: Annotated[float, Field(ge=2, le=600)] = 15
    """How often the status bar asks the printer how it is."""
    query_status: bool = True
    """Ask a network, USB or serial printer's status before and after each print (a printer
    that takes bytes but never answers is then caught). Set false for a printer that does
    not answer status questions at all: it then prints without them."""

    @field_validator("connection", mode="before")
    @classmethod
    def _parse_connection(cls, value: object) -> object:
        if isinstance(value, PrinterSpec):
            return value
        if not isinstance(value, str):
            raise ValueError(
                'must be text such as "none", "usb:04b8:0202" or "network:192.168.1.50:9100"'
            )
        return parse_printer_spec(value)


class CentralSettings(_Section):
    """The central API this counter syncs with."""

    url: str = ""
    """Base URL, e.g. https://kiosk-hub.example.gov.cn; empty means not configured."""
    token: str = ""
    """Bearer token of this counter; the environment variable KIOSK_CENTRAL_TOKEN overrides it."""
    tracking_url: str = "https://www.licence.org.cn/track/"
    """Prefix of the tracking URL encoded in receipt QR codes."""
    ca_file: Path | None = None
    """A CA bundle to trust for the centre's certificate instead of the system's."""
    batch_size: Annotated[int, Field(ge=1, le=1000)] = 200
    """Events per push request (the centre takes at most 1000)."""
    pull_limit: Annotated[int, Field(ge=1, le=1000)] = 500
    """Changes per pull request."""
    timeout_s: Annotated[float, Field(gt=0, le=300)] = 10.0
    """The longest one request may take."""
    interval_s: Annotated[float, Field(ge=1, le=86400)] = 30.0
    """How often the kiosk syncs while all is well."""
    backoff_base_s: Annotated[float, Field(gt=0, le=3600)] = 2.0
    """The first wait after a failed sync; it doubles each time, with jitter."""
    backoff_cap_s: Annotated[float, Field(gt=0, le=86400)] = 300.0
    """The longest wait between tries."""
    retries: Annotated[int, Field(ge=0, le=20)] = 3
    """How many times ``kiosk sync --once`` tries again before giving up."""

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        if value.startswith("http://") and not _is_loopback(value):
            # The bearer token must not cross a network in the clear.
            raise ValueError("must be https:// (plain http:// only for 127.0.0.1 or localhost)")
        return value


def _is_loopback(url: str) -> bool:
    """True when the URL's host is this machine (127.0.0.0/8, ::1 or localhost)."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class RuleSettings(_Section):
    """Deadlines of the process that the office may set."""

    notice_deadline_workdays: Annotated[int, Field(ge=1, le=10)] = 2
    cancellation_ship_workdays: Annotated[int, Field(ge=1, le=10)] = 2
    expiry_warning_days: Annotated[int, Field(ge=1, le=365)] = 30
    holidays_file: Path | None = None
    """TOML table of days off and make-up workdays for years chinese-calendar does not know."""


class SecuritySettings(_Section):
    """Operator login protection."""

    lockout_failures: Annotated[int, Field(ge=3, le=10)] = 5
    lockout_minutes: Annotated[int, Field(ge=1, le=120)] = 5


class Settings(_Section):
    """The whole configuration file."""

    counter: CounterSettings
    database: DatabaseSettings = DatabaseSettings()
    token: TokenSettings = TokenSettings()
    printer: PrinterSettings = PrinterSettings()
    central: CentralSettings = CentralSettings()
    rules: RuleSettings = RuleSettings()
    security: SecuritySettings = SecuritySettings()
    demo: DemoSettings = DemoSettings()

    @property
    def office(self) -> Office:
        """The accepting institution this counter belongs to."""
        office = find_office(self.counter.office)
        assert office is not None  # validated on load
        return office


def write_private_text(path: Path, text: str) -> None:
    """Write a new configuration file with mode 0600 (it may hold the centre's token).

    Raises FileExistsError when the file is there already: init never overwrites one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, 0o600)


def load_settings(path: Path) -> Settings:
    """Read and validate the configuration file at ``path``.

    Raises:
        ConfigError: naming the file, and each bad field with its problem.
    """
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise ConfigError("config.not_found", path=str(path)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError("config.unreadable", path=str(path), problem=str(error)) from None
    try:
        raw = tomllib.loads(text)
    except ValueError as error:  # TOMLDecodeError, or an integer past Python's digit limit
        raise ConfigError("config.bad_toml", path=str(path), problem=str(error)) from None
    except RecursionError:  # tomllib recurses once per level of nested arrays and tables
        raise ConfigError("config.bad_toml", path=str(path), problem="nested too deeply") from None
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as error:
        raise ConfigError(
            "config.invalid", path=str(path), problems=describe_problems(error)
        ) from None
    return _resolve_paths(settings, path.parent.resolve())


def describe_problems(error: ValidationError) -> str:
    """One line per bad field: ``section.field: problem``."""
    lines = []
    for problem in error.errors():
        field = ".".join(str(part) for part in problem["loc"]) or "(file)"
        message = problem["msg"].removeprefix("Value error, ")
        if problem["type"] == "extra_forbidden":
            message = "unknown setting (check the spelling)"
        elif problem["type"] == "missing":
            message = "required, but missing"
        lines.append(f"  {field}: {message}")
    return "\n".join(lines)


def _resolve_paths(settings: Settings, base: Path) -> Settings:
    def resolve(path: Path) -> Path:
        return path if path.is_absolute() else base / path

    database = settings.database.model_copy(
        update={
            "path": resolve(settings.database.path),
            "id_hash_key_file": resolve(settings.database.id_hash_key_file),
        }
    )
    rules = settings.rules
    if rules.holidays_file is not None:
        rules = rules.model_copy(update={"holidays_file": resolve(rules.holidays_file)})
    central = settings.central
    env_token = os.environ.get(CENTRAL_TOKEN_ENV)
    if env_token:
        central = central.model_copy(update={"token": env_token})
    if central.ca_file is not None:
        central = central.model_copy(update={"ca_file": resolve(central.ca_file)})
    token = settings.token
    if token.module is not None and not token.module.is_absolute():
        token = token.model_copy(update={"module": resolve(token.module)})
    demo = settings.demo.model_copy(
        update={
            name: resolve(value)
            for name in ("softhsm_lab", "memory_keys")
            if (value := getattr(settings.demo, name)) is not None
        }
    )
    printer = settings.printer
    if printer.connection.kind == "file":
        path = resolve(Path(printer.connection.path))
        connection = printer.connection.model_copy(update={"path": str(path)})
        printer = printer.model_copy(update={"connection": connection})
    return settings.model_copy(
        update={
            "database": database,
            "rules": rules,
            "central": central,
            "token": token,
            "printer": printer,
            "demo": demo,
        }
    )


EXAMPLE_CONFIG = """\
# Counter kiosk configuration. Relative paths are relative to this file's folder.
[counter]
office = "{office}"          # code (e.g. BJ) or Chinese name of one of the 37 institutions
counter_id = {counter_id}             # 1-99, part of every tracking code
language = "zh"            # zh or en
idle_lock_minutes = 5

[database]
path = "kiosk.db"
id_hash_key_file = "id-hash.key"

[token]
# module = "/usr/lib/softhsm/libsofthsm2.so"

[printer]
connection = "none"  # none | file:PATH | usb:VID:PID | serial:DEV[:BAUD] | network:HOST[:PORT]
paper_width_mm = 80

[central]
url = ""                   # e.g. https://hub.example.gov.cn
# token: set KIOSK_CENTRAL_TOKEN in the environment rather than here
# ca_file = "hub-ca.pem"   # trust this CA for the hub's certificate (a private PKI)
# batch_size = 200         # events per request; interval_s = 30; timeout_s = 10

[rules]
notice_deadline_workdays = 2
"""
