"""App-wide messages: the token watcher's news."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from devices.printer import PrinterState
from devices.token import TokenSummary


@dataclass
class TokensChanged(Message):
    """The keys present changed (or reading the slots failed: ``problem`` is its reason)."""

    tokens: list[TokenSummary]
    problem: str | None = None


@dataclass
class PrinterChanged(Message):
    """The printer answered its status (or did not: UNKNOWN / UNREACHABLE)."""

    state: PrinterState
