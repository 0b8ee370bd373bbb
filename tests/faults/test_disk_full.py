"""Disk full and a read-only database: a clear message, nothing half-written, the app up.

The disk fills up with SQLite's ``PRAGMA max_page_count`` held at the file's current size
(writes then fail with SQLITE_FULL); the database turns read-only with ``PRAGMA query_only``
on the store's connection (CI runs as root, so file modes would not stop a write). Both
are set on the running kiosk's own connection and lifted again ("space comes back").

At service level each writing service raises the project's StoreError and nothing of its
transaction reaches the file (read back through a second connection). On screen (Pilot)
the hand-over, the cancellation, the certificate check and the hand entry of key intake
say so plainly while the fault lasts, the app keeps running, and the same step succeeds
once the fault is gone.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input, RadioButton, Select, Static

from data.audit import append_event, verify_chain
from data.models import CaseKind, EnterpriseKind
from data.store import Store
from devices.printer import MemoryPrinter
from devices.token import (
    CKF_TOKEN_INITIALIZED,
    CKF_USER_PIN_INITIALIZED,
    CertificateObject,
    PinState,
    TokenSummary,
)
from devices.token_memory import MemoryToken, MemoryTokenReader
from kiosk.app import KioskApp
from kiosk.context import KioskContext
from kiosk.errors import KioskError, StoreError
from kiosk.rules.key_limits import KeyKind
from kiosk.services import keys as moves
from kiosk.services.agents import check_agent
from kiosk.services.cancellation import take_cancellation
from kiosk.services.cases import record_case
from kiosk.services.enterprises import expect_key, save_enterprise
from kiosk.services.handover import hand_over
from kiosk.services.intake import receive_inserted_key
from kiosk.services.receipts import send_receipt, store_receipt
from kiosk.services.unlock_help import record_unlock_help
from screens.cancellation import CancellationScreen
from screens.case import CaseScreen
from screens.cert_check import CertCheckScreen
from screens.handover import HandoverScreen
from screens.home import HomeScreen
from screens.intake import IntakeScreen
from screens.receipt_preview import ReceiptPreviewScreen
from tests.conftest import NOW, PASSWORDS
from tests.faults.record_checks import Snapshot, problems, snapshot
from tests.faults.records import USCC, enterprise_with_agent
from tests.services.test_intake_notice_handover import ID_NUMBER, reading
from tests.ui.helpers import log_in, screen_text, settle

CERTS = Path(__file__).resolve().parents[1] / "fixtures" / "certs"
SIZE = (120, 60)
FULL = "database or disk is full"
READ_ONLY = "attempt to write a readonly database"
NO_LIMIT = 1073741823
"""SQLite's default max_page_count: the space is back."""


# --- the faults ---


def fill_the_disk(context: KioskContext) -> int:
    """Hold the file at its size, then do the day's work until nothing more fits: checks
    recorded until five in a row are refused, then the smallest audit events until five in
    a row are refused (every write of the kiosk appends at least one). Returns how many
    writes still fitted."""
    store = context.store
    store.read(lambda conn: conn.execute("PRAGMA max_page_count = 1"))  # = the current size

    def a_check() -> None:
        record_case(
            store,
            outcome="ok",
            kind=CaseKind.CERT_CHECK,
            counter=context.counter,
            operator="clerk",
            now=NOW,
            calendar=context.calendar,
            details={"token_serial": "SN-FILL", "verdicts": ["uscc_ok", "valid"]},
        )

    def an_event() -> None:
        with store.transaction() as conn:
            append_event(conn, kind="test.fill", at=NOW, operator=None, payload={})

    fitted = 0
    for write in (a_check, an_event):
        refused = 0
        for _ in range(2000):
            try:
                write()
            except StoreError as error:
                assert error.key == "store.write_failed" and FULL in error.message("en")
                refused += 1
                if refused == 5:
                    break
            else:
                fitted, refused = fitted + 1, 0
        else:
            pytest.fail("the disk never filled up")
    return fitted


def space_is_back(store: Store) -> None:
    store.read(lambda conn: conn.execute(f"PRAGMA max_page_count = {NO_LIMIT}"))


def read_only(store: Store, on: bool) -> None:
    store.read(lambda conn: conn.execute(f"PRAGMA query_only = {'ON' if on else 'OFF'}"))


