"""Which screen opens for each workflow."""

from __future__ import annotations

from textual.screen import Screen

from screens.workflows import Workflow


def screen_for(workflow: Workflow) -> Screen[None]:
    """A new screen for ``workflow``."""
    from screens.operators import OperatorsScreen
    from screens.pending import PendingWorkflowScreen

    if workflow.name == "operators":
        return OperatorsScreen()
    return PendingWorkflowScreen(workflow)
