"""The message catalog: both languages present, with the same placeholders."""

from __future__ import annotations

import string

import pytest

from data.catalog import CATALOG
from data.i18n import translate


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_entry_is_two_non_empty_strings_with_same_placeholders(key: str) -> None:
    entry = CATALOG[key]
    assert isinstance(entry, tuple)
    assert len(entry) == 2
    zh, en = entry
    assert isinstance(zh, str) and zh.strip()
    assert isinstance(en, str) and en.strip()
    assert _placeholders(zh) == _placeholders(en)


RULES_KEYS: dict[str, dict[str, object]] = {
    "uscc.empty": {},
    "uscc.bad_length": {"length": 17},
    "uscc.bad_chars": {"chars": "O I"},
    "uscc.bad_format": {},
    "uscc.bad_check": {"expected": "L"},
    "rid.empty": {},
    "rid.old_15_digit": {},
    "rid.bad_length": {"length": 16},
    "rid.bad_chars": {"chars": "A"},
    "rid.bad_check": {},
    "rid.bad_birth_date": {"date": "1980-13-01"},
    "rid.unknown_area": {},
    "keys.first_but_has_keys": {"live": 1},
    "keys.additional_without_first": {},
    "keys.limit_reached": {"live": 3, "limit": 3},
    "keys.replacement_needs_old": {},
    "tracking.empty": {},
    "tracking.bad_format": {},
    "tracking.bad_check": {},
    "tracking.bad_date": {},
    "calendar.bad_file": {"path": "/etc/kiosk/holidays.toml", "problem": "bad date"},
}


@pytest.mark.parametrize("key", sorted(RULES_KEYS))
@pytest.mark.parametrize("language", ["zh", "en"])
def test_rules_key_renders_with_its_params(key: str, language: str) -> None:
    assert key in CATALOG
    params = RULES_KEYS[key]
    assert _placeholders(CATALOG[key][1]) == set(params)
    text = translate(key, language, **params)
    assert "{" not in text and "}" not in text
    for value in params.values():
        assert str(value) in text


def test_no_key_is_defined_twice_in_the_catalog_source() -> None:
    """A dict literal keeps the last of two equal keys silently; the source must not have any."""
    import ast
    import collections
    from pathlib import Path

    source = Path(__file__).resolve().parents[2] / "data" / "catalog.py"
    tree = ast.parse(source.read_text("utf-8"))
    (catalog,) = [node for node in ast.walk(tree) if isinstance(node, ast.Dict)]
    counts = collections.Counter(key.value for key in catalog.keys if isinstance(key, ast.Constant))
    assert [key for key, count in counts.items() if count > 1] == []
