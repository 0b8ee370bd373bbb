"""Time to list the tokens and parse their certificates, next to pkcs11-tool on the same
tokens (the anchor), measured in the same run.

Run: .venv/bin/python bench/token_read.py [--tokens 3] [--rounds 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from devices.pkcs11_reader import Pkcs11Reader
from devices.softhsm_lab import SOFTHSM_MODULE, SoftHsmLab
from kiosk.demo_certs import make_certificate, validity
from kiosk.token_listing import list_tokens_json


def build_lab(root: Path, count: int) -> SoftHsmLab:
    lab = SoftHsmLab(root)
    for number in range(count):
        label = f"BENCH-{number}"
        lab.create_token(label)
        start, end = validity(300)
        lab.write_certificate(
            label,
            make_certificate(label, "91110108MA01A2B3CF", not_before=start, not_after=end),
            "sign",
        )
    return lab


def time_kiosk(lab: SoftHsmLab, rounds: int) -> tuple[float, float]:
    """(cold: start the module's process, list, read and parse; warm: a repeat scan)."""
    now = datetime.now(UTC)
    start = time.perf_counter()
    reader = Pkcs11Reader(SOFTHSM_MODULE, env=lab.env)
    list_tokens_json(reader, now)
    cold = time.perf_counter() - start
    warm = []
    for _ in range(rounds):
        start = time.perf_counter()
        list_tokens_json(reader, now)
        warm.append(time.perf_counter() - start)
    reader.close()
    return cold, statistics.median(warm)


def time_pkcs11_tool(lab: SoftHsmLab, rounds: int) -> float:
    """pkcs11-tool --list-objects --type cert on every token, once per token per round."""
    env = {**os.environ, **lab.env}
    runs = []
    for _ in range(rounds):
        start = time.perf_counter()
        for label in lab.labels():
            subprocess.run(
                [
                    "pkcs11-tool",
                    "--module",
                    str(SOFTHSM_MODULE),
                    "--token-label",
                    label,
                    "--list-objects",
                    "--type",
                    "cert",
                ],
                capture_output=True,
                env=env,
                check=True,
            )
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tokens", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        lab = build_lab(Path(folder), args.tokens)
        cold, warm = time_kiosk(lab, args.rounds)
        anchor = time_pkcs11_tool(lab, args.rounds)
    print(f"tokens: {args.tokens}, rounds: {args.rounds}")
    print(f"pkcs11-tool --list-objects --type cert, all tokens (anchor): {anchor * 1000:8.1f} ms")
    print(
        f"kiosk cold (start module process, list, read, parse):        {cold * 1000:8.1f} ms"
        f"   ratio {cold / anchor:5.2f}"
    )
    print(
        f"kiosk warm (repeat scan: list, read, parse):                 {warm * 1000:8.1f} ms"
        f"   ratio {warm / anchor:5.2f}"
    )


if __name__ == "__main__":
    main()
