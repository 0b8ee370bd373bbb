"""The change feed: the provider puts changes in, each office's counters pull their own."""

from __future__ import annotations

from typing import Any

import httpx

from tests.central.conftest import Tokens, auth

USCC = "91110108MA01A2B3CF"
OTHER = "91110105MA00K7L8DN"
HASH = "ab" * 32


def key_expected(serial: str, uscc: str = USCC) -> dict[str, Any]:
    """A ``key_expected`` change."""
    return {
        "kind": "key_expected",
        "data": {"uscc": uscc, "token_serial": serial, "key_kind": "first"},
    }


def enterprise(uscc: str = USCC) -> dict[str, Any]:
    """An ``enterprise`` directory change with one agent."""
    return {
        "kind": "enterprise",
        "data": {
            "uscc": uscc,
            "name": "北京示例贸易有限公司",
            "kind": "domestic",
            "agents": [{"name": "张三", "id_hash": HASH, "id_masked": "110***********1234"}],
        },
    }


async def put(
    client: httpx.AsyncClient, token: str, office: str, changes: list[dict[str, Any]]
) -> httpx.Response:
    """POST /v1/admin/changes."""
    body = {"office": office, "changes": changes}
    return await client.post("/v1/admin/changes", json=body, headers=auth(token))


async def test_counters_pull_their_office_changes_in_order_by_cursor(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    verdict = {
        "kind": "provider_verdict",
        "data": {"tracking_code": "BJ-20261125-0001-7", "verdict": "cancelled"},
    }
    answer = await put(client, tokens.provider, "BJ", [enterprise(), key_expected("K1"), verdict])
    assert answer.status_code == 200
    ids = answer.json()["ids"]
    assert ids == sorted(ids) and len(ids) == 3
    assert (
        await put(client, tokens.provider, "SH", [key_expected("K9", OTHER)])
    ).status_code == 200

    first = await client.get(
        "/v1/changes", params={"since": 0, "limit": 2}, headers=auth(tokens.bj1)
    )
    assert first.status_code == 200
    page = first.json()
    assert [c["kind"] for c in page["changes"]] == ["enterprise", "key_expected"]
    assert page["changes"][0]["data"]["agents"][0] == {
        "name": "张三",
        "id_hash": HASH,
        "id_masked": "110***********1234",
        "active": True,
    }
    assert page["more"] is True and page["next"] == ids[1]
    second = await client.get(
        "/v1/changes", params={"since": page["next"]}, headers=auth(tokens.bj2)
    )
    assert [c["kind"] for c in second.json()["changes"]] == ["provider_verdict"]
    assert second.json()["more"] is False
    empty = await client.get(
        "/v1/changes", params={"since": second.json()["next"]}, headers=auth(tokens.bj1)
    )
    assert empty.json() == {"changes": [], "next": ids[2], "more": False}

    shanghai = await client.get("/v1/changes", headers=auth(tokens.sh1))
    assert [c["data"]["token_serial"] for c in shanghai.json()["changes"]] == ["K9"]


async def test_changes_scoping_and_auth(client: httpx.AsyncClient, tokens: Tokens) -> None:
    assert (await client.get("/v1/changes")).status_code == 401
    other = await client.get("/v1/changes", params={"office": "SH"}, headers=auth(tokens.bj1))
    assert other.status_code == 403
    assert other.json()["error"] == "forbidden"
    own = await client.get("/v1/changes", params={"office": "BJ"}, headers=auth(tokens.bj1))
    assert own.status_code == 200
    # A counter's token cannot put changes in; a provider's cannot pull a counter's feed.
    assert (await put(client, tokens.bj1, "BJ", [key_expected("K1")])).status_code == 401
    assert (await client.get("/v1/changes", headers=auth(tokens.provider))).status_code == 401
    for bad in ({"since": -1}, {"since": "x"}, {"limit": 0}, {"limit": 100_000}):
        response = await client.get("/v1/changes", params=bad, headers=auth(tokens.bj1))
        assert response.status_code == 422, bad
        assert response.json()["error"] == "malformed"


async def test_malformed_changes_are_422_and_nothing_is_put_in(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    bad_changes: list[list[dict[str, Any]]] = [
        [key_expected("K1"), key_expected("K2", uscc="91110108MA01A2B3C0")],  # bad check
        [key_expected("K1"), {"kind": "key_expected", "data": {"uscc": USCC}}],
        [{"kind": "unknown", "data": {}}],
        [{**enterprise(), "data": {**enterprise()["data"], "agents": [{"name": "x"}]}}],
        [
            {
                **enterprise(),
                "data": {
                    **enterprise()["data"],
                    # a plain ID number where the masked form belongs
                    "agents": [{"name": "x", "id_hash": HASH, "id_masked": "11010519491231002X"}],
                },
            }
        ],
        [],
    ]
    for changes in bad_changes:
        response = await put(client, tokens.provider, "BJ", changes)
        assert response.status_code == 422, changes
    pulled = await client.get("/v1/changes", headers=auth(tokens.bj1))
    assert pulled.json()["changes"] == []
