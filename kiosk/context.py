"""Everything a running kiosk needs, built in one place for the entry point and the tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from data.i18n import Translator
from data.store import Store, open_store
from devices.demo_tray import DemoTray
from devices.printer import NoPrinter, ReceiptPrinter, printer_for
from devices.token import TokenReader
from kiosk.clock import Clock, china_now
from kiosk.config import Settings
from kiosk.hash_key import load_hash_key
from kiosk.rules.workdays import WorkCalendar, load_local_calendar
from kiosk.services.cases import Counter
from kiosk.services.operators import LockoutPolicy
from kiosk.token_setup import build_token_reader


@dataclass
class KioskContext:
    """The settings, the open store and the helpers that services are handed."""

    settings: Settings
    store: Store
    id_hash_key: bytes
    calendar: WorkCalendar
    clock: Clock = china_now
    translator: Translator = field(default_factory=Translator)
    token_reader: TokenReader | None = None
    demo_tray: DemoTray | None = None
    printer: ReceiptPrinter = field(default_factory=NoPrinter)

    @property
    def counter(self) -> Counter:
        """This counter's office code and number (for tracking codes)."""
        return Counter(self.settings.counter.office, self.settings.counter.counter_id)

    @property
    def lockout(self) -> LockoutPolicy:
        """The login lockout policy from the settings."""
        security = self.settings.security
        return LockoutPolicy(failures=security.lockout_failures, minutes=security.lockout_minutes)

    def close(self) -> None:
        """Close the token reader and the store."""
        if self.token_reader is not None:
            self.token_reader.close()
        self.store.close()


def build_context(settings: Settings, clock: Clock = china_now) -> KioskContext:
    """Open the store (migrating it), load the hash key and the working-day calendar."""
    id_hash_key = load_hash_key(settings.database.id_hash_key_file)
    calendar = WorkCalendar(load_local_calendar(settings.rules.holidays_file))
    token_reader, demo_tray = build_token_reader(settings)
    try:
        store = open_store(settings.database.path, settings.database.busy_timeout_ms)
    except BaseException:
        if token_reader is not None:
            token_reader.close()
        raise
    return KioskContext(
        settings=settings,
        store=store,
        id_hash_key=id_hash_key,
        calendar=calendar,
        clock=clock,
        translator=Translator(settings.counter.language),
        token_reader=token_reader,
        demo_tray=demo_tray,
        printer=printer_for(
            settings.printer.connection, settings.printer.timeout_s, settings.printer.query_status
        ),
    )
