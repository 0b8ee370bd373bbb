"""A keyed fingerprint of an agent's ID number, so records can be matched without storing it.

The plain ID number is never stored: the kiosk keeps only ``keyed_id_hash(number, key)``.
Without the key the hash cannot be reversed by trying all possible numbers. Counters that
share the same key produce the same hash for the same person, which lets the centre match an
agent's visits across counters.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from kiosk.rules.normalize import normalize_code

MIN_KEY_BYTES = 16
KEY_BYTES = 32


def keyed_id_hash(id_number: str, key: bytes) -> str:
    """Return the hex HMAC-SHA256 of the normalised ID number under ``key``.

    The number is normalised first (blanks removed, full-width made ASCII, ``x`` made ``X``)
    so the same card always gives the same hash. The plain number is never stored; every
    counter sharing the same key gives the same hash, so the centre can match agents.

    Raises:
        ValueError: ``key`` is shorter than 16 bytes.
    """
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"hash key must be at least {MIN_KEY_BYTES} bytes, got {len(key)}")
    message = normalize_code(id_number).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def generate_hash_key() -> bytes:
    """Return a new random 32-byte key for :func:`keyed_id_hash`."""
    return secrets.token_bytes(KEY_BYTES)
