"""What a supervisor sees of sync at the counter: the backlog, the last success and
problem, and the events the centre took as refused, with the reason."""

from __future__ import annotations

from dataclasses import dataclass

from data.store import Store
from data.sync import RefusedEvent, SyncStatus, refused_events, sync_status


@dataclass(frozen=True)
class SyncOverview:
    """The sync state and the refused events, oldest first."""

    status: SyncStatus
    refused: list[RefusedEvent]


def sync_overview(store: Store) -> SyncOverview:
    """Read the sync state and the refused events."""
    return SyncOverview(store.read(sync_status), store.read(refused_events))
