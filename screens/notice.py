"""Notice: received keys whose enterprise has not been told yet, overdue first; the clerk
records how it was told (phone, SMS, e-mail) and whether it will collect or wants it mailed."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import OptionList, Select
from textual.widgets.option_list import Option

from kiosk.errors import KioskError
from kiosk.rules.masking import mask_phone
from kiosk.services.notice import (
    CHANNELS,
    DELIVERIES,
    AwaitingNotice,
    awaiting_notice,
    record_enterprise_told,
)
from screens.base import KioskScreen
from screens.plain import Label, Static, cleaned, plain
from screens.widgets.status_bar import StatusBar


class NoticeScreen(KioskScreen):
    """The keys awaiting notice; pick one, choose channel and delivery, Enter or F5 records."""

    CSS_PATH = "notice.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", show=False),
        Binding("f5", "record", show=False),
    ]
    KEYS: ClassVar[list[tuple[str, str, str]]] = [
        ("F5", "screen.record", "keybar.record_notice"),
        ("Esc", "app.pop_screen", "keybar.back"),
        ("F2", "app.toggle_language", "keybar.language"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: list[AwaitingNotice] = []
        self.chosen: AwaitingNotice | None = None
        self._note = plain("")

    def compose(self) -> ComposeResult:
        """The list, the two choices and the step line."""
        yield StatusBar()
        with VerticalScroll(id="nt-body"):
            yield Static(self.t("nt.title"), id="nt-title")
            yield OptionList(id="nt-list")
            yield Static("", id="nt-empty")
            with Horizontal(id="nt-choices"):
                yield Label(self.t("nt.channel_prompt"))
                yield Select(
                    [(self.t(f"nt.channel_{channel}"), channel) for channel in CHANNELS],
                    id="nt-channel",
                    prompt=self.t("nt.channel_prompt"),
                )
                yield Label(self.t("nt.delivery_prompt"))
                yield Select(
                    [(self.t(f"nt.delivery_{delivery}"), delivery) for delivery in DELIVERIES],
                    id="nt-delivery",
                    prompt=self.t("nt.delivery_prompt"),
                )
            yield Static(self._note or plain(self.t("nt.step_pick")), id="nt-step")
        yield self.key_bar()

    def on_mount(self) -> None:
        """Load the list, cursor on its first (most urgent) row."""
        self.kiosk.refresh_status()
        self.reload()
        self.query_one("#nt-list", OptionList).focus()

    async def relabel(self) -> None:
        """Redraw in the new language."""
        await super().relabel()
        self.reload()

    def reload(self) -> None:
        """Read the keys awaiting notice again and show them."""
        context = self.context
        self.items = awaiting_notice(context.store, context.clock().date(), context.calendar)
        listing = self.query_one("#nt-list", OptionList)
        listing.clear_options()
        for index, item in enumerate(self.items):
            listing.add_option(Option(cleaned(self._row(item)), id=str(index)))
        if self.items:
            chosen_id = self.chosen.case.id if self.chosen else None
            ids = [item.case.id for item in self.items]
            listing.highlighted = ids.index(chosen_id) if chosen_id in ids else 0
        else:
            self.chosen = None
        listing.display = bool(self.items)
        self.query_one("#nt-empty", Static).update(
            plain(self.t("nt.empty")) if not self.items else plain("")
        )

    def _row(self, item: AwaitingNotice) -> Text:
        enterprise = item.enterprise
        row = Text()
        if item.overdue:
            row.append(self.t("nt.overdue", days=-item.workdays_left), style="bold red")
        else:
            row.append(self.t("nt.left", days=item.workdays_left), style="green")
        row.append("  ")
        row.append(
            self.t(
                "nt.row",
                name=enterprise.name if enterprise else item.key.enterprise_uscc,
                uscc=item.key.enterprise_uscc,
                serial=item.key.token_serial or "—",
                due=item.case.due_on.isoformat() if item.case.due_on else "—",
                contact=(enterprise.contact_name if enterprise else "") or "—",
                phone=mask_phone(enterprise.contact_phone) if enterprise else "",
            ),
            style="bold red" if item.overdue else "",
        )
        return row

    def _say(self, text: str, style: str = "") -> None:
        self._note = plain(text, style=style)
        self.query_one("#nt-step", Static).update(self._note)

    @on(OptionList.OptionSelected, "#nt-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        """Enter on a row: record it when both choices are made, else ask for them."""
        self.chosen = self.items[int(event.option.id or 0)]
        channel = self.query_one("#nt-channel", Select).value
        delivery = self.query_one("#nt-delivery", Select).value
        if isinstance(channel, str) and isinstance(delivery, str):
            self.action_record()
            return
        name = self.chosen.enterprise.name if self.chosen.enterprise else ""
        self._say(self.t("nt.chosen", name=name, serial=self.chosen.key.token_serial or "—"))
        missing = "#nt-channel" if not isinstance(channel, str) else "#nt-delivery"
        self.query_one(missing, Select).focus()

    def action_record(self) -> None:
        """Record how the chosen (or highlighted) enterprise was told (F5)."""
        operator, context = self.kiosk.operator, self.context
        if operator is None:
            return
        listing = self.query_one("#nt-list", OptionList)
        item = self.chosen
        if item is None and listing.highlighted is not None and self.items:
            item = self.items[listing.highlighted]
        if item is None:
            self._say(self.t("nt.pick_row"), "bold red")
            return
        channel = self.query_one("#nt-channel", Select).value
        delivery = self.query_one("#nt-delivery", Select).value
        if not isinstance(channel, str):
            self._say(self.t("nt.pick_channel"), "bold red")
            self.query_one("#nt-channel", Select).focus()
            return
        if not isinstance(delivery, str):
            self._say(self.t("nt.pick_delivery"), "bold red")
            self.query_one("#nt-delivery", Select).focus()
            return
        try:
            record_enterprise_told(
                context.store,
                case_id=item.case.id,
                channel=channel,
                delivery=delivery,
                operator=operator.username,
                now=context.clock(),
            )
        except KioskError as error:
            self._say(error.message(context.translator.language), "bold red")
            self.reload()
            return
        self.chosen = None
        self._say(
            self.t(
                "nt.recorded",
                name=item.enterprise.name if item.enterprise else item.key.enterprise_uscc,
                channel=self.t(f"nt.channel_{channel}"),
                delivery=self.t(f"nt.delivery_{delivery}"),
            ),
            "green",
        )
        self.query_one("#nt-channel", Select).clear()
        self.query_one("#nt-delivery", Select).clear()
        self.reload()
        listing.focus()
