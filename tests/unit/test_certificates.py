"""Reading a key's certificate: what the counter shows of RSA, EC and SM2 certificates, and
that anything else on a key is refused as unreadable, never a crash."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import random
from datetime import UTC, datetime, timedelta

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.certificates import (
    MAX_CERTIFICATE_BYTES,
    CertificateFacts,
    UnreadableCertificate,
    parse_certificate,
)
from kiosk.demo_certs import ISSUER_CN, make_certificate
from tests.conftest import NOW

GOOD_USCC = "91110000600037341L"
START = datetime(2026, 1, 1, 8, 30, tzinfo=UTC)
END = datetime(2027, 6, 30, 16, 0, tzinfo=UTC)

# (common name, organisation, algorithm) of each certificate the module builds once.
SUBJECTS = {
    "rsa": ("华贸进出口 经办人", GOOD_USCC, "rsa"),
    "ec": ("京东方 经办人", f"京东方国际贸易有限公司 {GOOD_USCC}", "ec"),
    "sm2": ("中德精密 经办人", GOOD_USCC, "sm2"),
    "no_o": ("远洋 经办人", None, "rsa"),
}


@pytest.fixture(scope="module")
def ders() -> dict[str, bytes]:
    """One DER certificate per entry of SUBJECTS, all valid from START to END."""
    return {
        name: make_certificate(cn, o, not_before=START, not_after=END, algorithm=algorithm)
        for name, (cn, o, algorithm) in SUBJECTS.items()
    }


@pytest.fixture(scope="module")
def facts(ders: dict[str, bytes]) -> dict[str, CertificateFacts]:
    return {name: parse_certificate(der) for name, der in ders.items()}


def _serial_hex(der: bytes) -> str:
    """The serial number as an independent parser (asn1crypto) reads it."""
    return format(asn1_x509.Certificate.load(der).serial_number, "X")


# -- what a good certificate says --


@pytest.mark.parametrize("name", ["rsa", "ec", "sm2"])
def test_subject_shows_chinese_common_name_and_organisation(
    name: str, facts: dict[str, CertificateFacts]
) -> None:
    common_name, organization, _ = SUBJECTS[name]
    assert facts[name].subject_cn == common_name
    assert facts[name].subject_o == organization


def test_issuer_is_the_ca_for_rsa_and_ec_and_the_subject_for_self_signed_sm2(
    facts: dict[str, CertificateFacts],
) -> None:
    assert facts["rsa"].issuer_cn == ISSUER_CN
    assert facts["ec"].issuer_cn == ISSUER_CN
    assert facts["sm2"].issuer_cn == SUBJECTS["sm2"][0]


@pytest.mark.parametrize("name", ["rsa", "ec", "sm2", "no_o"])
def test_serial_validity_and_fingerprint(
    name: str, ders: dict[str, bytes], facts: dict[str, CertificateFacts]
) -> None:
    read = facts[name]
    assert read.serial_hex == _serial_hex(ders[name])
    assert read.serial_hex == read.serial_hex.upper()
    assert read.not_before == START and read.not_after == END
    for moment in (read.not_before, read.not_after):
        assert moment.tzinfo is not None and moment.utcoffset() == timedelta(0)
    assert read.fingerprint_sha256 == hashlib.sha256(ders[name]).hexdigest()
    assert len(read.fingerprint_sha256) == 64


@pytest.mark.parametrize(
    ("name", "algorithm", "signature"),
    [
        ("rsa", "rsa", "sha256WithRSAEncryption"),
        ("ec", "ec", "ecdsa-with-SHA256"),
        ("sm2", "sm2", "SM2-with-SM3"),
    ],
)
def test_key_and_signature_algorithm(
    name: str, algorithm: str, signature: str, facts: dict[str, CertificateFacts]
) -> None:
    assert facts[name].key_algorithm == algorithm
    assert facts[name].signature_algorithm == signature


def test_a_certificate_without_o_has_an_empty_subject_o(facts: dict[str, CertificateFacts]) -> None:
    assert facts["no_o"].subject_o == ""
    assert facts["no_o"].subject_cn == "远洋 经办人"


def test_an_expired_sm2_certificate_keeps_its_dates() -> None:
    """SM2 certificates come from openssl; their validity must still be the one asked for."""
    start, end = NOW - timedelta(days=400), NOW - timedelta(days=10)
    read = parse_certificate(
        make_certificate("过期 经办人", GOOD_USCC, not_before=start, not_after=end, algorithm="sm2")
    )
    assert read.not_before == start.replace(microsecond=0)
    assert read.not_after == end.replace(microsecond=0)
    assert read.expired(NOW)


# -- expiry --


def test_expired_and_days_left_around_the_end_of_validity(
    facts: dict[str, CertificateFacts],
) -> None:
    read = facts["rsa"]
    assert not read.expired(NOW)
    assert read.days_left(NOW) == (END - NOW).days
    assert not read.expired(END)  # valid up to and including the last second
    assert read.days_left(END) == 0
    assert read.days_left(END - timedelta(days=12, hours=-1)) == 11
    assert read.days_left(END - timedelta(days=12, hours=1)) == 12
    after = END + timedelta(seconds=1)
    assert read.expired(after)
    assert read.days_left(after) == -1
    assert read.days_left(END + timedelta(days=30)) == -30


def test_expiry_works_with_china_time(facts: dict[str, CertificateFacts]) -> None:
    """NOW is in China time; the certificate's dates are UTC: the comparison is absolute."""
    end_in_china = facts["rsa"].not_after.astimezone(NOW.tzinfo)
    assert not facts["rsa"].expired(end_in_china)
    assert facts["rsa"].expired(end_in_china + timedelta(microseconds=1))


