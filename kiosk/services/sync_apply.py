"""Applying what the centre sends down: expected keys, provider verdicts, directory entries.

Each change goes through the same services as the counter's own work, so the same rules
hold. Applying is idempotent (a change that is already in the store is passed over), and a
change that breaks a rule here is not applied but recorded as a ``sync.change_skipped``
event with the reason, so one bad change never stops the feed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr
from pydantic import ValidationError as PydanticValidationError

from data.audit import append_event
from data.models import CaseKind, CaseState, EnterpriseKind, KeyState
from data.store import Store
from data.sync import ChangeApplier
from data.sync_client import ChangeIn
from kiosk.errors import KioskError, StoreError, ValidationError
from kiosk.rules.key_limits import KeyKind
from kiosk.rules.uscc import validate_uscc
from kiosk.services.cases import find_case_by_code
from kiosk.services.enterprises import expect_key, get_enterprise
from kiosk.services.keys import find_key_by_serial, get_key
from kiosk.services.shipment import record_provider_verdict

CENTRAL_OPERATOR = "central"
"""The operator name on what the centre's changes write."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class _KeyExpected(_Strict):
    uscc: StrictStr
    token_serial: StrictStr
    key_kind: KeyKind
    login_name: StrictStr = ""
    replaces_token_serial: StrictStr | None = None


class _Verdict(_Strict):
    tracking_code: StrictStr
    verdict: StrictStr
    remark: StrictStr = ""


class _Agent(_Strict):
    name: Annotated[StrictStr, Field(min_length=1)]
    id_hash: Annotated[StrictStr, Field(pattern=r"^[0-9a-f]{64}$")]
    # The kiosk's own mask (at most the first 3 and last 4 shown): never a plain number.
    id_masked: Annotated[StrictStr, Field(pattern=r"^[0-9A-Z]{0,3}\*+[0-9A-Z]{0,4}$")]
    active: StrictBool = True


class _Enterprise(_Strict):
    uscc: StrictStr
    name: StrictStr
    kind: EnterpriseKind
    agents: list[_Agent] = []


def change_applier(store: Store, clock: Callable[[], datetime]) -> ChangeApplier:
    """The function :func:`data.sync.pull_page` calls for each change."""

    def apply(change: ChangeIn) -> None:
        handler = _HANDLERS.get(change.kind)
        now = clock()
        try:
            if handler is None:
                raise ValidationError("sync.change_unknown", kind=change.kind)
            handler(store, change.data, now)
        except StoreError:
            raise  # the disk, not the change: it must be applied later, not passed over
        except KioskError as error:
            _skip(store, change, now, error.key, error.params)
        except PydanticValidationError as error:
            _skip(store, change, now, "sync.change_malformed", {"problems": error.error_count()})
        except sqlite3.OperationalError:
            raise
        except Exception as error:  # odd data must not stop the feed for good
            _skip(store, change, now, "sync.change_failed", {"problem": type(error).__name__})

    return apply


def _skip(store: Store, change: ChangeIn, now: datetime, key: str, params: dict[str, Any]) -> None:
    with store.transaction() as conn:
        append_event(
            conn,
            kind="sync.change_skipped",
            at=now,
            operator=CENTRAL_OPERATOR,
            payload={
                "change_id": change.id,
                "change_kind": change.kind,
                "reason": key,
                "params": {k: str(v) for k, v in params.items()},
            },
        )


def _apply_key_expected(store: Store, data: dict[str, Any], now: datetime) -> None:
    entry = _KeyExpected.model_validate(data)
    if find_key_by_serial(store, entry.token_serial) is not None:
        return  # already known: applied before, or received at the counter first
    replaces_key_id = None
    if entry.replaces_token_serial:
        old = find_key_by_serial(store, entry.replaces_token_serial)
        replaces_key_id = old.id if old is not None else None
    expect_key(
        store,
        uscc=entry.uscc,
        token_serial=entry.token_serial,
        kind=entry.key_kind,
        operator=CENTRAL_OPERATOR,
        now=now,
        login_name=entry.login_name,
        replaces_key_id=replaces_key_id,
    )


def _apply_verdict(store: Store, data: dict[str, Any], now: datetime) -> None:
    entry = _Verdict.model_validate(data)
    case = find_case_by_code(store, entry.tracking_code)
    if case.kind is CaseKind.CANCELLATION and case.key_id is not None:
        key = get_key(store, case.key_id)
        moved_on = case.state is not CaseState.OPEN or key.state is not KeyState.SHIPPED
        if moved_on and _verdict_already_recorded(store, case.id, entry.verdict):
            return
    record_provider_verdict(
        store,
        case_id=case.id,
        verdict=entry.verdict,  # type: ignore[arg-type]  # checked by the service
        remark=entry.remark,
        operator=CENTRAL_OPERATOR,
        now=now,
    )


def _verdict_already_recorded(store: Store, case_id: int, verdict: str) -> bool:
    row = store.query_one(
        "SELECT 1 FROM events WHERE case_id = ? AND kind = 'cancellation.verdict'"
        " AND json_extract(payload, '$.verdict') = ? LIMIT 1",
        (case_id, verdict),
    )
    return row is not None


def _apply_enterprise(store: Store, data: dict[str, Any], now: datetime) -> None:
    entry = _Enterprise.model_validate(data)
    uscc = validate_uscc(entry.uscc)
    name = " ".join(entry.name.split())
    if not name:
        raise ValidationError("enterprise.name_required")
    stamp = now.isoformat(timespec="seconds")
    with store.transaction() as conn:
        known = get_enterprise(store, uscc)
        if known is None or (known.name, known.kind) != (name, entry.kind):
            # Only the directory's fields: the counter's contact details are its own.
            conn.execute(
                "INSERT INTO enterprises (uscc, name, kind, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (uscc) DO UPDATE SET name = excluded.name, kind = excluded.kind,"
                " updated_at = excluded.updated_at",
                (uscc, name, entry.kind.value, stamp),
            )
            append_event(
                conn,
                kind="enterprise.saved",
                at=now,
                operator=CENTRAL_OPERATOR,
                payload={"uscc": uscc, "name": name, "kind": entry.kind.value},
            )
        for agent in entry.agents:
            held = conn.execute(
                "SELECT name, id_masked, active FROM agents"
                " WHERE enterprise_uscc = ? AND id_hash = ?",
                (uscc, agent.id_hash),
            ).fetchone()
            wanted = (agent.name.strip(), agent.id_masked, int(agent.active))
            if held is not None and tuple(held) == wanted:
                continue
            conn.execute(
                "INSERT INTO agents (enterprise_uscc, name, id_hash, id_masked, active)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (enterprise_uscc, id_hash) DO UPDATE"
                " SET name = excluded.name, id_masked = excluded.id_masked,"
                " active = excluded.active",
                (uscc, *wanted[:1], agent.id_hash, agent.id_masked, wanted[2]),
            )
            append_event(
                conn,
                kind="agent.authorised" if agent.active else "agent.revoked",
                at=now,
                operator=CENTRAL_OPERATOR,
                payload={"uscc": uscc, "name": wanted[0], "id_masked": agent.id_masked},
            )


_HANDLERS: dict[str, Callable[[Store, dict[str, Any], datetime], None]] = {
    "key_expected": _apply_key_expected,
    "provider_verdict": _apply_verdict,
    "enterprise": _apply_enterprise,
}
