"""Bad input at the centre: random JSON and mutated valid bodies to ``POST /v1/events`` and
``POST /v1/admin/changes``, garbage queries to ``GET /v1/changes``, garbage credentials.

The answer is always a 4xx JSON object with an ``error`` (never a 500), and nothing of a
refused request is stored: the rows of the central SQLite file are counted before and after.
The app runs in-process (``httpx.ASGITransport``); app exceptions are raised, not hidden.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from hypothesis import given
from hypothesis import strategies as st

from central.app import create_app
from central.cli import add_counter, add_provider
from central.ingest import MAX_PAYLOAD_DEPTH
from tests.central.chain import batch, make_events, rehash
from tests.faults.bad_input_helpers import bounded, json_values

JSON = "application/json"
VALID_USCC = "91110108MA01A2B3CF"


@dataclass
class Central:
    """The central app on a fresh SQLite file, with counter BJ 1 and a provider."""

    db_path: Path
    counter: str
    provider: str
    runner: asyncio.Runner
    client: httpx.AsyncClient

    def send(
        self,
        method: str,
        url: str,
        *,
        token: str | None = None,
        body: Any = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """One request; ``body`` is encoded with :func:`encode` as application/json."""
        sent = dict(headers or {})
        if token is not None:
            sent.setdefault("Authorization", f"Bearer {token}")
        if body is not None:
            content = encode(body).encode("utf-8")
            sent.setdefault("Content-Type", JSON)
        return self.runner.run(self.client.request(method, url, content=content, headers=sent))

    def rows(self) -> tuple[Any, ...]:
        """Everything a request could store: events, changes and the counters' chain heads."""
        with closing(sqlite3.connect(self.db_path)) as conn:
            return (
                conn.execute("SELECT count(*) FROM events").fetchone()[0],
                conn.execute("SELECT count(*) FROM changes").fetchone()[0],
                tuple(conn.execute("SELECT office, counter_id, head_seq, head_hash FROM counters")),
            )


@contextmanager
def central() -> Iterator[Central]:
    """A centre for one test (all its hypothesis examples)."""
    with tempfile.TemporaryDirectory(prefix="bad-central-") as folder:
        db_path = Path(folder) / "central.db"
        counter = add_counter(db_path, "BJ", 1)
        add_counter(db_path, "BJ", 2)
        provider = add_provider(db_path, "provider")
        app = create_app(db_path)
        with asyncio.Runner() as runner:
            client = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://central"
            )
            try:
                yield Central(db_path, counter, provider, runner, client)
            finally:
                runner.run(client.aclose())
                app.state.engine.dispose()


def assert_refused(
    response: httpx.Response, before: tuple[Any, ...], after: tuple[Any, ...]
) -> None:
    """A 4xx JSON object naming the error, and nothing stored."""
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    body = response.json()
    assert isinstance(body, dict), body
    assert isinstance(body.get("error"), str) and body["error"], body
    assert after == before, "a refused request stored something"


# --- JSON text that Python's json module cannot write: deep nesting, raw fragments --------


class Raw:
    """A JSON fragment sent verbatim (deep nesting, NaN, a 5000-digit number)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Raw) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        shown = self.text if len(self.text) <= 40 else f"{self.text[:20]}...{self.text[-20:]}"
        return f"Raw({shown!r}, {len(self.text)} characters)"


def encode(value: Any) -> str:
    """JSON text for ``value``, with :class:`Raw` fragments as they are; lone surrogates are
    written as ``\\udXXX`` escapes (valid JSON text, invalid Unicode)."""
    if isinstance(value, Raw):
        return value.text
    if not has_raw(value):
        return json.dumps(value)
    if isinstance(value, dict):
        items = (json.dumps(str(key)) + ":" + encode(item) for key, item in value.items())
        return "{" + ",".join(items) + "}"
    if isinstance(value, list):
        return "[" + ",".join(encode(item) for item in value) + "]"
    return json.dumps(value)


def has_raw(value: Any) -> bool:
    """True when a :class:`Raw` fragment is somewhere inside ``value``."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Raw):
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def deep(depth: int, opener: str = "[") -> Raw:
    """``depth`` nested arrays (or objects) around a number."""
    if opener == "[":
        return Raw("[" * depth + "1" + "]" * depth)
    return Raw('{"a":' * depth + "1" + "}" * depth)


