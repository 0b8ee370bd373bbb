"""Mail-out: find the key, enter recipient, address, courier and waybill, record it mailed
and print the receipt."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import OptionList

from data.models import Case
from kiosk.errors import KioskError
from kiosk.services.mail_out import mail_key
from kiosk.services.search import KeyMatch, find_keys
from screens.base import KioskScreen
from screens.plain import Input, Label, Static, plain
from screens.widgets.key_results import show_key_matches
from screens.widgets.status_bar import StatusBar

FIELDS = ("recipient", "phone", "address", "courier", "waybill")


class MailOutScreen(KioskScreen):
    """Search, the parcel's details, F5 to record and print."""

    CSS_PATH = "mail_out.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", show=False),
        Binding("f5", "record", show=False),
    ]
    KEYS: ClassVar[list[tuple[str, str, str]]] = [
        ("F5", "screen.record", "keybar.record_mail"),
        ("Esc", "app.pop_screen", "keybar.back"),
        ("F2", "app.toggle_language", "keybar.language"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.matches: list[KeyMatch] = []
        self.chosen: KeyMatch | None = None
        self.case: Case | None = None

    def compose(self) -> ComposeResult:
        """Search, results, the parcel form and the step line."""
        yield StatusBar()
        with VerticalScroll(id="mo-body"):
            yield Static(self.t("workflow.mail_out"), id="mo-title")
            yield Input(placeholder=self.t("ho.search_hint"), id="mo-search", max_length=100)
            yield OptionList(id="mo-results")
            yield Static("", id="mo-key")
            with Vertical(id="mo-form"):
                for field in FIELDS:
                    with Horizontal(classes="mo-row"):
                        yield Label(self.t(f"mo.{field}"))
                        yield Input(id=f"mo-{field}", max_length=200)
            yield Static(plain(self.t("ho.step_find")), id="mo-step")
        yield self.key_bar()

    def on_mount(self) -> None:
        """Start at the search box."""
        self.kiosk.refresh_status()
        self.query_one("#mo-form").display = False
        self.query_one("#mo-search", Input).focus()

    def _step(self, text: str) -> None:
        self.query_one("#mo-step", Static).update(plain(text))

    @on(Input.Submitted, "#mo-search")
    def _search(self, event: Input.Submitted) -> None:
        self.matches = find_keys(self.context.store, event.value)
        results = self.query_one("#mo-results", OptionList)
        if show_key_matches(results, self.matches, self.t):
            self._step(self.t("ho.step_pick"))
        else:
            self._step(self.t("ho.nothing_found"))

    @on(OptionList.OptionSelected, "#mo-results")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.chosen = self.matches[int(event.option.id or 0)]
        self.case = None  # a new key starts a new mail-out
        for field in FIELDS:
            self.query_one(f"#mo-{field}", Input).value = ""
        key, enterprise = self.chosen.key, self.chosen.enterprise
        name = enterprise.name if enterprise else key.enterprise_uscc
        self.query_one("#mo-key", Static).update(
            plain(
                self.t(
                    "ho.key_line",
                    name=name,
                    uscc=key.enterprise_uscc,
                    serial=key.token_serial or "—",
                )
            )
        )
        self.query_one("#mo-form").display = True
        if enterprise is not None:
            self.query_one("#mo-recipient", Input).value = enterprise.contact_name
            self.query_one("#mo-phone", Input).value = enterprise.contact_phone
            self.query_one("#mo-address", Input).value = enterprise.address
        self.query_one("#mo-recipient", Input).focus()
        self._step(self.t("mo.step_form"))

    def action_record(self) -> None:
        """Record the key mailed and print the receipt (F5)."""
        operator, chosen, context = self.kiosk.operator, self.chosen, self.context
        if operator is None or chosen is None or self.case is not None:
            return
        values = {f: self.query_one(f"#mo-{f}", Input).value for f in FIELDS}
        try:
            self.case = mail_key(
                context.store,
                key_id=chosen.key.id,
                recipient=values["recipient"],
                address=values["address"],
                courier=values["courier"],
                waybill=values["waybill"],
                recipient_phone=values["phone"],
                operator=operator.username,
                counter=context.counter,
                now=context.clock(),
                calendar=context.calendar,
            )
        except KioskError as error:
            self._step(error.message(context.translator.language))
            return
        self._step(self.t("mo.done", code=self.case.tracking_code))
        self._print(values)

    def _print(self, values: dict[str, str]) -> None:
        from kiosk.services.printing import mail_out_paper
        from screens.receipt_preview import ReceiptPreviewScreen

        case, chosen, operator, context = self.case, self.chosen, self.kiosk.operator, self.context
        if case is None or chosen is None or operator is None:
            return
        built = mail_out_paper(
            context.settings,
            operator,
            case,
            enterprise_name=chosen.enterprise.name if chosen.enterprise else "",
            uscc=chosen.key.enterprise_uscc,
            key_serial=chosen.key.token_serial or "",
            recipient=values["recipient"],
            address=values["address"],
            courier=values["courier"],
            waybill=values["waybill"],
            now=context.clock(),
        )
        self.app.push_screen(
            ReceiptPreviewScreen.stored(
                context,
                operator.username,
                case,
                built,
                template="mail_out",
                copies=1,
                name=case.tracking_code,
            )
        )
