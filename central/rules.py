"""The business rules the centre checks on each event it receives.

An event that breaks one is still taken, in the state ``refused`` with the reason, so the
counter's sequence has no gap and its queue never jams; supervisors see it at both ends.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from stdnum.cn import ric

EVENT_FAMILIES = frozenset(
    {
        "agent",
        "cancellation",
        "case",
        "enterprise",
        "key",
        "notice",
        "operator",
        "receipt",
        "shipment",
        "sync",
    }
)
"""The first part of every event kind the kiosk writes (``case.opened``, ``key.received``)."""

_ID_LIKE = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")


def refusal_reason(kind: str, payload: dict[str, Any], at: str) -> str | None:
    """Why the centre cannot accept an event with this content, or None when it can."""
    family = kind.split(".", 1)[0]
    if family not in EVENT_FAMILIES:
        return f"unknown event kind {kind!r}"
    try:
        datetime.fromisoformat(at)
    except ValueError:
        return f"the time {at!r} is not an ISO 8601 date and time"
    if "T" not in at:
        return f"the time {at!r} has no time of day"
    if any(_holds_plain_id_number(text) for text in _strings(payload)):
        return "the payload holds a plain resident ID number (only the masked form may leave)"
    return None


def _strings(value: Any) -> Iterator[str]:
    """Every string inside a JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def mask_plain_id_numbers(text: str) -> str:
    """The text with every valid resident ID number in it masked (first 3 and last 4
    shown): what the centre keeps of an event refused for holding one."""

    def mask(match: re.Match[str]) -> str:
        number = match.group(0)
        return number[:3] + "*" * 11 + number[-4:] if ric.is_valid(number) else number

    return _ID_LIKE.sub(mask, text)


def _holds_plain_id_number(text: str) -> bool:
    return any(ric.is_valid(match.group(0)) for match in _ID_LIKE.finditer(text))
