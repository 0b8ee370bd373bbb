"""The demo's central service: a SQLite hub in the demo folder, served on 127.0.0.1 while
the demo runs, with this counter and a provider registered and one directory change
waiting to be pulled."""

from __future__ import annotations

import os
from pathlib import Path

from central.changes import ChangesIn, put_changes
from central.cli import add_counter, add_provider
from central.db import init_db, make_engine
from central.server import CentralServer
from kiosk.config import Settings
from kiosk.rules.id_hash import keyed_id_hash
from kiosk.rules.masking import mask_id_number

CENTRAL_FOLDER = "central"
COUNTER_TOKEN_FILE = "counter.token"
PROVIDER_TOKEN_FILE = "provider.token"

DIRECTORY_UPDATE = {
    "uscc": "91110106MA02D3E4F",
    "name": "北京丰台国际物流有限公司",
    "agent": ("钱进", "11010619870612341"),
}
"""An enterprise the counter does not have yet: it arrives by the demo's first sync.
The USCC and ID are 17-character bodies; their check characters are computed."""


def seed_central(folder: Path, office: str, counter_id: int, id_hash_key: bytes) -> None:
    """Create the demo hub: the counter's and the provider's tokens (files readable by
    the owner only) and a directory change for the counter to pull."""
    from stdnum.cn import ric, uscc

    hub = folder / CENTRAL_FOLDER
    hub.mkdir(parents=True, exist_ok=True)
    database = hub / "central.db"
    _write_secret(hub / COUNTER_TOKEN_FILE, add_counter(database, office, counter_id))
    _write_secret(hub / PROVIDER_TOKEN_FILE, add_provider(database, "demo-provider"))
    body = str(DIRECTORY_UPDATE["uscc"])
    code = body + uscc.calc_check_digit(body)
    name, id_body = DIRECTORY_UPDATE["agent"]
    id_number = id_body + ric.calc_check_digit(id_body + "0")
    change = {
        "kind": "enterprise",
        "data": {
            "uscc": code,
            "name": DIRECTORY_UPDATE["name"],
            "kind": "domestic",
            "agents": [
                {
                    "name": name,
                    "id_hash": keyed_id_hash(id_number, id_hash_key),
                    "id_masked": mask_id_number(id_number),
                }
            ],
        },
    }
    engine = make_engine(database)
    try:
        init_db(engine)
        put_changes(
            engine, ChangesIn.model_validate({"office": office, "changes": [change]}), "demo"
        )
    finally:
        engine.dispose()


def start_demo_central(folder: Path, settings: Settings, id_hash_key: bytes) -> CentralServer:
    """Serve the demo hub on a free 127.0.0.1 port (seeding it first if missing)."""
    hub = folder / CENTRAL_FOLDER
    if not (hub / COUNTER_TOKEN_FILE).exists():
        seed_central(folder, settings.office.code, settings.counter.counter_id, id_hash_key)
    server = CentralServer(hub / "central.db", log_level="critical")
    server.start()
    return server


def with_demo_central(settings: Settings, folder: Path, server: CentralServer) -> Settings:
    """The settings pointed at the running demo hub with this counter's token."""
    token = (folder / CENTRAL_FOLDER / COUNTER_TOKEN_FILE).read_text("utf-8").strip()
    central = settings.central.model_copy(update={"url": server.url, "token": token})
    return settings.model_copy(update={"central": central})


def _write_secret(path: Path, text: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
