"""Operator accounts: creation rules, login, lockout after five wrong passwords."""

from __future__ import annotations

from datetime import timedelta

import pytest

from data.models import Operator, Role
from kiosk.context import KioskContext
from kiosk.errors import AuthError, ValidationError
from kiosk.services.operators import (
    LockoutPolicy,
    authenticate,
    create_operator,
    find_operator,
    unlock_operator,
)
from tests.conftest import NOW, PASSWORDS

POLICY = LockoutPolicy(failures=5, minutes=5)


def login(context: KioskContext, username: str, password: str, minutes_later: float = 0):
    return authenticate(
        context.store, username, password, now=NOW + timedelta(minutes=minutes_later), policy=POLICY
    )


def test_password_is_stored_as_argon2id_never_plain(context, operators) -> None:
    row = context.store.query_one("SELECT password_hash FROM operators WHERE username='clerk'")
    assert row[0].startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert PASSWORDS["clerk"] not in row[0]


def test_right_password_logs_in_and_is_audited(context, operators) -> None:
    operator = login(context, "clerk", PASSWORDS["clerk"])
    assert operator.username == "clerk" and operator.role is Role.CLERK
    last = context.store.query_one("SELECT kind, operator FROM events ORDER BY seq DESC")
    assert tuple(last) == ("operator.login", "clerk")


def test_wrong_password_and_unknown_name_get_the_same_message(context, operators) -> None:
    with pytest.raises(AuthError) as wrong:
        login(context, "clerk", "nope-nope")
    with pytest.raises(AuthError) as unknown:
        login(context, "nobody", "nope-nope")
    assert wrong.value.key == unknown.value.key == "auth.bad_credentials"
    assert "Wrong user name or password" in wrong.value.message("en")


def test_five_wrong_in_a_row_lock_the_account(context, operators) -> None:
    for _ in range(4):
        with pytest.raises(AuthError) as caught:
            login(context, "clerk", "wrong-password")
        assert caught.value.key == "auth.bad_credentials"
    with pytest.raises(AuthError) as fifth:
        login(context, "clerk", "wrong-password")
    assert fifth.value.key == "auth.locked"
    assert fifth.value.params["minutes"] == 5
    # Even the right password is refused while locked.
    with pytest.raises(AuthError) as locked:
        login(context, "clerk", PASSWORDS["clerk"], minutes_later=2)
    assert locked.value.key == "auth.locked"
    assert locked.value.params["minutes"] == 3
    kinds = [r[0] for r in context.store.query("SELECT kind FROM events ORDER BY seq")]
    assert "operator.locked" in kinds


def test_lock_expires_after_its_minutes(context, operators) -> None:
    for _ in range(5):
        with pytest.raises(AuthError):
            login(context, "clerk", "wrong-password")
    assert login(context, "clerk", PASSWORDS["clerk"], minutes_later=5.1).username == "clerk"


def test_a_right_password_resets_the_count(context, operators) -> None:
    for _ in range(4):
        with pytest.raises(AuthError):
            login(context, "clerk", "wrong-password")
    login(context, "clerk", PASSWORDS["clerk"])
    for _ in range(4):
        with pytest.raises(AuthError) as caught:
            login(context, "clerk", "wrong-password")
        assert caught.value.key == "auth.bad_credentials"


def test_admin_can_unlock_a_locked_account(context, operators) -> None:
    for _ in range(5):
        with pytest.raises(AuthError):
            login(context, "clerk", "wrong-password")
    unlock_operator(context.store, "clerk", by=operators["admin"], now=NOW)
    assert login(context, "clerk", PASSWORDS["clerk"]).username == "clerk"


def test_only_admins_create_or_unlock_accounts(context, operators) -> None:
    for not_admin in (operators["clerk"], operators["super"]):
        with pytest.raises(AuthError) as caught:
            create_operator(
                context.store,
                username="x1",
                display_name="x",
                role=Role.CLERK,
                password="long-enough",
                created_by=not_admin,
                now=NOW,
            )
        assert caught.value.key == "auth.admin_only"
        with pytest.raises(AuthError):
            unlock_operator(context.store, "clerk", by=not_admin, now=NOW)


def test_the_first_account_needs_no_creator_but_later_ones_do(context, operators) -> None:
    with pytest.raises(AuthError):
        create_operator(
            context.store,
            username="sneaky",
            display_name="x",
            role=Role.ADMIN,
            password="long-enough",
            created_by=None,
            now=NOW,
        )
    assert find_operator(context.store, "sneaky") is None


@pytest.mark.parametrize(
    ("username", "password", "key"),
    [
        ("new1", "short", "operator.password_too_short"),
        ("", "long-enough", "operator.bad_username"),
        ("has space", "long-enough", "operator.bad_username"),
        ("clerk", "long-enough", "operator.username_taken"),
    ],
)
def test_bad_new_accounts_are_refused(context, operators, username, password, key) -> None:
    with pytest.raises(ValidationError) as caught:
        create_operator(
            context.store,
            username=username,
            display_name="x",
            role=Role.CLERK,
            password=password,
            created_by=operators["admin"],
            now=NOW,
        )
    assert caught.value.key == key


def test_roles_nest(operators: dict[str, Operator]) -> None:
    assert operators["admin"].may(Role.SUPERVISOR)
    assert operators["super"].may(Role.CLERK)
    assert not operators["super"].may(Role.ADMIN)
    assert not operators["clerk"].may(Role.SUPERVISOR)