def nested(depth: int) -> Any:
    """``depth`` nested lists as Python values (for hashing a chained event)."""
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


hostile_values = st.one_of(
    json_values,
    st.sampled_from(
        [
            "",
            "x" * 65,
            "x" * 100_000,
            "京" * 70_000,
            "\ud800",
            "a\udfffb",
            "\x00",
            2**63,
            -(2**63) - 1,
            10**40,
            -1,
            0,
            1.5,
            True,
            None,
            [],
            {},
        ]
    ),
    st.sampled_from(
        [
            Raw("NaN"),
            Raw("Infinity"),
            Raw("-Infinity"),
            Raw("1e999"),
            Raw("9" * 5000),
            Raw('"\\ud800"'),
            Raw('{"\\udc00":1}'),
            deep(MAX_PAYLOAD_DEPTH + 1),
            deep(300),
            deep(900, "{"),
            deep(5000),
            deep(100_000),
        ]
    ),
)


def json_type(value: Any) -> str:
    """The JSON type of a value (bool apart from numbers; int apart from float)."""
    if isinstance(value, Raw):
        return "raw"
    for kind, types in (
        ("null", type(None)),
        ("bool", bool),
        ("int", int),
        ("float", float),
        ("str", str),
        ("list", list),
        ("dict", dict),
    ):
        if isinstance(value, types):
            return kind
    raise TypeError(type(value))


Path_ = tuple[Any, ...]


def locations(value: Any, prefix: Path_ = ()) -> Iterator[Path_]:
    """Every place inside a JSON value: dictionary entries and list items."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*prefix, key)
            yield from locations(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*prefix, index)
            yield from locations(item, (*prefix, index))


def get(value: Any, path: Path_) -> Any:
    for part in path:
        value = value[part]
    return value


def container(value: Any, path: Path_) -> Any:
    return get(value, path[:-1])


def differs(old: Any, new: Any) -> bool:
    """True when ``new`` is another JSON value than ``old`` (1 and 1.0 count as the same)."""
    if isinstance(new, Raw) or json_type(old) != json_type(new):
        return True
    return bool(old != new)


@st.composite
def mutated(draw: st.DrawFn, base: Any) -> Any:
    """``base`` with one value replaced, one field removed or one entry added, somewhere.

    (Removing a list item is left out: a batch without its last events is still valid.)
    """
    body = json.loads(json.dumps(base))
    places = list(locations(body))
    path = draw(st.sampled_from(places))
    holder = container(body, path)
    actions = ["replace", "add"] + (["remove"] if isinstance(holder, dict) else [])
    action = draw(st.sampled_from(actions))
    if action == "replace":
        old = get(body, path)
        holder[path[-1]] = draw(hostile_values.filter(lambda new: differs(old, new)))
    elif action == "remove":
        del holder[path[-1]]
    elif isinstance(holder, dict):
        name = draw(st.text(max_size=12).filter(lambda name: name not in holder))
        holder[name] = draw(hostile_values)
    else:
        holder.insert(draw(st.integers(0, len(holder))), draw(hostile_values))
    return body


def valid_batch(count: int) -> dict[str, Any]:
    """A batch that continues BJ 1's empty chain."""
    return batch("BJ", 1, make_events(count))


# --- POST /v1/events ----------------------------------------------------------------------


def test_events_random_json_is_refused_and_stores_nothing() -> None:
    with central() as centre:

        @bounded(200)
        @given(body=hostile_values)
        def check(body: Any) -> None:
            before = centre.rows()
            response = centre.send("POST", "/v1/events", token=centre.counter, body=body)
            assert_refused(response, before, centre.rows())

        check()


def test_events_mutated_valid_batch_is_refused_and_stores_nothing() -> None:
    """Any change to a chained batch (a value, a missing or an extra field, anywhere, the
    payload included) is refused: the hashes cover every field."""
    with central() as centre:

        @bounded(300)
        @given(data=st.data(), count=st.integers(1, 3))
        def check(data: st.DataObject, count: int) -> None:
            body = data.draw(mutated(valid_batch(count)))
            before = centre.rows()
            response = centre.send("POST", "/v1/events", token=centre.counter, body=body)
            assert_refused(response, before, centre.rows())

        check()
        control = centre.send("POST", "/v1/events", token=centre.counter, body=valid_batch(2))
        assert control.status_code == 200, control.text


