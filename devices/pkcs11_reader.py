"""The PKCS#11 token reader: talks to the module through a child process it owns.

Every call has a timeout. A child that hangs is killed and a child that dies is restarted
on the next call, so a bad vendor module never takes the kiosk down.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

from devices.token import (
    CertificateObject,
    PinState,
    TokenError,
    TokenReading,
    TokenSummary,
    pin_state_from_flags,
)

START_TIMEOUT_S = 15.0
"""Loading a vendor module can be slow the first time (it may scan USB readers)."""


class Pkcs11Reader:
    """A :class:`devices.token.TokenReader` over a PKCS#11 module (.so).

    Args:
        module: path of the module.
        call_timeout_s: how long one list or read may take before the child is restarted.
        reports_pin_flags: whether this module sets the PIN-count flags (else a token with
            none set shows as "does not report").
        env: extra environment for the child (e.g. SOFTHSM2_CONF).
        rescan_every: re-initialise the module on every n-th listing, so it sees keys
            inserted since it loaded (many modules only learn of new tokens that way).
    """

    def __init__(
        self,
        module: Path,
        *,
        call_timeout_s: float = 5.0,
        reports_pin_flags: bool = False,
        env: dict[str, str] | None = None,
        rescan_every: int = 1,
    ) -> None:
        self.module = module
        self.call_timeout_s = call_timeout_s
        self.reports_pin_flags = reports_pin_flags
        self.env = env
        self.rescan_every = max(1, rescan_every)
        self.starts = 0
        self._child: subprocess.Popen[str] | None = None
        self._answers: queue.Queue[str | None] = queue.Queue()
        self._lock = threading.Lock()
        self._listings = 0

    @property
    def restarts(self) -> int:
        """How many times the child had to be started again."""
        return max(0, self.starts - 1)

    # -- the TokenReader protocol --

    def list_tokens(self) -> list[TokenSummary]:
        """The initialised tokens present now."""
        self._listings += 1
        rescan = self._listings % self.rescan_every == 0
        try:
            answer = self._call({"op": "list", "rescan": rescan})
        except TokenError as error:
            if error.reason != "module" or not rescan:
                raise
            # A module that cannot re-initialise gets a fresh process instead.
            self.close()
            answer = self._call({"op": "list", "rescan": False})
        return [self._summary(token) for token in answer["tokens"]]

    def read_token(self, serial: str) -> TokenReading:
        """The token and its certificate objects, read in a public session (no login)."""
        answer = self._call({"op": "read", "serial": serial})
        certificates = tuple(
            CertificateObject(
                label=c["label"], object_id=c["id"], value=base64.b64decode(c["value"])
            )
            for c in answer["certificates"]
        )
        return TokenReading(token=self._summary(answer["token"]), certificates=certificates)

    def close(self) -> None:
        """Stop the child process."""
        with self._lock:
            self._stop_child()

    # -- the child process --

    def _summary(self, raw: dict[str, Any]) -> TokenSummary:
        flags = int(raw["flags"])
        return TokenSummary(
            slot=int(raw["slot"]),
            label=raw["label"],
            serial=raw["serial"],
            manufacturer=raw["manufacturer"],
            model=raw["model"],
            flags=flags,
            pin_state=pin_state_from_flags(flags, self.reports_pin_flags),
        )

    def _call(self, request: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            child = self._ensure_child()
            assert child.stdin is not None
            try:
                child.stdin.write(json.dumps(request) + "\n")
                child.stdin.flush()
            except (BrokenPipeError, OSError):
                self._stop_child()
                raise TokenError("crashed", "the token module stopped") from None
            answer = self._next_answer(self.call_timeout_s)
        if not answer.get("ok"):
            raise TokenError(str(answer.get("reason", "module")), str(answer.get("detail", "")))
        return answer

    def _ensure_child(self) -> subprocess.Popen[str]:
        if self._child is not None and self._child.poll() is None:
            return self._child
        if self._child is not None:
            self._stop_child()
        if not self.module.is_file():
            raise TokenError("module", f"{self.module} not found")
        environment = None
        if self.env:
            environment = {**os.environ, **self.env}
        child = subprocess.Popen(
            [sys.executable, "-m", "devices.pkcs11_child", str(self.module)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            env=environment,
            bufsize=1,
        )
        self._child = child
        self.starts += 1
        self._answers = queue.Queue()
        assert child.stdout is not None
        threading.Thread(target=_pump, args=(child.stdout, self._answers), daemon=True).start()
        ready = self._next_answer(START_TIMEOUT_S)
        if not ready.get("ok"):
            self._stop_child()
            raise TokenError("module", str(ready.get("detail", "")))
        return child

    def _next_answer(self, timeout_s: float) -> dict[str, Any]:
        try:
            line = self._answers.get(timeout=timeout_s)
        except queue.Empty:
            self._stop_child()
            raise TokenError("timeout", f"no answer within {timeout_s:g} s") from None
        if line is None:
            self._stop_child()
            raise TokenError("crashed", "the token module stopped")
        try:
            answer: dict[str, Any] = json.loads(line)
        except json.JSONDecodeError:
            self._stop_child()
            raise TokenError("crashed", "the token module answered garbage") from None
        return answer

    def _stop_child(self) -> None:
        child, self._child = self._child, None
        if child is None:
            return
        if child.poll() is None:
            child.kill()
        child.wait(timeout=5)
        for stream in (child.stdin, child.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


def _pump(stream: IO[str], answers: queue.Queue[str | None]) -> None:
    """Move the child's answer lines onto a queue, so reads can time out."""
    for line in stream:
        answers.put(line)
    answers.put(None)


__all__ = ["PinState", "Pkcs11Reader"]
