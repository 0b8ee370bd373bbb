"""Which of the keys present a screen works on: the one already chosen while it stays in,
else the first one."""

from __future__ import annotations

from devices.token import TokenSummary


def choose_token(tokens: list[TokenSummary], current: str | None) -> TokenSummary | None:
    """The token with serial ``current`` if still present, else the first, else None."""
    for token in tokens:
        if token.serial == current:
            return token
    return tokens[0] if tokens else None
