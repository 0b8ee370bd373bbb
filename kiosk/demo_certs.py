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


_SM2_CA_CONFIG = """\
[ca]
default_ca = demo
[demo]
database = index.txt
new_certs_dir = .
serial = serial
policy = any
email_in_dn = no
unique_subject = no
x509_extensions = leaf
[any]
commonName = supplied
organizationName = optional
[leaf]
basicConstraints = critical, CA:FALSE
"""
_SM2_DISTID = "distid:1234567812345678"


def _openssl_time(moment: datetime) -> str:
    """``moment`` as ``openssl ca`` takes it: UTCTime up to 2049, GeneralizedTime after."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%y%m%d%H%M%SZ" if 1950 <= utc.year < 2050 else "%Y%m%d%H%M%SZ")


def _subject_value(text: str) -> str:
    """Escape the characters ``openssl -subj`` would read as separators."""
    return text.replace("\\", "\\\\").replace("/", "\\/").replace("+", "\\+")


def make_sm2_certificate(
    common_name: str, organization: str | None, not_before: datetime, not_after: datetime
) -> bytes:
    """A self-signed SM2-with-SM3 certificate with exactly this validity, made by the openssl
    command (``openssl ca``: ``req -x509`` of openssl 3.0 can only start validity now)."""
    subject = f"/CN={_subject_value(common_name)}" + (
        f"/O={_subject_value(organization)}" if organization else ""
    )
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "ca.cnf").write_text(_SM2_CA_CONFIG, "utf-8")
        (folder / "index.txt").write_text("", "utf-8")
        (folder / "serial").write_text(f"{x509.random_serial_number():040X}\n", "utf-8")

        def openssl(*arguments: str) -> None:
            subprocess.run(["openssl", *arguments], check=True, capture_output=True, cwd=folder)

        openssl("genpkey", "-algorithm", "SM2", "-out", "sm2.key")
        openssl(
            "req",
            "-new",
            "-key",
            "sm2.key",
            "-sm3",
            "-sigopt",
            _SM2_DISTID,
            "-utf8",
            "-subj",
            subject,
            "-out",
            "sm2.csr",
        )
        openssl(
            "ca",
            "-config",
            "ca.cnf",
            "-selfsign",
            "-keyfile",
            "sm2.key",
            "-in",
            "sm2.csr",
            "-startdate",
            _openssl_time(not_before),
            "-enddate",
            _openssl_time(not_after),
            "-md",
            "sm3",
            "-sigopt",
            _SM2_DISTID,
            "-vfyopt",
            _SM2_DISTID,
            "-utf8",
            "-preserveDN",
            "-batch",
            "-notext",
            "-out",
            "sm2.pem",
        )
        pem = (folder / "sm2.pem").read_bytes()
    return x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)


def validity(days_from_now: int, lasting_days: int = 365) -> tuple[datetime, datetime]:
    """A (not_before, not_after) pair ending ``days_from_now`` days from now."""
    end = datetime.now(UTC) + timedelta(days=days_from_now)
    return end - timedelta(days=lasting_days), end
