"""The child of the power-loss test (``test_power_loss.py``): a zygote and its workers.

Run as ``python -m tests.faults.power_child --db FILE --report FILE``. The zygote imports
the kiosk once, creates the operators and keeps a supply of keys ready to hand over. It
then reads commands on stdin, one a line:

``fork ROUND SEED``
    top the supply up (in the zygote, before forking: never killed), close the store,
    fork a worker, print ``pid PID``, wait for the worker and print ``dead PID STATUS``
    (the raw ``waitpid`` status).
``quit``
    exit.

A worker opens its own store on the file and runs hand-overs and cancellations through
the services, as the counter does, until it is killed. Around every service call it
appends one line to the report file with a single ``os.write`` on an ``O_APPEND`` fd:
``{"phase": "begin", ...}`` before the call (with the audit head's sequence number then),
``{"phase": "done", ...}`` once the call has returned, naming what must now be in the
database. A worker that meets an error writes the traceback to ``REPORT.error``; one that
runs out of work idles; either waits for its kill (and exits by itself only after
``WORKER_MAX_S``, with status 3).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import traceback
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn

from stdnum.cn import ric
from stdnum.cn import uscc as stdnum_uscc

from data.models import CaseKind, EnterpriseKind, KeyState, Role
from data.store import Store, open_store
from devices.printer import NoPrinter
from devices.token import PinState, TokenReading, TokenSummary
from kiosk.clock import CHINA_TZ
from kiosk.rules.key_limits import KeyKind
from kiosk.rules.workdays import WorkCalendar
from kiosk.services import keys as moves
from kiosk.services.agents import check_agent
from kiosk.services.cancellation import CancelReason, confirm_cancellation, take_cancellation
from kiosk.services.cases import Counter, open_case
from kiosk.services.enterprises import add_agent, expect_key, save_enterprise
from kiosk.services.handover import hand_over
from kiosk.services.notice import record_enterprise_told
from kiosk.services.operators import LockoutPolicy, count_operators, create_operator, find_operator
from kiosk.services.rating import RATINGS, rate_service
from kiosk.services.receipts import send_receipt, store_receipt

NOW = datetime(2026, 11, 25, 10, 30, tzinfo=CHINA_TZ)
"""The first round's 'now'; each round is an hour later (tracking codes are per day)."""

PASSWORDS = {"admin": "admin-pass-1", "clerk": "clerk-pass-1", "super": "super-pass-1"}
COUNTER = Counter("BJ", 3)
POLICY = LockoutPolicy()
_ID_BODY = "11010519800101123"
ID_NUMBER = _ID_BODY + ric.calc_check_digit(_ID_BODY + "0")
"""The authorised agent of every enterprise (only its keyed hash is stored)."""

SUPPLY_LOW = 24
"""The zygote adds enterprises when fewer keys than this wait to be handed over."""
ENTERPRISES_PER_TOP_UP = 8
KEYS_PER_ENTERPRISE = 3
"""The most live keys an enterprise may hold."""
PAUSE_S = 0.004
"""The longest pause between two services."""
CONFIRM_FIRST = 0.3
"""How often a worker starts by confirming a cancellation that waits for a supervisor."""
WORKER_MAX_S = 20.0
"""A worker nobody kills stops by itself after this long."""


def now_of(round_no: int) -> datetime:
    """The worker's 'now' in this round."""
    return NOW + timedelta(hours=round_no)


def uscc_of(index: int) -> str:
    """A valid, made-up USCC for the enterprise numbered ``index``."""
    body = f"91110108MA{index:07d}"
    return body + str(stdnum_uscc.calc_check_digit(body))


def serial_of(enterprise: int, key: int) -> str:
    """The token serial of the enterprise's ``key``-th key."""
    return f"PL-{enterprise:05d}-{key}"


def reading(serial: str) -> TokenReading:
    """The key read at the desk (no certificate was read at intake, so the serial decides)."""
    token = TokenSummary(
        slot=1,
        label="KEY",
        serial=serial,
        manufacturer="CA",
        model="USB",
        flags=0,
        pin_state=PinState.UNKNOWN,
    )
    return TokenReading(token, ())


# --- the zygote ---


def seed_operators(store: Store) -> None:
    """An admin, a clerk and a supervisor (once)."""
    if count_operators(store):
        return
    admin = create_operator(
        store,
        username="admin",
        display_name="管理员",
        role=Role.ADMIN,
        password=PASSWORDS["admin"],
        created_by=None,
        now=NOW,
    )
    for username, name, role in (("clerk", "张敏", Role.CLERK), ("super", "王强", Role.SUPERVISOR)):
        create_operator(
            store,
            username=username,
            display_name=name,
            role=role,
            password=PASSWORDS[username],
            created_by=admin,
            now=NOW,
        )


