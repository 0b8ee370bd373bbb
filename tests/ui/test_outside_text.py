"""Outside text on screen is content, never markup, and never reaches the terminal as a
command: the boundary module (screens/plain.py), a check that every screen goes through it,
and hostile labels and certificates on a real SoftHSM token."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from rich.text import Text

from kiosk.app import KioskApp
from kiosk.demo_certs import make_certificate
from screens.cert_check import CertCheckScreen
from screens.plain import Static, cleaned, plain, visible
from tests.conftest import NOW, PASSWORDS
from tests.devices.lab import GOOD_USCC
from tests.ui.helpers import log_in, screen_text, settle, until

ROOT = Path(__file__).resolve().parents[2]

HOSTILE = [
    "[ link=x://y]",
    "[ @click=app.quit]",
    "[@click=app.quit]点我[/]",
    "[B]粗[/B]",
    "[$error]错[/]",
    "[bold red on white]x",
    "\x1b[2J\x1b[H",
    "\x1b]0;pwned\x07",
    "\x1b[32m✔ 证书有效\x1b[0m",
    "\x9b2J",
    "\x1b@\x1bp\x00\x19\xfa\x1di\x1dV\x00",
    "\u202egnp.exe",
    "a\u200bb\ufeffc\u2066d\u2069",
    "\ud800 lone",
    "line\u2028separator",
    "\x7f\x85\x00",
    "名" * 10_000,
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_visible_keeps_length_and_leaves_no_control_or_format_character(text: str) -> None:
    shown = visible(text)
    assert len(shown) == len(text)
    assert all(char in "\n\t" or char.isprintable() for char in shown), repr(shown)


def test_printable_text_is_unchanged_and_esc_becomes_its_picture() -> None:
    assert visible("北京华贸进出口有限公司 [b]") == "北京华贸进出口有限公司 [b]"
    assert visible("a\x1bb\nc\td") == "a\u241bb\nc\td"
    assert visible("\u202e") == "\ufffd"


def test_cleaned_text_keeps_its_styles() -> None:
    text = Text("ok ")
    text.append("\x1b[31mred", style="bold red")
    safe = cleaned(text)
    assert isinstance(safe, Text)
    assert safe.plain == "ok \u241b[31mred"
    assert [(span.start, span.end, str(span.style)) for span in safe.spans] == [(3, 11, "bold red")]


async def test_pasted_text_loses_its_control_characters() -> None:
    from textual import events
    from textual.app import App, ComposeResult

    from screens.plain import Input

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield Input(id="field")

    app = One()
    async with app.run_test() as pilot:
        field = app.query_one("#field", Input)
        field.focus()
        field.post_message(events.Paste("BJ01\x1b[2J-261202\u202e-0018\t5\x00\nnext line"))
        await pilot.pause()
        assert field.value == "BJ01[2J-261202-0018 5"


def test_plain_is_never_markup() -> None:
    assert plain("[@click=app.quit]x[/]").plain == "[@click=app.quit]x[/]"


def _screen_modules() -> list[Path]:
    return sorted(p for p in (ROOT / "screens").rglob("*.py") if p.name != "plain.py")


MARKUP_ALLOWED = {"screens/widgets/key_bar.py"}
"""The key bar is markup (its keys are clickable) made only of catalog text and key names."""


@pytest.mark.parametrize("path", _screen_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_screen_shows_text_through_the_boundary(path: Path) -> None:
    """No screen takes Static or Label from Textual (they parse markup), nor Rich's escape(),
    nor turns markup on, nor notifies with markup."""
    relative = str(path.relative_to(ROOT))
    tree = ast.parse(path.read_text("utf-8"))
    problems: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "textual.widgets":
            names = {alias.name for alias in node.names} & {"Static", "Label", "Input"}
            if names and relative not in MARKUP_ALLOWED:
                problems.append(f"line {node.lineno}: imports {sorted(names)} from Textual")
        if (
            isinstance(node, ast.ImportFrom)
            and node.module == "rich.markup"
            and relative not in MARKUP_ALLOWED
        ):
            problems.append(f"line {node.lineno}: imports rich.markup")
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                is_true = isinstance(keyword.value, ast.Constant) and keyword.value.value is True
                if keyword.arg == "markup" and is_true and relative not in MARKUP_ALLOWED:
                    problems.append(f"line {node.lineno}: markup=True")
            callee = node.func
            if isinstance(callee, ast.Attribute) and callee.attr == "notify" and node.args:
                message = node.args[0]
                from_catalog = (
                    isinstance(message, ast.Call)
                    and isinstance(message.func, ast.Attribute)
                    and message.func.attr == "t"
                )
                markup_off = any(
                    k.arg == "markup"
                    and isinstance(k.value, ast.Constant)
                    and k.value.value is False
                    for k in node.keywords
                )
                if not (from_catalog or markup_off):
                    problems.append(f"line {node.lineno}: notify() of outside text with markup")
    assert not problems, f"{relative}: {problems}"


async def test_a_static_shows_markup_and_escapes_literally() -> None:
    from textual.app import App, ComposeResult

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("[@click=app.quit]退出[/] \x1b[2J", id="one")

    app = One()
    async with app.run_test() as pilot:
        shown = str(app.query_one("#one", Static).render())
        assert shown == "[@click=app.quit]退出[/] \u241b[2J"
        await pilot.click("#one")
        await pilot.pause()
        assert app.is_running


# --- a hostile key on a real SoftHSM token -------------------------------------------

EVIL_LABEL = "[ link=x://y]\x1b[2J"
EVIL_O = "[ @click=app.quit]\x1b[32m✔ 证书有效\x1b[0m\x9b2J" + GOOD_USCC
EVIL_CN = "\x1b]0;pwned\x07[B]经办人[/B]\u202e"


async def test_a_hostile_softhsm_token_shows_literally_and_fires_nothing(
    context, operators, fresh_lab
) -> None:
    fresh_lab.create_token(EVIL_LABEL[:32])
    der = make_certificate(
        EVIL_CN, EVIL_O, not_before=NOW - timedelta(days=1), not_after=NOW + timedelta(days=300)
    )
    fresh_lab.write_certificate(EVIL_LABEL[:32], der, "[$error]sig", "01")
    from devices.pkcs11_reader import Pkcs11Reader
    from devices.softhsm_lab import SOFTHSM_MODULE

    context.token_reader = Pkcs11Reader(SOFTHSM_MODULE, env=fresh_lab.env)
    app = KioskApp(context)
    async with app.run_test(size=(140, 44)) as pilot:
        await log_in(pilot, "clerk", PASSWORDS["clerk"])
        assert app.is_running and app.operator is not None
        await pilot.press("5")
        await settle(pilot)
        assert isinstance(app.screen, CertCheckScreen)
        app.poll_tokens_now(report=True)
        await until(pilot, lambda: "[ @click=app.quit]" in _all_text(app))
        text = _all_text(app)
        assert "[ link=x://y]" in text
        assert "\u241b[32m✔ 证书有效" in text  # the fake verdict shows as the key's own text
        assert "\x1b" not in text and "\x9b" not in text and "\u202e" not in text
        for widget_id in ("#check-verdicts", "#check-token"):
            await pilot.click(widget_id)
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert isinstance(app.screen, CertCheckScreen)


def _all_text(app: KioskApp) -> str:
    """The screen's text with the certificate table's cells."""
    from textual.widgets import DataTable

    parts = [screen_text(app)]
    for table in app.screen.query(DataTable):
        for row in range(table.row_count):
            parts.extend(str(cell) for cell in table.get_row_at(row))
    return "\n".join(parts)
