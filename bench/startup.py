"""Start-up time of the kiosk next to an empty Textual app (the anchor), measured in the
same run: from launching a new Python process to the first screen drawn (headless), then
exit. The kiosk starts on the demo's configuration: a seeded store, the SoftHSM token
module in its child process, a file printer, the status bar's first reading.

Run: .venv/bin/python bench/startup.py [--rounds 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EMPTY_APP = """
from textual.app import App

class Empty(App[None]):
    def on_mount(self) -> None:
        self.call_after_refresh(self.exit)

Empty().run(headless=True)
"""

KIOSK_APP = """
import sys
from pathlib import Path

from kiosk.app import KioskApp
from kiosk.config import load_settings
from kiosk.context import build_context

class FirstScreen(KioskApp):
    def on_mount(self) -> None:
        super().on_mount()
        self.call_after_refresh(self.exit)

context = build_context(load_settings(Path(sys.argv[1])))
try:
    FirstScreen(context).run(headless=True)
finally:
    context.close()
"""


def launch(code: str, *args: str) -> float:
    """Seconds from starting a Python process running ``code`` to its exit."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    """Time both launches, alternating, and print medians and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    from kiosk.demo import seed_demo

    with tempfile.TemporaryDirectory(prefix="bench-startup-") as folder:
        config = seed_demo(Path(folder) / "demo")
        launch(EMPTY_APP)  # warm the file cache for both
        launch(KIOSK_APP, str(config))
        empty, kiosk = [], []
        for _ in range(args.rounds):
            empty.append(launch(EMPTY_APP))
            kiosk.append(launch(KIOSK_APP, str(config)))
    empty_s, kiosk_s = statistics.median(empty), statistics.median(kiosk)
    print(f"python {sys.version.split()[0]}; {args.rounds} launches each, alternating; median")
    print(f"{'empty Textual app (anchor)':<34}{empty_s * 1000:>8.0f} ms")
    print(f"{'kiosk on the demo configuration':<34}{kiosk_s * 1000:>8.0f} ms")
    print(f"ratio (kiosk / empty app): {kiosk_s / empty_s:.2f}x")


if __name__ == "__main__":
    main()
