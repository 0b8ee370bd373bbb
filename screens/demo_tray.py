"""The demo's tray of keys: plug a demo key in or take it out (only in `kiosk demo`)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from screens.base import KioskDialog
from screens.plain import Static


class DemoTrayScreen(KioskDialog[None]):
    """Lists the demo keys; Enter plugs the highlighted one in or takes it out."""

    CSS_PATH = "demo_tray.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss_tray", show=False)]
    KEYS: ClassVar[list[tuple[str, str, str]]] = [
        ("Enter", "", "keybar.toggle_key"),
        ("Esc", "screen.dismiss_tray", "keybar.back"),
    ]

    def compose(self) -> ComposeResult:
        """The list of demo keys with their state."""
        with Vertical(id="tray-box"):
            yield Static(self.t("tray.title"), id="tray-title")
            yield Static(self.t("tray.hint"), id="tray-hint")
            yield OptionList(*self._options(), id="tray-keys")
        yield self.key_bar(with_demo_tray=False)

    def _options(self) -> list[Option]:
        tray = self.context.demo_tray
        if tray is None:
            return []
        return [
            Option(f"{'●' if key.plugged else '○'} {key.label}  {key.description}", id=key.label)
            for key in tray.contents()
        ]

    @on(OptionList.OptionSelected, "#tray-keys")
    def _toggle(self, event: OptionList.OptionSelected) -> None:
        tray = self.context.demo_tray
        if tray is None or event.option.id is None:
            return
        tray.toggle(event.option.id)
        keys = self.query_one(OptionList)
        highlighted = keys.highlighted
        keys.clear_options()
        keys.add_options(self._options())
        keys.highlighted = highlighted
        self.kiosk.poll_tokens_now()

    def action_dismiss_tray(self) -> None:
        """Close the tray."""
        self.dismiss(None)
