"""Walk-in cancellation: find the key, check the agent, choose the reason, tick the documents,
read the key handed in, record it and print the two-copy receipt; a second part lets a
supervisor who did not take a cancellation confirm it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Checkbox, OptionList, RadioButton, RadioSet
from textual.widgets.option_list import Option

from data.models import Case, KeyState
from devices.token import TokenError, TokenSummary
from kiosk.errors import KioskError, ValidationError
from kiosk.services.agents import AgentCheck, Override
from kiosk.services.cancellation import (
    KEY,
    SEALED_FORM,
    WRITTEN_STATEMENT,
    CancelReason,
    confirm_cancellation,
    take_cancellation,
)
from kiosk.services.cancellation_lists import (
    ListedCancellation,
    unconfirmed_cancellations,
)
from kiosk.services.handover import check_inserted_key
from kiosk.services.keys import ALLOWED_MOVES
from kiosk.services.search import KeyMatch, find_keys
from screens.base import KioskScreen
from screens.plain import Input, Label, Static, plain
from screens.widgets.key_results import show_key_matches
from screens.widgets.status_bar import StatusBar

REASON_CHOICES: tuple[CancelReason, ...] = ("lost", "damaged", "no_longer_used")
DOCUMENT_CHOICES: tuple[tuple[str, str], ...] = (
    (SEALED_FORM, "receipt.doc_form"),
    (KEY, "receipt.doc_key"),
    (WRITTEN_STATEMENT, "receipt.doc_statement"),
)
"""The documents to tick: the service's name and the catalog key of its label."""


