"""The demo counter: a configuration, a seeded database and demo accounts in one folder."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

from stdnum.cn import ric, uscc

from data.models import CaseKind, EnterpriseKind, KeyState, Role
from data.store import Store, open_store
from devices.softhsm_lab import SOFTHSM_MODULE
from kiosk.clock import china_now
from kiosk.config import load_settings
from kiosk.demo_central import seed_central
from kiosk.demo_keys import DEMO_KEYS, build_demo_keys
from kiosk.errors import KioskError
from kiosk.hash_key import create_hash_key, load_hash_key
from kiosk.rules.key_limits import KeyKind
from kiosk.rules.workdays import WorkCalendar
from kiosk.services import keys as key_moves
from kiosk.services.cases import Counter, close_case, open_case
from kiosk.services.enterprises import add_agent, expect_key, save_enterprise
from kiosk.services.operators import create_operator

DEMO_OPERATORS = (
    ("admin", "系统管理员", Role.ADMIN, "admin-demo-2026"),
    ("clerk", "张敏", Role.CLERK, "clerk-demo-2026"),
    ("super", "王强", Role.SUPERVISOR, "super-demo-2026"),
)
"""Login name, display name, role and password of each demo account (README lists them)."""

DEMO_CONFIG = """\
# Demo counter: made by `kiosk demo`; safe to delete (then run `make demo` again).
[counter]
office = "BJ"
counter_id = 1
language = "zh"
idle_lock_minutes = 10
allow_quit = true  # a desktop demo: anyone may quit with Ctrl+Q

[database]
path = "kiosk.db"
id_hash_key_file = "id-hash.key"

[printer]
connection = "file:receipts/printer.bin"
paper_width_mm = 80
"""

DEMO_TOKEN_CONFIG = """
[token]
module = "{module}"
module_env = {{ SOFTHSM2_CONF = "{softhsm_conf}" }}

