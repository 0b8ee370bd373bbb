"""The demo's keys: SoftHSM tokens and in-memory keys whose certificates show every verdict
of the certificate check, and the key records that go with them."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from data.models import KeyState
from devices.demo_tray import save_memory_keys
from devices.softhsm_lab import SOFTHSM_MODULE, SoftHsmLab
from devices.token import (
    CKF_TOKEN_INITIALIZED,
    CKF_USER_PIN_COUNT_LOW,
    CKF_USER_PIN_FINAL_TRY,
    CKF_USER_PIN_INITIALIZED,
    CKF_USER_PIN_LOCKED,
    CertificateObject,
)
from devices.token_memory import MemoryToken
from kiosk.demo_certs import make_certificate, validity

BASE_FLAGS = CKF_TOKEN_INITIALIZED | CKF_USER_PIN_INITIALIZED


@dataclass(frozen=True)
class DemoKey:
    """One demo key: what is on it and what our records say of it.

    Attributes:
        owner: index into the demo enterprises whose record holds it, or None (no record).
        subject_o: "uscc:N" for enterprise N's code, "bad-check:N" for it with a wrong check
            character, None for no O, else the literal text.
        state: the record's final state.
    """

    label: str
    description: str
    owner: int | None
    subject_o: str | None
    days_valid: int
    algorithm: str = "rsa"
    state: KeyState = KeyState.HANDED_OVER
    memory_flags: int | None = None
    garbage_object: bool = False
    serial: str | None = None
    """A fixed serial (in-memory keys only): a key our seed already expects or received."""


DEMO_KEYS = (
    DemoKey("华贸-正常", "一切正常 / all fine", 0, "uscc:0", 300),
    DemoKey("远洋-缺代码", "证书缺少18位代码（内资）/ lacks the code (domestic)", 1, None, 200),
    DemoKey(
        "中德-SM2缺代码",
        "SM2证书，O为企业名称（外资）/ SM2, O is a name (foreign)",
        2,
        "中德精密仪器（北京）有限公司",
        200,
        "sm2",
    ),
    DemoKey("京东方-将到期", "12天后到期 / expires in 12 days", 3, "uscc:3", 12),
    DemoKey("华贸-已过期", "证书已过期（EC）/ expired (EC)", 0, "uscc:0", -20, "ec"),
    DemoKey(
        "无记录-校验位错",
        "无记录，代码校验位错，含损坏对象 / no record, wrong check character, a broken object",
        None,
        "bad-check:1",
        100,
        garbage_object=True,
    ),
    DemoKey(
        "京东方-已挂失",
        "我方记录为挂失 / our record says lost",
        3,
        "uscc:3",
        100,
        state=KeyState.LOST,
    ),
    DemoKey(
        "他人钥匙", "证书代码与我方记录的企业不符 / code differs from our record", 2, "uscc:1", 100
    ),
    DemoKey(
        "远洋-PIN已锁",
        "PIN已锁定（内存）/ PIN locked (in memory)",
        1,
        "uscc:1",
        100,
        memory_flags=BASE_FLAGS | CKF_USER_PIN_LOCKED,
    ),
    DemoKey(
        "京东方-PIN仅剩一次",
        "PIN仅剩最后一次（内存）/ PIN final try (in memory)",
        3,
        "uscc:3",
        100,
        memory_flags=BASE_FLAGS | CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_COUNT_LOW,
    ),
    DemoKey(
        "华贸-新到",
        "服务商刚寄到，待接收登记 / just arrived: key intake",
        None,
        "uscc:0",
        365,
        memory_flags=BASE_FLAGS,
        serial="DEMO-0001",
    ),
    DemoKey(
        "远洋-待领取",
        "已接收，待交付 / received: hand it over",
        None,
        "uscc:1",
        365,
        memory_flags=BASE_FLAGS,
        serial="DEMO-0002",
    ),
)


def softhsm_available() -> bool:
    """True when SoftHSM2 is installed (make demo installs it as root)."""
    return SOFTHSM_MODULE.exists() and shutil.which("softhsm2-util") is not None


def _subject_o(spec: str | None, codes: list[str]) -> str | None:
    if spec is None:
        return None
    kind, _, index = spec.partition(":")
    if kind == "uscc":
        return codes[int(index)]
    if kind == "bad-check":
        code = codes[int(index)]
        return code[:-1] + ("0" if code[-1] != "0" else "1")
    return spec


def _certificate(key: DemoKey, codes: list[str]) -> bytes:
    start, end = validity(key.days_valid)
    return make_certificate(
        f"{key.label} 经办人",
        _subject_o(key.subject_o, codes),
        not_before=start,
        not_after=end,
        algorithm=key.algorithm,
    )


def build_demo_keys(folder: Path, codes: list[str], now: datetime) -> dict[str, str]:
    """Make the demo keys under ``folder`` and return their serials by label.

    SoftHSM keys go to ``folder/softhsm`` (if SoftHSM is installed), in-memory ones to
    ``folder/memory-keys.json``. Every key starts plugged out, on the tray.
    """
    serials: dict[str, str] = {}
    memory: list[MemoryToken] = []
    descriptions = {key.label: key.description for key in DEMO_KEYS}
    lab = SoftHsmLab(folder / "softhsm") if softhsm_available() else None
    for number, key in enumerate(DEMO_KEYS, 1):
        der = _certificate(key, codes)
        if key.memory_flags is not None or lab is None:
            serial = key.serial or f"MEM{number:013d}"
            objects = [CertificateObject("sign", "01", der)]
            flags = key.memory_flags if key.memory_flags is not None else BASE_FLAGS
            memory.append(
                MemoryToken(serial=serial, label=key.label, flags=flags, certificates=objects)
            )
            serials[key.label] = serial
            continue
        lab.create_token(key.label)
        lab.write_certificate(key.label, der, "sign")
        if key.garbage_object:
            lab.write_certificate(key.label, b"\x30\x82\x02\x00broken", "enc", "02")
        serials[key.label] = lab.serial_of(key.label)
        lab.unplug(key.label)
    save_memory_keys(folder / "memory-keys.json", memory, descriptions)
    if lab is not None:
        (lab.root / "descriptions.json").write_text(
            json.dumps(descriptions, ensure_ascii=False), "utf-8"
        )
    return serials
