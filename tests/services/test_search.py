"""Finding a key by tracking code, USCC, partial Chinese name or token serial."""

from __future__ import annotations

from data.models import CaseKind
from kiosk.services.cases import open_case
from kiosk.services.search import find_keys
from tests.conftest import NOW
from tests.ui.test_handover_screen import setup_records


def test_a_key_is_found_every_way(context, operators) -> None:
    setup_records(context)
    key_id = context.store.query_one("SELECT id FROM keys")[0]
    case = open_case(
        context.store,
        kind=CaseKind.HANDOVER,
        counter=context.counter,
        operator="clerk",
        now=NOW,
        calendar=context.calendar,
        key_id=key_id,
    )
    for text in (
        "SN-01",
        "sn-01",
        "91110108MA01A2B3CF",
        "９１１１０１０８ma01a2b3cf",
        "华贸",
        case.tracking_code.lower(),
    ):
        assert [m.key.id for m in find_keys(context.store, text)] == [key_id], text
    assert find_keys(context.store, "") == []
    assert find_keys(context.store, "100%_") == []


def test_key_lookups_use_an_index(context) -> None:
    from kiosk.services.search import KEYS_BY_SERIAL, KEYS_BY_USCC

    for sql in (KEYS_BY_USCC, KEYS_BY_SERIAL):
        plan = " ".join(
            str(tuple(r)) for r in context.store.query(f"EXPLAIN QUERY PLAN {sql}", ("x",))
        )
        assert "USING" in plan and "SCAN keys" not in plan, plan
