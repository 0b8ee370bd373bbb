"""How many electronic keys an enterprise may hold, and which application kind fits."""

from __future__ import annotations

from enum import StrEnum

from kiosk.errors import ValidationError

MAX_LIVE_KEYS = 3


class KeyKind(StrEnum):
    """The kind of key application (首次申领 / 增办 / 补办)."""

    FIRST = "first"
    ADDITIONAL = "additional"
    REPLACEMENT = "replacement"


def check_new_key_allowed(
    kind: KeyKind,
    live_keys: int,
    replaces_live_key: bool = False,
    *,
    old_key_counted: bool = True,
    old_has_replacement: bool = False,
) -> None:
    """Refuse a key application that breaks the holding rules; return ``None`` when allowed.

    ``live_keys`` is the number of keys the enterprise holds now (not cancelled, not revoked).
    A first key needs none held; an additional key needs at least one and fewer than
    ``MAX_LIVE_KEYS``; a replacement takes the place of a key the enterprise held, live or
    reported lost (``replaces_live_key``). Only one replacement per old key at a time
    (``old_has_replacement``: another replacement naming it is still live). A replacement
    counts towards the limit until the old key is void: when the old key is still counted in
    ``live_keys`` (``old_key_counted``) the pair counts once; when it is not (reported lost),
    the replacement is one more key and must fit under the limit.

    Raises:
        ValidationError: ``keys.first_but_has_keys`` (``live``);
            ``keys.additional_without_first``; ``keys.limit_reached`` (``live``, ``limit``);
            ``keys.replacement_needs_old``; ``keys.replacement_pending``;
            ``keys.limit_reached`` for a replacement that would go over the limit.
        ValueError: ``live_keys`` is negative or ``kind`` unknown (a programming error).
    """
    if live_keys < 0:
        raise ValueError(f"live_keys must be >= 0, got {live_keys}")
    kind = KeyKind(kind)  # also accepts the stored string value; ValueError if unknown
    if kind is KeyKind.FIRST:
        if live_keys > 0:
            raise ValidationError("keys.first_but_has_keys", live=live_keys)
    elif kind is KeyKind.ADDITIONAL:
        if live_keys == 0:
            raise ValidationError("keys.additional_without_first")
        if live_keys >= MAX_LIVE_KEYS:
            raise ValidationError("keys.limit_reached", live=live_keys, limit=MAX_LIVE_KEYS)
    else:
        if not replaces_live_key:
            raise ValidationError("keys.replacement_needs_old")
        if old_has_replacement:
            raise ValidationError("keys.replacement_pending")
        after = live_keys if old_key_counted else live_keys + 1
        if after > MAX_LIVE_KEYS:
            raise ValidationError("keys.limit_reached", live=live_keys, limit=MAX_LIVE_KEYS)
