"""Keyed hash of ID numbers."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from kiosk.rules.id_hash import generate_hash_key, keyed_id_hash

KEY = bytes(range(32))
NUMBER = "11010519800101123X"


def test_is_hmac_sha256_hex_of_normalised_number() -> None:
    expected = hmac.new(KEY, NUMBER.encode(), hashlib.sha256).hexdigest()
    assert keyed_id_hash(NUMBER, KEY) == expected
    assert len(expected) == 64


@pytest.mark.parametrize(
    "text",
    ["11010519800101123x", " 11010519800101123X\u3000", "１１０１０５１９８００１０１１２３ｘ"],
)
def test_same_card_same_hash_however_typed(text: str) -> None:
    assert keyed_id_hash(text, KEY) == keyed_id_hash(NUMBER, KEY)


def test_plain_number_not_in_hash() -> None:
    assert NUMBER.lower() not in keyed_id_hash(NUMBER, KEY)


def test_different_key_or_number_gives_different_hash() -> None:
    assert keyed_id_hash(NUMBER, KEY) != keyed_id_hash(NUMBER, bytes(32))
    assert keyed_id_hash(NUMBER, KEY) != keyed_id_hash("110105198001011238", KEY)


def test_short_key_refused() -> None:
    with pytest.raises(ValueError):
        keyed_id_hash(NUMBER, b"x" * 15)
    assert keyed_id_hash(NUMBER, b"x" * 16)


def test_generated_keys_are_32_random_bytes() -> None:
    first, second = generate_hash_key(), generate_hash_key()
    assert isinstance(first, bytes)
    assert len(first) == 32
    assert first != second
    assert keyed_id_hash(NUMBER, first) != keyed_id_hash(NUMBER, second)
