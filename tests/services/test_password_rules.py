"""New passwords refuse blanks-only, digits-only, common ones and the user name itself."""

from __future__ import annotations

import pytest

from data.models import Role
from kiosk.context import KioskContext
from kiosk.errors import ValidationError
from kiosk.passwords import is_weak_password
from kiosk.services.operators import count_operators, create_operator
from tests.conftest import NOW


@pytest.mark.parametrize(
    "password",
    [
        "        ",
        "12345678",
        "20261202",
        "password",
        "Password",
        "admin123",
        "qwerty123",
        "QWERTYUIOP",
        "firstadmin",
        "firstadmin1",
    ],
)
def test_weak_first_admin_password_refused(context: KioskContext, password: str) -> None:
    with pytest.raises(ValidationError) as caught:
        create_operator(
            context.store,
            username="firstadmin",
            display_name="",
            role=Role.ADMIN,
            password=password,
            created_by=None,
            now=NOW,
        )
    assert caught.value.key == "operator.password_weak"
    assert "easy to guess" in caught.value.message("en")
    assert count_operators(context.store) == 0


def test_sound_password_accepted(context: KioskContext) -> None:
    created = create_operator(
        context.store,
        username="firstadmin",
        display_name="",
        role=Role.ADMIN,
        password="counter-key-7-river",
        created_by=None,
        now=NOW,
    )
    assert created.username == "firstadmin"


@pytest.mark.parametrize("password", ["admin-demo-2026", "clerk-pass-1", "s3cret-Phrase"])
def test_not_weak(password: str) -> None:
    assert not is_weak_password(password, "admin")
