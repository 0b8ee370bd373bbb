"""Reading X.509 certificates from a key: subject, issuer, validity, fingerprint, algorithm.

RSA, EC and SM2 (GM/T 0003, signed SM2-with-SM3) certificates all parse. cryptography
cannot build an SM2 public key, so the algorithm is read from the certificate's
SubjectPublicKeyInfo with asn1crypto instead.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.x509.oid import NameOID

KeyAlgorithm = Literal["rsa", "ec", "sm2", "other"]

SM2_CURVE_OID = "1.2.156.10197.1.301"
SM2_WITH_SM3_OID = "1.2.156.10197.1.501"
_RSA_OID = "1.2.840.113549.1.1.1"
_EC_OID = "1.2.840.10045.2.1"
MAX_CERTIFICATE_BYTES = 64 * 1024
"""Larger objects are not certificates a CA issues to a key: refuse them unread."""


class UnreadableCertificate(ValueError):
    """The bytes are not a DER X.509 certificate.

    Attributes:
        reason: ``empty``, ``too_large`` or ``not_der`` (for the on-screen message; the
            exception text keeps the technical detail for scripts and logs).
    """

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


@dataclass(frozen=True)
class CertificateFacts:
    """What the counter needs to know of one certificate."""

    subject_cn: str
    subject_o: str
    issuer_cn: str
    serial_hex: str
    not_before: datetime
    not_after: datetime
    fingerprint_sha256: str
    key_algorithm: KeyAlgorithm
    signature_algorithm: str

    def expired(self, now: datetime) -> bool:
        """True when ``now`` is past the end of validity."""
        return now > self.not_after

    def days_left(self, now: datetime) -> int:
        """Whole days until the end of validity (negative once expired)."""
        return (self.not_after - now).days


def parse_certificate(der: bytes) -> CertificateFacts:
    """Read a DER certificate.

    Raises:
        UnreadableCertificate: anything that is not a DER X.509 certificate (empty, truncated,
            PEM, random bytes, too large).
    """
    if not der:
        raise UnreadableCertificate("empty", "empty object")
    if len(der) > MAX_CERTIFICATE_BYTES:
        raise UnreadableCertificate("too_large", f"{len(der)} bytes is too large for a certificate")
    try:
        certificate = x509.load_der_x509_certificate(der)
        return CertificateFacts(
            subject_cn=_first(certificate.subject, NameOID.COMMON_NAME),
            subject_o=_first(certificate.subject, NameOID.ORGANIZATION_NAME),
            issuer_cn=_first(certificate.issuer, NameOID.COMMON_NAME),
            serial_hex=format(certificate.serial_number, "X"),
            not_before=certificate.not_valid_before_utc,
            not_after=certificate.not_valid_after_utc,
            fingerprint_sha256=hashlib.sha256(der).hexdigest(),
            key_algorithm=_key_algorithm(der),
            signature_algorithm=_signature_name(certificate),
        )
    except UnreadableCertificate:
        raise
    except Exception as error:  # cryptography raises ValueError and others on bad DER
        raise UnreadableCertificate("not_der", f"not a DER X.509 certificate ({error})") from None


def _first(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    if not values:
        return ""
    value = values[0].value
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def _key_algorithm(der: bytes) -> KeyAlgorithm:
    spki = asn1_x509.Certificate.load(der)["tbs_certificate"]["subject_public_key_info"]
    algorithm = spki["algorithm"]["algorithm"].dotted
    if algorithm == _RSA_OID:
        return "rsa"
    if algorithm == _EC_OID:
        parameters = spki["algorithm"]["parameters"]
        curve = parameters.chosen.dotted if parameters.name == "named" else ""
        return "sm2" if curve == SM2_CURVE_OID else "ec"
    return "other"


def _signature_name(certificate: x509.Certificate) -> str:
    oid = certificate.signature_algorithm_oid
    if oid.dotted_string == SM2_WITH_SM3_OID:
        return "SM2-with-SM3"
    return oid._name if oid._name != "Unknown OID" else oid.dotted_string
