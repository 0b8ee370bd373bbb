"""Which screen opens for each workflow."""

from __future__ import annotations

from textual.screen import Screen

from screens.workflows import Workflow


def screen_for(workflow: Workflow) -> Screen[None]:
    """A new screen for ``workflow``."""
    from screens.cancellation import CancellationScreen
    from screens.cases import CasesScreen
    from screens.cert_check import CertCheckScreen
    from screens.handover import HandoverScreen
    from screens.intake import IntakeScreen
    from screens.mail_out import MailOutScreen
    from screens.notice import NoticeScreen
    from screens.operators import OperatorsScreen
    from screens.pending import PendingWorkflowScreen
    from screens.shipment import ShipmentScreen
    from screens.unlock_help import UnlockHelpScreen

    built: dict[str, type[Screen[None]]] = {
        "operators": OperatorsScreen,
        "cert_check": CertCheckScreen,
        "unlock_help": UnlockHelpScreen,
        "handover": HandoverScreen,
        "mail_out": MailOutScreen,
        "intake": IntakeScreen,
        "notice": NoticeScreen,
        "cancellation": CancellationScreen,
        "shipment": ShipmentScreen,
        "cases": CasesScreen,
    }
    screen = built.get(workflow.name)
    return screen() if screen is not None else PendingWorkflowScreen(workflow)