[demo]
softhsm_lab = "softhsm"
memory_keys = "memory-keys.json"
"""

DEMO_MEMORY_ONLY_CONFIG = """
[demo]
memory_keys = "memory-keys.json"
"""
SEEDED_MARK = ".seeded"


def demo_uscc(body17: str) -> str:
    """A valid USCC made from 17 characters plus its computed check character."""
    return body17 + uscc.calc_check_digit(body17)


def demo_id_number(body17: str) -> str:
    """A valid resident ID number made from 17 digits plus its computed check digit."""
    return body17 + ric.calc_check_digit(body17 + "0")


DEMO_ENTERPRISES = (
    (
        demo_uscc("91110108MA01A2B3C"),
        "北京华贸进出口有限公司",
        EnterpriseKind.DOMESTIC,
        "李华",
        "13812345678",
        demo_id_number("11010519800101123"),
    ),
    (
        demo_uscc("91110105MA00K7L8D"),
        "北京远洋机电设备有限公司",
        EnterpriseKind.DOMESTIC,
        "赵磊",
        "13987654321",
        demo_id_number("11010819850315261"),
    ),
    (
        demo_uscc("91110000717828315"),
        "中德精密仪器（北京）有限公司",
        EnterpriseKind.FOREIGN_INVESTED,
        "孙丽",
        "13611112222",
        demo_id_number("11022819900720482"),
    ),
    (
        demo_uscc("91110302MA01C4D5E"),
        "京东方国际贸易有限公司",
        EnterpriseKind.DOMESTIC,
        "周杰",
        "13755556666",
        demo_id_number("13010219781111375"),
    ),
)


def seed_demo(folder: Path, reset: bool = False) -> Path:
    """Create the demo folder once (or again after ``reset``, or after a seed that was cut
    short) and return its config path."""
    config_path = folder / "kiosk.toml"
    if folder.exists() and (reset or not (folder / SEEDED_MARK).exists()):
        if not _is_demo_folder(folder):
            raise KioskError("demo.not_demo_folder", path=str(folder))
        shutil.rmtree(folder)
    if config_path.exists():
        return config_path
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "receipts").mkdir(exist_ok=True)
    now = china_now()
    codes = [row[0] for row in DEMO_ENTERPRISES]
    serials = build_demo_keys(folder, codes, now)
    token_config = (
        DEMO_TOKEN_CONFIG.format(
            module=SOFTHSM_MODULE, softhsm_conf=(folder / "softhsm" / "softhsm2.conf").resolve()
        )
        if (folder / "softhsm").exists()
        else DEMO_MEMORY_ONLY_CONFIG
    )
    config_path.write_text(DEMO_CONFIG + token_config, "utf-8")
    settings = load_settings(config_path)
    create_hash_key(settings.database.id_hash_key_file)
    _seed_records(
        settings.database.path, load_hash_key(settings.database.id_hash_key_file), serials, now
    )
    seed_central(
        folder,
        settings.office.code,
        settings.counter.counter_id,
        load_hash_key(settings.database.id_hash_key_file),
    )
    (folder / SEEDED_MARK).write_text(now.isoformat(), "utf-8")
    return config_path


def _is_demo_folder(folder: Path) -> bool:
    """True for an empty folder or one whose kiosk.toml ``kiosk demo`` wrote (so ``--reset``
    never deletes a real counter's folder given by mistake)."""
    if not folder.is_dir():
        return False
    config_path = folder / "kiosk.toml"
    if not config_path.is_file():
        return not any(folder.iterdir())
    with config_path.open("rb") as handle:
        return handle.readline().decode("utf-8", "replace") == DEMO_CONFIG.splitlines(True)[0]


def _seed_records(
    db_path: Path, id_hash_key: bytes, serials: dict[str, str], now: datetime
) -> None:
    store = open_store(db_path)
    try:
        admin = None
        for username, name, role, password in DEMO_OPERATORS:
            created = create_operator(
                store,
                username=username,
                display_name=name,
                role=role,
                password=password,
                created_by=admin,
                now=now,
            )
            admin = admin or created
        for code, name, kind, contact, phone, id_number in DEMO_ENTERPRISES:
            save_enterprise(
                store,
                uscc=code,
                name=name,
                kind=kind,
                operator="admin",
                now=now,
                contact_name=contact,
                contact_phone=phone,
            )
            add_agent(
                store,
                uscc=code,
                name=contact,
                id_number=id_number,
                id_hash_key=id_hash_key,
                operator="admin",
                now=now,
                phone=phone,
            )
        _seed_keys(store, now)
        _seed_token_keys(store, serials, now)
    finally:
        store.close()


def _seed_keys(store: Store, now: datetime) -> None:
    """Keys in several states, with the cases that moved them, all through the services."""
    calendar = WorkCalendar()
    counter = Counter("BJ", 1)
    earlier = now - timedelta(days=3)
    (huamao, *_), (yuanyang, *_), (zhongde, *_), (jingdong, *_) = DEMO_ENTERPRISES

    def expect(uscc_code: str, serial: str, kind: KeyKind = KeyKind.FIRST) -> int:
        return expect_key(
            store, uscc=uscc_code, token_serial=serial, kind=kind, operator="clerk", now=earlier
        ).id

    def intake(key_id: int, uscc_code: str, at: datetime) -> int:
        case = open_case(
            store,
            kind=CaseKind.INTAKE,
            counter=counter,
            operator="clerk",
            now=at,
            calendar=calendar,
            due_in_workdays=2,
            enterprise_uscc=uscc_code,
            key_id=key_id,
        )
        key_moves.receive_key(store, key_id, operator="clerk", now=at, case_id=case.id)
        return case.id

    expect(huamao, "DEMO-0001")  # still with the provider
    waiting = expect(yuanyang, "DEMO-0002")
    intake(waiting, yuanyang, now)  # received today: notice due in 2 working days
    late = expect(zhongde, "DEMO-0003")
    intake(late, zhongde, earlier)  # received 3 days ago: notice may be overdue
    given = expect(jingdong, "DEMO-0004")
    case_id = intake(given, jingdong, earlier)
    key_moves.record_notice(
        store, given, operator="clerk", now=earlier, how="phone", case_id=case_id
    )
    close_case(store, case_id, outcome="notified", operator="clerk", now=earlier)
    handover = open_case(
        store,
        kind=CaseKind.HANDOVER,
        counter=counter,
        operator="clerk",
        now=earlier,
        calendar=calendar,
        enterprise_uscc=jingdong,
        key_id=given,
    )
    key_moves.hand_over_key(store, given, operator="clerk", now=earlier, case_id=handover.id)
    close_case(store, handover.id, outcome="handed_over", operator="clerk", now=earlier)
    extra = expect(jingdong, "DEMO-0005", KeyKind.ADDITIONAL)
    key_moves.receive_key(store, extra, operator="clerk", now=earlier)
    key_moves.mail_key(store, extra, operator="clerk", now=earlier, waybill="SF1234567890")
    key_moves.report_lost(store, extra, operator="clerk", now=now)


def _seed_token_keys(store: Store, serials: dict[str, str], now: datetime) -> None:
    """Key records for the demo keys on the tray, moved to their states by the services."""
    earlier = now - timedelta(days=30)
    for key in DEMO_KEYS:
        if key.owner is None:
            continue
        code = DEMO_ENTERPRISES[key.owner][0]
        record = expect_key(
            store,
            uscc=code,
            token_serial=serials[key.label],
            kind=KeyKind.ADDITIONAL,
            operator="clerk",
            now=earlier,
        )
        key_moves.receive_key(store, record.id, operator="clerk", now=earlier)
        key_moves.hand_over_key(store, record.id, operator="clerk", now=earlier)
        if key.state is KeyState.LOST:
            key_moves.report_lost(store, record.id, operator="clerk", now=earlier)
