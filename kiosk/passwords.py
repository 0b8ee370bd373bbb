"""Operator password hashing with Argon2id at OWASP's recommended minimum
(19 MiB memory, 2 iterations, parallelism 1)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified against when the username is unknown, so both paths cost the same time.
_DUMMY_HASH = _HASHER.hash("not-a-real-password")

MIN_PASSWORD_LENGTH = 8

COMMON_PASSWORDS = frozenset(
    {
        "password",
        "password1",
        "password123",
        "passw0rd",
        "12345678",
        "123456789",
        "1234567890",
        "87654321",
        "11111111",
        "00000000",
        "88888888",
        "admin123",
        "admin1234",
        "administrator",
        "qwerty",
        "qwerty123",
        "qwertyui",
        "qwertyuiop",
        "1qaz2wsx",
        "abc12345",
        "abcd1234",
        "a1234567",
        "iloveyou",
        "letmein1",
        "welcome1",
        "changeme",
        "woaini1314",
        "aa123456",
        "asdfghjk",
        "zxcvbnm1",
    }
)
"""Passwords every guesser tries first (compared in lower case)."""


def is_weak_password(password: str, username: str = "") -> bool:
    """True for a password of only blanks or only digits, a common one, or the user name.

    The length rule (:data:`MIN_PASSWORD_LENGTH`) is checked apart, with its own message.
    """
    folded = password.strip().casefold()
    name = username.strip().casefold()
    return (
        not folded
        or folded.isdigit()
        or folded in COMMON_PASSWORDS
        or (bool(name) and name in folded and len(folded) - len(name) < 4)
    )


def hash_password(password: str) -> str:
    """An Argon2id hash string (salt and parameters included)."""
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if ``password`` matches; a None hash still spends the time of a real check."""
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _HASHER.check_needs_rehash(password_hash)
