"""Hand-over: find the key, check the agent, insert the key, record it and print the
two-copy receipt."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, OptionList

from data.models import Case
from devices.token import TokenError, TokenSummary
from kiosk.errors import KioskError
from kiosk.services.agents import AgentCheck, Override
from kiosk.services.handover import HANDABLE, hand_over
from kiosk.services.search import KeyMatch, find_keys
from screens.base import KioskScreen
from screens.plain import Input, Label, Static, plain
from screens.widgets.key_results import show_key_matches
from screens.widgets.status_bar import StatusBar


class HandoverScreen(KioskScreen):
    """Step by step: key, agent, inserted key; each step says what it is waiting for."""

    CSS_PATH = "handover.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", show=False)]
    KEYS: ClassVar[list[tuple[str, str, str]]] = [
        ("Esc", "app.pop_screen", "keybar.back"),
        ("F2", "app.toggle_language", "keybar.language"),
    ]

    @dataclass
    class Done(Message):
        """The hand-over was recorded (case), or refused (error message key)."""

        case: Case | None
        error: KioskError | None

    def __init__(self) -> None:
        super().__init__()
        self.matches: list[KeyMatch] = []
        self.chosen: KeyMatch | None = None
        self.agent: AgentCheck | None = None
        self.case: Case | None = None
        self._busy = False

    def compose(self) -> ComposeResult:
        """Search, results, agent check, override and the step line."""
        yield StatusBar()
        with VerticalScroll(id="ho-body"):
            yield Static(self.t("workflow.handover"), id="ho-title")
            yield Input(placeholder=self.t("ho.search_hint"), id="ho-search", max_length=100)
            yield OptionList(id="ho-results")
            yield Static("", id="ho-key")
            with Horizontal(id="ho-agent-row"):
                yield Label(self.t("ho.agent_id"))
                yield Input(password=True, id="ho-agent-id", max_length=40)
            with Vertical(id="ho-override"):
                yield Static(self.t("ho.override_hint"))
                yield Input(placeholder=self.t("ho.supervisor"), id="ho-sup-name")
                yield Input(
                    placeholder=self.t("ho.supervisor_password"),
                    password=True,
                    id="ho-sup-password",
                )
                yield Input(placeholder=self.t("ho.reason"), id="ho-reason", max_length=200)
                yield Button(self.t("ho.override"), id="ho-override-go", variant="warning")
            yield Static(plain(self.t("ho.step_find")), id="ho-step")
        yield self.key_bar()

    def on_mount(self) -> None:
        """Start at the search box."""
        self.kiosk.refresh_status()
        self.query_one("#ho-override").display = False
        self.query_one("#ho-agent-row").display = False
        self.query_one("#ho-search", Input).focus()

    def _step(self, key: str, **params: object) -> None:
        self.query_one("#ho-step", Static).update(plain(self.t(key, **params)))

    @on(Input.Submitted, "#ho-search")
    def _search(self, event: Input.Submitted) -> None:
        self.matches = find_keys(self.context.store, event.value)
        results = self.query_one("#ho-results", OptionList)
        if show_key_matches(results, self.matches, self.t):
            self._step("ho.step_pick")
        else:
            self._step("ho.nothing_found")

    @on(OptionList.OptionSelected, "#ho-results")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        match = self.matches[int(event.option.id or 0)]
        if match.key.state not in HANDABLE:
            self._step("ho.not_handable", state=self.t(f"keystate.{match.key.state.value}"))
            return
        # A new key starts a new hand-over: nothing of the last one carries over.
        self.agent, self.case, self._busy = None, None, False
        self.chosen = match
        self.query_one("#ho-key", Static).update(self.key_line(match))
        self.query_one("#ho-agent-row").display = True
        self.query_one("#ho-agent-id", Input).focus()
        self._step("ho.step_agent")

    @on(Input.Submitted, "#ho-agent-id")
    def _agent_entered(self) -> None:
        self._check_agent(None)

    @on(Button.Pressed, "#ho-override-go")
    def _override(self) -> None:
        self._check_agent(
            Override(
                self.query_one("#ho-sup-name", Input).value,
                self.query_one("#ho-sup-password", Input).value,
                self.query_one("#ho-reason", Input).value,
            )
        )

    def _check_agent(self, override: Override | None) -> None:
        operator, chosen, context = self.kiosk.operator, self.chosen, self.context
        if operator is None or chosen is None:
            return
        try:
            self.agent = self.check_agent_at_desk(
                chosen.key.enterprise_uscc,
                self.query_one("#ho-agent-id", Input).value,
                override,
            )
        except KioskError as error:
            self.query_one("#ho-step", Static).update(
                plain(error.message(context.translator.language))
            )
            if error.key == "agent.not_authorised":
                self.query_one("#ho-override").display = True
            return
        self.query_one("#ho-agent-id", Input).value = ""
        self.query_one("#ho-sup-password", Input).value = ""
        self.query_one("#ho-override").display = False
        self._step(
            "ho.step_insert", masked=self.agent.id_masked, serial=chosen.key.token_serial or "—"
        )
        self.tokens_changed(self.kiosk.tokens)

    def tokens_changed(self, tokens: list[TokenSummary]) -> None:
        """When the key is in, read it and record the hand-over (a different key stops it)."""
        if not self.is_mounted or self.agent is None or self.chosen is None or self._busy:
            return
        if self.case is not None or not tokens:
            return
        self._busy = True
        self._step("ho.reading")
        context, operator = self.context, self.kiosk.operator
        reader, key_id, agent = context.token_reader, self.chosen.key.id, self.agent
        serial = self.chosen.key.token_serial
        wanted = next((t for t in tokens if t.serial == serial), tokens[0])
        assert operator is not None and reader is not None

        def work() -> None:
            try:
                reading = reader.read_token(wanted.serial)
                case = hand_over(
                    context.store,
                    key_id=key_id,
                    agent=agent,
                    reading=reading,
                    operator=operator.username,
                    counter=context.counter,
                    now=context.clock(),
                    calendar=context.calendar,
                )
            except TokenError as error:
                self.post_message(self.Done(None, KioskError(f"token.error_{error.reason}")))
            except KioskError as error:
                self.post_message(self.Done(None, error))
            except Exception:  # whatever else breaks, the clerk gets a message, never a hang
                self.post_message(self.Done(None, KioskError("app.worker_failed")))
            else:
                self.post_message(self.Done(case, None))

        self.run_worker(work, thread=True, exclusive=True, group="handover", exit_on_error=False)

    def on_handover_screen_done(self, message: Done) -> None:
        """Recorded: print the receipt; refused: say why (the clerk can try another key)."""
        self._busy = False
        if message.error is not None:
            self.query_one("#ho-step", Static).update(
                plain(message.error.message(self.context.translator.language))
            )
            if message.error.key == "token.error_removed":
                # The key may be back in before the watcher saw it out: its fresh report
                # decides, and a key back in is read again (as in the certificate check).
                self.kiosk.poll_tokens_now(report=True)
            return
        self.case = message.case
        assert self.case is not None and self.chosen is not None and self.agent is not None
        self._step("ho.done", code=self.case.tracking_code)
        self._print()

    def _print(self) -> None:
        from kiosk.services.printing import handover_paper
        from screens.receipt_preview import ReceiptPreviewScreen

        case, chosen, agent = self.case, self.chosen, self.agent
        operator, context = self.kiosk.operator, self.context
        if case is None or chosen is None or agent is None or operator is None:
            return
        built = handover_paper(
            context.settings,
            operator,
            case,
            enterprise_name=chosen.enterprise.name if chosen.enterprise else "",
            uscc=chosen.key.enterprise_uscc,
            key_serial=chosen.key.token_serial or "",
            agent_id_masked=agent.id_masked,
            now=context.clock(),
        )
        self.app.push_screen(
            ReceiptPreviewScreen.stored(
                context,
                operator.username,
                case,
                built,
                template="handover",
                copies=2,
                name=case.tracking_code,
            )
        )