def test_events_deep_or_unencodable_payload_in_a_chained_event_is_refused() -> None:
    """The chain is right (rehashed) but the payload cannot be stored or hashed."""
    with central() as centre:

        @bounded(60)
        @given(
            depth=st.integers(MAX_PAYLOAD_DEPTH + 1, 600),
            surrogate=st.sampled_from(["", "\ud800", "\udfff"]),
        )
        def check(depth: int, surrogate: str) -> None:
            events = make_events(1)
            events[0]["payload"] = {"deep": nested(depth)}
            events[0]["hash"] = rehash(events[0])
            if surrogate:  # no hash can be computed over it: the old one stays
                events[0]["payload"] = {"note": f"a{surrogate}b"}
            before = centre.rows()
            body = batch("BJ", 1, events)
            response = centre.send("POST", "/v1/events", token=centre.counter, body=body)
            assert_refused(response, before, centre.rows())

        check()
        events = make_events(1)
        events[0]["payload"] = {"deep": nested(MAX_PAYLOAD_DEPTH - 1)}
        events[0]["hash"] = rehash(events[0])
        control = centre.send(
            "POST", "/v1/events", token=centre.counter, body=batch("BJ", 1, events)
        )
        assert control.status_code == 200, control.text


bad_bytes = st.sampled_from([b"\xff", b"\xc3(", b"\xed\xa0\x80", b"\x00", b"\xfe\xff", b"\x80"])


def test_events_invalid_utf8_is_refused_and_stores_nothing() -> None:
    with central() as centre:

        @bounded(150)
        @given(data=st.data(), junk=bad_bytes)
        def check(data: st.DataObject, junk: bytes) -> None:
            raw = json.dumps(valid_batch(1), ensure_ascii=False).encode("utf-8")
            at = data.draw(st.integers(0, len(raw)))
            before = centre.rows()
            response = centre.send(
                "POST",
                "/v1/events",
                token=centre.counter,
                content=raw[:at] + junk + raw[at:],
                headers={"Content-Type": JSON},
            )
            assert_refused(response, before, centre.rows())

        check()


not_json_types = st.sampled_from(
    [
        "text/plain",
        "text/json",
        "application/xml",
        "application/jsonx",
        "application/octet-stream",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=xyz",
        "image/png",
        "garbage",
        ";;;",
    ]
)


def test_events_valid_batch_with_a_wrong_content_type_is_refused() -> None:
    with central() as centre:

        @bounded(60)
        @given(content_type=not_json_types)
        def check(content_type: str) -> None:
            before = centre.rows()
            response = centre.send(
                "POST",
                "/v1/events",
                token=centre.counter,
                content=json.dumps(valid_batch(1)).encode(),
                headers={"Content-Type": content_type},
            )
            assert_refused(response, before, centre.rows())

        check()


def test_events_too_many_or_no_events_are_refused() -> None:
    with central() as centre:
        for events in ([], make_events(1001)):
            before = centre.rows()
            body = batch("BJ", 1, events)
            response = centre.send("POST", "/v1/events", token=centre.counter, body=body)
            assert_refused(response, before, centre.rows())


# --- POST /v1/admin/changes ---------------------------------------------------------------


def valid_changes() -> dict[str, Any]:
    """One change of each kind for Beijing."""
    return {
        "office": "BJ",
        "changes": [
            {
                "kind": "key_expected",
                "data": {
                    "uscc": VALID_USCC,
                    "token_serial": "SN-0001",
                    "key_kind": "first",
                    "login_name": "hm",
                },
            },
            {
                "kind": "provider_verdict",
                "data": {
                    "tracking_code": "BJ01-261125-0001-X",
                    "verdict": "cancelled",
                    "remark": "",
                },
            },
            {
                "kind": "enterprise",
                "data": {
                    "uscc": VALID_USCC,
                    "name": "北京华贸进出口有限公司",
                    "kind": "domestic",
                    "agents": [
                        {
                            "name": "李华",
                            "id_hash": "ab" * 32,
                            "id_masked": "110***********1238",
                            "active": True,
                        }
                    ],
                },
            },
        ],
    }


OPTIONAL = {"login_name", "remark", "agents", "active"}
"""Fields of the valid body above that may be left out."""