class CancellationScreen(KioskScreen):
    """Step by step: key, agent, reason and documents, the key read; F5 records and prints.
    F6: a supervisor confirms the cancellation highlighted in the list below."""

    CSS_PATH = "cancellation.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", show=False),
        Binding("f5", "record", show=False),
        Binding("f6", "confirm", show=False),
    ]
    KEYS: ClassVar[list[tuple[str, str, str]]] = [
        ("F5", "screen.record", "keybar.record_cancellation"),
        ("F6", "screen.confirm", "keybar.confirm_cancellation"),
        ("Esc", "app.pop_screen", "keybar.back"),
        ("F2", "app.toggle_language", "keybar.language"),
    ]

    @dataclass
    class KeyRead(Message):
        """The inserted key was read (its serial), or could not be (the error)."""

        serial: str | None
        error: KioskError | None

    def __init__(self) -> None:
        super().__init__()
        self.matches: list[KeyMatch] = []
        self.chosen: KeyMatch | None = None
        self.agent: AgentCheck | None = None
        self.read_serial: str | None = None
        self.case: Case | None = None
        self.pending: list[ListedCancellation] = []
        self._busy = False

    def compose(self) -> ComposeResult:
        """Search, agent check and override, reason and documents, the step line; below,
        the cancellations awaiting a supervisor's confirmation."""
        yield StatusBar()
        with VerticalScroll(id="cx-body"):
            yield Static(self.t("workflow.cancellation"), id="cx-title")
            yield Input(placeholder=self.t("ho.search_hint"), id="cx-search", max_length=100)
            yield OptionList(id="cx-results")
            yield Static("", id="cx-key")
            with Horizontal(id="cx-agent-row"):
                yield Label(self.t("ho.agent_id"))
                yield Input(password=True, id="cx-agent-id", max_length=40)
            with Vertical(id="cx-override"):
                yield Static(self.t("ho.override_hint"))
                yield Input(placeholder=self.t("ho.supervisor"), id="cx-sup-name")
                yield Input(
                    placeholder=self.t("ho.supervisor_password"),
                    password=True,
                    id="cx-sup-password",
                )
                yield Input(
                    placeholder=self.t("ho.reason"), id="cx-override-reason", max_length=200
                )
                yield Button(self.t("ho.override"), id="cx-override-go", variant="warning")
            with Vertical(id="cx-details"):
                yield Static(self.t("cx.reason_title"), classes="cx-heading")
                with RadioSet(id="cx-reason"):
                    for reason in REASON_CHOICES:
                        yield RadioButton(
                            self.t(f"cancel_reason.{reason}"), id=f"cx-reason-{reason}"
                        )
                yield Static(self.t("cx.documents_title"), classes="cx-heading")
                for document, label in DOCUMENT_CHOICES:
                    yield Checkbox(self.t(label), id=f"cx-doc-{document}")
                yield Button(self.t("cx.record"), id="cx-record", variant="primary")
            yield Static(plain(self.t("cx.step_find")), id="cx-step")
            yield Static(self.t("cx.confirm_title"), id="cx-confirm-title")
            yield OptionList(id="cx-pending")
            with Horizontal(id="cx-confirm-row"):
                yield Input(placeholder=self.t("ho.supervisor"), id="cx-conf-name")
                yield Input(
                    placeholder=self.t("ho.supervisor_password"),
                    password=True,
                    id="cx-conf-password",
                )
                yield Button(self.t("cx.confirm_go"), id="cx-confirm-go", variant="warning")
            yield Static("", id="cx-confirm-status")
        yield self.key_bar()

    def on_mount(self) -> None:
        """Start at the search box, with the list of cancellations to confirm filled in."""
        self.kiosk.refresh_status()
        self.query_one("#cx-override").display = False
        self.query_one("#cx-agent-row").display = False
        self.query_one("#cx-details").display = False
        self._fill_pending()
        self.query_one("#cx-search", Input).focus()

    def _step(self, key: str, **params: object) -> None:
        self.query_one("#cx-step", Static).update(plain(self.t(key, **params)))

    def _error(self, error: KioskError, target: str = "#cx-step") -> None:
        self.query_one(target, Static).update(
            plain(error.message(self.context.translator.language))
        )

    # --- step 1: the key ---

    @on(Input.Submitted, "#cx-search")
    def _search(self, event: Input.Submitted) -> None:
        self.matches = find_keys(self.context.store, event.value)
        results = self.query_one("#cx-results", OptionList)
        if show_key_matches(results, self.matches, self.t):
            self._step("ho.step_pick")
        else:
            self._step("ho.nothing_found")

    @on(OptionList.OptionSelected, "#cx-results")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        match = self.matches[int(event.option.id or 0)]
        if KeyState.CANCEL_REQUESTED not in ALLOWED_MOVES[match.key.state]:
            self._step("cancellation.key_state", state=self.t(f"keystate.{match.key.state.value}"))
            return
        self.chosen, self.agent, self.read_serial, self.case = match, None, None, None
        for reason in REASON_CHOICES:  # nothing of the last cancellation carries over
            self.query_one(f"#cx-reason-{reason}", RadioButton).value = False
        for document, _ in DOCUMENT_CHOICES:
            self.query_one(f"#cx-doc-{document}", Checkbox).value = False
        self.query_one("#cx-key", Static).update(self.key_line(match))
        self.query_one("#cx-details").display = False
        self.query_one("#cx-agent-row").display = True
        self.query_one("#cx-agent-id", Input).focus()
        self._step("ho.step_agent")

    # --- step 2: the agent ---

    @on(Input.Submitted, "#cx-agent-id")
    def _agent_entered(self) -> None:
        self._check_agent(None)

    @on(Button.Pressed, "#cx-override-go")
    def _override(self) -> None:
        self._check_agent(
            Override(
                self.query_one("#cx-sup-name", Input).value,
                self.query_one("#cx-sup-password", Input).value,
                self.query_one("#cx-override-reason", Input).value,
            )
        )

    def _check_agent(self, override: Override | None) -> None:
        operator, chosen = self.kiosk.operator, self.chosen
        if operator is None or chosen is None:
            return
        try:
            self.agent = self.check_agent_at_desk(
                chosen.key.enterprise_uscc,
                self.query_one("#cx-agent-id", Input).value,
                override,
            )
        except KioskError as error:
            self._error(error)
            if error.key == "agent.not_authorised":
                self.query_one("#cx-override").display = True
            return
        self.query_one("#cx-agent-id", Input).value = ""
        self.query_one("#cx-sup-password", Input).value = ""
        self.query_one("#cx-override").display = False
        self.query_one("#cx-details").display = True
        self.query_one("#cx-reason", RadioSet).focus()
        self._step(
            "cx.step_details", masked=self.agent.id_masked, serial=chosen.key.token_serial or "—"
        )
        self.tokens_changed(self.kiosk.tokens)

    # --- step 3: the key handed in ---

    def tokens_changed(self, tokens: list[TokenSummary]) -> None:
        """Read the key when it is put in; say so when the key read is pulled out."""
        if not self.is_mounted or self.agent is None or self.chosen is None:
            return
        if self.case is not None:
            return
        present = {token.serial for token in tokens}
        if self.read_serial is not None and self.read_serial not in present:
            self._step("cx.key_pulled", serial=self.read_serial)
            self.read_serial = None
        if self._busy or self.read_serial is not None or not tokens:
            return
        self._busy = True
        self._step("cx.reading")
        reader, key = self.context.token_reader, self.chosen.key
        wanted = next((t for t in tokens if t.serial == key.token_serial), tokens[0])
        assert reader is not None

        def work() -> None:
            try:
                reading = reader.read_token(wanted.serial)
                if reading.token.serial == key.token_serial:
                    check_inserted_key(key.token_serial, key.cert_fingerprint, reading)
            except TokenError as error:
                self.post_message(self.KeyRead(None, KioskError(f"token.error_{error.reason}")))
            except KioskError as error:
                self.post_message(self.KeyRead(None, error))
            except Exception:  # whatever else breaks, the clerk gets a message, never a hang
                self.post_message(self.KeyRead(None, KioskError("app.worker_failed")))
            else:
                self.post_message(self.KeyRead(reading.token.serial, None))

        self.run_worker(work, thread=True, exclusive=True, group="cx-read", exit_on_error=False)

    def on_cancellation_screen_key_read(self, message: KeyRead) -> None:
        """Keep the serial read (the service compares it with the record when recording)."""
        self._busy = False
        if self.chosen is None or self.case is not None:
            return
        if message.error is not None or message.serial is None:
            self.read_serial = None
            error = message.error or KioskError("token.error_removed")
            self._error(error)
            if error.key == "token.error_removed":
                # The key may be back in before the watcher saw it out: its fresh report
                # decides, and a key back in is read again (as in the certificate check).
                self.kiosk.poll_tokens_now(report=True)
            return
        self.read_serial = message.serial
        expected = self.chosen.key.token_serial or ""
        if message.serial != expected:
            self._error(
                ValidationError(
                    "cancellation.serial_mismatch", read=message.serial, expected=expected
                )
            )
        else:
            self._step("cx.key_read", serial=message.serial)

    # --- recording ---

    def _reason(self) -> str | None:
        for reason in REASON_CHOICES:
            if self.query_one(f"#cx-reason-{reason}", RadioButton).value:
                return reason
        return None

    def _documents(self) -> set[str]:
        return {
            document
            for document, _ in DOCUMENT_CHOICES
            if self.query_one(f"#cx-doc-{document}", Checkbox).value
        }

    @on(Button.Pressed, "#cx-record")
    def action_record(self) -> None:
        """Take the cancellation (F5) and preview its receipt."""
        operator, chosen, agent, context = (
            self.kiosk.operator,
            self.chosen,
            self.agent,
            self.context,
        )
        if operator is None or chosen is None or agent is None:
            self._step("cx.step_find" if chosen is None else "ho.step_agent")
            return
        if self.case is not None:
            self._print()
            return
        if self._busy:
            self._step("cx.reading")
            return
        reason, documents = self._reason(), self._documents()
        if reason is None:
            self._error(ValidationError("cancellation.bad_reason", reason="—"))
            return
        serial = self.read_serial if (reason != "lost" or KEY in documents) else None
        if serial is not None and serial not in {t.serial for t in self.kiosk.tokens}:
            self.read_serial = None
            self._step("cx.key_not_in", serial=serial)
            return
        now = context.clock()
        try:
            self.case = take_cancellation(
                context.store,
                key_id=chosen.key.id,
                agent=agent,
                reason=reason,  # type: ignore[arg-type]
                documents=documents,
                key_serial_read=serial,
                operator=operator.username,
                counter=context.counter,
                now=now,
                calendar=context.calendar,
                enterprise_uscc=chosen.key.enterprise_uscc,
            )
        except KioskError as error:
            self._error(error)
            return
        due = self.case.due_on
        days = context.calendar.workdays_between(now.date(), due) if due else 0
        self._step(
            "cx.done",
            code=self.case.tracking_code,
            due=due.isoformat() if due else "—",
            days=days,
        )
        self._fill_pending()
        self._print()

    def _print(self) -> None:
        from kiosk.services.printing import cancellation_paper
        from screens.receipt_preview import ReceiptPreviewScreen

        case, chosen, agent = self.case, self.chosen, self.agent
        operator, context = self.kiosk.operator, self.context
        reason = self._reason()
        if case is None or chosen is None or agent is None or operator is None or reason is None:
            return
        built = cancellation_paper(
            context.settings,
            operator,
            case,
            enterprise_name=chosen.enterprise.name if chosen.enterprise else "",
            uscc=chosen.key.enterprise_uscc,
            key_serial=chosen.key.token_serial or "",
            agent_id_masked=agent.id_masked,
            reason=reason,
            documents=tuple(sorted(self._documents())),
            now=context.clock(),
        )
        self.app.push_screen(
            ReceiptPreviewScreen.stored(
                context,
                operator.username,
                case,
                built,
                template="cancellation",
                copies=2,
                name=case.tracking_code,
            )
        )

    # --- the supervisor's confirmation ---

    def _fill_pending(self) -> None:
        self.pending = unconfirmed_cancellations(self.context.store)
        listing = self.query_one("#cx-pending", OptionList)
        listing.clear_options()
        for index, item in enumerate(self.pending):
            reason = self.t(f"cancel_reason.{item.reason}") if item.reason else "—"
            listing.add_option(
                Option(
                    plain(
                        self.t(
                            "cx.confirm_row",
                            code=item.case.tracking_code,
                            name=item.name or (item.case.enterprise_uscc or ""),
                            serial=item.serial or "—",
                            reason=reason,
                            operator=item.case.operator,
                        )
                    ),
                    id=str(index),
                )
            )
        if self.pending:
            listing.highlighted = 0
        else:
            listing.add_option(Option(plain(self.t("cx.confirm_none")), disabled=True))

    @on(Button.Pressed, "#cx-confirm-go")
    @on(Input.Submitted, "#cx-conf-password")
    def action_confirm(self) -> None:
        """A supervisor confirms the highlighted cancellation (F6)."""
        listing = self.query_one("#cx-pending", OptionList)
        index = listing.highlighted
        if not self.pending or index is None or index >= len(self.pending):
            self._step_confirm("cx.confirm_pick")
            return
        item, context = self.pending[index], self.context
        password = self.query_one("#cx-conf-password", Input)
        if not password.value:  # never spend a supervisor's login try on an empty password
            self._step_confirm("cx.confirm_need_password")
            return
        try:
            confirmed = confirm_cancellation(
                context.store,
                case_id=item.case.id,
                supervisor=self.query_one("#cx-conf-name", Input).value,
                password=password.value,
                now=context.clock(),
                policy=context.lockout,
            )
        except KioskError as error:
            password.value = ""
            self._error(error, "#cx-confirm-status")
            return
        password.value = ""
        self._step_confirm(
            "cx.confirmed", code=confirmed.tracking_code, supervisor=confirmed.confirmed_by or ""
        )
        self._fill_pending()

    def _step_confirm(self, key: str, **params: object) -> None:
        self.query_one("#cx-confirm-status", Static).update(plain(self.t(key, **params)))
