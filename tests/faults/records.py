"""The records the fault tests work on: the enterprise of the test certificate and its
authorised agent."""

from __future__ import annotations

from data.models import EnterpriseKind
from kiosk.context import KioskContext
from kiosk.services.enterprises import add_agent, save_enterprise
from tests.conftest import NOW
from tests.services.test_intake_notice_handover import ID_NUMBER

USCC = "91110108MA01A2B3CF"  # the O of tests/fixtures/certs/good_rsa.der
NAME = "北京华贸进出口有限公司"


def enterprise_with_agent(context: KioskContext) -> None:
    """Save the enterprise and authorise 李华 (``ID_NUMBER``) to act for it."""
    save_enterprise(
        context.store,
        uscc=USCC,
        name=NAME,
        kind=EnterpriseKind.DOMESTIC,
        operator="admin",
        now=NOW,
    )
    add_agent(
        context.store,
        uscc=USCC,
        name="李华",
        id_number=ID_NUMBER,
        id_hash_key=context.id_hash_key,
        operator="admin",
        now=NOW,
    )
