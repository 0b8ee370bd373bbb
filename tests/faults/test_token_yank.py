"""Token yanked: the key disappears during each step that reads it, 100 times in all.

Every read step of the app is driven with Textual's Pilot: the certificate check, the
hand-over's check of the inserted key, the cancellation's key read, key intake and PIN-unlock
help. Most rounds use an in-memory reader that loses the key at a chosen moment (before the
read, in the middle of it, or for an instant while the agent pushes it back in); the last
test yanks real SoftHSM2 tokens (their folder moved out of the token directory) between the
listing and the read, in each step of one key's life.

After every yank: the catalog's message for it is on screen, no traceback or exception text
anywhere, the app still runs and answers a key press, and the store holds exactly what it
held before the step (nothing half-recorded), every case with its events, every key in the
state its latest event says. After the yanks each step still completes with the key in.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, RadioButton, Static

from devices.pkcs11_reader import Pkcs11Reader
from devices.printer import MemoryPrinter
from devices.softhsm_lab import SOFTHSM_MODULE, SoftHsmLab
from devices.token import (
    CKF_TOKEN_INITIALIZED,
    CKF_USER_PIN_INITIALIZED,
    CKF_USER_PIN_LOCKED,
    CertificateObject,
    TokenError,
    TokenReading,
    TokenSummary,
)
from devices.token_memory import MemoryToken, MemoryTokenReader
from kiosk.app import KioskApp
from kiosk.context import KioskContext
from kiosk.demo_certs import make_certificate, validity
from kiosk.rules.key_limits import KeyKind
from kiosk.services import keys as moves
from kiosk.services.enterprises import expect_key
from screens.cancellation import CancellationScreen
from screens.cert_check import CertCheckScreen
from screens.handover import HandoverScreen
from screens.intake import IntakeScreen
from screens.receipt_preview import ReceiptPreviewScreen
from screens.unlock_help import UnlockHelpScreen
from tests.conftest import NOW, PASSWORDS
from tests.faults.record_checks import Snapshot, problems, snapshot
from tests.faults.records import USCC, enterprise_with_agent
from tests.services.test_intake_notice_handover import ID_NUMBER
from tests.ui.helpers import log_in, screen_text, settle

CERTS = Path(__file__).resolve().parents[1] / "fixtures" / "certs"
SIZE = (120, 60)
OK_FLAGS = CKF_TOKEN_INITIALIZED | CKF_USER_PIN_INITIALIZED

CERT_CHECK_YANKS = 24
HANDOVER_YANKS = 18
CANCELLATION_YANKS = 18
INTAKE_YANKS = 18
UNLOCK_HELP_YANKS = 6
SOFTHSM_YANKS = {"intake": 4, "handover": 4, "cancellation": 4, "cert_check": 4}
TOTAL_YANKS = (
    CERT_CHECK_YANKS
    + HANDOVER_YANKS
    + CANCELLATION_YANKS
    + INTAKE_YANKS
    + UNLOCK_HELP_YANKS
    + sum(SOFTHSM_YANKS.values())
)
assert TOTAL_YANKS == 100

MODES = ("before", "during", "reseat")
"""When the key goes: between the listing and the read; half way through the read; or for
an instant in the read while the agent pushes it straight back in (the watcher never sees
it gone)."""

TRACE_MARKS = (
    "Traceback",
    'File "',
    "Exception",
    "Error:",
    "TokenError",
    "DeviceRemoved",
    "no token with serial",
    "removed:",
)
"""Text that would mean an exception leaked onto the screen."""


class YankingReader(MemoryTokenReader):
    """The in-memory reader, with a yank armed for the next read."""

    def __init__(self, reports_pin_flags: bool = True) -> None:
        super().__init__(reports_pin_flags)
        self.armed: str | None = None
        self.yanks = 0
        self.reads = 0
        self.list_fails = 0

    def arm(self, mode: str) -> None:
        """Make the next read lose the key (``mode``: one of MODES)."""
        self.armed = mode

    def read_token(self, serial: str) -> TokenReading:
        self.reads += 1
        mode, self.armed = self.armed, None
        if mode is not None:
            self.yanks += 1
        if mode == "before":
            self.remove(serial)
        elif mode == "during":
            self.remove_during_next_read = True
        elif mode == "reseat":
            raise TokenError("removed", "DeviceRemoved")
        return super().read_token(serial)

    def list_tokens(self) -> list[TokenSummary]:
        if self.list_fails:
            self.list_fails -= 1
            raise TokenError("removed", "TokenNotPresent")
        return super().list_tokens()


def key(serial: str, flags: int = OK_FLAGS) -> MemoryToken:
    value = (CERTS / "good_rsa.der").read_bytes()
    return MemoryToken(
        serial=serial,
        label=f"KEY-{serial[-2:]}",
        flags=flags,
        certificates=[CertificateObject("sign", "01", value)],
    )


# --- the store's records for each step ---


def enterprise(context: KioskContext) -> None:
    enterprise_with_agent(context)


def expected_key(context: KioskContext, serial: str, kind: KeyKind = KeyKind.FIRST) -> int:
    return expect_key(
        context.store, uscc=USCC, token_serial=serial, kind=kind, operator="clerk", now=NOW
    ).id


def key_state(context: KioskContext, serial: str) -> str:
    row = context.store.query_one("SELECT state FROM keys WHERE token_serial = ?", (serial,))
    assert row is not None
    return str(row[0])


def cases_of(context: KioskContext, kind: str) -> int:
    row = context.store.query_one("SELECT count(*) FROM cases WHERE kind = ?", (kind,))
    return int(row[0]) if row else 0


# --- driving the app ---


def t(app: KioskApp, key_: str, **params: object) -> str:
    return app.context.translator.t(key_, **params)


async def until(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    """Let the app work until ``condition`` holds (at most 10 s)."""
    deadline = time.monotonic() + 10
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"never saw {what}; the screen says:\n{screen_text(pilot.app)}")
        await asyncio.sleep(0.005)  # the app runs on this loop: it works while we wait


async def seen(pilot: Pilot[None], reader: MemoryTokenReader | Pkcs11Reader) -> None:
    """Ask the watcher to look now, and wait until the app knows what the reader holds."""
    app = pilot.app
    assert isinstance(app, KioskApp)
    app.poll_tokens_now()
    if isinstance(reader, MemoryTokenReader):  # what is in, without a failure armed for it
        present = {token.serial for token in MemoryTokenReader.list_tokens(reader)}
    else:
        present = {token.serial for token in reader.list_tokens()}
    await until(
        pilot,
        lambda: {token.serial for token in app.tokens} == present,
        f"the keys {present} (the app has {app.tokens})",
    )


def text_of(app: KioskApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def shown_on(widget: Static) -> list[str]:
    """Every text the widget is given from now on (a message may be replaced at once)."""
    texts: list[str] = []
    update = widget.update

    def spy(content: object = "", *args: object, **kwargs: object) -> None:
        texts.append(str(content))
        update(content, *args, **kwargs)  # type: ignore[arg-type]

    widget.update = spy  # type: ignore[method-assign]
    return texts


def assert_no_trace(app: KioskApp) -> None:
    """No exception reached the app, the screen or a notification; the app runs."""
    assert app.is_running
    assert app._exception is None, app._exception
    shown = screen_text(app) + "\n".join(str(n.message) for n in app._notifications)
    leaked = [mark for mark in TRACE_MARKS if mark in shown]
    assert not leaked, f"{leaked} on screen:\n{shown}"


def assert_unchanged(context: KioskContext, before: Snapshot) -> None:
    assert snapshot(context.store) == before
    assert problems(context.store) == []


async def answers_a_key(pilot: Pilot[None], box: str) -> None:
    """The app still takes key presses: a digit typed lands in the text box ``box``."""
    field = pilot.app.screen.query_one(box, Input)
    field.value = ""
    field.focus()
    await pilot.press("7")
    assert field.value == "7"
    field.value = ""


async def put_in(pilot: Pilot[None], reader: YankingReader, token: MemoryToken, mode: str) -> None:
    """Insert the key with a yank armed for its read, and wait until that read happened."""
    app = pilot.app
    assert isinstance(app, KioskApp)
    reads = reader.reads
    if mode:
        reader.arm(mode)
    reader.insert(token)
    app.poll_tokens_now()
    await until(pilot, lambda: reader.reads > reads, "the read")


# --- the certificate check ---


async def test_the_key_yanked_during_the_certificate_check(context, operators) -> None:
    reader = YankingReader()
    context.token_reader = reader
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        await pilot.press("5")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CertCheckScreen)
        notes = shown_on(screen.query_one("#check-note", Static))
        removed = t(app, "token.error_removed")
        checked = t(app, "check.done")
        for round_no in range(CERT_CHECK_YANKS):
            mode = MODES[round_no % len(MODES)]
            if round_no % 2 == 0:  # the key goes in and is read at once
                before = snapshot(context.store)
                notes.clear()
                await put_in(pilot, reader, key("SN-CK"), mode)
            else:  # the key is in and checked; R reads it again (a key press still works)
                reader.insert(key("SN-CK"))
                app.poll_tokens_now()
                await until(pilot, lambda: text_of(app, "#check-note") == checked, "the check")
                before = snapshot(context.store)
                notes.clear()
                yanks = reader.yanks
                reader.arm(mode)
                await pilot.press("r")
                await until(pilot, lambda yanks=yanks: reader.yanks > yanks, "the read")
            await until(pilot, lambda: removed in notes, "the message")
            assert_no_trace(app)
            if mode == "reseat":
                # The key is back in at once: the screen reads it again by itself.
                await until(pilot, lambda: text_of(app, "#check-note") == checked, "a re-read")
                assert cases_of(context, "cert_check") == before.cases + 1
                reader.remove("SN-CK")
                await seen(pilot, reader)
            else:
                assert text_of(app, "#check-note") == removed
                assert_unchanged(context, before)
                await seen(pilot, reader)
                assert app.tokens == []
                assert text_of(app, "#check-note") == removed
            assert app.screen is screen
            assert_no_trace(app)
            assert problems(context.store) == []
        assert reader.yanks == CERT_CHECK_YANKS
        assert reader.login_attempts == 0


# --- the hand-over ---


async def start_handover(pilot: Pilot[None], serial: str) -> HandoverScreen:
    """Open the hand-over, find the key by its serial and check the agent's ID number."""
    app = pilot.app
    await pilot.press("1")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, HandoverScreen)
    screen.query_one("#ho-search", Input).value = serial
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    screen.query_one("#ho-agent-id", Input).value = ID_NUMBER
    await pilot.press("enter")
    await settle(pilot)
    assert serial in text_of(app, "#ho-step")
    return screen


