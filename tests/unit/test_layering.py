"""The layering of DESIGN.md: the non-UI packages never import Textual or the screens."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UI_ENTRY_POINTS = {ROOT / "kiosk" / "app.py", ROOT / "kiosk" / "cli.py"}
FORBIDDEN = ("textual", "screens", "rich")


def non_ui_modules() -> list[Path]:
    files = [
        p
        for package in ("data", "devices", "kiosk", "central")
        for p in (ROOT / package).rglob("*.py")
    ]
    return sorted(p for p in files if p not in UI_ENTRY_POINTS)


def imported_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", non_ui_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_non_ui_module_imports_no_ui(path: Path) -> None:
    bad = {n for n in imported_names(path) if n.split(".")[0] in FORBIDDEN}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_services_load_without_textual() -> None:
    code = (
        "import sys, kiosk.services.operators, kiosk.services.cases, kiosk.services.keys,"
        " kiosk.services.enterprises, kiosk.doctor, data.store;"
        " print('textual' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "False"


SCREEN_FORBIDDEN = ("sqlite_utils", "pkcs11", "httpx", "escpos")


@pytest.mark.parametrize(
    "path", sorted((ROOT / "screens").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_screens_call_services_not_drivers_or_sql(path: Path) -> None:
    bad = {n for n in imported_names(path) if n.split(".")[0] in SCREEN_FORBIDDEN}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"
    text = path.read_text("utf-8")
    assert "SELECT " not in text and "INSERT " not in text and "UPDATE " not in text
