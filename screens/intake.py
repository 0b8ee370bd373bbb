"""Key intake: enter expected keys by hand from the provider's list, insert each key from the
courier's parcel (received, or set aside saying why), and print the session's intake list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Select

from data.models import Case
from devices.token import TokenError, TokenSummary
from kiosk.errors import KioskError
from kiosk.rules.key_limits import KeyKind
from kiosk.services.enterprises import expect_key, get_enterprise
from kiosk.services.intake import IntakeResult, receive_inserted_key
from kiosk.services.keys import find_key_by_serial
from screens.base import KioskScreen
from screens.plain import Input, Static, plain
from screens.widgets.status_bar import StatusBar


@dataclass
class IntakeEntry:
    """One key inserted this session: what happened to it."""

    serial: str
    result: IntakeResult | None
    enterprise_name: str = ""
    error: KioskError | None = None


class IntakeScreen(KioskScreen):
    """Hand entry of expected keys, the running list of inserted keys, and P to print."""

    CSS_PATH = "intake.tcss"
    AUTO_FOCUS = None  # P prints: no text box takes the key until the clerk clicks one
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", show=False),
        Binding("p", "print_list", show=False),
        Binding("f5", "print_list", show=False),
    ]
    KEYS: ClassVar[list[tuple[str, str, str]]] = [
        ("P", "screen.print_list", "keybar.intake_print"),
        ("Esc", "app.pop_screen", "keybar.back"),
        ("F2", "app.toggle_language", "keybar.language"),
    ]

    @dataclass
    class Read(Message):
        """An inserted key was read and matched (entry), in a worker."""

        entry: IntakeEntry

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[IntakeEntry] = []
        self.handled: set[str] = set()
        """Serials read this session and still inserted: not read again until re-inserted."""
        self._busy = False
        self._expect_note: Text = plain("")
        self._step_note: Text = plain("")

    def compose(self) -> ComposeResult:
        """The hand-entry form, the session's list and the step line."""
        yield StatusBar()
        with VerticalScroll(id="in-body"):
            yield Static(self.t("workflow.intake"), id="in-title")
            yield Static(self.t("in.hand_title"), id="in-hand-title")
            with Horizontal(id="in-form"):
                yield Input(placeholder=self.t("in.uscc"), id="in-uscc", max_length=40)
                yield Input(placeholder=self.t("in.serial"), id="in-serial", max_length=64)
                yield Select(
                    [(self.t(f"in.kind_{kind.value}"), kind.value) for kind in KeyKind],
                    id="in-kind",
                    prompt=self.t("in.kind_prompt"),
                )
            with Horizontal(id="in-form-2"):
                yield Input(placeholder=self.t("in.replaces"), id="in-replaces", max_length=64)
                yield Button(self.t("in.expect"), id="in-expect", variant="primary")
            yield Static(self._expect_note, id="in-expect-note")
            yield Static(plain(self.t("in.insert_hint")), id="in-hint")
            yield Static(self.t("in.session_title"), id="in-session-title")
            yield Static(self._list_text(), id="in-list")
            yield Static(self._step_note, id="in-step")
        yield self.key_bar()

    def on_mount(self) -> None:
        """Show the form and read whatever key is already in."""
        self.kiosk.refresh_status()
        self._show_replaces()
        self._follow(self.kiosk.tokens)

    async def relabel(self) -> None:
        """Redraw in the new language, keeping the session's list."""
        await super().relabel()
        self._show_replaces()

    # --- hand entry from the provider's list ---

    def _show_replaces(self) -> None:
        kind = self.query_one("#in-kind", Select).value
        self.query_one("#in-replaces").display = kind == KeyKind.REPLACEMENT.value

    @on(Select.Changed, "#in-kind")
    def _kind_changed(self) -> None:
        self._show_replaces()

    def _expect_says(self, text: str, style: str = "") -> None:
        self._expect_note = plain(text, style=style)
        self.query_one("#in-expect-note", Static).update(self._expect_note)

    @on(Input.Submitted, "#in-uscc, #in-serial, #in-replaces")
    @on(Button.Pressed, "#in-expect")
    def expect(self) -> None:
        """Record the key the provider's list announces (button, or Enter in a box)."""
        operator, context = self.kiosk.operator, self.context
        if operator is None:
            return
        uscc = self.query_one("#in-uscc", Input).value
        serial = self.query_one("#in-serial", Input).value.strip()
        kind_value = self.query_one("#in-kind", Select).value
        if not isinstance(kind_value, str):
            self._expect_says(self.t("in.kind_required"), "bold red")
            return
        if not serial:
            self._expect_says(self.t("in.serial_required"), "bold red")
            return
        kind = KeyKind(kind_value)
        replaces_id: int | None = None
        if kind is KeyKind.REPLACEMENT:
            old_serial = self.query_one("#in-replaces", Input).value.strip()
            if not old_serial:
                self._expect_says(self.t("in.replaces_required"), "bold red")
                return
            old = find_key_by_serial(context.store, old_serial)
            if old is None:
                self._expect_says(self.t("in.replaces_unknown", serial=old_serial), "bold red")
                return
            replaces_id = old.id
        try:
            key = expect_key(
                context.store,
                uscc=uscc,
                token_serial=serial,
                kind=kind,
                operator=operator.username,
                now=context.clock(),
                replaces_key_id=replaces_id,
            )
        except KioskError as error:
            self._expect_says(error.message(context.translator.language), "bold red")
            return
        enterprise = get_enterprise(context.store, key.enterprise_uscc)
        self._expect_says(
            self.t(
                "in.expected_ok",
                serial=key.token_serial or serial,
                name=enterprise.name if enterprise else key.enterprise_uscc,
                kind=self.t(f"in.kind_{kind.value}"),
            ),
            "green",
        )
        for box in ("#in-serial", "#in-replaces"):
            self.query_one(box, Input).value = ""

    # --- inserting the keys ---

    def tokens_changed(self, tokens: list[TokenSummary]) -> None:
        """Read each newly inserted key, one at a time; a key taken out may be read again."""
        if self.is_mounted:
            self._follow(tokens)

    def _follow(self, tokens: list[TokenSummary]) -> None:
        present = {token.serial for token in tokens}
        self.handled &= present
        if self._busy:
            return
        waiting = [token for token in tokens if token.serial not in self.handled]
        if not waiting:
            return
        self._read(waiting[0])

    def _read(self, token: TokenSummary) -> None:
        context, operator = self.context, self.kiosk.operator
        reader = context.token_reader
        if operator is None or reader is None:
            return
        self._busy = True
        self.handled.add(token.serial)
        self._step("in.reading", serial=token.serial)
        serial, workdays = token.serial, context.settings.rules.notice_deadline_workdays

        def work() -> None:
            try:
                reading = reader.read_token(serial)
                result = receive_inserted_key(
                    context.store,
                    reading,
                    counter=context.counter,
                    operator=operator.username,
                    now=context.clock(),
                    calendar=context.calendar,
                    notice_workdays=workdays,
                )
                uscc = result.key.enterprise_uscc if result.key else ""
                enterprise = get_enterprise(context.store, uscc) if uscc else None
                entry = IntakeEntry(serial, result, enterprise.name if enterprise else "")
            except TokenError as error:
                entry = IntakeEntry(serial, None, error=KioskError(f"token.error_{error.reason}"))
            except KioskError as error:
                entry = IntakeEntry(serial, None, error=error)
            except Exception:  # whatever else breaks, the clerk gets a message, never a hang
                entry = IntakeEntry(serial, None, error=KioskError("app.worker_failed"))
            self.post_message(self.Read(entry))

        self.run_worker(work, thread=True, exclusive=True, group="intake", exit_on_error=False)

    def on_intake_screen_read(self, message: Read) -> None:
        """Add the key to the session's list, say what to do with it, then read the next."""
        self._busy = False
        entry = message.entry
        self.entries.append(entry)
        self.query_one("#in-list", Static).update(self._list_text())
        result = entry.result
        if result is None:
            self._step("in.read_failed", "bold red", serial=entry.serial)
        elif result.received:
            due = result.case.due_on.isoformat() if result.case.due_on else "—"
            self._step("in.received", "green", serial=entry.serial, due=due)
        else:
            self._step("in.set_aside", "bold red", serial=entry.serial)
        if entry.error is not None and entry.error.key == "token.error_removed":
            # The key may be back in before the watcher saw it out: read it again if the
            # watcher's fresh report still lists it (the keys known now may be stale).
            self.handled.discard(entry.serial)
            self.kiosk.poll_tokens_now(report=True)
            return
        self.tokens_changed(self.kiosk.tokens)

    def _list_text(self) -> Text:
        if not self.entries:
            return plain(self.t("in.none_yet"), style="dim")
        language = self.context.translator.language
        text = Text()
        for number, entry in enumerate(self.entries, 1):
            if number > 1:
                text.append("\n")
            text.append(f"{number}. ")
            result = entry.result
            if result is None:
                reason = entry.error.message(language) if entry.error else ""
                text.append(
                    self.t("in.row_failed", serial=entry.serial, reason=reason), style="yellow"
                )
            elif result.received:
                due = result.case.due_on.isoformat() if result.case.due_on else "—"
                uscc = result.key.enterprise_uscc if result.key else ""
                text.append(
                    self.t(
                        "in.row_received",
                        serial=entry.serial,
                        name=entry.enterprise_name,
                        uscc=uscc,
                        due=due,
                    ),
                    style="green",
                )
            else:
                reason = self.t(result.reason, **(result.params or {}))
                text.append(
                    self.t("in.row_set_aside", serial=entry.serial, reason=reason),
                    style="bold red",
                )
        return text

    def _step(self, key: str, style: str = "", **params: object) -> None:
        self._step_note = plain(self.t(key, **params), style=style)
        self.query_one("#in-step", Static).update(self._step_note)

    # --- the intake list ---

    def received_cases(self) -> list[Case]:
        """The intake cases of the keys received this session, in the order inserted."""
        return [
            entry.result.case
            for entry in self.entries
            if entry.result is not None and entry.result.received
        ]

    def action_print_list(self) -> None:
        """Preview and print the intake list of this session's received keys (P)."""
        from kiosk.services.printing import intake_list_paper
        from screens.receipt_preview import ReceiptPreviewScreen

        operator, context = self.kiosk.operator, self.context
        cases = self.received_cases()
        if operator is None:
            return
        if not cases:
            self._step("in.nothing_to_print", "bold red")
            return
        now = context.clock()
        built = intake_list_paper(context.settings, context.store, operator, cases, now)
        first = cases[0]
        self.app.push_screen(
            ReceiptPreviewScreen.stored(
                context,
                operator.username,
                first,
                built,
                template="intake_list",
                copies=1,
                name=first.tracking_code,
            )
        )
