"""Checking the person at the desk: is this ID number an authorised agent of the enterprise?

The ID number is checked (check digit, birth date), hashed with the province's key and
compared with the authorised agents' hashes; the plain number is never stored. A mismatch
is refused, or passed only by a supervisor's password and a written reason, which the
workflow then writes into the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from data.models import Agent, Role
from data.store import Store
from kiosk.errors import AuthError
from kiosk.rules.id_hash import keyed_id_hash
from kiosk.rules.masking import mask_id_number
from kiosk.rules.resident_id import validate_resident_id
from kiosk.services.operators import LockoutPolicy, authenticate


@dataclass(frozen=True)
class Override:
    """A supervisor's say-so for an agent who is not on file."""

    supervisor: str
    password: str
    reason: str


@dataclass(frozen=True)
class AgentCheck:
    """Who is at the desk, as far as the kiosk may know it.

    Attributes:
        agent: the authorised agent on file, or None when a supervisor overrode.
        id_masked: the ID number as it may be shown and printed.
        id_hash: the keyed hash (what records and sync carry).
        warnings: catalog keys (e.g. an unknown or retired area code).
        override_by: the supervisor who passed a mismatch, or None.
        override_reason: their written reason.
    """

    agent: Agent | None
    id_masked: str
    id_hash: str
    warnings: tuple[str, ...] = ()
    override_by: str | None = None
    override_reason: str = ""
    uscc: str = ""
    """The enterprise the check was made for."""

    def audit_details(self) -> dict[str, object]:
        """What the workflow's event records of the agent check (never the plain number)."""
        details: dict[str, object] = {
            "agent_id_masked": self.id_masked,
            "agent_id_hash": self.id_hash,
        }
        if self.agent is not None:
            details["agent_name"] = self.agent.name
        if self.override_by is not None:
            details["override_by"] = self.override_by
            details["override_reason"] = self.override_reason
        return details


def check_agent(
    store: Store,
    *,
    uscc: str,
    id_number: str,
    id_hash_key: bytes,
    operator: str,
    now: datetime,
    policy: LockoutPolicy,
    override: Override | None = None,
) -> AgentCheck:
    """Match the ID number against the enterprise's authorised agents.

    Raises:
        ValidationError: the ID number itself is invalid (``rid.*``).
        AuthError: ``agent.not_authorised`` (no match, no override);
            ``agent.override_reason`` (reason missing); ``agent.override_self`` (the
            operator cannot override their own check); ``agent.override_role`` (not a
            supervisor); or the supervisor's login failure.
    """
    checked = validate_resident_id(id_number, today=now.date())
    id_hash = keyed_id_hash(checked.number, id_hash_key)
    masked = mask_id_number(checked.number)
    row = store.query_one(
        "SELECT * FROM agents WHERE enterprise_uscc = ? AND id_hash = ? AND active = 1",
        (uscc, id_hash),
    )
    if row is not None:
        return AgentCheck(Agent.from_row(row), masked, id_hash, checked.warnings, uscc=uscc)
    if override is None:
        raise AuthError("agent.not_authorised", id_masked=masked)
    if not override.reason.strip():
        raise AuthError("agent.override_reason")
    if override.supervisor.strip() == operator:
        raise AuthError("agent.override_self")
    supervisor = authenticate(store, override.supervisor, override.password, now=now, policy=policy)
    if not supervisor.may(Role.SUPERVISOR):
        raise AuthError("agent.override_role")
    return AgentCheck(
        None,
        masked,
        id_hash,
        checked.warnings,
        supervisor.username,
        override.reason.strip(),
        uscc=uscc,
    )