# -- what is not a certificate --


def _not_certificates(der: bytes) -> dict[str, bytes]:
    public_key = x509.load_der_x509_certificate(der).public_key()
    pem = (
        b"-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(der) + b"-----END CERTIFICATE-----\n"
    )
    return {
        "empty": b"",
        "truncated by one byte": der[:-1],
        "truncated by half": der[: len(der) // 2],
        "only the header": der[:4],
        "PEM text": pem,
        "random bytes": random.Random(7).randbytes(600),
        "trailing garbage": der + b"\x00\x01",
        "too large": der + b"\x00" * (MAX_CERTIFICATE_BYTES + 1 - len(der)),
        "public key (valid ASN.1, not a certificate)": public_key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        "sequence of integers": bytes.fromhex("3006020101020102"),
        "the broken object of the lab": b"\x30\x82\x01\x00 this is not a certificate",
    }


@pytest.mark.filterwarnings("ignore")
def test_what_is_not_a_certificate_is_unreadable(ders: dict[str, bytes]) -> None:
    for what, value in _not_certificates(ders["rsa"]).items():
        with pytest.raises(UnreadableCertificate) as caught:
            parse_certificate(value)
        assert str(caught.value), what
        assert isinstance(caught.value, ValueError)


def test_empty_and_too_large_say_so(ders: dict[str, bytes]) -> None:
    with pytest.raises(UnreadableCertificate, match="empty"):
        parse_certificate(b"")
    too_large = ders["rsa"] + b"\x00" * MAX_CERTIFICATE_BYTES
    with pytest.raises(UnreadableCertificate, match="too large"):
        parse_certificate(too_large)


# -- never anything but UnreadableCertificate --


def _parse_or_unreadable(value: bytes) -> None:
    """Parse; anything raised other than UnreadableCertificate fails the test."""
    with contextlib.suppress(UnreadableCertificate):
        parse_certificate(value)


@pytest.mark.filterwarnings("ignore")
@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_only_ever_raise_unreadable(value: bytes) -> None:
    _parse_or_unreadable(value)


@pytest.mark.filterwarnings("ignore")
@settings(max_examples=400, deadline=None)
@given(
    which=st.sampled_from(sorted(SUBJECTS)),
    cut=st.integers(min_value=0, max_value=2000),
    flips=st.lists(
        st.tuples(st.integers(min_value=0, max_value=2000), st.integers(1, 255)), max_size=6
    ),
    truncate=st.booleans(),
)
def test_mutated_certificates_only_ever_raise_unreadable(
    ders: dict[str, bytes], which: str, cut: int, flips: list[tuple[int, int]], truncate: bool
) -> None:
    value = bytearray(ders[which])
    for position, mask in flips:
        value[position % len(value)] ^= mask
    if truncate:
        value = value[: cut % len(value)]
    _parse_or_unreadable(bytes(value))
