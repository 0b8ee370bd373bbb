"""The workflows the home screen lists, with their keys and where each is built."""

from __future__ import annotations

from dataclasses import dataclass

from data.models import Role


@dataclass(frozen=True)
class Workflow:
    """One entry of the home screen.

    Attributes:
        name: short id, also the catalog key suffix (``workflow.<name>``).
        key: the shortcut on the home screen.
        issue: the issue that builds it, while it is not built yet (None once it is).
        role: the least role that may open it.
    """

    name: str
    key: str
    issue: int | None
    role: Role = Role.CLERK


WORKFLOWS: tuple[Workflow, ...] = (
    Workflow("handover", "1", issue=None),
    Workflow("mail_out", "2", issue=None),
    Workflow("cancellation", "3", issue=None),
    Workflow("unlock_help", "4", issue=None),
    Workflow("cert_check", "5", issue=None),
    Workflow("intake", "6", issue=None),
    Workflow("notice", "7", issue=None),
    Workflow("shipment", "8", issue=None),
    Workflow("cases", "9", issue=None),
    Workflow("operators", "0", issue=None, role=Role.ADMIN),
)