async def test_the_key_yanked_during_the_hand_over(context, operators) -> None:
    enterprise(context)
    moves.receive_key(context.store, expected_key(context, "SN-HO"), operator="clerk", now=NOW)
    reader = YankingReader()
    context.token_reader, context.printer = reader, MemoryPrinter()
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        screen = await start_handover(pilot, "SN-HO")
        steps = shown_on(screen.query_one("#ho-step", Static))
        removed = t(app, "token.error_removed")
        for round_no in range(HANDOVER_YANKS - 1):
            before = snapshot(context.store)
            await put_in(pilot, reader, key("SN-HO"), MODES[round_no % 2])  # before, during
            await until(pilot, lambda: text_of(app, "#ho-step") == removed, "the message")
            assert app.screen is screen
            assert_no_trace(app)
            assert_unchanged(context, before)
            await seen(pilot, reader)
            assert app.tokens == []
            await answers_a_key(pilot, "#ho-search")
        # Last, the key slips out and the agent pushes it straight back in: the message,
        # then the hand-over is recorded by itself and its receipt previewed.
        steps.clear()
        await put_in(pilot, reader, key("SN-HO"), "reseat")
        await until(pilot, lambda: isinstance(app.screen, ReceiptPreviewScreen), "the receipt")
        assert removed in steps
        assert_no_trace(app)
    assert reader.yanks == HANDOVER_YANKS
    assert key_state(context, "SN-HO") == "handed_over"
    assert cases_of(context, "handover") == 1
    assert problems(context.store) == []


