"""TLS is verified, with a clear message when the certificate is wrong; garbage answers,
Retry-After forms and the backoff never break the client."""

from __future__ import annotations

import datetime as dt
import ipaddress
import random
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from central.server import CentralServer
from data.sync import Backoff, sync_status
from data.sync_client import SyncProblem, retry_after_seconds
from tests.sync.conftest import Counters
from tests.sync.helpers import add_events, local_events, sync


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_tls_files(folder: Path) -> tuple[Path, Path, Path]:
    """(CA certificate, server certificate, server key) for 127.0.0.1, written as PEM."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("Test Hub CA"))
        .issuer_name(_name("Test Hub CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_path, cert_path, key_path = folder / "ca.pem", folder / "hub.pem", folder / "hub.key"
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_path, cert_path, key_path


def test_tls_is_verified_and_a_wrong_certificate_is_said_plainly(
    tmp_path: Path, central_db: Path, counters: Counters
) -> None:
    ca_path, cert_path, key_path = make_tls_files(tmp_path)
    server = CentralServer(central_db, tls=(cert_path, key_path))
    server.start()
    try:
        add_events(counters.bj3.store, 3)
        untrusted = sync(counters.bj3, server.url, retries=3)
        assert untrusted.problem is not None
        assert untrusted.problem.key == "sync.tls" and not untrusted.problem.retry
        assert "ca_file" in untrusted.problem.message("en")
        assert untrusted.backlog == 3
        trusted = sync(counters.bj3, server.url, ca_file=ca_path)
        assert trusted.ok and trusted.pushed == 3
    finally:
        server.stop()


GARBAGE = [
    (200, b"not json"),
    (200, b"[]"),
    (200, b'{"results": "x"}'),
    (200, b'{"results": [{"uuid": "someone-else", "status": "stored", "held": "stored"}]}'),
    (200, b"\xff\xfe\x00"),
    (500, b"<html>oops</html>"),
    (502, b""),
    (418, b'{"detail": 5}'),
]


@pytest.mark.parametrize(("status", "body"), GARBAGE)
def test_garbage_answers_leave_the_outbox_untouched(
    counters: Counters, status: int, body: bytes
) -> None:
    add_events(counters.bj3.store, 4)

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers={"Retry-After": "soon"})

    report = sync(counters.bj3, "http://central", transport=httpx.MockTransport(answer), retries=2)
    assert report.problem is not None
    assert report.problem.key in {"sync.bad_answer", "sync.busy", "sync.unexpected"}
    assert report.problem.message("zh") and report.problem.message("en")
    assert report.backlog == 4
    assert all(synced is None for _, _, synced, _ in local_events(counters.bj3.store))
    assert counters.bj3.store.read(sync_status).last_error is not None


def test_the_kiosk_only_marks_what_the_answer_speaks_for(counters: Counters) -> None:
    add_events(counters.bj3.store, 2)
    uuids = [uuid for _, uuid, _, _ in local_events(counters.bj3.store)]

    def half(request: httpx.Request) -> httpx.Response:
        first = {"uuid": uuids[0], "status": "stored", "held": "stored"}
        return httpx.Response(200, json={"results": [first], "head": {"seq": 1, "hash": "0"}})

    report = sync(counters.bj3, "http://central", transport=httpx.MockTransport(half))
    assert report.problem is not None and report.problem.key == "sync.bad_answer"
    assert report.backlog == 2


def test_retry_after_forms() -> None:
    now = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)
    assert retry_after_seconds("7") == 7
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds("-3") is None
    assert retry_after_seconds("99999999") == 3600
    assert retry_after_seconds("Wed, 25 Nov 2026 02:00:30 GMT", now) == 30
    assert retry_after_seconds("Wed, 25 Nov 2026 01:00:00 GMT", now) == 0


def test_backoff_grows_with_jitter_up_to_the_cap_and_respects_retry_after() -> None:
    backoff = Backoff(base_s=1, cap_s=60, rng=random.Random(7))
    for attempt in range(12):
        ceiling = min(60, 2**attempt)
        waits = {backoff.delay(attempt) for _ in range(50)}
        assert all(ceiling / 2 <= wait <= ceiling for wait in waits)
        assert len(waits) > 1  # jittered
    assert backoff.delay(0, retry_after=120) == 120
    assert backoff.delay(10_000) <= 60


def test_a_missing_or_broken_ca_file_is_a_tls_problem_not_a_crash(
    tmp_path: Path, counters: Counters
) -> None:
    broken = tmp_path / "broken.pem"
    broken.write_text("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    add_events(counters.bj3.store, 1)
    for ca_file in (tmp_path / "missing.pem", broken):
        with pytest.raises(SyncProblem) as caught:
            sync(counters.bj3, "https://127.0.0.1:1", ca_file=ca_file)
        assert caught.value.key == "sync.tls" and not caught.value.retry
        assert "ca_file" in caught.value.message("en")


def test_plain_http_is_only_for_this_machine(write_config) -> None:
    from kiosk.config import load_settings
    from kiosk.errors import KioskError

    base = '[counter]\noffice = "BJ"\n[central]\nurl = "{url}"\n'
    for url in ("http://127.0.0.1:8080", "http://localhost:8080", "https://hub.example.cn"):
        assert load_settings(write_config(base.format(url=url))).central.url == url
    with pytest.raises(KioskError) as caught:
        load_settings(write_config(base.format(url="http://hub.example.cn")))
    assert "must be https://" in caught.value.message("en")