@st.composite
def broken_changes(draw: st.DrawFn) -> Any:
    """The valid change body broken in one way that must always be refused."""
    body = valid_changes()
    places = list(locations(body))
    way = draw(st.sampled_from(["type", "remove", "add", "long", "surrogate", "value"]))
    if way == "remove":
        path = draw(
            st.sampled_from([p for p in places if isinstance(p[-1], str) and p[-1] not in OPTIONAL])
        )
        del container(body, path)[path[-1]]
        return body
    if way == "add":
        dicts = [()] + [p for p in places if isinstance(get(body, p), dict)]
        holder = get(body, draw(st.sampled_from(dicts)))
        name = draw(st.text(max_size=12).filter(lambda name: name not in holder))
        holder[name] = draw(hostile_values)
        return body
    if way == "value":  # values of the right type that break a rule
        path, value = draw(
            st.sampled_from(
                [
                    (("office",), ""),
                    (("office",), "B J"),
                    (("office",), "京"),
                    (("changes",), []),
                    (("changes",), valid_changes()["changes"] * 334),
                    (("changes", 0, "kind"), "key_unexpected"),
                    (("changes", 0, "kind"), "enterprise"),
                    (("changes", 0, "data", "uscc"), VALID_USCC[:-1] + "0"),
                    (("changes", 0, "data", "token_serial"), ""),
                    (("changes", 0, "data", "key_kind"), "First"),
                    (("changes", 1, "data", "verdict"), "accepted"),
                    (("changes", 2, "data", "agents", 0, "id_hash"), "AB" * 32),
                    (("changes", 2, "data", "agents", 0, "id_masked"), "110105198001011238"),
                    (("changes", 2, "data", "agents", 0, "id_masked"), "110***********12389"),
                    (("changes", 2, "data", "agents", 0, "active"), 1),
                    (("changes", 2, "data", "agents"), [{}] * 101),
                ]
            )
        )
        container(body, path)[path[-1]] = value
        return body
    strings = [p for p in places if isinstance(get(body, p), str)]
    path = draw(st.sampled_from(strings if way in ("long", "surrogate") else places))
    old = get(body, path)
    if way == "long":
        new: Any = old + "x" * draw(st.sampled_from([201, 5000, 1_000_000]))
    elif way == "surrogate":
        new = old + draw(st.sampled_from(["\ud800", "\udc00"]))
    else:  # another JSON type
        new = draw(hostile_values.filter(lambda v: json_type(v) not in {json_type(old), "raw"}))
    container(body, path)[path[-1]] = new
    return body


def change_rows(centre: Central) -> int:
    return int(centre.rows()[1])


def test_admin_changes_random_json_is_refused_and_stores_nothing() -> None:
    with central() as centre:

        @bounded(200)
        @given(body=hostile_values)
        def check(body: Any) -> None:
            before = centre.rows()
            response = centre.send("POST", "/v1/admin/changes", token=centre.provider, body=body)
            assert_refused(response, before, centre.rows())

        check()


def test_admin_changes_broken_valid_body_is_refused_and_stores_nothing() -> None:
    with central() as centre:

        @bounded(300)
        @given(body=broken_changes())
        def check(body: Any) -> None:
            before = centre.rows()
            response = centre.send("POST", "/v1/admin/changes", token=centre.provider, body=body)
            assert_refused(response, before, centre.rows())

        check()
        control = centre.send(
            "POST", "/v1/admin/changes", token=centre.provider, body=valid_changes()
        )
        assert control.status_code == 200, control.text
        assert change_rows(centre) == 3


def test_admin_changes_invalid_utf8_or_wrong_content_type_is_refused() -> None:
    with central() as centre:

        @bounded(150)
        @given(
            data=st.data(), junk=bad_bytes, content_type=st.one_of(st.just(JSON), not_json_types)
        )
        def check(data: st.DataObject, junk: bytes, content_type: str) -> None:
            raw = json.dumps(valid_changes(), ensure_ascii=False).encode("utf-8")
            if content_type == JSON:
                at = data.draw(st.integers(0, len(raw)))
                raw = raw[:at] + junk + raw[at:]
            before = centre.rows()
            response = centre.send(
                "POST",
                "/v1/admin/changes",
                token=centre.provider,
                content=raw,
                headers={"Content-Type": content_type},
            )
            assert_refused(response, before, centre.rows())

        check()


# --- GET /v1/changes ----------------------------------------------------------------------

