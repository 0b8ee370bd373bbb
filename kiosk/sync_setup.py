"""Sync's parts built from the settings: where the centre is, the plan, the backoff."""

from __future__ import annotations

from data.sync import Backoff, SyncPlan
from data.sync_client import CentralClient, Endpoint
from kiosk.config import Settings
from kiosk.errors import KioskError


def sync_configured(settings: Settings) -> bool:
    """True when a central URL is set."""
    return bool(settings.central.url)


def endpoint_of(settings: Settings) -> Endpoint:
    """Where the centre is and how to reach it.

    Raises:
        KioskError: ``sync.not_configured`` (no URL); ``sync.no_token``.
    """
    central = settings.central
    if not central.url:
        raise KioskError("sync.not_configured")
    if not central.token:
        raise KioskError("sync.no_token")
    return Endpoint(
        url=central.url, token=central.token, timeout_s=central.timeout_s, ca_file=central.ca_file
    )


def plan_of(settings: Settings) -> SyncPlan:
    """This counter's identity and batch sizes."""
    return SyncPlan(
        office=settings.office.code,
        counter_id=settings.counter.counter_id,
        batch_size=settings.central.batch_size,
        pull_limit=settings.central.pull_limit,
    )


def backoff_of(settings: Settings) -> Backoff:
    """The waits between failed tries."""
    return Backoff(base_s=settings.central.backoff_base_s, cap_s=settings.central.backoff_cap_s)


def client_of(settings: Settings) -> CentralClient:
    """A client for the configured centre."""
    return CentralClient(endpoint_of(settings))
