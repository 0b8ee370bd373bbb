"""The secret that keys the hash of ID numbers, kept in a file beside the database."""

from __future__ import annotations

import os
from pathlib import Path

from kiosk.errors import KioskError
from kiosk.rules.id_hash import KEY_BYTES, generate_hash_key


def create_hash_key(path: Path) -> bytes:
    """Write a new random key readable by the owner only; never overwrites an existing one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = generate_hash_key()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key.hex().encode("ascii") + b"\n")
    return key


def load_hash_key(path: Path) -> bytes:
    """Read the key; KioskError ``hashkey.missing`` or ``hashkey.bad`` says what to do."""
    try:
        text = path.read_text("ascii").strip()
    except FileNotFoundError:
        raise KioskError("hashkey.missing", path=str(path)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise KioskError("hashkey.bad", path=str(path), problem=str(error)) from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise KioskError("hashkey.bad", path=str(path), problem="not hexadecimal") from None
    if len(key) != KEY_BYTES:
        raise KioskError(
            "hashkey.bad", path=str(path), problem=f"{len(key)} bytes, not {KEY_BYTES}"
        )
    return key
