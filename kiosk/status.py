"""What the status bar says: operator, office, token, printer, sync backlog and time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from data.models import Operator
from data.sync import sync_status
from devices.printer import PrinterState
from devices.token import TokenSummary
from kiosk.context import KioskContext


@dataclass(frozen=True)
class StatusItems:
    """The texts the status bar shows, already translated."""

    operator: str
    office: str
    token: str
    printer: str
    sync: str
    clock: str


def token_text(context: KioskContext, tokens: list[TokenSummary], problem: str | None) -> str:
    """What the status bar says of the keys present."""
    t = context.translator.t
    if context.token_reader is None:
        return t("status.not_configured")
    if problem is not None:
        return t("status.token_problem")
    if not tokens:
        return t("status.token_none")
    if len(tokens) == 1:
        return t("status.token_one", label=tokens[0].label)
    return t("status.token_many", count=len(tokens))


def sync_text(context: KioskContext) -> str:
    """Backlog, refusals, last success and the last problem, in plain words."""
    t = context.translator.t
    status = context.store.read(sync_status)
    parts = [t("status.sync_backlog", count=status.backlog)]
    if status.refused:
        parts.append(t("status.sync_refused", count=status.refused))
    if status.last_success:
        moment = datetime.fromisoformat(status.last_success)
        same_day = moment.date() == context.clock().date()
        parts.append(
            t("status.sync_last", time=moment.strftime("%H:%M" if same_day else "%m-%d %H:%M"))
        )
    else:
        parts.append(t("status.sync_never"))
    if status.last_error is not None:
        key, params = status.last_error
        parts.append(t(key, **params))
    return " · ".join(parts)


def status_items(
    context: KioskContext,
    operator: Operator,
    tokens: list[TokenSummary] | None = None,
    token_problem: str | None = None,
    printer_state: PrinterState | None = None,
) -> StatusItems:
    """The status bar texts for ``operator`` in the current language."""
    t = context.translator.t
    settings = context.settings
    language = context.translator.language
    not_configured = t("status.not_configured")
    token = t("status.token", state=token_text(context, tokens or [], token_problem))
    if settings.printer.connection.kind == "none":
        printer_text = not_configured
    else:
        printer_text = t(f"printer.{(printer_state or PrinterState.UNKNOWN).value}")
    sync_state = sync_text(context) if settings.central.url else not_configured
    return StatusItems(
        operator=t(
            "status.operator", name=operator.display_name, role=t(f"role.{operator.role.value}")
        ),
        office=settings.office.name(language)
        + t("status.counter", number=settings.counter.counter_id),
        token=token,
        printer=t("status.printer", state=printer_text),
        sync=t("status.sync", state=sync_state),
        clock=context.clock().strftime("%Y-%m-%d %H:%M"),
    )
