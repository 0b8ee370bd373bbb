"""The base of every kiosk screen: translated text and the key bar."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from devices.token import TokenSummary
    from kiosk.app import KioskApp
    from kiosk.context import KioskContext
    from screens.widgets.key_bar import KeyBar


class KioskScreenMixin:
    """Helpers shared by full screens and dialogs."""

    KEYS: ClassVar[list[tuple[str, str, str]]] = []
    """What the key bar shows: (key label, action, catalog key of its description)."""

    @property
    def kiosk(self) -> KioskApp:
        """The running kiosk app."""
        from kiosk.app import KioskApp

        app = self.app  # type: ignore[attr-defined]
        assert isinstance(app, KioskApp)
        return app

    @property
    def context(self) -> KioskContext:
        """The kiosk's settings, store and helpers."""
        return self.kiosk.context

    def t(self, key: str, **params: Any) -> str:
        """A catalog message in the current language."""
        return self.kiosk.context.translator.t(key, **params)

    def key_bar(self, with_demo_tray: bool = True) -> KeyBar:
        """The key bar for this screen's KEYS (plus F9 for the demo's tray of keys)."""
        from screens.widgets.key_bar import KeyBar

        keys = list(self.KEYS)
        if with_demo_tray and self.context.demo_tray is not None:
            keys.append(("F9", "app.demo_tray", "keybar.demo_tray"))
        return KeyBar([(key, action, self.t(text)) for key, action, text in keys])

    def tokens_changed(self, tokens: list[TokenSummary]) -> None:
        """The keys present changed; screens that read keys override this."""

    async def relabel(self) -> None:
        """Show the screen again in the current language (after a language switch), keeping
        what the clerk typed, ticked or chose in the fields."""
        from textual.widgets import Checkbox, Input, RadioButton, Select

        fields = (Input, Checkbox, RadioButton, Select)
        kept = {
            widget.id: widget.value
            for widget in self.query("*")  # type: ignore[attr-defined]
            if isinstance(widget, fields) and widget.id
        }
        await self.recompose()  # type: ignore[attr-defined]
        for widget in self.query("*"):  # type: ignore[attr-defined]
            if isinstance(widget, fields) and widget.id in kept:
                widget.value = kept[widget.id]


class KioskScreen(KioskScreenMixin, Screen[None]):
    """A full screen of the kiosk."""


ResultT = TypeVar("ResultT")


class KioskDialog(KioskScreenMixin, ModalScreen[ResultT]):
    """A dialog over the current screen that returns a ``ResultT``."""
