"""Builds the token reader (and the demo's tray) that the settings describe."""

from __future__ import annotations

import json

from devices.demo_tray import DemoTray, load_memory_keys
from devices.pkcs11_reader import Pkcs11Reader
from devices.softhsm_lab import SoftHsmLab
from devices.token import TokenReader
from devices.token_memory import MemoryToken, MemoryTokenReader
from devices.token_multi import MultiReader
from kiosk.config import Settings


def build_token_reader(settings: Settings) -> tuple[TokenReader | None, DemoTray | None]:
    """The reader for ``[token] module`` and, for the demo, the tray's readers beside it."""
    readers: list[TokenReader] = []
    token = settings.token
    if token.module is not None:
        readers.append(
            Pkcs11Reader(
                token.module,
                call_timeout_s=token.call_timeout_s,
                reports_pin_flags=token.reports_pin_flags,
                env=dict(token.module_env) or None,
                rescan_every=token.rescan_every,
            )
        )
    tray = _build_tray(settings)
    if tray is not None:
        readers.append(tray.memory)
    if not readers:
        return None, tray
    return (readers[0] if len(readers) == 1 else MultiReader(readers)), tray


def _build_tray(settings: Settings) -> DemoTray | None:
    demo = settings.demo
    if demo.softhsm_lab is None and demo.memory_keys is None:
        return None
    keys: dict[str, MemoryToken] = {}
    descriptions: dict[str, str] = {}
    if demo.memory_keys is not None and demo.memory_keys.exists():
        keys, descriptions = load_memory_keys(demo.memory_keys)
    lab = None
    if demo.softhsm_lab is not None and demo.softhsm_lab.exists():
        lab = SoftHsmLab(demo.softhsm_lab)
        described = lab.root / "descriptions.json"
        if described.exists():
            descriptions.update(json.loads(described.read_text("utf-8")))
    return DemoTray(lab, MemoryTokenReader(reports_pin_flags=True), keys, descriptions)
