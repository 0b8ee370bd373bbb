"""The SoftHSM2 lab of the token tests: real PKCS#11 tokens made by the tests.

The fixtures `lab` (one per session) and `fresh_lab` (one per test) are registered in
tests/conftest.py."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from stdnum.cn import uscc

from devices.pkcs11_reader import Pkcs11Reader
from devices.softhsm_lab import SOFTHSM_MODULE, SoftHsmLab
from kiosk.demo_certs import make_certificate, validity

USCC_BODY = "91110108MA01A2B3C"
GOOD_USCC = USCC_BODY + uscc.calc_check_digit(USCC_BODY)
WRONG_CHECK_USCC = USCC_BODY + ("0" if GOOD_USCC[-1] != "0" else "1")


def require_softhsm() -> None:
    """SoftHSM is installed by `make test`; a missing one is a set-up error, never a skip."""
    missing = [tool for tool in ("softhsm2-util", "pkcs11-tool") if shutil.which(tool) is None]
    if missing or not SOFTHSM_MODULE.exists():
        pytest.fail(f"SoftHSM2/OpenSC missing ({missing}): run scripts/system-deps.sh as root")


@dataclass(frozen=True)
class Lab:
    """The lab and the labels of its tokens, by what each shows."""

    softhsm: SoftHsmLab

    def reader(self, **options: object) -> Pkcs11Reader:
        return Pkcs11Reader(SOFTHSM_MODULE, env=self.softhsm.env, **options)  # type: ignore[arg-type]


TOKENS = {
    "RSA-OK": [("sign", "rsa", GOOD_USCC, 365)],
    "NO-O": [("sign", "rsa", None, 365)],
    "BAD-CHECK": [("sign", "rsa", WRONG_CHECK_USCC, 365)],
    "EXPIRED": [("sign", "rsa", GOOD_USCC, -10)],
    "SM2": [("sign", "sm2", GOOD_USCC, 365), ("encrypt", "ec", GOOD_USCC, 365)],
    "GARBAGE": [("sign", "rsa", GOOD_USCC, 365), ("broken", "garbage", None, 0)],
}


def build_session_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    require_softhsm()
    softhsm = SoftHsmLab(tmp_path_factory.mktemp("softhsm"))
    for label, objects in TOKENS.items():
        softhsm.create_token(label)
        for number, (object_label, algorithm, organization, days) in enumerate(objects, 1):
            if algorithm == "garbage":
                der = b"\x30\x82\x01\x00 this is not a certificate"
            else:
                start, end = validity(days)
                der = make_certificate(
                    f"{label} 经办人",
                    organization,
                    not_before=start,
                    not_after=end,
                    algorithm=algorithm,
                )
            softhsm.write_certificate(label, der, object_label, f"{number:02x}")
    yield Lab(softhsm)


def build_fresh_lab(tmp_path: Path) -> SoftHsmLab:
    """An empty lab of the test's own, for tests that add or remove tokens."""
    require_softhsm()
    return SoftHsmLab(tmp_path / "softhsm")
