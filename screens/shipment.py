"""Shipment to the provider: pick the confirmed cancellations (due first, overdue marked),
enter courier and waybill, ship them and print the manifest; then record the provider's
verdict (cancelled, or refused with a remark) on each shipped case."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import OptionList, SelectionList
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from data.models import KeyState
from kiosk.errors import KioskError
from kiosk.services.cancellation import confirmed_awaiting_shipment
from kiosk.services.cancellation_lists import ListedCancellation, listed_cancellations
from kiosk.services.shipment import Shipment, Verdict, record_provider_verdict, ship_cancellations
from screens.base import KioskScreen
from screens.plain import Input, Label, Static, plain
from screens.widgets.status_bar import StatusBar


class ShipmentScreen(KioskScreen):
    """Space selects cancellations to ship, F5 ships them and prints the manifest;
    F7 / F8 record the provider's verdict on the shipped case highlighted below."""

    CSS_PATH = "shipment.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", show=False),
        Binding("f5", "ship", show=False),
        Binding("f7", "verdict('cancelled')", show=False),
        Binding("f8", "verdict('refused')", show=False),
    ]
    KEYS: ClassVar[list[tuple[str, str, str]]] = [
        ("F5", "screen.ship", "keybar.ship"),
        ("F7", "screen.verdict('cancelled')", "keybar.verdict_cancelled"),
        ("F8", "screen.verdict('refused')", "keybar.verdict_refused"),
        ("Esc", "app.pop_screen", "keybar.back"),
        ("F2", "app.toggle_language", "keybar.language"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.awaiting: list[ListedCancellation] = []
        self.shipped: list[ListedCancellation] = []
        self.shipment: Shipment | None = None

    def compose(self) -> ComposeResult:
        """The list to ship with courier and waybill; the shipped list with a remark."""
        yield StatusBar()
        with VerticalScroll(id="sh-body"):
            yield Static(self.t("workflow.shipment"), id="sh-title")
            yield Static(self.t("sh.awaiting_title"), classes="sh-heading")
            yield SelectionList[int](id="sh-awaiting")
            yield Static("", id="sh-awaiting-empty")
            with Horizontal(id="sh-ship-row"):
                yield Label(self.t("sh.courier"))
                yield Input(id="sh-courier", max_length=40)
                yield Label(self.t("sh.waybill"))
                yield Input(id="sh-waybill", max_length=40)
            yield Static(plain(self.t("sh.step")), id="sh-step")
            yield Static(self.t("sh.verdict_title"), classes="sh-heading")
            yield OptionList(id="sh-shipped")
            yield Input(placeholder=self.t("sh.remark"), id="sh-remark", max_length=200)
            yield Static("", id="sh-verdict-status")
        yield self.key_bar()

    def on_mount(self) -> None:
        """Fill both lists; start in the list to ship."""
        self.kiosk.refresh_status()
        self._fill()
        self.query_one("#sh-awaiting", SelectionList).focus()

    def _fill(self) -> None:
        store, today = self.context.store, self.context.clock().date()
        details = {
            item.case.id: item
            for item in listed_cancellations(
                store,
                "c.confirmed_by IS NOT NULL AND k.state = ?",
                (KeyState.CANCEL_REQUESTED.value,),
            )
        }
        # The service's own list and order (due first); the details only add names.
        self.awaiting = [
            details.get(case.id, ListedCancellation(case, "", "", ""))
            for case in confirmed_awaiting_shipment(store)
        ]
        selection = self.query_one("#sh-awaiting", SelectionList)
        selection.clear_options()
        for item in self.awaiting:
            due = item.case.due_on
            overdue = due is not None and due < today
            prompt = plain(
                self.t(
                    "sh.row",
                    mark=self.t("sh.overdue_mark") if overdue else "",
                    code=item.case.tracking_code,
                    name=item.name or (item.case.enterprise_uscc or ""),
                    serial=item.serial or "—",
                    reason=self._reason(item),
                    due=due.isoformat() if due else "—",
                ),
                style="bold red" if overdue else "",
            )
            selection.add_option(Selection(prompt, item.case.id))
        if self.awaiting:
            selection.highlighted = 0
        self.query_one("#sh-awaiting-empty", Static).update(
            "" if self.awaiting else plain(self.t("sh.none"))
        )
        self.shipped = listed_cancellations(store, "k.state = ?", (KeyState.SHIPPED.value,))
        shipped = self.query_one("#sh-shipped", OptionList)
        shipped.clear_options()
        for index, item in enumerate(self.shipped):
            shipped.add_option(
                Option(
                    plain(
                        self.t(
                            "sh.verdict_row",
                            code=item.case.tracking_code,
                            name=item.name or (item.case.enterprise_uscc or ""),
                            serial=item.serial or "—",
                            courier=item.courier,
                            waybill=item.waybill,
                        )
                    ),
                    id=str(index),
                )
            )
        if self.shipped:
            shipped.highlighted = 0
        else:
            shipped.add_option(Option(plain(self.t("sh.verdict_none")), disabled=True))

    def _reason(self, item: ListedCancellation) -> str:
        return self.t(f"cancel_reason.{item.reason}") if item.reason else "—"

    def _say(self, target: str, text: str) -> None:
        self.query_one(target, Static).update(plain(text))

    def _error(self, target: str, error: KioskError) -> None:
        self._say(target, error.message(self.context.translator.language))

    def action_ship(self) -> None:
        """Ship the selected cancellations (F5) and preview the manifest."""
        operator, context = self.kiosk.operator, self.context
        if operator is None:
            return
        chosen = set(self.query_one("#sh-awaiting", SelectionList).selected)
        items = [item for item in self.awaiting if item.case.id in chosen]
        courier = self.query_one("#sh-courier", Input).value
        waybill = self.query_one("#sh-waybill", Input).value
        try:
            shipment = ship_cancellations(
                context.store,
                case_ids=[item.case.id for item in items],
                courier=courier,
                waybill=waybill,
                operator=operator.username,
                counter=context.counter,
                now=context.clock(),
                calendar=context.calendar,
            )
        except KioskError as error:
            self._error("#sh-step", error)
            return
        self.shipment = shipment
        self._say(
            "#sh-step",
            self.t(
                "sh.shipped",
                count=len(shipment.case_ids),
                code=shipment.tracking_code,
                waybill=shipment.waybill,
            ),
        )
        self.query_one("#sh-waybill", Input).value = ""
        self._fill()
        self._print(shipment, items)

    def _print(self, shipment: Shipment, items: list[ListedCancellation]) -> None:
        from kiosk.services.printing import manifest_paper
        from screens.receipt_preview import ReceiptPreviewScreen

        operator, context = self.kiosk.operator, self.context
        if operator is None or not items:
            return
        built = manifest_paper(
            context.settings,
            operator,
            tracking_code=shipment.tracking_code,
            courier=shipment.courier,
            waybill=shipment.waybill,
            items=[(item.case, item.name, item.serial, item.reason) for item in items],
            now=context.clock(),
        )
        first = items[0].case  # receipts are stored with a case: the parcel's first
        self.app.push_screen(
            ReceiptPreviewScreen.stored(
                context,
                operator.username,
                first,
                built,
                template="shipment_manifest",
                copies=1,
                name=shipment.tracking_code,
            )
        )

    def action_verdict(self, verdict: Verdict) -> None:
        """Record the provider's verdict on the highlighted shipped case (F7 / F8)."""
        operator, context = self.kiosk.operator, self.context
        if operator is None:
            return
        index = self.query_one("#sh-shipped", OptionList).highlighted
        if not self.shipped or index is None or index >= len(self.shipped):
            self._say("#sh-verdict-status", self.t("sh.verdict_pick"))
            return
        item = self.shipped[index]
        remark = self.query_one("#sh-remark", Input)
        try:
            case = record_provider_verdict(
                context.store,
                case_id=item.case.id,
                verdict=verdict,
                remark=remark.value,
                operator=operator.username,
                now=context.clock(),
            )
        except KioskError as error:
            self._error("#sh-verdict-status", error)
            return
        remark.value = ""
        if verdict == "cancelled":
            self._say(
                "#sh-verdict-status", self.t("sh.recorded_cancelled", code=case.tracking_code)
            )
        else:
            text = case.outcome.split(": ", 1)[-1]
            self._say(
                "#sh-verdict-status",
                self.t("sh.recorded_refused", code=case.tracking_code, remark=text),
            )
        self._fill()
        # A second F7 must not land on the next parcel's case: the clerk picks it anew.
        self.query_one("#sh-shipped", OptionList).highlighted = None
