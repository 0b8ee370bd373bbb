"""The PKCS#11 reader against real SoftHSM2 tokens."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from devices.pkcs11_reader import Pkcs11Reader
from devices.softhsm_lab import SOFTHSM_MODULE, USER_PIN, SoftHsmLab
from devices.token import CKF_USER_PIN_COUNT_LOW, PinState, TokenError
from kiosk.certificates import parse_certificate
from kiosk.demo_certs import make_certificate, validity
from tests.devices.lab import GOOD_USCC, TOKENS, Lab


@pytest.fixture
def reader(lab: Lab):
    opened = lab.reader()
    yield opened
    opened.close()


def by_label(reader: Pkcs11Reader) -> dict[str, str]:
    return {t.label: t.serial for t in reader.list_tokens()}


def test_lists_every_initialised_token_with_its_identity(reader: Pkcs11Reader) -> None:
    tokens = reader.list_tokens()
    assert sorted(t.label for t in tokens) == sorted(TOKENS)  # the blank slot is skipped
    for token in tokens:
        assert token.manufacturer == "SoftHSM project"
        assert token.model == "SoftHSM v2"
        assert len(token.serial) == 16
        assert token.slot > 0
        # SoftHSM sets none of the PIN-count flags until a wrong PIN: nothing to go on.
        assert token.pin_state is PinState.UNKNOWN


def test_reads_rsa_certificate_without_login(reader: Pkcs11Reader) -> None:
    reading = reader.read_token(by_label(reader)["RSA-OK"])
    (certificate,) = reading.certificates
    facts = parse_certificate(certificate.value)
    assert certificate.label == "sign" and certificate.object_id == "01"
    assert facts.subject_o == GOOD_USCC and facts.key_algorithm == "rsa"
    assert facts.subject_cn == "RSA-OK 经办人"


def test_reads_sm2_and_ec_certificates(reader: Pkcs11Reader) -> None:
    reading = reader.read_token(by_label(reader)["SM2"])
    algorithms = {c.label: parse_certificate(c.value).key_algorithm for c in reading.certificates}
    assert algorithms == {"sign": "sm2", "encrypt": "ec"}
    sm2 = parse_certificate(next(c.value for c in reading.certificates if c.label == "sign"))
    assert sm2.signature_algorithm == "SM2-with-SM3"


def test_a_garbage_object_comes_back_as_bytes_beside_the_good_one(reader: Pkcs11Reader) -> None:
    reading = reader.read_token(by_label(reader)["GARBAGE"])
    values = {c.label: c.value for c in reading.certificates}
    assert sorted(values) == ["broken", "sign"]
    assert b"not a certificate" in values["broken"]


def test_an_unknown_serial_is_removed_not_a_crash(reader: Pkcs11Reader) -> None:
    with pytest.raises(TokenError) as caught:
        reader.read_token("0000000000000000")
    assert caught.value.reason == "removed"


def test_reading_never_logs_in(lab: Lab, reader: Pkcs11Reader) -> None:
    """A wrong PIN sets COUNT_LOW on SoftHSM; many reads must leave no such trace."""
    serial = by_label(reader)["RSA-OK"]
    for _ in range(20):
        reader.read_token(serial)
    token = next(t for t in reader.list_tokens() if t.serial == serial)
    assert not token.flags & CKF_USER_PIN_COUNT_LOW
    # And the PIN we set still works for its owner.
    done = subprocess.run(
        [
            "pkcs11-tool",
            "--module",
            str(SOFTHSM_MODULE),
            "--token-label",
            "RSA-OK",
            "--login",
            "--pin",
            USER_PIN,
            "--list-objects",
        ],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, **lab.softhsm.env},
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_no_login_code_path_exists() -> None:
    """The reading code has no way to log in: no C_Login, no user PIN anywhere."""
    root = Path(__file__).resolve().parents[2]
    for path in [*(root / "devices").glob("*.py"), *(root / "kiosk").rglob("*.py")]:
        if path.name in {"softhsm_lab.py", "token_memory.py"}:
            continue  # the lab sets PINs on test tokens; the memory reader counts attempts
        text = path.read_text("utf-8")
        for forbidden in ("user_pin", "C_Login", ".login("):
            assert forbidden not in text, f"{path.name} mentions {forbidden}"


def test_count_low_flag_is_reported_after_wrong_pins(fresh_lab: SoftHsmLab) -> None:
    fresh_lab.create_token("TRIED")
    subprocess.run(
        [
            "pkcs11-tool",
            "--module",
            str(SOFTHSM_MODULE),
            "--token-label",
            "TRIED",
            "--login",
            "--pin",
            "000000",
            "--list-objects",
        ],
        capture_output=True,
        env={**__import__("os").environ, **fresh_lab.env},
        check=False,
    )
    reader = Pkcs11Reader(SOFTHSM_MODULE, env=fresh_lab.env)
    try:
        (token,) = reader.list_tokens()
        assert token.pin_state is PinState.COUNT_LOW
    finally:
        reader.close()


def test_inserted_and_removed_tokens_are_seen(fresh_lab: SoftHsmLab) -> None:
    fresh_lab.create_token("FIRST")
    reader = Pkcs11Reader(SOFTHSM_MODULE, env=fresh_lab.env)
    try:
        assert [t.label for t in reader.list_tokens()] == ["FIRST"]
        fresh_lab.create_token("SECOND")  # made after the module loaded
        assert sorted(t.label for t in reader.list_tokens()) == ["FIRST", "SECOND"]
        fresh_lab.unplug("FIRST")
        assert [t.label for t in reader.list_tokens()] == ["SECOND"]
        fresh_lab.plug("FIRST")
        assert sorted(t.label for t in reader.list_tokens()) == ["FIRST", "SECOND"]
    finally:
        reader.close()


def test_a_token_whose_folder_vanishes_mid_read_is_removed(fresh_lab: SoftHsmLab) -> None:
    fresh_lab.create_token("GOING")
    start, end = validity(100)
    der = make_certificate("x", GOOD_USCC, not_before=start, not_after=end)
    fresh_lab.write_certificate("GOING", der, "sign")
    reader = Pkcs11Reader(SOFTHSM_MODULE, env=fresh_lab.env)
    try:
        (token,) = reader.list_tokens()
        fresh_lab.destroy("GOING")
        with pytest.raises(TokenError) as caught:
            reader.read_token(token.serial)
        assert caught.value.reason == "removed"
        assert reader.list_tokens() == []  # and the reader goes on
    finally:
        reader.close()


def test_a_path_that_is_not_a_module_is_a_clear_error(tmp_path: Path) -> None:
    fake = tmp_path / "fake.so"
    fake.write_text("not a library")
    for path in (fake, tmp_path / "missing.so"):
        reader = Pkcs11Reader(path)
        with pytest.raises(TokenError) as caught:
            reader.list_tokens()
        assert caught.value.reason == "module"
        reader.close()


@pytest.fixture(scope="module")
def shim(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A module wrapping SoftHSM that hangs or crashes on demand (tests/fixtures)."""
    source = Path(__file__).resolve().parents[1] / "fixtures" / "pkcs11_shim.c"
    built = tmp_path_factory.mktemp("shim") / "shim.so"
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(built), str(source), "-ldl"], check=True)
    return built


@pytest.mark.parametrize(("mode", "reason"), [("hang", "timeout"), ("crash", "crashed")])
def test_a_hanging_or_crashing_module_is_restarted(
    shim: Path, fresh_lab: SoftHsmLab, tmp_path: Path, mode: str, reason: str
) -> None:
    fresh_lab.create_token("ONE")
    mode_file = tmp_path / "mode"
    mode_file.write_text("ok")
    reader = Pkcs11Reader(
        shim, call_timeout_s=1.0, env={**fresh_lab.env, "SHIM_MODE_FILE": str(mode_file)}
    )
    try:
        assert len(reader.list_tokens()) == 1
        mode_file.write_text(mode)
        with pytest.raises(TokenError) as caught:
            reader.list_tokens()
        assert caught.value.reason == reason
        mode_file.write_text("ok")
        assert len(reader.list_tokens()) == 1
        assert reader.restarts == 1
    finally:
        reader.close()
