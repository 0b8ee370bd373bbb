"""The child process that holds the vendor's PKCS#11 module.

It is the only place python-pkcs11 is loaded, so a module that crashes or hangs takes down
this child, never the kiosk. It reads one JSON request per line on stdin and answers one
JSON line on stdout:

- ``{"op": "list", "rescan": bool}`` -> ``{"ok": true, "tokens": [...]}``
- ``{"op": "read", "serial": "..."}`` -> ``{"ok": true, "token": {...}, "certificates": [...]}``
- failures -> ``{"ok": false, "reason": "removed" | "module", "detail": "..."}``

Only public sessions are opened: there is no login anywhere in this file.
"""

from __future__ import annotations

import base64
import json
import os
import sys
from typing import Any

import pkcs11
from pkcs11 import Attribute, ObjectClass
from pkcs11.exceptions import PKCS11Error

from devices.token import CKF_TOKEN_INITIALIZED

# Failures that mean the key is no longer there (or was swapped) mid-read.
_GONE = tuple(
    getattr(pkcs11.exceptions, name)
    for name in (
        "DeviceRemoved",
        "TokenNotPresent",
        "TokenNotRecognised",
        "SlotIDInvalid",
        "SessionHandleInvalid",
        "SessionClosed",
        "DeviceError",
        "GeneralError",
        "NoSuchToken",
        "ObjectHandleInvalid",
    )
    if hasattr(pkcs11.exceptions, name)
)


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace").strip()
    return str(value).strip()


def _describe(slot: Any, token: Any) -> dict[str, Any]:
    return {
        "slot": int(slot.slot_id),
        "label": _text(token.label),
        "serial": _text(token.serial),
        "manufacturer": _text(token.manufacturer_id),
        "model": _text(token.model),
        "flags": int(token.flags),
    }


def _present(lib: Any) -> list[tuple[Any, Any]]:
    found = []
    for slot in lib.get_slots(token_present=True):
        try:
            token = slot.get_token()
        except _GONE:
            continue
        if int(token.flags) & CKF_TOKEN_INITIALIZED:
            found.append((slot, token))
    return found


def list_tokens(lib: Any) -> dict[str, Any]:
    """Every initialised token present."""
    return {"ok": True, "tokens": [_describe(slot, token) for slot, token in _present(lib)]}


def read_token(present: list[tuple[Any, Any]], serial: str) -> dict[str, Any]:
    """The token with ``serial`` among the ``present`` ones, and its certificate objects,
    read in a public session."""
    for slot, token in present:
        if _text(token.serial) != serial:
            continue
        certificates = []
        with token.open() as session:  # no PIN given: a public, read-only session
            for obj in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
                value = bytes(_attribute(obj, Attribute.VALUE, b""))
                certificates.append(
                    {
                        "label": _text(_attribute(obj, Attribute.LABEL, b"")),
                        "id": bytes(_attribute(obj, Attribute.ID, b"")).hex(),
                        "value": base64.b64encode(value).decode("ascii"),
                    }
                )
        # Read the flags again: they may have changed since the listing.
        return {
            "ok": True,
            "token": _describe(slot, slot.get_token()),
            "certificates": certificates,
        }
    return {"ok": False, "reason": "removed", "detail": f"no token with serial {serial}"}


def _attribute(obj: Any, attribute: Any, default: Any) -> Any:
    try:
        return obj[attribute]
    except (KeyError, pkcs11.exceptions.AttributeTypeInvalid, pkcs11.exceptions.AttributeSensitive):
        return default


def handle(lib: Any, request: dict[str, Any]) -> dict[str, Any]:
    """Answer one request. Failures of the module as a whole (re-initialising, listing the
    slots) are ``module``, so the parent restarts it; a key vanishing during its own read
    is ``removed``."""
    op = request.get("op")
    try:
        if op == "list":
            if request.get("rescan"):
                lib.reinitialize()
            return list_tokens(lib)
        if op == "read":
            return _read_guarded(lib, str(request.get("serial", "")))
    except PKCS11Error as error:
        return {"ok": False, "reason": "module", "detail": type(error).__name__}
    return {"ok": False, "reason": "module", "detail": f"unknown op {op!r}"}


def _read_guarded(lib: Any, serial: str) -> dict[str, Any]:
    present = _present(lib)  # a failure here is the module's: reported as "module"
    try:
        return read_token(present, serial)
    except _GONE as error:
        return {"ok": False, "reason": "removed", "detail": type(error).__name__}


def main(module_path: str) -> int:
    """Load the module, say ready, then serve requests until stdin closes."""
    # Keep the protocol on its own descriptor: whatever a vendor's module prints to
    # stdout goes to stderr instead of corrupting our answers.
    protocol = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)

    def answer(message: dict[str, Any]) -> None:
        protocol.write(json.dumps(message) + "\n")
        protocol.flush()

    try:
        lib = pkcs11.lib(module_path)
    except Exception as error:  # any loader failure: report it, do not crash the parent
        answer({"ok": False, "reason": "module", "detail": str(error)})
        return 2
    answer({"ok": True, "ready": True})
    for line in sys.stdin:
        try:
            request = json.loads(line)
        except json.JSONDecodeError:
            request = {}
        answer(handle(lib, request))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
