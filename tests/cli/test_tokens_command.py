"""``kiosk tokens``: the keys present and their certificates, as a script reads them, over
the SoftHSM lab's real PKCS#11 tokens; and a module that cannot be used is one clear line."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from devices.softhsm_lab import SOFTHSM_MODULE
from devices.token import PinState
from kiosk.cli import main
from tests.devices.lab import GOOD_USCC, TOKENS, WRONG_CHECK_USCC, Lab

PIN_STATES = {state.value for state in PinState}
TOKEN_KEYS = {"slot", "serial", "label", "manufacturer", "model", "pin_state", "certificates"}
CERTIFICATE_KEYS = {
    "label",
    "subject_cn",
    "subject_o",
    "uscc_valid",
    "issuer_cn",
    "serial",
    "not_before",
    "not_after",
    "expired",
    "key_algorithm",
    "signature_algorithm",
    "fingerprint_sha256",
}


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_LANG", "en")


def run_tokens(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["tokens", *(str(arg) for arg in args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def listed(lab: Lab) -> dict[str, dict[str, Any]]:
    """``kiosk tokens --json`` over the lab, run once in-process, by token label.

    Module-scoped (each run starts the module's child process), so stdout and stderr are
    caught with redirect_* here rather than the function-scoped capsys."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOFTHSM2_CONF", lab.softhsm.env["SOFTHSM2_CONF"])
        patch.setenv("KIOSK_LANG", "en")
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["tokens", "--module", str(SOFTHSM_MODULE), "--json"])
    assert (code, err.getvalue()) == (0, "")
    tokens = json.loads(out.getvalue())
    assert isinstance(tokens, list) and all(isinstance(t, dict) for t in tokens)
    return {token["label"]: token for token in tokens}


def _certificates(token: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["label"]: c for c in token["certificates"]}


def test_json_lists_one_object_per_token(listed: dict[str, dict[str, Any]]) -> None:
    assert sorted(listed) == sorted(TOKENS)
    for label, token in listed.items():
        assert set(token) == TOKEN_KEYS, label
        assert isinstance(token["slot"], int)
        assert re.fullmatch(r"[0-9a-f]{16}", token["serial"])
        assert token["pin_state"] in PIN_STATES
        assert token["pin_state"] == "unknown"  # SoftHSM sets no PIN flags until a wrong PIN
        assert token["manufacturer"] == "SoftHSM project"
        assert sorted(c["label"] for c in token["certificates"]) == sorted(
            o[0] for o in TOKENS[label]
        )
    assert len({t["serial"] for t in listed.values()}) == len(listed)
    assert len({t["slot"] for t in listed.values()}) == len(listed)


def test_every_readable_certificate_has_its_facts(listed: dict[str, dict[str, Any]]) -> None:
    for label, token in listed.items():
        for certificate in token["certificates"]:
            if certificate["label"] == "broken":
                continue
            assert set(certificate) == CERTIFICATE_KEYS, (label, certificate["label"])
            assert certificate["subject_cn"] == f"{label} 经办人"
            start = datetime.fromisoformat(certificate["not_before"])
            end = datetime.fromisoformat(certificate["not_after"])
            assert start.tzinfo is not None and end.tzinfo is not None and start < end
            assert re.fullmatch(r"[0-9a-f]{64}", certificate["fingerprint_sha256"])
            assert re.fullmatch(r"[0-9A-F]+", certificate["serial"])
            assert isinstance(certificate["uscc_valid"], bool)
            assert isinstance(certificate["expired"], bool)


def test_the_code_in_o_is_judged(listed: dict[str, dict[str, Any]]) -> None:
    rsa = _certificates(listed["RSA-OK"])["sign"]
    assert (rsa["subject_o"], rsa["uscc_valid"]) == (GOOD_USCC, True)
    assert rsa["issuer_cn"] == "Demo Foreign Trade CA"
    assert rsa["key_algorithm"] == "rsa" and rsa["expired"] is False
    no_o = _certificates(listed["NO-O"])["sign"]
    assert (no_o["subject_o"], no_o["uscc_valid"]) == ("", False)
    bad = _certificates(listed["BAD-CHECK"])["sign"]
    assert (bad["subject_o"], bad["uscc_valid"]) == (WRONG_CHECK_USCC, False)


