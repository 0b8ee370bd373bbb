"""Pulling the centre's changes: the directory, expected keys feeding intake, provider
verdicts closing cancellations; applied once whatever comes again."""

from __future__ import annotations

from typing import Any

import httpx

from data.models import CaseState, KeyState
from data.sync import CURSOR
from kiosk.context import KioskContext
from kiosk.rules.id_hash import keyed_id_hash
from kiosk.rules.masking import mask_id_number
from kiosk.services.cases import get_case
from kiosk.services.enterprises import get_enterprise, list_agents
from kiosk.services.intake import receive_inserted_key
from kiosk.services.keys import find_key_by_serial, get_key
from tests.conftest import NOW
from tests.services.test_cancellation import ID_NUMBER, USCC
from tests.services.test_intake_notice_handover import USCC as CERT_USCC
from tests.services.test_intake_notice_handover import reading
from tests.services.test_shipment import cancellation, ship
from tests.sync.conftest import Centre, Counters
from tests.sync.helpers import sync


def put(centre: Centre, office: str, changes: list[dict[str, Any]]) -> list[int]:
    """Put changes in as the provider; their ids."""
    response = httpx.post(
        f"{centre.url}/v1/admin/changes",
        json={"office": office, "changes": changes},
        headers={"Authorization": f"Bearer {centre.provider_token}"},
        timeout=5,
    )
    assert response.status_code == 200, response.text
    ids: list[int] = response.json()["ids"]
    return ids


def directory_entry(context: KioskContext, uscc: str, name: str) -> dict[str, Any]:
    """An ``enterprise`` change with one agent (``ID_NUMBER``), hashed with the counter's key."""
    return {
        "kind": "enterprise",
        "data": {
            "uscc": uscc,
            "name": name,
            "kind": "domestic",
            "agents": [
                {
                    "name": "李娜",
                    "id_hash": keyed_id_hash(ID_NUMBER, context.id_hash_key),
                    "id_masked": mask_id_number(ID_NUMBER),
                }
            ],
        },
    }


def expected(serial: str, uscc: str) -> dict[str, Any]:
    """A ``key_expected`` change."""
    return {
        "kind": "key_expected",
        "data": {"uscc": uscc, "token_serial": serial, "key_kind": "first"},
    }


def cursor(context: KioskContext) -> int:
    """The saved pull cursor."""
    row = context.store.query_one("SELECT value FROM meta WHERE name = ?", (CURSOR,))
    return int(row[0]) if row else 0


def event_count(context: KioskContext, kind: str) -> int:
    """How many events of a kind the trail holds."""
    row = context.store.query_one("SELECT count(*) FROM events WHERE kind = ?", (kind,))
    assert row is not None
    return int(row[0])


def test_directory_and_expected_keys_feed_intake(
    centre: Centre, counters: Counters, context: KioskContext, operators: object
) -> None:
    ids = put(
        centre,
        "BJ",
        [
            directory_entry(context, CERT_USCC, "北京华贸进出口有限公司"),
            expected("SN-1", CERT_USCC),
        ],
    )
    put(centre, "SH", [expected("SN-SH", CERT_USCC)])  # another office's: never seen here
    report = sync(counters.bj3, centre.url)
    assert report.ok and report.pulled == 2
    assert cursor(context) == ids[-1]
    enterprise = get_enterprise(context.store, CERT_USCC)
    assert enterprise is not None and enterprise.name == "北京华贸进出口有限公司"
    agents = list_agents(context.store, CERT_USCC)
    assert [(a.name, a.id_masked) for a in agents] == [("李娜", mask_id_number(ID_NUMBER))]
    key = find_key_by_serial(context.store, "SN-1")
    assert key is not None and key.state is KeyState.EXPECTED
    assert find_key_by_serial(context.store, "SN-SH") is None

    # The courier brings the key: intake matches it to what the centre announced.
    result = receive_inserted_key(
        context.store,
        reading("SN-1"),
        counter=context.counter,
        operator="clerk",
        now=NOW,
        calendar=context.calendar,
        notice_workdays=2,
    )
    assert result.key is not None and result.key.state is KeyState.RECEIVED

    # The events the pull wrote go up on the next pass, like any others.
    assert sync(counters.bj3, centre.url).backlog == 0