query_values = st.one_of(
    st.integers(),
    st.integers(min_value=2**62, max_value=2**70),
    st.text(max_size=12),
    st.sampled_from(["", " 1", "1.0", "+1", "0x10", "１", "٣", "1e3", "-0", "9" * 5000, "NaN"]),
)


def test_changes_query_garbage_is_a_page_or_a_clear_refusal() -> None:
    with central() as centre:
        centre.send("POST", "/v1/admin/changes", token=centre.provider, body=valid_changes())

        @bounded(200)
        @given(
            since=st.one_of(st.none(), query_values),
            limit=st.one_of(st.none(), query_values),
            office=st.one_of(st.none(), st.just("BJ"), st.text(max_size=5)),
            extra=st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
        )
        def check(since: Any, limit: Any, office: Any, extra: dict[str, str]) -> None:
            params = {
                name: str(value)
                for name, value in (("since", since), ("limit", limit), ("office", office))
                if value is not None
            }
            params.update({k: v for k, v in extra.items() if k not in params})
            before = centre.rows()
            response = centre.runner.run(
                centre.client.get(
                    "/v1/changes",
                    params=params,
                    headers={"Authorization": f"Bearer {centre.counter}"},
                )
            )
            sensible = (
                (since is None or (isinstance(since, int) and 0 <= since < 2**63))
                and (limit is None or (isinstance(limit, int) and 1 <= limit <= 1000))
                and office in (None, "BJ")
            )
            if sensible:
                assert response.status_code == 200, response.text[:300]
            if response.status_code == 200:
                page = response.json()
                assert set(page) == {"changes", "next", "more"}
                assert all(change["id"] <= page["next"] for change in page["changes"])
            else:
                assert_refused(response, before, centre.rows())

        check()


def test_changes_raw_query_bytes_are_a_page_or_a_clear_refusal() -> None:
    with central() as centre:

        @bounded(150)
        @given(query=st.binary(max_size=40))
        def check(query: bytes) -> None:
            escaped = "".join(f"%{byte:02X}" if byte not in b"=&" else chr(byte) for byte in query)
            before = centre.rows()
            response = centre.send("GET", f"/v1/changes?{escaped}", token=centre.counter)
            if response.status_code != 200:
                assert_refused(response, before, centre.rows())

        check()


# --- credentials, methods, routes ---------------------------------------------------------

header_text = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=80
)


def test_garbage_credentials_are_refused_and_store_nothing() -> None:
    with central() as centre:

        @bounded(200)
        @given(
            scheme=st.sampled_from(["Bearer ", "bearer ", "Basic ", "", "Bearer  ", "Token "]),
            value=header_text,
            route=st.sampled_from(["/v1/events", "/v1/admin/changes", "/v1/changes"]),
        )
        def check(scheme: str, value: str, route: str) -> None:
            assert value.strip() not in (centre.counter, centre.provider)
            before = centre.rows()
            response = centre.runner.run(
                centre.client.request(
                    "GET" if route == "/v1/changes" else "POST",
                    route,
                    content=encode(valid_batch(1) if route == "/v1/events" else valid_changes()),
                    headers={
                        "Authorization": (scheme + value).encode("latin-1"),  # type: ignore[dict-item]
                        "Content-Type": JSON,
                    },
                )
            )
            assert response.status_code == 401, response.text[:200]
            assert_refused(response, before, centre.rows())

        check()
        for route, token in (
            ("/v1/events", centre.provider),
            ("/v1/admin/changes", centre.counter),
        ):
            before = centre.rows()
            body = valid_batch(1) if route == "/v1/events" else valid_changes()
            response = centre.send("POST", route, token=token, body=body)
            assert response.status_code == 401
            assert_refused(response, before, centre.rows())


def test_wrong_methods_and_unknown_routes_answer_json_errors() -> None:
    with central() as centre:
        for method, route in (
            ("PUT", "/v1/events"),
            ("DELETE", "/v1/events"),
            ("GET", "/v1/events"),
            ("POST", "/v1/changes"),
            ("PATCH", "/v1/admin/changes"),
            ("GET", "/v1/nothing"),
            ("GET", "/v1/events/../../etc/passwd"),
        ):
            before = centre.rows()
            response = centre.send(method, route, token=centre.counter)
            assert_refused(response, before, centre.rows())
