"""Shared pieces of the bad-input property tests: bounded, reproducible hypothesis settings,
the check that an error is the project's own with a message in both languages, and
strategies for JSON values and hostile text."""

from __future__ import annotations

import string
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from data.catalog import CATALOG
from data.i18n import LANGUAGES
from kiosk.errors import KioskError


def bounded(max_examples: int) -> settings:
    """Reproducible (derandomised, no example database) settings for ``max_examples``."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def placeholders(template: str) -> set[str]:
    """The ``str.format`` names a catalog template uses (``{count}`` -> ``count``)."""
    names = set()
    for _, field, _, _ in string.Formatter().parse(template):
        if field:
            names.add(field.split(".")[0].split("[")[0])
    return names


def assert_renders(key: str, params: dict[str, Any]) -> None:
    """``key`` is in the catalog and fills in completely, in Chinese and in English."""
    assert key in CATALOG, f"catalog has no key {key!r}"
    for language, template in zip(LANGUAGES, CATALOG[key], strict=True):
        missing = placeholders(template) - set(params)
        assert not missing, f"{key} ({language}) lacks parameters {missing}"
        assert template.format(**params), f"{key} ({language}) renders empty"


def assert_own_error(error: BaseException) -> None:
    """The error is a :class:`KioskError` whose message renders in both languages."""
    assert isinstance(error, KioskError), f"not the project's own error: {error!r}"
    assert_renders(error.key, error.params)
    for language in LANGUAGES:
        message = error.message(language)
        assert message and message != error.key


# Text a clerk, a scanner or a pasted document may produce: every code point (lone
# surrogates, controls and format characters included) and some well-chosen ones.
HOSTILE_CHARS = st.characters(exclude_categories=())
TRICKY = st.sampled_from(
    [
        "\u3000",  # ideographic space
        "\u200b",  # zero-width space
        "\ufeff",  # BOM
        "\ufb01",  # ﬁ ligature: NFKC makes two letters
        "\u2460",  # ① circled digit
        "\u00b2",  # superscript two: isdigit() but not int()
        "\u0663",  # Arabic-Indic three
        "\uff10",  # full-width 0
        "\uff38",  # full-width X
        "\ud800",  # lone surrogate
        "\x00",
        "\x1b[31m",
        "-",
        "\u2014",
        "/",
        "?c=",
        "%",
        "%ff",
        "[",
        "ß",  # upper() makes two letters
        "ǅ",
        "İ",  # upper/lower changes length
    ]
)
hostile_text = st.one_of(
    st.text(HOSTILE_CHARS, max_size=60),
    st.lists(st.one_of(TRICKY, st.text(HOSTILE_CHARS, max_size=3)), max_size=12).map("".join),
)

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
