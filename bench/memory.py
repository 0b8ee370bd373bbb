"""Resident memory of the kiosk with a 1,000,000-case store next to the same kiosk on an
empty store (the anchor) and an empty Textual app, measured in the same run.

Each runs in its own process, headless: the clerk's home screen, then the case list
(today's, open and overdue cases, a search by company name); the peak resident set
(``VmHWM``) and the resident set at the end (``VmRSS``) are read from ``/proc``. The large
store is seeded as bench/search.py seeds it.

Run: .venv/bin/python bench/memory.py [--cases 1000000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search import seed

CONFIG = """\
[counter]
office = "BJ"
counter_id = 1

[database]
path = "kiosk.db"
"""

MEASURE = """
import asyncio, json, sys
from pathlib import Path

def memory():
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return {name: int(fields[name].split()[0]) // 1024 for name in ("VmRSS", "VmHWM")}

if sys.argv[1] == "empty":
    from textual.app import App
    async def run():
        async with App().run_test(size=(120, 40)) as pilot:
            await pilot.pause()
    asyncio.run(run())
    print(json.dumps(memory()))
    raise SystemExit

from kiosk.app import KioskApp
from kiosk.config import load_settings
from kiosk.context import build_context
from kiosk.hash_key import create_hash_key
from kiosk.services.operators import find_operator

settings = load_settings(Path(sys.argv[2]))
if not settings.database.id_hash_key_file.exists():
    create_hash_key(settings.database.id_hash_key_file)
context = build_context(settings)

async def run():
    app = KioskApp(context)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        app.log_in(find_operator(context.store, "clerk"))
        await pilot.pause()
        await pilot.press("9")
        await pilot.pause(0.5)
        search = app.screen.query_one("#cases-search")
        for text in ("华信", "精密仪器"):
            search.value = text
            await pilot.press("enter")
            await pilot.pause(0.5)
        await app.workers.wait_for_complete([w for w in app.workers if w.group != "token-watch"])

asyncio.run(run())
context.close()
print(json.dumps(memory()))
"""


def measure(*args: str) -> dict[str, int]:
    """``VmRSS`` and ``VmHWM`` in MiB of a child doing the case-list round."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *args], check=True, capture_output=True, text=True
    )
    result: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def store_folder(root: Path, name: str, cases: int) -> Path:
    """A config and a store of ``cases`` cases (with the clerk account) in ``root/name``."""
    folder = root / name
    folder.mkdir()
    config = folder / "kiosk.toml"
    config.write_text(CONFIG, "utf-8")
    seed(folder / "kiosk.db", cases, max(10, cases // 20), max(10, cases // 5))
    return config


def main() -> None:
    """Seed both stores, measure the three processes, print MiB and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        root = Path(tmp)
        large = store_folder(root, "large", args.cases)
        small = store_folder(root, "small", 0)
        size_mib = (root / "large" / "kiosk.db").stat().st_size / 2**20
        empty = measure("empty")
        anchor = measure("kiosk", str(small))
        loaded = measure("kiosk", str(large))
    print(f"python {sys.version.split()[0]}; store of {args.cases:,} cases: {size_mib:.0f} MiB")
    print(f"{'process':<40}{'peak RSS':>10}{'RSS at end':>12}")
    rows = (
        ("empty Textual app", empty),
        ("kiosk, empty store (anchor)", anchor),
        (f"kiosk, {args.cases:,}-case store", loaded),
    )
    for label, figures in rows:
        print(f"{label:<40}{figures['VmHWM']:>7} MiB{figures['VmRSS']:>9} MiB")
    print(f"ratio (large store / empty store, peak RSS): {loaded['VmHWM'] / anchor['VmHWM']:.2f}x")


if __name__ == "__main__":
    main()