def in_the_file(path: Path) -> tuple[object, ...]:
    """What another process would find in the file (WAL included): counts, key states,
    the audit head, and whether the chain verifies."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        counts = tuple(
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("cases", "events", "receipts", "tracking_sequences")
        )
        keys = tuple(conn.execute("SELECT token_serial, state FROM keys ORDER BY id"))
        head = tuple(conn.execute("SELECT seq, hash FROM audit_head"))
        sequences = tuple(conn.execute("SELECT day, last_sequence FROM tracking_sequences"))
        return (*counts, keys, head, sequences, verify_chain(conn).ok)
    finally:
        conn.close()


# --- the records the steps work on ---


def enterprise(context: KioskContext) -> None:
    enterprise_with_agent(context)


def new_key(context: KioskContext, serial: str, kind: KeyKind, *moves_to: str) -> int:
    key_id = expect_key(
        context.store, uscc=USCC, token_serial=serial, kind=kind, operator="clerk", now=NOW
    ).id
    for move in moves_to:
        getattr(moves, move)(context.store, key_id, operator="clerk", now=NOW)
    return key_id


def token(serial: str) -> MemoryToken:
    return MemoryToken(
        serial=serial,
        label=f"KEY-{serial[-2:]}",
        flags=CKF_TOKEN_INITIALIZED | CKF_USER_PIN_INITIALIZED,
        certificates=[CertificateObject("sign", "01", (CERTS / "good_rsa.der").read_bytes())],
    )


def writing_services(context: KioskContext) -> dict[str, Callable[[], object]]:
    """One call of each service that writes, on records made for it."""
    enterprise(context)
    to_hand_over = new_key(context, "SN-HO", KeyKind.FIRST, "receive_key")
    to_cancel = new_key(context, "SN-CX", KeyKind.ADDITIONAL, "receive_key", "hand_over_key")
    new_key(context, "SN-IN", KeyKind.ADDITIONAL)
    store, counter, calendar = context.store, context.counter, context.calendar
    agent = check_agent(
        store,
        uscc=USCC,
        id_number=ID_NUMBER,
        id_hash_key=context.id_hash_key,
        operator="clerk",
        now=NOW,
        policy=context.lockout,
    )
    locked = TokenSummary(1, "KEY", "SN-PL", "CA", "USB", 0x40408, PinState.LOCKED)
    common = {"operator": "clerk", "counter": counter, "now": NOW, "calendar": calendar}
    case_id = record_unlock_help(store, locked, **common).id  # a case to keep receipts with
    return {
        "hand-over": lambda: hand_over(
            store, key_id=to_hand_over, agent=agent, reading=reading("SN-HO"), **common
        ),
        "cancellation": lambda: take_cancellation(
            store,
            key_id=to_cancel,
            agent=agent,
            reason="damaged",
            documents={"sealed_form", "key"},
            key_serial_read="SN-CX",
            **common,
        ),
        "intake": lambda: receive_inserted_key(
            store, reading("SN-IN"), notice_workdays=2, **common
        ),
        "unlock help": lambda: record_unlock_help(store, locked, **common),
        "receipt": lambda: store_receipt(
            store,
            case_id=case_id,
            template="handover",
            data=b"\x1b@" + "回执".encode("gb18030") * 5000 + b"\x1dV\x00",
            copies=2,
            operator="clerk",
            now=NOW,
        ),
        "enterprise": lambda: save_enterprise(
            store,
            uscc="91110105MA00K7L8DN",
            name="北京远洋机电设备有限公司",
            kind=EnterpriseKind.DOMESTIC,
            operator="admin",
            now=NOW,
        ),
    }


# --- service level ---


@pytest.mark.parametrize("fault", ["disk full", "read-only"])
def test_each_write_is_refused_with_a_store_error_and_leaves_nothing(
    context, operators, fault: str
) -> None:
    services = writing_services(context)
    path = context.settings.database.path
    if fault == "disk full":
        fill_the_disk(context)
        problem = FULL
    else:
        read_only(context.store, True)
        problem = READ_ONLY
    for name, service in services.items():
        before, on_disk = snapshot(context.store), in_the_file(path)
        with pytest.raises(StoreError) as caught:
            service()
        error = caught.value
        assert isinstance(error, KioskError)
        assert error.key == "store.write_failed", (name, error.key)
        assert error.message("zh") == context.translator.t("store.write_failed", problem=problem)
        assert snapshot(context.store) == before, name
        assert in_the_file(path) == on_disk, name
        assert not context.store.conn.in_transaction
        assert problems(context.store) == [], name
    # The space comes back (or the file is writable again): the same calls succeed.
    if fault == "disk full":
        space_is_back(context.store)
    else:
        read_only(context.store, False)
    for name, service in services.items():
        before = snapshot(context.store)
        service()
        assert snapshot(context.store) != before, name
    assert problems(context.store) == []
    assert context.store.integrity_ok()


def test_a_broken_rule_is_still_not_a_store_error(context) -> None:
    """Only failures of the file or the machine become StoreError: a trigger refusing to
    rewrite the audit trail stays the integrity error it is."""
    enterprise(context)
    with pytest.raises(sqlite3.IntegrityError), context.store.transaction() as conn:
        conn.execute("DELETE FROM events")


def test_a_print_that_cannot_be_recorded_says_it_did_print(context, operators) -> None:
    """The receipt was stored; the disk fills before the print is recorded: the printer has
    it, the error says so (never "not printed"), the receipt stays stored as pending with
    its event, and with space again a reprint is recorded."""
    locked = TokenSummary(1, "KEY", "SN-PL", "CA", "USB", 0x40408, PinState.LOCKED)
    case = record_unlock_help(
        context.store,
        locked,
        counter=context.counter,
        operator="clerk",
        now=NOW,
        calendar=context.calendar,
    )
    data = b"\x1b@" + "回执".encode("gb18030") + b"\x1dV\x00"
    receipt = store_receipt(
        context.store,
        case_id=case.id,
        template="unlock_slip",
        data=data,
        copies=1,
        operator="clerk",
        now=NOW,
    )
    fill_the_disk(context)
    before, on_disk = snapshot(context.store), in_the_file(context.settings.database.path)
    printer = MemoryPrinter()
    with pytest.raises(StoreError) as caught:
        send_receipt(context.store, printer, receipt.id, operator="clerk", now=NOW)
    assert caught.value.key == "print.not_recorded"
    assert caught.value.message("zh") == f"回执已打印，但打印结果未能保存（{FULL}）。"
    assert printer.printed == [data]
    assert snapshot(context.store) == before
    assert in_the_file(context.settings.database.path) == on_disk
    assert problems(context.store) == []
    space_is_back(context.store)
    outcome = send_receipt(context.store, printer, receipt.id, operator="clerk", now=NOW)
    assert outcome.printed and outcome.receipt.status.value == "printed"
    assert problems(context.store) == []


# --- on screen ---


async def until(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"never saw {what}; the screen says:\n{screen_text(pilot.app)}")
        await asyncio.sleep(0.01)


def text_of(app: KioskApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def assert_up(app: KioskApp) -> None:
    assert app.is_running
    assert app._exception is None, app._exception
    assert "Traceback" not in screen_text(app)
    assert "Error" not in screen_text(app)


def assert_nothing_written(context: KioskContext, before: Snapshot, on_disk: object) -> None:
    assert snapshot(context.store) == before
    assert in_the_file(context.settings.database.path) == on_disk
    assert problems(context.store) == []


async def plug(pilot: Pilot[None], reader: MemoryTokenReader, serial: str | None) -> None:
    """Put the key in (None: take every key out); wait until the app has seen it."""
    app = pilot.app
    assert isinstance(app, KioskApp)
    for present in reader.list_tokens():
        reader.remove(present.serial)
    if serial is not None:
        reader.insert(token(serial))
    app.poll_tokens_now()
    wanted = [serial] if serial else []
    await until(pilot, lambda: [t.serial for t in app.tokens] == wanted, "the key")


async def test_disk_full_during_the_hand_over_then_space_comes_back(context, operators) -> None:
    enterprise(context)
    new_key(context, "SN-HO", KeyKind.FIRST, "receive_key")
    reader, printer = MemoryTokenReader(), MemoryPrinter()
    context.token_reader, context.printer = reader, printer
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        await pilot.press("1")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HandoverScreen)
        screen.query_one("#ho-search", Input).value = "SN-HO"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen.query_one("#ho-agent-id", Input).value = ID_NUMBER
        await pilot.press("enter")
        await settle(pilot)

        fill_the_disk(context)
        before, on_disk = snapshot(context.store), in_the_file(context.settings.database.path)
        full = context.translator.t("store.write_failed", problem=FULL)
        await plug(pilot, reader, "SN-HO")
        await until(pilot, lambda: text_of(app, "#ho-step") == full, "the message")
        assert app.screen is screen
        assert_up(app)
        assert_nothing_written(context, before, on_disk)
        assert moves.find_key_by_serial(context.store, "SN-HO").state.value == "received"

        # Space again: the agent puts the key in again and the hand-over goes through.
        space_is_back(context.store)
        await plug(pilot, reader, None)
        await plug(pilot, reader, "SN-HO")
        await until(pilot, lambda: isinstance(app.screen, ReceiptPreviewScreen), "the receipt")
        await pilot.press("f5")
        await until(pilot, lambda: bool(printer.printed), "the print")
        assert_up(app)
    assert moves.find_key_by_serial(context.store, "SN-HO").state.value == "handed_over"
    (receipt,) = context.store.query("SELECT status FROM receipts")
    assert receipt["status"] == "printed"
    assert problems(context.store) == []


async def test_disk_full_when_the_cancellation_is_taken_then_space_comes_back(
    context, operators
) -> None:
    enterprise(context)
    new_key(context, "SN-CX", KeyKind.FIRST, "receive_key", "hand_over_key")
    reader = MemoryTokenReader()
    context.token_reader, context.printer = reader, MemoryPrinter()
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        screen = CancellationScreen()
        app.push_screen(screen)
        await settle(pilot)
        screen.query_one("#cx-search", Input).value = "SN-CX"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen.query_one("#cx-agent-id", Input).value = ID_NUMBER
        await pilot.press("enter")
        await settle(pilot)
        screen.query_one("#cx-reason-damaged", RadioButton).value = True
        screen.query_one("#cx-doc-sealed_form", Checkbox).value = True
        screen.query_one("#cx-doc-key", Checkbox).value = True
        await plug(pilot, reader, "SN-CX")
        read_ok = context.translator.t("cx.key_read", serial="SN-CX")
        await until(pilot, lambda: text_of(app, "#cx-step") == read_ok, "the read")

        fill_the_disk(context)
        before, on_disk = snapshot(context.store), in_the_file(context.settings.database.path)
        await pilot.press("f5")
        full = context.translator.t("store.write_failed", problem=FULL)
        await until(pilot, lambda: text_of(app, "#cx-step") == full, "the message")
        assert app.screen is screen
        assert_up(app)
        assert_nothing_written(context, before, on_disk)

        space_is_back(context.store)
        await pilot.press("f5")  # the same step, the key still in
        await until(pilot, lambda: isinstance(app.screen, ReceiptPreviewScreen), "the receipt")
        assert_up(app)
    assert moves.find_key_by_serial(context.store, "SN-CX").state.value == "cancel_requested"
    assert context.store.query_one("SELECT count(*) FROM cases WHERE kind = 'cancellation'")[0] == 1
    assert problems(context.store) == []


async def test_a_read_only_database_during_the_check_and_the_intake_entry(
    context, operators
) -> None:
    enterprise(context)
    reader = MemoryTokenReader()
    context.token_reader = reader
    app = KioskApp(context)
    path = context.settings.database.path
    async with app.run_test(size=(140, 60)) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])

        # The certificate check cannot record its case: it says so; R records it later.
        await pilot.press("5")
        await settle(pilot)
        assert isinstance(app.screen, CertCheckScreen)
        read_only(context.store, True)
        before, on_disk = snapshot(context.store), in_the_file(path)
        await plug(pilot, reader, "SN-CK")
        not_recorded = context.translator.t("check.not_recorded")
        await until(pilot, lambda: text_of(app, "#check-note") == not_recorded, "the message")
        assert_up(app)
        assert_nothing_written(context, before, on_disk)
        read_only(context.store, False)
        await pilot.press("r")
        done = context.translator.t("check.done")
        await until(pilot, lambda: text_of(app, "#check-note") == done, "the check")
        assert context.store.query_one("SELECT count(*) FROM cases")[0] == before.cases + 1
        await plug(pilot, reader, None)
        await pilot.press("escape")
        await settle(pilot)

        # Key intake's hand entry of an expected key: refused plainly, then recorded.
        screen = IntakeScreen()
        app.push_screen(screen)
        await settle(pilot)
        screen.query_one("#in-uscc", Input).value = USCC
        screen.query_one("#in-serial", Input).value = "SN-NEW"
        screen.query_one("#in-kind", Select).value = KeyKind.FIRST.value
        await settle(pilot)
        read_only(context.store, True)
        before, on_disk = snapshot(context.store), in_the_file(path)
        screen.query_one("#in-expect", Button).press()
        refused = context.translator.t("store.write_failed", problem=READ_ONLY)
        await until(pilot, lambda: text_of(app, "#in-expect-note") == refused, "the message")
        assert app.screen is screen
        assert_up(app)
        assert_nothing_written(context, before, on_disk)
        read_only(context.store, False)
        screen.query_one("#in-expect", Button).press()
        await until(pilot, lambda: "SN-NEW" in text_of(app, "#in-expect-note"), "the entry")
        assert text_of(app, "#in-expect-note").startswith("已登记待接收钥匙 SN-NEW")
        assert_up(app)
    assert moves.find_key_by_serial(context.store, "SN-NEW").state.value == "expected"
    assert problems(context.store) == []


async def test_disk_full_when_the_receipt_is_stored_then_space_comes_back(
    context, operators
) -> None:
    """The check is recorded, then the disk is full when its receipt is to be stored: the
    preview says it was neither stored nor printed, in the clerk's language; with space
    again, F5 stores and prints it. A copy printed while the disk is full says it printed
    but could not be recorded."""
    reader, printer = MemoryTokenReader(), MemoryPrinter()
    context.token_reader, context.printer = reader, printer
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        await pilot.press("5")
        await settle(pilot)
        await plug(pilot, reader, "SN-CK")
        done = context.translator.t("check.done")
        await until(pilot, lambda: text_of(app, "#check-note") == done, "the check")

        fill_the_disk(context)
        before, on_disk = snapshot(context.store), in_the_file(context.settings.database.path)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptPreviewScreen)
        await pilot.press("f5")
        t = context.translator.t
        not_stored = t("preview.not_stored", problem=t("store.write_failed", problem=FULL))
        await until(pilot, lambda: text_of(app, "#preview-status") == not_stored, "the message")
        assert_up(app)
        assert_nothing_written(context, before, on_disk)
        assert printer.printed is None

        space_is_back(context.store)
        await pilot.press("f5")
        printed = t("preview.printed")
        await until(pilot, lambda: text_of(app, "#preview-status") == printed, "the print")
        assert_up(app)

        # Another copy (F6) while the disk is full again: it prints, and says that only
        # the record of it is missing.
        fill_the_disk(context)
        before, on_disk = snapshot(context.store), in_the_file(context.settings.database.path)
        await pilot.press("f6")
        not_recorded = t("print.not_recorded", problem=FULL)
        await until(pilot, lambda: text_of(app, "#preview-status") == not_recorded, "it")
        assert printer.printed is not None and len(printer.printed) == 2
        assert_up(app)
        assert_nothing_written(context, before, on_disk)
        space_is_back(context.store)
        await pilot.press("f6")
        await until(pilot, lambda: text_of(app, "#preview-status") == printed, "the copy")
    (receipt,) = context.store.query("SELECT status, escpos FROM receipts")
    assert receipt["status"] == "printed" and printer.printed == [receipt["escpos"]] * 3
    assert problems(context.store) == []


async def test_disk_full_when_a_receipt_is_reprinted_from_its_case(context, operators) -> None:
    """R on the case screen while the disk is full: the receipt prints, and the screen says
    in words that only the record of it is missing; with space again, R records it."""
    reader, printer = MemoryTokenReader(), MemoryPrinter()
    context.token_reader, context.printer = reader, printer
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        await pilot.press("5")
        await settle(pilot)
        await plug(pilot, reader, "SN-CK")
        done = context.translator.t("check.done")
        await until(pilot, lambda: text_of(app, "#check-note") == done, "the check")
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("f5")
        t = context.translator.t
        printed = t("preview.printed")
        await until(pilot, lambda: text_of(app, "#preview-status") == printed, "the print")
        code = context.store.query_one("SELECT tracking_code FROM cases")[0]
        while not isinstance(app.screen, HomeScreen):
            await pilot.press("escape")
            await settle(pilot)
        await pilot.press(*code, "enter")  # the scanner types the code
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen), screen_text(app)

        fill_the_disk(context)
        before, on_disk = snapshot(context.store), in_the_file(context.settings.database.path)
        await pilot.press("r")
        not_recorded = t("print.not_recorded", problem=FULL)
        await until(pilot, lambda: text_of(app, "#case-message") == not_recorded, "it")
        assert_up(app)
        assert_nothing_written(context, before, on_disk)
        space_is_back(context.store)
        await pilot.press("r")
        again = t("case.reprinted")
        await until(pilot, lambda: text_of(app, "#case-message") == again, "the reprint")
    assert printer.printed is not None and len(printer.printed) == 3
    assert problems(context.store) == []
