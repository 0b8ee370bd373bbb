"""The demo runs its own hub on 127.0.0.1: the counter syncs with it out of the box."""

from __future__ import annotations

import stat
from pathlib import Path

from data.store import open_store
from data.sync import sync_pass
from kiosk.clock import china_now
from kiosk.config import load_settings
from kiosk.demo import seed_demo
from kiosk.demo_central import CENTRAL_FOLDER, start_demo_central, with_demo_central
from kiosk.hash_key import load_hash_key
from kiosk.services.enterprises import list_agents
from kiosk.services.sync_apply import change_applier
from kiosk.sync_setup import client_of, plan_of
from tests.sync.helpers import central_events


def test_the_demo_counter_syncs_with_the_demo_hub(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    settings = load_settings(seed_demo(folder))
    token_file = folder / CENTRAL_FOLDER / "counter.token"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    server = start_demo_central(folder, settings, load_hash_key(settings.database.id_hash_key_file))
    try:
        synced = with_demo_central(settings, folder, server)
        assert synced.central.url.startswith("http://127.0.0.1:")
        store = open_store(settings.database.path)
        try:
            events = store.query("SELECT count(*) FROM events")[0][0]
            with client_of(synced) as client:
                report = sync_pass(
                    store, client, plan_of(synced), change_applier(store, china_now), china_now
                )
            assert report.ok, report.problem
            assert report.pulled == 1
            assert report.backlog == 0
            name = store.query("SELECT name FROM enterprises WHERE name LIKE '%丰台%'")
            assert [row[0] for row in name] == ["北京丰台国际物流有限公司"]
            uscc = store.query("SELECT uscc FROM enterprises WHERE name LIKE '%丰台%'")[0][0]
            assert [agent.name for agent in list_agents(store, uscc)] == ["钱进"]
            total = store.query("SELECT count(*) FROM events")[0][0]
            assert total > events  # what the pull wrote went up too
        finally:
            store.close()
    finally:
        server.stop()
    assert len(central_events(folder / CENTRAL_FOLDER / "central.db")) == total
