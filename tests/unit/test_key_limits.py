"""How many keys an enterprise may hold."""

from __future__ import annotations

import pytest

from kiosk.errors import ValidationError
from kiosk.rules.key_limits import MAX_LIVE_KEYS, KeyKind, check_new_key_allowed


def _error(kind: KeyKind, live: int, replaces: bool = False) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check_new_key_allowed(kind, live, replaces_live_key=replaces)
    return caught.value


def test_limit_is_three() -> None:
    assert MAX_LIVE_KEYS == 3


def test_kind_values() -> None:
    assert [kind.value for kind in KeyKind] == ["first", "additional", "replacement"]
    assert KeyKind("additional") is KeyKind.ADDITIONAL


def test_first_key_allowed_when_none_held() -> None:
    check_new_key_allowed(KeyKind.FIRST, 0)  # no error


@pytest.mark.parametrize("live", [1, 2, 3])
def test_first_key_refused_when_keys_held(live: int) -> None:
    error = _error(KeyKind.FIRST, live)
    assert error.key == "keys.first_but_has_keys"
    assert error.params == {"live": live}


def test_additional_needs_a_first_key() -> None:
    assert _error(KeyKind.ADDITIONAL, 0).key == "keys.additional_without_first"


@pytest.mark.parametrize("live", [1, 2])
def test_additional_allowed_below_limit(live: int) -> None:
    check_new_key_allowed(KeyKind.ADDITIONAL, live)


@pytest.mark.parametrize("live", [3, 4])
def test_additional_refused_at_limit(live: int) -> None:
    error = _error(KeyKind.ADDITIONAL, live)
    assert error.key == "keys.limit_reached"
    assert error.params == {"live": live, "limit": 3}
    assert "limit is 3" in error.message("en")


@pytest.mark.parametrize("live", [1, 2, 3])
def test_replacement_of_a_live_key_allowed_even_at_limit(live: int) -> None:
    check_new_key_allowed(KeyKind.REPLACEMENT, live, replaces_live_key=True)


@pytest.mark.parametrize("live", [0, 1, 3])
def test_replacement_without_old_key_refused(live: int) -> None:
    assert _error(KeyKind.REPLACEMENT, live).key == "keys.replacement_needs_old"


def test_replacement_of_the_only_key_when_it_was_lost_is_allowed() -> None:
    # The lost key no longer counts as live, yet it is what the replacement replaces.
    check_new_key_allowed(KeyKind.REPLACEMENT, 0, replaces_live_key=True)


def test_plain_string_kind_accepted() -> None:
    check_new_key_allowed(KeyKind("first"), 0)
    with pytest.raises(ValidationError):
        check_new_key_allowed("additional", 0)  # type: ignore[arg-type]


def test_programming_errors_are_value_errors() -> None:
    with pytest.raises(ValueError):
        check_new_key_allowed(KeyKind.FIRST, -1)
    with pytest.raises(ValueError):
        check_new_key_allowed("renewal", 0)  # type: ignore[arg-type]


def test_second_replacement_of_one_key_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        check_new_key_allowed(
            KeyKind.REPLACEMENT, 2, replaces_live_key=True, old_has_replacement=True
        )
    assert caught.value.key == "keys.replacement_pending"


def test_replacement_of_a_lost_key_counts_in_the_limit() -> None:
    check_new_key_allowed(KeyKind.REPLACEMENT, 2, replaces_live_key=True, old_key_counted=False)
    with pytest.raises(ValidationError) as caught:
        check_new_key_allowed(KeyKind.REPLACEMENT, 3, replaces_live_key=True, old_key_counted=False)
    assert caught.value.key == "keys.limit_reached"
