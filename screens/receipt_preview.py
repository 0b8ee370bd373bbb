"""The receipt preview: the clerk sees the receipt before printing it, prints it, and can
print another copy. A failed print says why; the receipt stays stored for a reprint."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message

from data.models import Case, Receipt
from kiosk.errors import KioskError
from kiosk.receipts import BuiltReceipt
from kiosk.services.printing import print_for_case
from kiosk.services.rating import FLAGGED_RATINGS, RATINGS, rate_service
from kiosk.services.receipts import PrintOutcome, send_receipt, store_receipt
from screens.base import KioskDialog
from screens.plain import Static, plain

if TYPE_CHECKING:
    from kiosk.context import KioskContext


LIST_TEMPLATES = frozenset({"intake_list", "shipment_manifest"})


class ReceiptPreviewScreen(KioskDialog[None]):
    """Shows the receipt; F5 prints it, F6 prints another copy, Esc closes."""

    CSS_PATH = "receipt_preview.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "print", show=False),
        Binding("f6", "another_copy", show=False),
        Binding("f7", "save_image", show=False),
        Binding("escape", "close", show=False),
        *(Binding(str(n), f"rate({n})", show=False) for n in range(1, 6)),
    ]
    KEYS: ClassVar[list[tuple[str, str, str]]] = [
        ("F5", "screen.print", "keybar.print_receipt"),
        ("F6", "screen.another_copy", "keybar.another_copy"),
        ("F7", "screen.save_image", "keybar.save_image"),
        ("Esc", "screen.close", "keybar.back"),
    ]

    @dataclass
    class Printed(Message):
        """A print finished: its outcome, or what stopped it before the printer."""

        outcome: PrintOutcome | None
        problem: str | None
        error: KioskError | None = None
        """The project's own error that stopped it, if it was one."""

    def __init__(
        self, built: BuiltReceipt, first_print: Callable[[], PrintOutcome], name: str = "receipt"
    ) -> None:
        """Args: built: the receipt; first_print: stores and sends it (runs in a worker);
        name: the image file's name (the tracking code)."""
        super().__init__()
        self.built = built
        self.image_name = name
        self._printing = False
        self.stored_receipt: Receipt | None = None
        """The receipt as stored before any print (first F5 sends it)."""
        self.case: Case | None = None
        """The case served: at the end of the service the agent rates it here (1-5)."""
        self._first_print = first_print
        self.receipt: Receipt | None = None

    @classmethod
    def stored(
        cls,
        context: KioskContext,
        operator: str,
        case: Case,
        built: BuiltReceipt,
        *,
        template: str,
        copies: int,
        name: str,
    ) -> ReceiptPreviewScreen:
        """Store the receipt with its case now (so closing the preview loses nothing and the
        case screen can print it later), and preview it; F5 sends the stored bytes."""
        try:
            receipt = store_receipt(
                context.store,
                case_id=case.id,
                template=template,
                data=built.data,
                copies=copies,
                operator=operator,
                now=context.clock(),
            )
        except (KioskError, sqlite3.Error):
            # Not stored: F5 tries to store and send again, and says so if it cannot.
            return cls(
                built,
                lambda: print_for_case(
                    context.store,
                    context.printer,
                    case,
                    built,
                    template=template,
                    copies=copies,
                    operator=operator,
                    now=context.clock(),
                ),
                name=name,
            )
        screen = cls(
            built,
            lambda: send_receipt(
                context.store, context.printer, receipt.id, operator=operator, now=context.clock()
            ),
            name=name,
        )
        screen.stored_receipt = receipt
        if template not in LIST_TEMPLATES:  # a list is paperwork, not a service to the agent
            screen.case = case
        return screen

    def compose(self) -> ComposeResult:
        """The paper, and a line saying how printing went."""
        with Vertical(id="preview-box"):
            yield Static(self.t("preview.title"), id="preview-title")
            with VerticalScroll(id="preview-paper"):
                yield Static(plain("\n".join(self.built.preview)), id="preview-text")
            yield Static(plain(self.t("preview.hint")), id="preview-status")
            yield Static(plain(self._rating_prompt()), id="preview-rating")
        yield self.key_bar(with_demo_tray=False)

    def action_print(self) -> None:
        """Store and print the receipt (F5); once stored, F5 and F6 print it again."""
        if self.receipt is None:
            self._run(self._first_print)
        else:
            self.action_another_copy()

    def action_another_copy(self) -> None:
        """Send the stored receipt again (F6)."""
        if self.receipt is None:
            self.action_print()
            return
        context, receipt_id = self.context, self.receipt.id
        operator = self.kiosk.operator.username if self.kiosk.operator else ""
        self._run(
            lambda: send_receipt(
                context.store, context.printer, receipt_id, operator=operator, now=context.clock()
            )
        )

    def _run(self, job: Callable[[], PrintOutcome]) -> None:
        """One print at a time: a key pressed while printing is ignored."""
        if self._printing:
            return
        self._printing = True
        self._status("preview.printing")

        language = self.context.translator.language

        def work() -> None:
            try:
                self.post_message(self.Printed(job(), None))
            except KioskError as error:  # e.g. the disk is full: its message, in words
                self.post_message(self.Printed(None, error.message(language), error))
            except Exception as error:  # any failure: a message and F5 works again
                self.post_message(self.Printed(None, f"{type(error).__name__}: {error}"))

        self.run_worker(work, thread=True, exclusive=True, group="print", exit_on_error=False)

    def on_receipt_preview_screen_printed(self, message: Printed) -> None:
        """Say how it went."""
        self._printing = False
        if message.outcome is None:
            text = self.t("preview.not_stored", problem=message.problem or "")
            if message.error is not None and message.error.key == "print.not_recorded":
                text = message.problem or ""  # it did print: only the record is missing
            self.query_one("#preview-status", Static).update(plain(text))
            return
        self.receipt = message.outcome.receipt
        if message.outcome.printed:
            self._status("preview.printed")
        else:
            spec = str(self.context.settings.printer.connection)
            reason = self.t(f"print.failed_{message.outcome.failure}", spec=spec)
            if message.outcome.detail:
                reason += f" ({message.outcome.detail})"
            self.query_one("#preview-status", Static).update(
                plain(reason + "\n" + self.t("preview.kept"))
            )

    def action_save_image(self) -> None:
        """Draw the receipt from its printer bytes as a PNG beside the database (F7)."""
        from devices.escpos_render import ReceiptRenderError, render_receipt_png
        from devices.receipt_builder import COLUMNS

        settings = self.context.settings
        path = settings.database.path.parent / "receipt-images" / f"{self.image_name}.png"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            render_receipt_png(
                self.built.data, path, columns=COLUMNS[settings.printer.paper_width_mm]
            )
        except (OSError, ReceiptRenderError) as error:
            self.query_one("#preview-status", Static).update(
                plain(self.t("preview.image_failed", problem=str(error)))
            )
            return
        self.query_one("#preview-status", Static).update(
            plain(self.t("preview.image_saved", path=str(path)))
        )

    def _rating_prompt(self) -> str:
        choices = "  ".join(f"{n} {self.t(f'rating.{r}')}" for n, r in enumerate(RATINGS, 1))
        return self.t("preview.rate", choices=choices) if self.case is not None else ""

    def action_rate(self, number: int) -> None:
        """The agent rates the service just given (1 very satisfied … 5 very dissatisfied)."""
        if self.case is None:
            return
        context, rating = self.context, RATINGS[number - 1]
        try:
            rate_service(
                context.store,
                case_id=self.case.id,
                rating=rating,
                now=context.clock(),
                entered_by=self.kiosk.operator,
                in_service_flow=True,
            )
        except KioskError as error:
            text = error.message(context.translator.language)
        else:
            text = self.t("preview.rated", rating=self.t(f"rating.{rating}"))
            if rating in FLAGGED_RATINGS:
                text += " " + self.t("preview.flagged")
        self.query_one("#preview-rating", Static).update(plain(text))

    def action_close(self) -> None:
        """Back to the task (Esc)."""
        self.dismiss(None)

    def _status(self, key: str) -> None:
        self.query_one("#preview-status", Static).update(plain(self.t(key)))
