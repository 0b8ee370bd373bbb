"""The records of the kiosk (DESIGN.md), as pydantic models read from store rows."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field


class Role(StrEnum):
    """What an operator may do: clerks serve, supervisors also confirm and override,
    admins also manage accounts."""

    CLERK = "clerk"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class EnterpriseKind(StrEnum):
    """Domestic and foreign-invested enterprises follow different branches of the process."""

    DOMESTIC = "domestic"
    FOREIGN_INVESTED = "foreign_invested"


class KeyState(StrEnum):
    """Where a key is in its life (DESIGN.md)."""

    EXPECTED = "expected"
    RECEIVED = "received"
    NOTIFIED = "notified"
    HANDED_OVER = "handed_over"
    MAILED = "mailed"
    CANCEL_REQUESTED = "cancel_requested"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"
    REPLACED = "replaced"
    LOST = "lost"


class CaseKind(StrEnum):
    """The kinds of counter case; each has its tracking code."""

    INTAKE = "intake"
    HANDOVER = "handover"
    MAIL_OUT = "mail_out"
    CANCELLATION = "cancellation"
    UNLOCK_HELP = "unlock_help"
    CERT_CHECK = "cert_check"


class CaseState(StrEnum):
    """Open cases have work left; closed ones are done."""

    OPEN = "open"
    CLOSED = "closed"


class Record(BaseModel):
    """Base of the records: immutable, built from a store row."""

    model_config = ConfigDict(frozen=True)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Self:
        """Build the record from a row whose column names match the fields."""
        return cls.model_validate(dict(row))


class Operator(Record):
    """A person who logs in at the counter (one account each, never shared)."""

    id: int
    username: str
    display_name: str
    role: Role
    password_hash: str = Field(repr=False)
    failed_logins: int
    locked_until: datetime | None
    active: bool
    created_at: datetime

    def may(self, needed: Role) -> bool:
        """True if this operator's role includes ``needed`` (admin > supervisor > clerk)."""
        order = [Role.CLERK, Role.SUPERVISOR, Role.ADMIN]
        return order.index(self.role) >= order.index(needed)


class Enterprise(Record):
    """An enterprise, keyed by its USCC."""

    uscc: str
    name: str
    kind: EnterpriseKind
    contact_name: str
    contact_phone: str
    email: str
    address: str
    updated_at: datetime


class Agent(Record):
    """A person authorised to act for an enterprise; only a keyed hash of the ID is kept."""

    id: int
    enterprise_uscc: str
    name: str
    id_hash: str
    id_masked: str
    phone: str
    active: bool


class Key(Record):
    """An electronic key (USB token) and where it is in its life."""

    id: int
    token_serial: str | None
    login_name: str
    enterprise_uscc: str
    kind: str
    replaces_key_id: int | None
    cert_fingerprint: str | None
    subject_o: str | None
    not_after: datetime | None
    state: KeyState
    state_since: datetime


class Case(Record):
    """A piece of counter work with its tracking code and deadline."""

    id: int
    tracking_code: str
    kind: CaseKind
    enterprise_uscc: str | None
    key_id: int | None
    state: CaseState
    opened_at: datetime
    due_on: date | None
    due_estimated: bool
    closed_at: datetime | None
    operator: str
    outcome: str
    confirmed_by: str | None = None
    confirmed_at: datetime | None = None
    rating: str | None = None
    flagged: bool = False


class ReceiptStatus(StrEnum):
    """Where a stored receipt is: waiting, on paper, or failed (can be printed again)."""

    PENDING = "pending"
    PRINTED = "printed"
    FAILED = "failed"


class Receipt(Record):
    """The exact bytes of a receipt, kept with its case so it can be printed again."""

    id: int
    case_id: int
    template: str
    escpos: bytes = Field(repr=False)
    status: ReceiptStatus
    copies: int
    error: str
    created_at: datetime
    printed_at: datetime | None