# --- the cancellation ---


async def test_the_key_yanked_during_the_cancellation_read(context, operators) -> None:
    enterprise(context)
    key_id = expected_key(context, "SN-CX")
    moves.receive_key(context.store, key_id, operator="clerk", now=NOW)
    moves.hand_over_key(context.store, key_id, operator="clerk", now=NOW)
    reader = YankingReader()
    context.token_reader, context.printer = reader, MemoryPrinter()
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        screen = await start_cancellation(pilot, "SN-CX")
        steps = shown_on(screen.query_one("#cx-step", Static))
        removed = t(app, "token.error_removed")
        pulled = t(app, "cx.key_pulled", serial="SN-CX")
        read_ok = t(app, "cx.key_read", serial="SN-CX")
        refusals = (t(app, "cx.key_not_in", serial="SN-CX"), t(app, "cancellation.key_not_read"))
        for round_no in range(CANCELLATION_YANKS):
            before = snapshot(context.store)
            steps.clear()
            if round_no % 4 == 3:
                # Read fine, then pulled out before F5: the screen says so.
                await put_in(pilot, reader, key("SN-CX"), "")
                await until(pilot, lambda: text_of(app, "#cx-step") == read_ok, "the read")
                reader.remove("SN-CX")
                reader.yanks += 1
                await seen(pilot, reader)
                await until(pilot, lambda: text_of(app, "#cx-step") == pulled, "the message")
            else:
                mode = MODES[round_no % 4]
                await put_in(pilot, reader, key("SN-CX"), mode)
                await until(pilot, lambda: removed in steps, "the message")
                if mode == "reseat":  # back in at once: read again by itself, then taken out
                    await until(pilot, lambda: text_of(app, "#cx-step") == read_ok, "a re-read")
                    reader.remove("SN-CX")
                    await seen(pilot, reader)
                    await until(pilot, lambda: text_of(app, "#cx-step") == pulled, "pulled")
                else:
                    assert text_of(app, "#cx-step") == removed
                    await seen(pilot, reader)
            assert app.tokens == []
            assert_no_trace(app)
            # The app still takes a key: F5 now must not take the cancellation (no key
            # was read, or it is out) and says so.
            await pilot.press("f5")
            await until(pilot, lambda: text_of(app, "#cx-step") in refusals, "the refusal")
            assert app.screen is screen
            assert_no_trace(app)
            assert_unchanged(context, before)
        reader.insert(key("SN-CX"))
        app.poll_tokens_now()
        await until(pilot, lambda: text_of(app, "#cx-step") == read_ok, "the read")
        await pilot.press("f5")
        await until(pilot, lambda: isinstance(app.screen, ReceiptPreviewScreen), "the receipt")
        assert_no_trace(app)
    assert reader.yanks == CANCELLATION_YANKS
    assert key_state(context, "SN-CX") == "cancel_requested"
    assert cases_of(context, "cancellation") == 1
    assert problems(context.store) == []


