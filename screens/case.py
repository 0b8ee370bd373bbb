"""One case: what it is, its deadline in working days, its whole history from the audit
trail, and its receipts, which can be printed again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable

from data.audit import events_of_case
from data.models import Case
from devices.qr import qr_text
from kiosk.errors import KioskError
from kiosk.services.printing import tracking_url
from kiosk.services.rating import RATINGS, rate_service
from kiosk.services.receipts import PrintOutcome, receipts_of_case, send_receipt
from screens.base import KioskScreen
from screens.plain import Static, plain
from screens.widgets.status_bar import StatusBar


class CaseScreen(KioskScreen):
    """Opened by a scanned or typed tracking code; R prints the selected receipt again."""

    CSS_PATH = "case.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", show=False),
        Binding("r", "reprint", show=False),
        Binding("f", "follow_up", show=False),
        *(Binding(str(n), f"rate({n})", show=False) for n in range(1, len(RATINGS) + 1)),
    ]
    KEYS: ClassVar[list[tuple[str, str, str]]] = [
        ("R", "screen.reprint", "keybar.reprint"),
        ("1-5", "", "keybar.rate"),
        ("F", "screen.follow_up", "keybar.follow_up"),
        ("Esc", "app.pop_screen", "keybar.back"),
        ("F2", "app.toggle_language", "keybar.language"),
    ]

    @dataclass
    class Reprinted(Message):
        """A reprint finished."""

        outcome: PrintOutcome | None
        error: KioskError | None = None
        """The project's own error that stopped it (e.g. the disk is full)."""

    def __init__(self, case: Case) -> None:
        super().__init__()
        self.case = case

    def compose(self) -> ComposeResult:
        """Summary, QR, history and receipts."""
        yield StatusBar()
        with VerticalScroll(id="case-body"):
            yield Static(plain(self._summary()), id="case-summary")
            yield Static(plain(self._rating_text()), id="case-rating")
            yield Static(
                qr_text(tracking_url(self.context.settings, self.case.tracking_code)), id="case-qr"
            )
            yield Static(self.t("case.history"), classes="case-heading")
            yield DataTable(id="case-history", cursor_type="none")
            yield Static(self.t("case.receipts"), classes="case-heading")
            yield DataTable(id="case-receipts", cursor_type="row")
            yield Static("", id="case-message")
        yield self.key_bar()

    def on_mount(self) -> None:
        """Fill the tables."""
        self.kiosk.refresh_status()
        self._fill()

    async def relabel(self) -> None:
        """Redraw in the new language."""
        await super().relabel()
        self._fill()

    def _summary(self) -> str:
        case = self.case
        today = self.context.clock().date()
        lines = [
            self.t("case.code", code=case.tracking_code),
            self.t(
                "case.kind_state",
                kind=self.t(f"casekind.{case.kind.value}"),
                state=self.t(f"casestate.{case.state.value}"),
            ),
            self.t(
                "case.opened", at=case.opened_at.strftime("%Y-%m-%d %H:%M"), operator=case.operator
            ),
        ]
        if case.enterprise_uscc:
            lines.append(self.t("case.enterprise", uscc=case.enterprise_uscc))
        if case.due_on is not None:
            left = self.context.calendar.workdays_left(today, case.due_on)
            key = "case.due_left" if left >= 0 else "case.due_overdue"
            if case.state.value == "closed":
                key = "case.due_closed"
            lines.append(self.t(key, due=case.due_on.isoformat(), days=abs(left)))
            if case.due_estimated:
                lines.append(self.t("due.estimated"))
        return "\n".join(lines)

    def _rating_text(self) -> str:
        """The agent's rating (好差评), flagged when dissatisfied, or how to give it."""
        case = self.case
        if case.rating is None:
            grades = "  ".join(
                f"{number} {self.t(f'rating.{rating}')}"
                for number, rating in enumerate(RATINGS, start=1)
            )
            return self.t("case.rating_prompt", grades=grades)
        text = self.t("case.rating", rating=self.t(f"rating.{case.rating}"))
        if case.flagged:
            text += "\n" + self.t("case.rating_flagged")
        return text

    def action_rate(self, number: int) -> None:
        """Record the agent's rating of the service (keys 1-5, very satisfied first)."""
        if not 1 <= number <= len(RATINGS):
            return
        message = self.query_one("#case-message", Static)
        try:
            self.case = rate_service(
                self.context.store,
                case_id=self.case.id,
                rating=RATINGS[number - 1],
                now=self.context.clock(),
                entered_by=self.kiosk.operator,
            )
        except KioskError as error:
            message.update(plain(error.message(self.context.translator.language)))
            return
        self.query_one("#case-rating", Static).update(plain(self._rating_text()))
        message.update(self.t("case.rated"))
        self._fill()

    def _fill(self) -> None:
        history = self.query_one("#case-history", DataTable)
        history.clear(columns=True)
        history.add_columns(
            self.t("case.col_time"), self.t("case.col_event"), self.t("case.col_operator")
        )
        for entry in self.context.store.read(lambda conn: events_of_case(conn, self.case.id)):
            history.add_row(
                entry.at.replace("T", " ")[:16], plain(entry.kind), plain(entry.operator or "")
            )
        receipts = self.query_one("#case-receipts", DataTable)
        receipts.clear(columns=True)
        receipts.add_columns(
            self.t("case.col_receipt"), self.t("case.col_status"), self.t("case.col_time")
        )
        for receipt in receipts_of_case(self.context.store, self.case.id):
            status = self.t(f"receiptstatus.{receipt.status.value}")
            if receipt.error:
                status += f" ({self.t(f'print.short_{receipt.error}')})"
            receipts.add_row(
                plain(receipt.template),
                status,
                receipt.created_at.strftime("%Y-%m-%d %H:%M"),
                key=str(receipt.id),
            )

    def action_follow_up(self) -> None:
        """A supervisor records that a dissatisfied rating was followed up (F)."""
        from kiosk.services.rating import follow_up_flag

        operator, context = self.kiosk.operator, self.context
        if operator is None:
            return
        try:
            self.case = follow_up_flag(
                context.store,
                case_id=self.case.id,
                supervisor=operator,
                note="",
                now=context.clock(),
            )
        except KioskError as error:
            self.query_one("#case-message", Static).update(
                plain(error.message(context.translator.language))
            )
            return
        self.query_one("#case-summary", Static).update(plain(self._summary()))
        self.query_one("#case-message", Static).update(plain(self.t("case.followed_up")))
        self._fill()

    def action_reprint(self) -> None:
        """Print the selected receipt again from its stored bytes (R)."""
        table = self.query_one("#case-receipts", DataTable)
        operator = self.kiosk.operator
        if table.row_count == 0 or operator is None:
            self.query_one("#case-message", Static).update(self.t("case.no_receipt"))
            return
        receipt_id = int(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))
        context = self.context
        self.query_one("#case-message", Static).update(self.t("preview.printing"))

        def reprint() -> None:
            try:
                outcome = send_receipt(
                    context.store,
                    context.printer,
                    receipt_id,
                    operator=operator.username,
                    now=context.clock(),
                )
            except KioskError as error:  # e.g. the disk is full: its message, in words
                self.post_message(self.Reprinted(None, error))
                return
            self.post_message(self.Reprinted(outcome))

        self.run_worker(reprint, thread=True, exclusive=True, group="print", exit_on_error=False)

    def on_case_screen_reprinted(self, message: Reprinted) -> None:
        """Say how the reprint went and show the receipt's new state."""
        outcome = message.outcome
        if outcome is None:
            error = message.error
            text = error.message(self.context.translator.language) if error else ""
            self.query_one("#case-message", Static).update(plain(text))
            self._fill()
            return
        if outcome.printed:
            text = self.t("case.reprinted")
        else:
            spec = str(self.context.settings.printer.connection)
            text = self.t(f"print.failed_{outcome.failure}", spec=spec)
        self.query_one("#case-message", Static).update(plain(text))
        self._fill()
