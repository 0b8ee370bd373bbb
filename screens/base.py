"""The base of every kiosk screen: translated text and the key bar."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from rich.text import Text

    from devices.token import TokenSummary
    from kiosk.app import KioskApp
    from kiosk.context import KioskContext
    from kiosk.services.agents import AgentCheck, Override
    from kiosk.services.search import KeyMatch
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

    def check_agent_at_desk(
        self, uscc: str, id_number: str, override: Override | None
    ) -> AgentCheck:
        """Check the person at the desk against the enterprise's authorised agents.

        Raises:
            KioskError: the message to show (bad ID number, not authorised, override refused).
        """
        from kiosk.services.agents import check_agent

        context, operator = self.context, self.kiosk.operator
        return check_agent(
            context.store,
            uscc=uscc,
            id_number=id_number,
            id_hash_key=context.id_hash_key,
            operator=operator.username if operator else "",
            now=context.clock(),
            policy=context.lockout,
            override=override,
        )

    def key_line(self, match: KeyMatch) -> Text:
        """One line naming a found key: enterprise, USCC and serial."""
        from screens.plain import plain

        key = match.key
        name = match.enterprise.name if match.enterprise else key.enterprise_uscc
        return plain(
            self.t(
                "ho.key_line", name=name, uscc=key.enterprise_uscc, serial=key.token_serial or "—"
            )
        )

    def tokens_changed(self, tokens: list[TokenSummary]) -> None:
        """The keys present changed; screens that read keys override this."""

    async def relabel(self) -> None:
        """Show the screen again in the current language (after a language switch), keeping
        what the clerk typed, ticked or chose in the fields."""
        from textual.widgets import Checkbox, RadioButton, Select

        from screens.plain import Input

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