def test_pulling_again_from_a_lost_cursor_applies_nothing_twice(
    centre: Centre, counters: Counters, context: KioskContext
) -> None:
    put(centre, "BJ", [directory_entry(context, USCC, "甲公司"), expected("SN-2", USCC)])
    assert sync(counters.bj3, centre.url).ok
    before = context.store.query("SELECT kind, count(*) FROM events GROUP BY kind ORDER BY kind")
    with context.store.transaction() as conn:
        conn.execute("DELETE FROM meta WHERE name = ?", (CURSOR,))
    again = sync(counters.bj3, centre.url)
    assert again.ok and again.pulled == 2
    after = context.store.query("SELECT kind, count(*) FROM events GROUP BY kind ORDER BY kind")
    assert [tuple(r) for r in after] == [tuple(r) for r in before]
    assert event_count(context, "sync.change_skipped") == 0


def test_a_change_that_breaks_a_rule_is_recorded_and_does_not_stop_the_feed(
    centre: Centre, counters: Counters, context: KioskContext
) -> None:
    # A key for an enterprise the directory has never had, then a good change after it.
    put(
        centre,
        "BJ",
        [expected("SN-X", "91350100M000100Y43"), directory_entry(context, USCC, "乙公司")],
    )
    report = sync(counters.bj3, centre.url)
    assert report.ok and report.pulled == 2
    assert find_key_by_serial(context.store, "SN-X") is None
    assert get_enterprise(context.store, USCC) is not None
    skipped = context.store.query_one(
        "SELECT payload FROM events WHERE kind = 'sync.change_skipped'"
    )
    assert skipped is not None and "enterprise.not_found" in skipped[0]


def test_provider_verdicts_close_cancellations(
    centre: Centre, counters: Counters, context: KioskContext, operators: object
) -> None:
    put(centre, "BJ", [directory_entry(context, USCC, "北京华贸进出口有限公司")])
    assert sync(counters.bj3, centre.url).ok
    cancelled = cancellation(context, "SN-C-1")
    refused = cancellation(context, "SN-C-2")
    ship(context, [cancelled.id, refused.id])
    put(
        centre,
        "BJ",
        [
            {
                "kind": "provider_verdict",
                "data": {"tracking_code": cancelled.tracking_code, "verdict": "cancelled"},
            },
            {
                "kind": "provider_verdict",
                "data": {
                    "tracking_code": refused.tracking_code,
                    "verdict": "refused",
                    "remark": "外壳完好，请企业补交申请表",
                },
            },
        ],
    )
    report = sync(counters.bj3, centre.url)
    assert report.ok and report.pulled == 2
    closed = get_case(context.store, cancelled.id)
    assert closed.state is CaseState.CLOSED
    assert get_key(context.store, closed.key_id or 0).state is KeyState.CANCELLED
    still_open = get_case(context.store, refused.id)
    assert still_open.state is CaseState.OPEN
    assert "外壳完好" in (still_open.outcome or "")
    assert get_key(context.store, still_open.key_id or 0).state is KeyState.CANCEL_REQUESTED

    with context.store.transaction() as conn:  # the same verdicts come again
        conn.execute("DELETE FROM meta WHERE name = ?", (CURSOR,))
    verdicts = event_count(context, "cancellation.verdict")
    assert sync(counters.bj3, centre.url).ok
    assert event_count(context, "cancellation.verdict") == verdicts == 2
    assert event_count(context, "sync.change_skipped") == 0


def test_a_plain_id_number_sent_as_the_masked_form_is_not_stored(
    centre: Centre, counters: Counters, context: KioskContext
) -> None:
    entry = directory_entry(context, USCC, "丙公司")
    # A centre that got it wrong: what it sends is refused by the counter too.
    from data.sync_client import ChangeIn
    from kiosk.services.sync_apply import change_applier

    entry["data"]["agents"][0]["id_masked"] = ID_NUMBER
    change_applier(context.store, lambda: NOW)(
        ChangeIn(id=1, kind="enterprise", data=entry["data"])
    )
    assert get_enterprise(context.store, USCC) is None
    assert event_count(context, "sync.change_skipped") == 1
    assert ID_NUMBER not in str(context.store.query("SELECT * FROM agents"))
