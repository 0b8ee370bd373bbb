"""The list of keys a search found, shared by the hand-over, mail-out and cancellation
screens."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import OptionList
from textual.widgets.option_list import Option

from kiosk.services.search import KeyMatch
from screens.plain import plain


def show_key_matches(results: OptionList, matches: list[KeyMatch], t: Callable[..., str]) -> bool:
    """Fill ``results`` with one row per key (enterprise, USCC, serial, state), highlight
    and focus the first; returns False when nothing was found."""
    results.clear_options()
    for index, match in enumerate(matches):
        key = match.key
        name = match.enterprise.name if match.enterprise else key.enterprise_uscc
        state = t(f"keystate.{key.state.value}")
        row = f"{name}  {key.enterprise_uscc}  {key.token_serial or '—'}  [{state}]"
        results.add_option(Option(plain(row), id=str(index)))
    if not matches:
        return False
    results.highlighted = 0
    results.focus()
    return True