def top_up(store: Store, id_hash_key: bytes, calendar: WorkCalendar, now: datetime) -> int:
    """Add enterprises with keys received (one in three also notified) when the supply of
    keys to hand over runs low, in one transaction; return how many keys were added."""
    row = store.query_one("SELECT count(*) FROM keys WHERE state IN ('received', 'notified')")
    if row is not None and row[0] >= SUPPLY_LOW:
        return 0
    first = int(store.query("SELECT count(*) FROM enterprises")[0][0])
    added = 0
    with store.transaction():
        for index in range(first, first + ENTERPRISES_PER_TOP_UP):
            uscc = uscc_of(index)
            save_enterprise(
                store,
                uscc=uscc,
                name=f"北京断电测试贸易有限公司{index:05d}",
                kind=EnterpriseKind.DOMESTIC,
                operator="admin",
                now=now,
            )
            add_agent(
                store,
                uscc=uscc,
                name="李华",
                id_number=ID_NUMBER,
                id_hash_key=id_hash_key,
                operator="admin",
                now=now,
            )
            for number in range(KEYS_PER_ENTERPRISE):
                serial = serial_of(index, number)
                key = expect_key(
                    store,
                    uscc=uscc,
                    token_serial=serial,
                    kind=KeyKind.FIRST if number == 0 else KeyKind.ADDITIONAL,
                    operator="clerk",
                    now=now,
                )
                # As intake does (kiosk.services.intake), without the certificate read.
                case = open_case(
                    store,
                    kind=CaseKind.INTAKE,
                    counter=COUNTER,
                    operator="clerk",
                    now=now,
                    calendar=calendar,
                    due_in_workdays=2,
                    enterprise_uscc=uscc,
                    key_id=key.id,
                    details={"token_serial": serial},
                )
                moves.receive_key(store, key.id, operator="clerk", now=now, case_id=case.id)
                if number == 2:
                    record_enterprise_told(
                        store,
                        case_id=case.id,
                        channel="phone",
                        delivery="collect",
                        operator="clerk",
                        now=now,
                    )
                added += 1
    return added