async def start_cancellation(pilot: Pilot[None], serial: str) -> CancellationScreen:
    """Open the cancellation, find the key, check the agent; reason damaged, form and key."""
    screen = CancellationScreen()
    pilot.app.push_screen(screen)
    await settle(pilot)
    screen.query_one("#cx-search", Input).value = serial
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
    return screen


# --- key intake ---


async def test_the_key_yanked_during_intake(context, operators) -> None:
    enterprise(context)
    expected_key(context, "SN-IN")
    reader = YankingReader()
    context.token_reader = reader
    app = KioskApp(context)
    async with app.run_test(size=(140, 60)) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        screen = IntakeScreen()
        app.push_screen(screen)
        await settle(pilot)
        steps = shown_on(screen.query_one("#in-step", Static))
        failed = t(app, "in.read_failed", serial="SN-IN")
        row = t(app, "in.row_failed", serial="SN-IN", reason=t(app, "token.error_removed"))
        for round_no in range(INTAKE_YANKS - 1):
            before = snapshot(context.store)
            rows = text_of(app, "#in-list").count(row)
            await put_in(pilot, reader, key("SN-IN"), MODES[round_no % 2])  # before, during
            await until(pilot, lambda: text_of(app, "#in-step") == failed, "the message")
            assert text_of(app, "#in-list").count(row) > rows
            assert app.screen is screen
            assert_no_trace(app)
            assert_unchanged(context, before)
            await seen(pilot, reader)
            assert app.tokens == []
            await answers_a_key(pilot, "#in-serial")
        # Last, the key slips out and is pushed straight back in: read again, received.
        steps.clear()
        await put_in(pilot, reader, key("SN-IN"), "reseat")
        received = t(app, "in.received", serial="SN-IN", due="2026-11-27")
        await until(pilot, lambda: text_of(app, "#in-step") == received, "the intake")
        assert failed in steps
        assert_no_trace(app)
    assert reader.yanks == INTAKE_YANKS
    assert key_state(context, "SN-IN") == "received"
    assert cases_of(context, "intake") == 1
    assert problems(context.store) == []


