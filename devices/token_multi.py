"""Several readers seen as one (the demo's SoftHSM keys beside its in-memory keys)."""

from __future__ import annotations

from collections.abc import Sequence

from devices.token import TokenError, TokenReader, TokenReading, TokenSummary


class MultiReader:
    """A :class:`devices.token.TokenReader` listing the tokens of every reader it holds."""

    def __init__(self, readers: Sequence[TokenReader]) -> None:
        self.readers = list(readers)

    def list_tokens(self) -> list[TokenSummary]:
        """The tokens of all readers, in reader order."""
        return [token for reader in self.readers for token in reader.list_tokens()]

    def read_token(self, serial: str) -> TokenReading:
        """Read from whichever reader has this serial."""
        for reader in self.readers:
            if any(token.serial == serial for token in reader.list_tokens()):
                return reader.read_token(serial)
        raise TokenError("removed", f"no token with serial {serial}")

    def close(self) -> None:
        """Close every reader."""
        for reader in self.readers:
            reader.close()
