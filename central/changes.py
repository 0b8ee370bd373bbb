"""The change feed: what counters must learn from the centre, in order, per office.

Three kinds of change, put in by the provider side (``POST /v1/admin/changes``):

- ``key_expected``: the provider is making a key for an enterprise;
- ``provider_verdict``: the provider's verdict on a cancelled key it received;
- ``enterprise``: a directory entry: name, kind and authorised agents, the agents only as
  the keyed hash and masked form of their ID numbers (never the plain number).

Counters read ``GET /v1/changes?since=CURSOR``: the changes of their office with an id
above the cursor, oldest first, and the cursor to send next time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    field_validator,
)
from sqlalchemy import Engine, insert, select
from stdnum.cn import uscc as uscc_code

from central.db import changes, lock_change_feed, write_transaction

MAX_CHANGES_IN = 1000
"""The most changes one admin request may carry."""

MAX_CHANGES_OUT = 1000
"""The most changes one ``GET /v1/changes`` answer holds."""

Office = Annotated[StrictStr, Field(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_-]+$")]
Text = Annotated[StrictStr, Field(max_length=200)]
Required = Annotated[StrictStr, Field(min_length=1, max_length=200)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class UsccField(_Strict):
    """A model with a checked Unified Social Credit Code."""

    uscc: StrictStr

    @field_validator("uscc")
    @classmethod
    def _valid_uscc(cls, value: str) -> str:
        if not uscc_code.is_valid(value):
            raise ValueError("not a valid 18-character Unified Social Credit Code")
        return str(uscc_code.compact(value))


class KeyExpected(UsccField):
    """The provider is making a key for the enterprise."""

    token_serial: Required
    key_kind: Literal["first", "additional", "replacement"]
    login_name: Text = ""
    replaces_token_serial: Text | None = None


class ProviderVerdict(_Strict):
    """The provider's verdict on a cancelled key it received."""

    tracking_code: Required
    verdict: Literal["cancelled", "refused"]
    remark: Text = ""


class AgentEntry(_Strict):
    """An authorised agent, known by the keyed hash and masked form of the ID number."""

    name: Required
    id_hash: Annotated[StrictStr, Field(pattern=r"^[0-9a-f]{64}$")]
    # The kiosk's mask: at most the first 3 and last 4 characters shown, the rest "*".
    id_masked: Annotated[
        StrictStr, Field(max_length=18, pattern=r"^[0-9A-Z]{0,3}\*+[0-9A-Z]{0,4}$")
    ]
    active: StrictBool = True


class EnterpriseEntry(UsccField):
    """A directory entry for an enterprise."""

    name: Required
    kind: Literal["domestic", "foreign_invested"]
    agents: Annotated[list[AgentEntry], Field(max_length=100)] = []


class KeyExpectedChange(_Strict):
    """A ``key_expected`` change."""

    kind: Literal["key_expected"]
    data: KeyExpected


class ProviderVerdictChange(_Strict):
    """A ``provider_verdict`` change."""

    kind: Literal["provider_verdict"]
    data: ProviderVerdict


class EnterpriseChange(_Strict):
    """An ``enterprise`` change."""

    kind: Literal["enterprise"]
    data: EnterpriseEntry


ChangeIn = Annotated[
    KeyExpectedChange | ProviderVerdictChange | EnterpriseChange, Field(discriminator="kind")
]


class ChangesIn(_Strict):
    """The body of ``POST /v1/admin/changes``: changes for one office, in order."""

    office: Office
    changes: Annotated[list[ChangeIn], Field(min_length=1, max_length=MAX_CHANGES_IN)]


class ChangeOut(BaseModel):
    """One change as a counter reads it."""

    id: StrictInt
    kind: StrictStr
    data: dict[str, Any]
    at: StrictStr


class ChangesPage(BaseModel):
    """The answer of ``GET /v1/changes``: changes after the cursor and the next cursor."""

    changes: list[ChangeOut]
    next: StrictInt
    more: StrictBool


@dataclass(frozen=True)
class PutResult:
    """The ids given to the changes put in."""

    ids: list[int]


def put_changes(engine: Engine, body: ChangesIn, source: str) -> PutResult:
    """Append the changes to the office's feed, in the order given, in one transaction."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    ids: list[int] = []
    with write_transaction(engine) as conn:
        lock_change_feed(conn)
        for change in body.changes:
            data = change.data.model_dump(mode="json")
            row = conn.execute(
                insert(changes)
                .values(
                    office=body.office,
                    kind=change.kind,
                    body_json=json.dumps(data, ensure_ascii=False, sort_keys=True),
                    source=source,
                    created_at=now,
                )
                .returning(changes.c.id)
            ).one()
            ids.append(int(row[0]))
    return PutResult(ids)


def changes_since(engine: Engine, office: str, since: int, limit: int) -> ChangesPage:
    """The office's changes with an id above ``since``, oldest first, at most ``limit``."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(changes.c.id, changes.c.kind, changes.c.body_json, changes.c.created_at)
            .where(changes.c.office == office, changes.c.id > since)
            .order_by(changes.c.id)
            .limit(limit + 1)
        ).all()
    page = rows[:limit]
    return ChangesPage(
        changes=[
            ChangeOut(id=int(r[0]), kind=str(r[1]), data=json.loads(r[2]), at=str(r[3]))
            for r in page
        ],
        next=int(page[-1][0]) if page else since,
        more=len(rows) > limit,
    )
