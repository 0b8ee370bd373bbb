"""`kiosk tokens`: every key present with its certificates, as data for scripts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from devices.token import TokenError, TokenReader
from kiosk.services.cert_check import CertificateView, view_certificates


def certificate_json(view: CertificateView, now: datetime) -> dict[str, Any]:
    """One certificate object as JSON (or its label and the error, if unreadable)."""
    facts = view.facts
    if facts is None:
        return {"label": view.label, "error": view.error}
    return {
        "label": view.label,
        "subject_cn": facts.subject_cn,
        "subject_o": facts.subject_o,
        "uscc_valid": view.uscc is not None,
        "issuer_cn": facts.issuer_cn,
        "serial": facts.serial_hex,
        "not_before": facts.not_before.isoformat(),
        "not_after": facts.not_after.isoformat(),
        "expired": facts.expired(now),
        "key_algorithm": facts.key_algorithm,
        "signature_algorithm": facts.signature_algorithm,
        "fingerprint_sha256": facts.fingerprint_sha256,
    }


def list_tokens_json(reader: TokenReader, now: datetime) -> list[dict[str, Any]]:
    """Every token present with its certificates; a key pulled out meanwhile is skipped.

    Raises:
        TokenError: the module cannot be loaded or does not answer.
    """
    listed = []
    for token in reader.list_tokens():
        entry: dict[str, Any] = {
            "slot": token.slot,
            "serial": token.serial,
            "label": token.label,
            "manufacturer": token.manufacturer,
            "model": token.model,
            "pin_state": token.pin_state.value,
        }
        try:
            reading = reader.read_token(token.serial)
        except TokenError as error:
            if error.reason != "removed":
                raise
            continue
        entry["pin_state"] = reading.token.pin_state.value
        entry["certificates"] = [certificate_json(v, now) for v in view_certificates(reading)]
        listed.append(entry)
    return listed