def zygote(db: Path, report: Path) -> int:
    """Seed, then fork one worker per ``fork`` command until ``quit``."""
    id_hash_key = os.urandom(32)
    calendar = WorkCalendar()
    store = open_store(db)
    try:
        seed_operators(store)
        top_up(store, id_hash_key, calendar, NOW)
    finally:
        store.close()
    print("ready", flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        round_no, seed = int(words[1]), int(words[2])
        store = open_store(db)
        try:
            top_up(store, id_hash_key, calendar, now_of(round_no))
        finally:
            store.close()  # never carry an open SQLite connection across fork()
        pid = os.fork()
        if pid == 0:  # the worker: it never returns into this loop
            run_worker(db, report, round_no, seed, id_hash_key, calendar)
        print(f"pid {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"dead {pid} {status}", flush=True)
    return 0


# --- the worker ---


class Reporter:
    """Lines to the report file, each with one write on an O_APPEND descriptor."""

    def __init__(self, path: Path, round_no: int) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        self.round = round_no

    def line(self, phase: str, op: str, **facts: Any) -> None:
        text = json.dumps({"round": self.round, "phase": phase, "op": op, **facts})
        os.write(self.fd, (text + "\n").encode("utf-8"))


class Worker:
    """Hand-overs and cancellations, each service call reported before and after."""

    def __init__(
        self,
        store: Store,
        reporter: Reporter,
        rng: random.Random,
        id_hash_key: bytes,
        calendar: WorkCalendar,
        now: datetime,
    ) -> None:
        self.store = store
        self.report = reporter
        self.rng = rng
        self.id_hash_key = id_hash_key
        self.calendar = calendar
        self.now = now
        self.printer = NoPrinter()
        self.steps = 0

    def _head(self) -> int:
        row = self.store.query_one("SELECT seq FROM audit_head WHERE id = 1")
        return int(row[0]) if row else 0

    def _begin(self, op: str, **facts: Any) -> None:
        self.report.line("begin", op, head=self._head(), **facts)

    def _pick(self, sql: str) -> Any:
        rows = self.store.query(sql + " LIMIT 16")
        return self.rng.choice(rows) if rows else None

    def step(self) -> bool:
        """Do one piece of work; False when there is none."""
        first, self.steps = self.steps == 0, self.steps + 1
        # The supervisor's password check alone takes ~45 ms (Argon2id), longer than most
        # workers live: only a worker's first piece of work may be a waiting confirmation
        # (three times in ten), so that many get done without most kills landing in the
        # password hash.
        if first and self.rng.random() < CONFIRM_FIRST:
            confirm = self._pick(
                "SELECT id, tracking_code FROM cases WHERE kind = 'cancellation'"
                " AND state = 'open' AND confirmed_by IS NULL ORDER BY id"
            )
            if confirm is not None:
                self.confirm(confirm["id"], confirm["tracking_code"])
                return True
        # A pause between one service and the next keeps the file (and so the checks after
        # each kill, which read all of it) small enough for hundreds of kills in well under
        # a minute.
        time.sleep(self.rng.uniform(0, PAUSE_S))
        tasks = []
        held = self._pick(
            "SELECT id, token_serial, enterprise_uscc FROM keys WHERE state = 'handed_over'"
            " ORDER BY id"
        )
        if held is not None and self.rng.random() < 0.6:
            tasks.append(lambda: self.cancellation(held))
        waiting = self._pick(
            "SELECT id, token_serial, enterprise_uscc FROM keys"
            " WHERE state IN ('received', 'notified') ORDER BY state_since, id"
        )
        if waiting is not None:
            tasks.append(lambda: self.handover(waiting))
        if not tasks:
            return False
        self.rng.choice(tasks)()
        return True

    def _agent(self, uscc: str) -> Any:
        return check_agent(
            self.store,
            uscc=uscc,
            id_number=ID_NUMBER,
            id_hash_key=self.id_hash_key,
            operator="clerk",
            now=self.now,
            policy=POLICY,
        )

    def _receipt_and_rating(self, case_id: int, code: str, template: str) -> None:
        self._begin("receipt", case=code)
        receipt = store_receipt(
            self.store,
            case_id=case_id,
            template=template,
            data=f"\x1b@{template} {code}\n".encode() * 8,
            copies=2,
            operator="clerk",
            now=self.now,
        )
        self.report.line("done", "receipt", case=code, receipt_id=receipt.id)
        self._begin("print", receipt_id=receipt.id)
        outcome = send_receipt(self.store, self.printer, receipt.id, operator="clerk", now=self.now)
        self.report.line(
            "done", "print", receipt_id=receipt.id, status=outcome.receipt.status.value
        )
        rating = self.rng.choice(RATINGS)
        self._begin("rating", case=code)
        rate_service(self.store, case_id=case_id, rating=rating, now=self.now, in_service_flow=True)
        self.report.line("done", "rating", case=code, rating=rating)

    def handover(self, key: Any) -> None:
        agent = self._agent(key["enterprise_uscc"])
        self._begin("handover", key_id=key["id"])
        case = hand_over(
            self.store,
            key_id=key["id"],
            agent=agent,
            reading=reading(key["token_serial"]),
            operator="clerk",
            counter=COUNTER,
            now=self.now,
            calendar=self.calendar,
        )
        self.report.line(
            "done",
            "handover",
            case=case.tracking_code,
            key_id=key["id"],
            state=KeyState.HANDED_OVER.value,
        )
        self._receipt_and_rating(case.id, case.tracking_code, "handover")

    def cancellation(self, key: Any) -> None:
        agent = self._agent(key["enterprise_uscc"])
        reason: CancelReason = self.rng.choice(("lost", "damaged", "no_longer_used"))
        lost = reason == "lost"
        self._begin("cancel", key_id=key["id"])
        case = take_cancellation(
            self.store,
            key_id=key["id"],
            agent=agent,
            reason=reason,
            documents={"sealed_form", "written_statement" if lost else "key"},
            key_serial_read=None if lost else key["token_serial"],
            operator="clerk",
            counter=COUNTER,
            now=self.now,
            calendar=self.calendar,
        )
        self.report.line(
            "done",
            "cancel",
            case=case.tracking_code,
            key_id=key["id"],
            state=KeyState.CANCEL_REQUESTED.value,
            reason=reason,
        )
        self._receipt_and_rating(case.id, case.tracking_code, "cancellation")

    def confirm(self, case_id: int, code: str) -> None:
        self._begin("confirm", case=code)
        confirm_cancellation(
            self.store,
            case_id=case_id,
            supervisor="super",
            password=PASSWORDS["super"],
            now=self.now,
            policy=POLICY,
        )
        self.report.line("done", "confirm", case=code, by="super")


def worker(
    db: Path,
    report: Path,
    round_no: int,
    seed: int,
    id_hash_key: bytes,
    calendar: WorkCalendar,
    deadline: float,
) -> None:
    """Work until killed, or until ``deadline`` (``time.monotonic``)."""
    store = open_store(db)
    reporter = Reporter(report, round_no)
    work = Worker(store, reporter, random.Random(seed), id_hash_key, calendar, now_of(round_no))
    if find_operator(store, "super") is None:
        raise RuntimeError("the zygote did not seed the operators")
    while time.monotonic() < deadline:
        if not work.step():
            time.sleep(0.005)


def run_worker(
    db: Path,
    report: Path,
    round_no: int,
    seed: int,
    id_hash_key: bytes,
    calendar: WorkCalendar,
) -> NoReturn:
    """The forked worker's life. An error is written to ``REPORT.error``; either way the
    worker then waits for its kill rather than exiting, so the pid the test kills is always
    still this process (it ends by itself only after ``WORKER_MAX_S``)."""
    deadline = time.monotonic() + WORKER_MAX_S
    try:
        worker(db, report, round_no, seed, id_hash_key, calendar, deadline)
    except BaseException:
        with open(f"{report}.error", "a", encoding="utf-8") as error:
            error.write(traceback.format_exc())
    finally:
        while time.monotonic() < deadline:
            time.sleep(0.01)
        os._exit(3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--report", type=Path, required=True)
    args = parser.parse_args(argv)
    return zygote(args.db, args.report)


if __name__ == "__main__":
    sys.exit(main())
