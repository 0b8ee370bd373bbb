"""Certificates for the demo keys and the tests: RSA and EC with cryptography, SM2 with
Debian's openssl 3 (cryptography cannot sign with SM2)."""

from __future__ import annotations

import subprocess
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

ISSUER_CN = "Demo Foreign Trade CA"


def _name(common_name: str, organization: str | None) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organization is not None:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    return x509.Name(attributes)


def make_certificate(
    common_name: str,
    organization: str | None,
    *,
    not_before: datetime,
    not_after: datetime,
    algorithm: str = "rsa",
) -> bytes:
    """A DER certificate with the given subject and validity (``rsa``, ``ec`` or ``sm2``)."""
    if algorithm == "sm2":
        return make_sm2_certificate(common_name, organization, not_before, not_after)
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    if algorithm == "ec":
        key = ec.generate_private_key(ec.SECP256R1())
    else:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, ISSUER_CN)])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organization))
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.DER)


def make_sm2_certificate(
    common_name: str, organization: str | None, not_before: datetime, not_after: datetime
) -> bytes:
    """A self-signed SM2-with-SM3 certificate made by the openssl command."""
    subject = f"/CN={common_name}" + (f"/O={organization}" if organization else "")
    days = max(1, (not_after - not_before).days)
    with tempfile.TemporaryDirectory() as folder:
        key_path, cert_path = Path(folder) / "sm2.key", Path(folder) / "sm2.der"
        subprocess.run(
            ["openssl", "genpkey", "-algorithm", "SM2", "-out", str(key_path)],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-new",
                "-key",
                str(key_path),
                "-sm3",
                "-sigopt",
                "distid:1234567812345678",
                "-utf8",
                "-subj",
                subject,
                "-days",
                str(days),
                "-outform",
                "DER",
                "-out",
                str(cert_path),
            ],
            check=True,
            capture_output=True,
        )
        return cert_path.read_bytes()


def validity(days_from_now: int, lasting_days: int = 365) -> tuple[datetime, datetime]:
    """A (not_before, not_after) pair ending ``days_from_now`` days from now."""
    end = datetime.now(UTC) + timedelta(days=days_from_now)
    return end - timedelta(days=lasting_days), end