def test_an_expired_certificate_says_so(listed: dict[str, dict[str, Any]]) -> None:
    expired = _certificates(listed["EXPIRED"])["sign"]
    assert expired["expired"] is True and expired["uscc_valid"] is True
    assert datetime.fromisoformat(expired["not_after"]) < datetime.now().astimezone()


def test_sm2_and_ec_certificates_on_one_token(listed: dict[str, dict[str, Any]]) -> None:
    certificates = _certificates(listed["SM2"])
    assert certificates["sign"]["key_algorithm"] == "sm2"
    assert certificates["sign"]["signature_algorithm"] == "SM2-with-SM3"
    assert certificates["encrypt"]["key_algorithm"] == "ec"
    assert all(c["uscc_valid"] and not c["expired"] for c in certificates.values())


def test_a_garbage_object_is_an_error_beside_the_good_certificate(
    listed: dict[str, dict[str, Any]],
) -> None:
    certificates = _certificates(listed["GARBAGE"])
    assert set(certificates["broken"]) == {"label", "error"}
    assert certificates["broken"]["error"]
    assert certificates["sign"]["uscc_valid"] is True


def test_plain_output_is_one_line_per_token_and_certificate(
    lab: Lab, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SOFTHSM2_CONF", lab.softhsm.env["SOFTHSM2_CONF"])
    code, out, err = run_tokens(capsys, "--module", SOFTHSM_MODULE)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert len(lines) == len(TOKENS) + sum(len(objects) for objects in TOKENS.values())
    token_lines = [line for line in lines if not line.startswith("  ")]
    assert sorted(line.split("\t")[0] for line in token_lines) == sorted(TOKENS)
    assert all(line.endswith("\tunknown") for line in token_lines)
    assert f"  sign: O={GOOD_USCC} until " in out
    assert "  sign: O=- until " in out  # NO-O
    assert "  broken: not a DER X.509 certificate" in out


# -- a module that cannot be used --


def _one_clear_line(code: int, out: str, err: str) -> str:
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    assert err.endswith("\n") and err.count("\n") == 1, err
    return err.strip()


def test_a_missing_module_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no-such-pkcs11.so"
    line = _one_clear_line(*run_tokens(capsys, "--module", missing, "--json"))
    assert line == f"{missing} is not a usable PKCS#11 module: {missing} not found"


def test_a_folder_is_not_a_module(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = _one_clear_line(*run_tokens(capsys, "--module", tmp_path, "--json"))
    assert line.startswith(f"{tmp_path} is not a usable PKCS#11 module")


@pytest.mark.parametrize(
    "content",
    [b"hello, I am not a library\n", b"\x7fELF" + b"\x00" * 64],
    ids=["text", "broken-elf"],
)
def test_a_file_that_is_not_a_library_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    fake = tmp_path / "libfake-pkcs11.so"
    fake.write_bytes(content)
    line = _one_clear_line(*run_tokens(capsys, "--module", fake, "--json"))
    assert line.startswith(f"{fake} is not a usable PKCS#11 module: ")
    assert len(line) > len(f"{fake} is not a usable PKCS#11 module: ")


def test_a_library_that_is_not_pkcs11_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    libc = next((p for p in Path("/usr/lib").glob("*-linux-gnu*/libc.so.6") if p.is_file()), None)
    if libc is None:
        pytest.fail("libc.so.6 not found under /usr/lib")
    line = _one_clear_line(*run_tokens(capsys, "--module", libc, "--json"))
    assert "C_GetFunctionList" in line


def test_the_error_is_chinese_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("KIOSK_LANG")
    missing = tmp_path / "no-such-pkcs11.so"
    line = _one_clear_line(*run_tokens(capsys, "--module", missing))
    assert line.startswith(f"{missing} 不是可用的 PKCS#11 模块")


# -- the installed console script --


def test_the_console_script_lists_the_lab_end_to_end(lab: Lab, tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "kiosk"
    done = subprocess.run(
        [str(script), "tokens", "--module", str(SOFTHSM_MODULE), "--json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, **lab.softhsm.env, "KIOSK_LANG": "en"},
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    tokens = {token["label"]: token for token in json.loads(done.stdout)}
    assert sorted(tokens) == sorted(TOKENS)
    assert _certificates(tokens["NO-O"])["sign"]["uscc_valid"] is False
    assert _certificates(tokens["SM2"])["sign"]["subject_cn"] == "SM2 经办人"  # real UTF-8
