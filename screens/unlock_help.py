"""PIN-unlock help: diagnose the key from its flags and walk the agent through the online
unlock procedure. The counter never tries a PIN."""

from __future__ import annotations

import sqlite3
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll

from data.models import Case
from devices.qr import qr_text
from devices.token import TokenSummary
from kiosk.errors import KioskError
from kiosk.services.enterprises import get_enterprise
from kiosk.services.unlock_help import UNLOCK_EMAIL_WORKDAYS, advise, record_unlock_help
from screens.base import KioskScreen
from screens.plain import Static, plain, visible
from screens.token_choice import choose_token
from screens.widgets.status_bar import StatusBar


class UnlockHelpScreen(KioskScreen):
    """Shows the PIN state, the procedure and the unlock system's QR; records the help."""

    CSS_PATH = "unlock_help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", show=False),
        Binding("f5", "record", show=False),
        Binding("c", "cert_check", show=False),
        Binding("p", "print", show=False),
    ]
    KEYS: ClassVar[list[tuple[str, str, str]]] = [
        ("F5", "screen.record", "keybar.record_help"),
        ("P", "screen.print", "keybar.print"),
        ("C", "screen.cert_check", "keybar.cert_check"),
        ("Esc", "app.pop_screen", "keybar.back"),
        ("F2", "app.toggle_language", "keybar.language"),
    ]

    def __init__(self, serial: str | None = None) -> None:
        super().__init__()
        self._wanted = serial
        self.token: TokenSummary | None = None
        self.case: Case | None = None

    def compose(self) -> ComposeResult:
        """Diagnosis, steps and the QR of the unlock system."""
        yield StatusBar()
        with VerticalScroll(id="unlock-body"):
            yield Static(self.t("workflow.unlock_help"), id="unlock-title")
            yield Static("", id="unlock-diagnosis")
            with Horizontal(id="unlock-main"):
                yield Static("", id="unlock-steps")
                with Vertical(id="unlock-qr-box"):
                    yield Static("", id="unlock-qr")
                    yield Static("", id="unlock-url")
            yield Static("", id="unlock-case")
        yield self.key_bar()

    def on_mount(self) -> None:
        """Diagnose whatever key is in."""
        self.kiosk.refresh_status()
        self._show()

    async def relabel(self) -> None:
        """Redraw in the new language."""
        await super().relabel()
        self._show()

    def tokens_changed(self, tokens: list[TokenSummary]) -> None:
        """Follow the key in the reader (its flags may change too)."""
        if self.is_mounted:
            self._show()

    def _show(self) -> None:
        if self.context.token_reader is None:
            self._update(self.t("check.no_reader"), "", show_qr=False)
            return
        self.token = choose_token(
            self.kiosk.tokens, self.token.serial if self.token else self._wanted
        )
        if self.token is None:
            self._update(self.t("check.insert"), "", show_qr=False)
            return
        advice = advise(self.token)
        diagnosis = self.t("unlock.token_line", label=self.token.label, serial=self.token.serial)
        diagnosis += "\n" + self.t(advice.diagnosis)
        if advice.suggest_cert_check:
            diagnosis += "\n" + self.t("unlock.try_cert_check")
        steps = ""
        if advice.show_procedure:
            steps = "\n".join(
                f"{number}. {self.t(step, days=UNLOCK_EMAIL_WORKDAYS)}"
                for number, step in enumerate(advice.steps, 1)
            )
            steps += "\n\n" + self.t("unlock.never_try")
        self._update(diagnosis, steps, show_qr=advice.show_procedure)
        self.query_one("#unlock-url", Static).update(plain(advice.unlock_url))
        self.query_one("#unlock-qr", Static).update(qr_text(advice.unlock_url))
        self._show_case()

    def _update(self, diagnosis: str, steps: str, show_qr: bool) -> None:
        self.query_one("#unlock-diagnosis", Static).update(plain(diagnosis))
        self.query_one("#unlock-steps", Static).update(plain(steps))
        self.query_one("#unlock-qr-box").display = show_qr

    def _show_case(self) -> None:
        text = ""
        if self.case is not None and self.case.due_estimated:
            text = self.t("due.estimated") + "\n"
        if self.case is not None:
            text += self.t(
                "unlock.recorded",
                code=self.case.tracking_code,
                due=self.case.due_on.isoformat() if self.case.due_on else "",
            )
        self.query_one("#unlock-case", Static).update(plain(text))

    def action_record(self) -> None:
        """Record the help given as a case due in 3 working days (F5)."""
        operator = self.kiosk.operator
        if self.token is None or operator is None:
            self.notify(self.t("check.insert"), severity="warning")
            return
        if self.case is not None:
            self.notify(self.t("unlock.already_recorded"))
            return
        context = self.context
        try:
            self.case = record_unlock_help(
                context.store,
                self.token,
                counter=context.counter,
                operator=operator.username,
                now=context.clock(),
                calendar=context.calendar,
            )
        except KioskError as error:
            self.notify(
                visible(error.message(context.translator.language)), severity="error", markup=False
            )
            return
        except sqlite3.Error:
            self.notify(self.t("check.not_recorded"), severity="error")
            return
        self._show_case()

    def action_print(self) -> None:
        """Preview and print the guidance slip (P); the help is recorded first if need be."""
        from kiosk.services.printing import unlock_paper
        from screens.receipt_preview import ReceiptPreviewScreen

        if self.case is None:
            self.action_record()
        case, token, operator = self.case, self.token, self.kiosk.operator
        if case is None or token is None or operator is None:
            return
        context = self.context
        enterprise = get_enterprise(context.store, case.enterprise_uscc or "")
        built = unlock_paper(
            context.settings,
            operator,
            case,
            token,
            context.clock(),
            enterprise_name=enterprise.name if enterprise else "",
        )
        self.app.push_screen(
            ReceiptPreviewScreen.stored(
                context,
                operator.username,
                case,
                built,
                template="unlock_slip",
                copies=1,
                name=case.tracking_code,
            )
        )

    def action_cert_check(self) -> None:
        """Switch to the certificate check (C)."""
        from screens.cert_check import CertCheckScreen

        self.app.switch_screen(CertCheckScreen(serial=self.token.serial if self.token else None))
