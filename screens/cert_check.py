"""The certificate check: insert a key, and see its PIN state, its certificates, and the
verdicts with the next step for the agent. Every check is recorded as a case."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Select

from data.models import Case, EnterpriseKind
from devices.token import TokenError, TokenSummary
from kiosk.errors import KioskError
from kiosk.services.cert_check import CertCheckReport, check_token, record_check
from screens.base import KioskScreen
from screens.plain import Label, Static, plain
from screens.token_choice import choose_token
from screens.widgets.status_bar import StatusBar

SEVERITY_STYLE = {"ok": "green", "info": "cyan", "warn": "yellow", "error": "bold red"}
SEVERITY_MARK = {"ok": "✔", "info": "ℹ", "warn": "!", "error": "✘"}


class CertCheckScreen(KioskScreen):
    """Reads the inserted key (never logging in) and shows the verdicts."""

    CSS_PATH = "cert_check.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", show=False),
        Binding("r", "reread", show=False),
        Binding("u", "unlock_help", show=False),
        Binding("n", "next_token", show=False),
        Binding("p", "print", show=False),
    ]
    KEYS: ClassVar[list[tuple[str, str, str]]] = [
        ("R", "screen.reread", "keybar.reread"),
        ("N", "screen.next_token", "keybar.next_token"),
        ("U", "screen.unlock_help", "keybar.unlock_help"),
        ("P", "screen.print", "keybar.print"),
        ("Esc", "app.pop_screen", "keybar.back"),
        ("F2", "app.toggle_language", "keybar.language"),
    ]

    @dataclass
    class Checked(Message):
        """A read finished: the report and its case, or the error."""

        serial: str
        report: CertCheckReport | None
        case: Case | None
        error: str | None
        """Catalog key of what went wrong, or None."""

    def __init__(self, serial: str | None = None) -> None:
        super().__init__()
        self.serial: str | None = None
        self._wanted = serial
        """The key to check first when several are in (the one another screen was on)."""
        self.report: CertCheckReport | None = None
        self.case: Case | None = None
        self.chosen_kind: EnterpriseKind | None = None
        self._note = "check.insert"

    def compose(self) -> ComposeResult:
        """Status, prompt, token panel, certificate table, verdicts and the kind picker."""
        yield StatusBar()
        with VerticalScroll(id="check-body"):
            yield Static(self.t("workflow.cert_check"), id="check-title")
            yield Static(self.t(self._note), id="check-note")
            yield Static("", id="check-token")
            yield DataTable(id="check-certs", cursor_type="none", zebra_stripes=True)
            yield Static("", id="check-verdicts")
            with Horizontal(id="check-kind-row"):
                yield Label(self.t("check.pick_kind"))
                yield Select(
                    [(self.t(f"kind.{k.value}"), k.value) for k in EnterpriseKind],
                    id="check-kind",
                    prompt=self.t("check.pick_kind_prompt"),
                )
            yield Static("", id="check-case")
        yield self.key_bar()

    def on_mount(self) -> None:
        """Start on whatever key is in."""
        self.kiosk.refresh_status()
        self._restore()

    async def relabel(self) -> None:
        """Redraw in the new language, keeping the result on screen."""
        await super().relabel()
        self._restore()

    def _restore(self) -> None:
        self.query_one("#check-kind-row").display = False
        if self.context.token_reader is None:
            self._set_note("check.no_reader")
        elif self.report is not None:
            self._show(self.report, self.case)
        else:
            self._set_note(self._note)
            self._follow(self.kiosk.tokens)

    def tokens_changed(self, tokens: list[TokenSummary]) -> None:
        """Read a key when one comes in; say so when the one being read goes out."""
        if self.is_mounted:
            self._follow(tokens)

    def _follow(self, tokens: list[TokenSummary]) -> None:
        chosen = choose_token(tokens, self.serial or self._wanted)
        if chosen is None:
            if self.serial is not None:
                self._clear()
                self._set_note("check.removed")
                self.serial = None
            elif self._note in ("check.reading", "check.done"):
                self._set_note("check.insert")
            return
        if chosen.serial != self.serial:
            self._read(chosen.serial)

    def action_reread(self) -> None:
        """Read the key again (R)."""
        chosen = choose_token(self.kiosk.tokens, self.serial)
        if chosen is not None:
            self._read(chosen.serial)

    def action_next_token(self) -> None:
        """Check the next key when several are in (N)."""
        tokens = self.kiosk.tokens
        if len(tokens) > 1:
            serials = [t.serial for t in tokens]
            index = serials.index(self.serial) + 1 if self.serial in serials else 0
            self._read(serials[index % len(serials)])

    def action_unlock_help(self) -> None:
        """Open PIN-unlock help for this key (U)."""
        from screens.unlock_help import UnlockHelpScreen

        self.app.push_screen(UnlockHelpScreen(serial=self.serial))

    def action_print(self) -> None:
        """Preview the result slip and print it (P)."""
        from kiosk.services.printing import cert_check_paper
        from screens.receipt_preview import ReceiptPreviewScreen

        report, case, operator = self.report, self.case, self.kiosk.operator
        if report is None or case is None or operator is None:
            self.notify(self.t("check.insert"), severity="warning")
            return
        context = self.context
        built = cert_check_paper(context.settings, operator, case, report, context.clock())
        self.app.push_screen(
            ReceiptPreviewScreen.stored(
                context,
                operator.username,
                case,
                built,
                template="cert_check",
                copies=1,
                name=case.tracking_code,
            )
        )

    def _read(self, serial: str) -> None:
        self.serial = serial
        self._clear()
        self._set_note("check.reading")
        context = self.context
        operator = self.kiosk.operator
        chosen_kind = self.chosen_kind
        reader = context.token_reader
        assert reader is not None and operator is not None

        def work() -> None:
            try:
                self.post_message(self.Checked(serial, *check(), None))
            except TokenError as error:
                self.post_message(self.Checked(serial, None, None, f"token.error_{error.reason}"))
            except (KioskError, sqlite3.Error, OSError):
                self.post_message(self.Checked(serial, None, None, "check.not_recorded"))

        def check() -> tuple[CertCheckReport, Case]:
            reading = reader.read_token(serial)
            now = context.clock()
            report = check_token(
                context.store,
                reading,
                now=now,
                chosen_kind=chosen_kind,
                expiry_warning_days=context.settings.rules.expiry_warning_days,
            )
            case = record_check(
                context.store,
                report,
                counter=context.counter,
                operator=operator.username,
                now=now,
                calendar=context.calendar,
            )
            return report, case

        self.run_worker(work, thread=True, exclusive=True, group="cert-check", exit_on_error=False)

    def on_cert_check_screen_checked(self, message: Checked) -> None:
        """Show the report, or why the read failed."""
        if message.serial != self.serial:
            return
        if message.error is not None:
            self._set_note(message.error)
            if message.error == "token.error_removed":
                # Forget the key: whether it is back or still out, the watcher's next
                # report decides (a key put back in reads again by itself).
                self.serial = None
                self.kiosk.poll_tokens_now(report=True)
            return
        assert message.report is not None
        self.report, self.case = message.report, message.case
        self._show(message.report, message.case)

    @on(Select.Changed, "#check-kind")
    def _kind_picked(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and self.serial is not None:
            self.chosen_kind = EnterpriseKind(event.value)
            self._read(self.serial)

    def _set_note(self, key: str) -> None:
        self._note = key
        self.query_one("#check-note", Static).update(plain(self.t(key)))

    def _clear(self) -> None:
        self.report = self.case = None
        self.query_one("#check-token", Static).update("")
        self.query_one("#check-verdicts", Static).update("")
        self.query_one("#check-case", Static).update("")
        self.query_one(DataTable).clear(columns=True)
        self.query_one("#check-kind-row").display = False

    def _show(self, report: CertCheckReport, case: Case | None) -> None:
        self._set_note("check.done")
        token = report.token
        pin = self.t(f"pin.{token.pin_state.value}")
        self.query_one("#check-token", Static).update(
            plain(
                self.t(
                    "check.token_line",
                    label=token.label,
                    serial=token.serial,
                    maker=f"{token.manufacturer} {token.model}",
                    pin=pin,
                )
            )
        )
        self._fill_certificates(report)
        verdicts = Text()
        for verdict in report.verdicts:
            style = SEVERITY_STYLE[verdict.severity]
            params = dict(verdict.params)
            if "state" in params:
                params["state"] = self.t(f"keystate.{params['state']}")
            text = self.t(f"verdict.{verdict.code}", **params)
            if verdicts:
                verdicts.append("\n")
            verdicts.append(f"{SEVERITY_MARK[verdict.severity]} {text}", style=style)
            if verdict.next_step:
                verdicts.append("\n    → " + self.t(verdict.next_step))
        # The parameters hold the certificate's own text: Static makes it plain and visible.
        self.query_one("#check-verdicts", Static).update(verdicts)
        needs_kind = report.enterprise is None and any(
            v.next_step == "next.add_code_pick_kind" for v in report.verdicts
        )
        self.query_one("#check-kind-row").display = needs_kind or self.chosen_kind is not None
        if case is not None:
            self.query_one("#check-case", Static).update(
                plain(self.t("check.recorded", code=case.tracking_code))
            )

    def _fill_certificates(self, report: CertCheckReport) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_columns(
            *(
                self.t(f"cert.{name}")
                for name in ("label", "cn", "o", "issuer", "until", "algorithm", "fingerprint")
            )
        )
        for view in report.certificates:
            facts = view.facts
            if facts is None:
                table.add_row(plain(view.label), self.t("cert.unreadable"), "", "", "", "", "")
                continue
            until = facts.not_after.astimezone(self.context.clock().tzinfo).date().isoformat()
            # Text, never markup: these strings come from the customer's certificate.
            table.add_row(
                plain(view.label),
                plain(facts.subject_cn),
                plain(facts.subject_o or "—"),
                plain(facts.issuer_cn),
                until,
                facts.key_algorithm.upper(),
                facts.fingerprint_sha256[:16],
            )