# --- PIN-unlock help ---


async def test_the_key_yanked_during_unlock_help(context, operators) -> None:
    reader = YankingReader()
    context.token_reader = reader
    locked = key("SN-PL", OK_FLAGS | CKF_USER_PIN_LOCKED)
    app = KioskApp(context)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        await pilot.press("4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, UnlockHelpScreen)
        insert = t(app, "check.insert")
        diagnosis = t(app, "unlock.diag_locked")
        for round_no in range(UNLOCK_HELP_YANKS):
            before = snapshot(context.store)
            reader.insert(locked)
            await seen(pilot, reader)
            assert diagnosis in text_of(app, "#unlock-diagnosis")
            if round_no % 2 == 1:  # the slot listing itself fails as the key goes
                reader.list_fails = 1
            reader.remove("SN-PL")
            reader.yanks += 1
            app.poll_tokens_now()
            await until(pilot, lambda: reader.list_fails == 0, "the failed listing")
            await until(pilot, lambda: text_of(app, "#unlock-diagnosis") == insert, "insert")
            await pilot.press("f5")  # record the help: there is no key to record it for
            await until(pilot, lambda: insert in [str(n.message) for n in app._notifications], "")
            assert app.screen is screen
            assert not screen.query_one("#unlock-qr-box").display
            assert_no_trace(app)
            assert_unchanged(context, before)
            await seen(pilot, reader)
        reader.insert(locked)
        await seen(pilot, reader)
        await pilot.press("f5")
        await until(pilot, lambda: "SN-PL" in text_of(app, "#unlock-diagnosis"), "the key")
        await until(pilot, lambda: cases_of(context, "unlock_help") == 1, "the case")
        assert_no_trace(app)
    assert reader.yanks == UNLOCK_HELP_YANKS
    assert problems(context.store) == []


# --- real SoftHSM2 tokens ---


class SoftHsmYanker(Pkcs11Reader):
    """The real PKCS#11 reader over a SoftHSM lab. Armed, the token is unplugged as its
    read starts; with ``reseat`` it is plugged back in as soon as the read failed."""

    def __init__(self, lab: SoftHsmLab, label: str) -> None:
        super().__init__(SOFTHSM_MODULE, env=lab.env, call_timeout_s=10)
        self.lab, self.label = lab, label
        self.armed = False
        self.reseat = False
        self.yanks = 0
        self.reads = 0

    def read_token(self, serial: str) -> TokenReading:
        self.reads += 1
        if not self.armed:
            return super().read_token(serial)
        self.armed = False
        self.yanks += 1
        self.lab.unplug(self.label)
        try:
            return super().read_token(serial)
        finally:
            if self.reseat:
                self.lab.plug(self.label)


async def test_real_softhsm_tokens_yanked_in_every_read_step(
    context, operators, fresh_lab: SoftHsmLab
) -> None:
    start, end = validity(365)
    der = make_certificate("华贸 经办人", USCC, not_before=start, not_after=end)
    fresh_lab.create_token("HUAMAO")
    fresh_lab.write_certificate("HUAMAO", der, "sign")
    serial = fresh_lab.serial_of("HUAMAO")
    enterprise(context)
    expected_key(context, serial)
    reader = SoftHsmYanker(fresh_lab, "HUAMAO")
    context.token_reader, context.printer = reader, MemoryPrinter()
    app = KioskApp(context)

    async def yank_rounds(count: int, selector: str, message: str) -> list[str]:
        """``count - 1`` yanks that leave the key out, then one where it goes straight back
        in (the step then completes by itself); what the step line showed meanwhile."""
        shown = shown_on(app.screen.query_one(selector, Static))
        for round_no in range(count):
            before = snapshot(context.store)
            yanks, told = reader.yanks, shown.count(message)
            reader.armed, reader.reseat = True, round_no == count - 1
            fresh_lab.plug("HUAMAO")
            app.poll_tokens_now()
            await until(pilot, lambda yanks=yanks: reader.yanks > yanks, "the read")
            if reader.reseat:
                break
            # Shown, though the watcher may replace it at once with "the key was taken out".
            await until(pilot, lambda told=told: shown.count(message) > told, "the message")
            assert not fresh_lab.is_plugged("HUAMAO")
            assert_no_trace(app)
            assert_unchanged(context, before)
            await seen(pilot, reader)
            assert app.tokens == []
        return shown

    async def take_out() -> None:
        fresh_lab.unplug("HUAMAO")
        await seen(pilot, reader)

    async with app.run_test(size=(140, 60)) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        await take_out()

        # Intake: the key from the provider's parcel.
        app.push_screen(IntakeScreen())
        await settle(pilot)
        failed = t(app, "in.read_failed", serial=serial)
        shown = await yank_rounds(SOFTHSM_YANKS["intake"], "#in-step", failed)
        await until(pilot, lambda: key_state(context, serial) == "received", "the intake")
        assert shown.count(failed) >= SOFTHSM_YANKS["intake"] - 1  # the reseat may not show
        await take_out()
        await pilot.press("escape")
        await settle(pilot)

        # Hand-over to the agent.
        removed = t(app, "token.error_removed")
        screen = await start_handover(pilot, serial)
        shown = await yank_rounds(SOFTHSM_YANKS["handover"], "#ho-step", removed)
        await until(pilot, lambda: isinstance(app.screen, ReceiptPreviewScreen), "the receipt")
        assert shown.count(removed) >= SOFTHSM_YANKS["handover"] - 1  # the reseat may not show
        assert key_state(context, serial) == "handed_over"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await take_out()
        await pilot.press("escape")
        await settle(pilot)

        # The agent brings it back damaged: walk-in cancellation.
        await start_cancellation(pilot, serial)
        shown = await yank_rounds(SOFTHSM_YANKS["cancellation"], "#cx-step", removed)
        read_ok = t(app, "cx.key_read", serial=serial)
        await until(pilot, lambda: text_of(app, "#cx-step") == read_ok, "the read")
        assert shown.count(removed) >= SOFTHSM_YANKS["cancellation"] - 1  # the reseat may not show
        await pilot.press("f5")
        await until(pilot, lambda: isinstance(app.screen, ReceiptPreviewScreen), "the receipt")
        assert key_state(context, serial) == "cancel_requested"
        await pilot.press("escape")
        await settle(pilot)
        await take_out()
        await pilot.press("escape")
        await settle(pilot)

        # The certificate check of the same key.
        await pilot.press("5")
        await settle(pilot)
        assert isinstance(app.screen, CertCheckScreen)
        shown = await yank_rounds(SOFTHSM_YANKS["cert_check"], "#check-note", removed)
        checked = t(app, "check.done")
        await until(pilot, lambda: text_of(app, "#check-note") == checked, "the check")
        assert shown.count(removed) >= SOFTHSM_YANKS["cert_check"] - 1  # the reseat may not show
        assert_no_trace(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running
    reader.close()
    assert reader.yanks == sum(SOFTHSM_YANKS.values())
    for kind in ("intake", "handover", "cancellation", "cert_check"):
        assert cases_of(context, kind) == 1, kind
    assert problems(context.store) == []
