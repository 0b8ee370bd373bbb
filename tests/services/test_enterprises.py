"""The enterprise directory: checked codes, agents stored without their ID numbers, key limits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from stdnum.cn import ric

from data.models import EnterpriseKind, KeyState
from data.store import Store
from kiosk.context import KioskContext
from kiosk.errors import KioskError, ValidationError
from kiosk.rules.id_hash import keyed_id_hash
from kiosk.rules.key_limits import MAX_LIVE_KEYS, KeyKind
from kiosk.services.enterprises import (
    add_agent,
    expect_key,
    get_enterprise,
    list_agents,
    save_enterprise,
)
from kiosk.services.keys import count_live_keys, get_key
from tests.conftest import NOW

USCC = "91110000600037341L"
OTHER_USCC = "91350100M000100Y43"
BIRTH_DATE = "19800101"
ID_BODY = f"110102{BIRTH_DATE}456"
ID_NUMBER = ID_BODY + ric.calc_check_digit(ID_BODY + "0")


def _events(store: Store, kind: str) -> list[dict[str, object]]:
    rows = store.query("SELECT payload FROM events WHERE kind = ? ORDER BY seq", (kind,))
    return [json.loads(row[0]) for row in rows]


def _count(store: Store, table: str) -> int:
    row = store.query_one(f"SELECT count(*) FROM {table}")
    assert row is not None
    return int(row[0])


@pytest.fixture
def store(context: KioskContext) -> Store:
    return context.store


@pytest.fixture
def enterprise(store: Store) -> str:
    save_enterprise(
        store,
        uscc=USCC,
        name="北京华贸进出口有限公司",
        kind=EnterpriseKind.DOMESTIC,
        operator="clerk",
        now=NOW,
    )
    return USCC


# --- save_enterprise ---


def test_a_bad_uscc_is_refused_with_the_expected_check_character(store: Store) -> None:
    with pytest.raises(ValidationError) as caught:
        save_enterprise(
            store,
            uscc=USCC[:-1] + "A",
            name="某公司",
            kind=EnterpriseKind.DOMESTIC,
            operator="clerk",
            now=NOW,
        )
    assert caught.value.key == "uscc.bad_check"
    assert caught.value.params == {"expected": "L"}
    assert "the 18th should be L" in caught.value.message("en")
    assert _count(store, "enterprises") == 0
    assert _count(store, "events") == 0


def test_a_missing_name_is_refused(store: Store) -> None:
    with pytest.raises(ValidationError) as caught:
        save_enterprise(
            store, uscc=USCC, name="  ", kind=EnterpriseKind.DOMESTIC, operator="clerk", now=NOW
        )
    assert caught.value.key == "enterprise.name_required"
    assert _count(store, "enterprises") == 0


def test_a_good_enterprise_is_saved_with_its_event(store: Store) -> None:
    saved = save_enterprise(
        store,
        uscc=" 9111 0000 6000 3734 1l ",
        name=" 北京华贸进出口有限公司 ",
        kind=EnterpriseKind.FOREIGN_INVESTED,
        operator="clerk",
        now=NOW,
        contact_name="李华",
        contact_phone="13812345678",
    )

    assert saved.uscc == USCC
    assert saved.name == "北京华贸进出口有限公司"
    assert saved.kind is EnterpriseKind.FOREIGN_INVESTED
    assert saved.contact_name == "李华"
    assert saved.updated_at == NOW
    assert get_enterprise(store, USCC) == saved
    assert _events(store, "enterprise.saved") == [
        {"uscc": USCC, "name": "北京华贸进出口有限公司", "kind": "foreign_invested"}
    ]
    row = store.query_one("SELECT operator, at FROM events WHERE kind = 'enterprise.saved'")
    assert row is not None
    assert (row["operator"], row["at"]) == ("clerk", NOW.isoformat(timespec="seconds"))


def test_saving_again_updates_the_enterprise_and_logs_again(store: Store, enterprise: str) -> None:
    updated = save_enterprise(
        store,
        uscc=enterprise,
        name="北京华贸国际贸易有限公司",
        kind=EnterpriseKind.DOMESTIC,
        operator="super",
        now=NOW,
        address="北京市朝阳区",
    )
    assert updated.name == "北京华贸国际贸易有限公司"
    assert updated.address == "北京市朝阳区"
    assert _count(store, "enterprises") == 1
    assert len(_events(store, "enterprise.saved")) == 2


# --- add_agent: only the keyed hash and the masked form are stored ---


def test_add_agent_keeps_only_the_keyed_hash_and_masked_number(
    context: KioskContext, enterprise: str
) -> None:
    agent = add_agent(
        context.store,
        uscc=enterprise,
        name="李华",
        id_number=ID_NUMBER,
        id_hash_key=context.id_hash_key,
        operator="clerk",
        now=NOW,
        phone="13812345678",
    )

    assert agent.id_hash == keyed_id_hash(ID_NUMBER, context.id_hash_key)
    assert agent.id_masked == ID_NUMBER[:3] + "*" * 11 + ID_NUMBER[-4:]
    assert BIRTH_DATE not in agent.id_masked
    assert list_agents(context.store, enterprise) == [agent]
    assert _events(context.store, "agent.authorised") == [
        {"uscc": enterprise, "name": "李华", "id_masked": agent.id_masked}
    ]


def test_the_plain_id_number_is_nowhere_in_the_database(
    context: KioskContext, enterprise: str
) -> None:
    store = context.store
    agent = add_agent(
        store,
        uscc=enterprise,
        name="李华",
        id_number=ID_NUMBER,
        id_hash_key=context.id_hash_key,
        operator="clerk",
        now=NOW,
    )
    db_path: Path = context.settings.database.path
    wal_path = db_path.with_name(db_path.name + "-wal")

    # While the store is open, the new rows sit in the write-ahead log.
    written = db_path.read_bytes() + wal_path.read_bytes()
    assert agent.id_hash.encode("ascii") in written  # the bytes searched do hold the agent
    plain = ID_NUMBER.encode("ascii")
    for path in (db_path, wal_path):
        assert plain not in path.read_bytes(), path

    agent_rows = store.query(
        "SELECT * FROM agents WHERE name || id_hash || id_masked || phone || enterprise_uscc"
        " LIKE ?",
        (f"%{BIRTH_DATE}%",),
    )
    assert agent_rows == []
    leaking_events = store.query(
        "SELECT seq FROM events WHERE payload LIKE ? OR payload LIKE ?",
        (f"%{BIRTH_DATE}%", f"%{ID_NUMBER}%"),
    )
    assert leaking_events == []

    context.close()  # checkpoints the log into the main file
    assert plain not in db_path.read_bytes()


def test_adding_the_same_agent_again_updates_the_one_record(
    context: KioskContext, enterprise: str
) -> None:
    first = add_agent(
        context.store,
        uscc=enterprise,
        name="李华",
        id_number=ID_NUMBER,
        id_hash_key=context.id_hash_key,
        operator="clerk",
        now=NOW,
    )
    again = add_agent(
        context.store,
        uscc=enterprise,
        name="李 华",
        id_number=ID_NUMBER.lower(),
        id_hash_key=context.id_hash_key,
        operator="clerk",
        now=NOW,
        phone="13900000000",
    )
    assert again.id == first.id
    assert again.phone == "13900000000"
    assert _count(context.store, "agents") == 1


def test_a_mistyped_id_number_is_refused_and_nothing_is_stored(
    context: KioskContext, enterprise: str
) -> None:
    wrong_check = ID_NUMBER[:-1] + ("1" if ID_NUMBER[-1] != "1" else "2")
    with pytest.raises(ValidationError) as caught:
        add_agent(
            context.store,
            uscc=enterprise,
            name="李华",
            id_number=wrong_check,
            id_hash_key=context.id_hash_key,
            operator="clerk",
            now=NOW,
        )
    assert caught.value.key == "rid.bad_check"
    assert _count(context.store, "agents") == 0
    assert _events(context.store, "agent.authorised") == []


def test_an_agent_for_an_unknown_enterprise_is_refused(context: KioskContext) -> None:
    with pytest.raises(ValidationError) as caught:
        add_agent(
            context.store,
            uscc=OTHER_USCC,
            name="李华",
            id_number=ID_NUMBER,
            id_hash_key=context.id_hash_key,
            operator="clerk",
            now=NOW,
        )
    assert caught.value.key == "enterprise.not_found"
    assert caught.value.params == {"uscc": OTHER_USCC}
    assert _count(context.store, "agents") == 0


# --- expect_key: at most three live keys ---


def _expect(store: Store, serial: str, kind: KeyKind, replaces_key_id: int | None = None) -> int:
    key = expect_key(
        store,
        uscc=USCC,
        token_serial=serial,
        kind=kind,
        operator="clerk",
        now=NOW,
        replaces_key_id=replaces_key_id,
    )
    return key.id


@pytest.fixture
def three_keys(store: Store, enterprise: str) -> list[int]:
    keys = [_expect(store, "SN-1", KeyKind.FIRST)]
    keys += [_expect(store, f"SN-{n}", KeyKind.ADDITIONAL) for n in (2, 3)]
    assert count_live_keys(store, enterprise) == MAX_LIVE_KEYS == 3
    return keys


def test_an_expected_key_is_recorded_with_its_event(store: Store, enterprise: str) -> None:
    key_id = _expect(store, " SN-1 ", KeyKind.FIRST)
    key = get_key(store, key_id)
    assert (key.token_serial, key.state, key.kind) == ("SN-1", KeyState.EXPECTED, "first")
    row = store.query_one("SELECT key_id, payload FROM events WHERE kind = 'key.expected'")
    assert row is not None
    assert row["key_id"] == key_id
    assert json.loads(row["payload"])["uscc"] == enterprise


def test_a_fourth_live_key_is_refused(store: Store, three_keys: list[int]) -> None:
    events_before = _count(store, "events")

    with pytest.raises(ValidationError) as caught:
        _expect(store, "SN-4", KeyKind.ADDITIONAL)

    assert caught.value.key == "keys.limit_reached"
    assert caught.value.params == {"live": 3, "limit": 3}
    assert "already holds 3 live electronic keys" in caught.value.message("en")
    assert _count(store, "keys") == 3
    assert _count(store, "events") == events_before


def test_a_replacement_for_a_live_key_is_allowed_at_the_limit(
    store: Store, three_keys: list[int]
) -> None:
    new_id = _expect(store, "SN-4", KeyKind.REPLACEMENT, replaces_key_id=three_keys[0])

    replacement = get_key(store, new_id)
    assert replacement.replaces_key_id == three_keys[0]
    assert replacement.state is KeyState.EXPECTED
    assert count_live_keys(store, USCC) == 3


def test_a_replacement_needs_the_key_it_replaces(store: Store, three_keys: list[int]) -> None:
    with pytest.raises(ValidationError) as caught:
        _expect(store, "SN-4", KeyKind.REPLACEMENT)
    assert caught.value.key == "keys.replacement_needs_old"


def test_a_replacement_of_another_enterprises_key_is_refused(
    store: Store, three_keys: list[int]
) -> None:
    save_enterprise(
        store,
        uscc=OTHER_USCC,
        name="福建某公司",
        kind=EnterpriseKind.DOMESTIC,
        operator="clerk",
        now=NOW,
    )
    with pytest.raises(ValidationError) as caught:
        expect_key(
            store,
            uscc=OTHER_USCC,
            token_serial="SN-9",
            kind=KeyKind.REPLACEMENT,
            operator="clerk",
            now=NOW,
            replaces_key_id=three_keys[0],
        )
    assert caught.value.key == "keys.replacement_needs_old"


def test_a_first_key_is_refused_when_one_is_held(store: Store, enterprise: str) -> None:
    _expect(store, "SN-1", KeyKind.FIRST)
    with pytest.raises(ValidationError) as caught:
        _expect(store, "SN-2", KeyKind.FIRST)
    assert caught.value.key == "keys.first_but_has_keys"


# --- known gaps: database constraint failures that reach the caller undescribed ---


def test_a_key_for_an_unknown_enterprise_is_a_clear_error(store: Store) -> None:
    with pytest.raises(KioskError):
        _expect(store, "SN-1", KeyKind.FIRST)


def test_a_token_serial_already_recorded_is_a_clear_error(store: Store, enterprise: str) -> None:
    _expect(store, "SN-1", KeyKind.FIRST)
    save_enterprise(
        store,
        uscc=OTHER_USCC,
        name="福建某公司",
        kind=EnterpriseKind.DOMESTIC,
        operator="clerk",
        now=NOW,
    )
    with pytest.raises(KioskError):
        expect_key(
            store,
            uscc=OTHER_USCC,
            token_serial="SN-1",
            kind=KeyKind.FIRST,
            operator="clerk",
            now=NOW,
        )
