"""The demo's tray of keys: SoftHSM tokens and in-memory keys that the user "plugs in" and
"takes out" from the kiosk's tray screen."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path

from devices.softhsm_lab import SoftHsmLab
from devices.token import CertificateObject
from devices.token_memory import MemoryToken, MemoryTokenReader


@dataclass(frozen=True)
class TrayKey:
    """One demo key and whether it is plugged in."""

    label: str
    description: str
    plugged: bool


class DemoTray:
    """Plugs and unplugs the demo keys of a SoftHSM lab and an in-memory reader."""

    def __init__(
        self,
        lab: SoftHsmLab | None,
        memory: MemoryTokenReader,
        memory_keys: dict[str, MemoryToken],
        descriptions: dict[str, str],
    ) -> None:
        self.lab = lab
        self.memory = memory
        self.memory_keys = memory_keys
        self.descriptions = descriptions

    def contents(self) -> list[TrayKey]:
        """Every demo key, SoftHSM ones first."""
        found = []
        if self.lab is not None:
            for label in self.lab.labels():
                found.append(
                    TrayKey(label, self.descriptions.get(label, ""), self.lab.is_plugged(label))
                )
        plugged_serials = {t.serial for t in self.memory.list_tokens()}
        for label, token in self.memory_keys.items():
            found.append(
                TrayKey(label, self.descriptions.get(label, ""), token.serial in plugged_serials)
            )
        return found

    def toggle(self, label: str) -> bool:
        """Plug the key in if it is out, or out if it is in; returns the new state."""
        if label in self.memory_keys:
            token = self.memory_keys[label]
            if any(t.serial == token.serial for t in self.memory.list_tokens()):
                self.memory.remove(token.serial)
                return False
            self.memory.insert(token)
            return True
        if self.lab is None:
            raise KeyError(label)
        if self.lab.is_plugged(label):
            self.lab.unplug(label)
            return False
        self.lab.plug(label)
        return True


def save_memory_keys(path: Path, keys: list[MemoryToken], descriptions: dict[str, str]) -> None:
    """Write in-memory demo keys to a JSON file (certificates base64)."""
    rows = [
        {
            "serial": key.serial,
            "label": key.label,
            "flags": key.flags,
            "manufacturer": key.manufacturer,
            "model": key.model,
            "description": descriptions.get(key.label, ""),
            "certificates": [
                {"label": c.label, "id": c.object_id, "value": base64.b64encode(c.value).decode()}
                for c in key.certificates
            ],
        }
        for key in keys
    ]
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=1), "utf-8")


def load_memory_keys(path: Path) -> tuple[dict[str, MemoryToken], dict[str, str]]:
    """Read the keys written by :func:`save_memory_keys`, by label, and their descriptions."""
    keys: dict[str, MemoryToken] = {}
    descriptions: dict[str, str] = {}
    for row in json.loads(path.read_text("utf-8")):
        certificates = [
            CertificateObject(c["label"], c["id"], base64.b64decode(c["value"]))
            for c in row["certificates"]
        ]
        keys[row["label"]] = MemoryToken(
            serial=row["serial"],
            label=row["label"],
            flags=int(row["flags"]),
            certificates=certificates,
            manufacturer=row.get("manufacturer", MemoryToken.manufacturer),
            model=row.get("model", MemoryToken.model),
        )
        descriptions[row["label"]] = row.get("description", "")
    return keys, descriptions
