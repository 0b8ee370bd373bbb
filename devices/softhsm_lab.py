"""SoftHSM2 tokens in a folder of their own, for the tests and the demo's tray of keys.

Never the system token folder: every call runs with SOFTHSM2_CONF pointing into ``root``.
"Unplugging" a key moves its token folder out of the token directory into ``tray``;
"plugging" moves it back. (SoftHSM needs its module re-initialised to notice either.)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from cryptography import x509

SOFTHSM_MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")
USER_PIN = "123456"
SO_PIN = "12345678"


class SoftHsmLab:
    """A private SoftHSM2 set-up under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.tokens = root / "tokens"
        self.tray = root / "tray"
        self.conf = root / "softhsm2.conf"
        self._manifest = root / "lab.json"
        for folder in (self.tokens, self.tray):
            folder.mkdir(parents=True, exist_ok=True)
        if not self.conf.exists():
            self.conf.write_text(
                f"directories.tokendir = {self.tokens}/\n"
                "objectstore.backend = file\nslots.removable = true\nlog.level = ERROR\n",
                "utf-8",
            )

    @property
    def env(self) -> dict[str, str]:
        """The environment a module user needs to see these tokens."""
        return {"SOFTHSM2_CONF": str(self.conf)}

    def _run(self, *command: str) -> str:
        done = subprocess.run(
            command, capture_output=True, text=True, env={**os.environ, **self.env}, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {done.stderr.strip() or done.stdout}")
        return done.stdout

    def _folders(self) -> dict[str, str]:
        return json.loads(self._manifest.read_text("utf-8")) if self._manifest.exists() else {}

    def create_token(self, label: str, pin: str = USER_PIN) -> None:
        """Initialise a new token with this label (labels are unique in a lab)."""
        if label in self._folders():
            raise ValueError(f"token {label!r} exists")
        before = {p.name for p in self.tokens.iterdir()}
        self._run(
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            label,
            "--so-pin",
            SO_PIN,
            "--pin",
            pin,
        )
        (created,) = {p.name for p in self.tokens.iterdir()} - before
        self._manifest.write_text(json.dumps({**self._folders(), label: created}), "utf-8")

    def write_certificate(
        self, label: str, der: bytes, object_label: str, object_id: str = "01"
    ) -> None:
        """Store a certificate object on the token as a public object, in a public R/W
        session (no login). Any bytes are accepted, so a broken object can be made too."""
        script = (
            "import sys, pkcs11\n"
            "from pkcs11 import Attribute, ObjectClass, CertificateType\n"
            "lib = pkcs11.lib(sys.argv[1])\n"
            "token = lib.get_token(token_label=sys.argv[2])\n"
            "with token.open(rw=True) as session:\n"
            "    session.create_object({Attribute.CLASS: ObjectClass.CERTIFICATE,\n"
            "        Attribute.CERTIFICATE_TYPE: CertificateType.X_509, Attribute.TOKEN: True,\n"
            "        Attribute.PRIVATE: False, Attribute.LABEL: sys.argv[3],\n"
            "        Attribute.ID: bytes.fromhex(sys.argv[4]),\n"
            "        Attribute.SUBJECT: bytes.fromhex(sys.argv[5]),\n"
            "        Attribute.VALUE: sys.stdin.buffer.read()})\n"
        )
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                script,
                str(SOFTHSM_MODULE),
                label,
                object_label,
                object_id,
                _subject_der(der).hex(),
            ],
            input=der,
            capture_output=True,
            env={**os.environ, **self.env},
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"writing {object_label} on {label} failed: {done.stderr!r}")

    def serial_of(self, label: str) -> str:
        """The serial SoftHSM gave the token (it picks one at random)."""
        current_serial = ""
        for line in self._run("softhsm2-util", "--show-slots").splitlines():
            stripped = line.strip()
            if stripped.startswith("Label:") and stripped.split(":", 1)[1].strip() == label:
                return current_serial
            if stripped.startswith("Serial number:"):
                current_serial = stripped.split(":", 1)[1].strip()
        raise KeyError(label)

    def labels(self) -> list[str]:
        """Every token of the lab, plugged in or not."""
        return sorted(self._folders())

    def is_plugged(self, label: str) -> bool:
        """True while the token is in the token directory."""
        return (self.tokens / self._folders()[label]).exists()

    def unplug(self, label: str) -> None:
        """Take the key out (move its folder to the tray)."""
        folder = self._folders()[label]
        if (self.tokens / folder).exists():
            shutil.move(self.tokens / folder, self.tray / folder)

    def plug(self, label: str) -> None:
        """Put the key in (move its folder back)."""
        folder = self._folders()[label]
        if (self.tray / folder).exists():
            shutil.move(self.tray / folder, self.tokens / folder)

    def destroy(self, label: str) -> None:
        """Delete the token's folder outright (a key that vanishes mid-read)."""
        folder = self._folders()[label]
        shutil.rmtree(self.tokens / folder, ignore_errors=True)


def _subject_der(der: bytes) -> bytes:
    """The certificate's subject (PKCS#11 requires it), or an empty name for broken bytes."""
    try:
        return x509.load_der_x509_certificate(der).subject.public_bytes()
    except ValueError:
        return b"\x30\x00"
