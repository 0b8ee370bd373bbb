"""Token readers as the screens use them: PIN state from the flags, the in-memory reader, several
readers seen as one, and the demo's tray plugging keys in and out."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from devices.demo_tray import DemoTray, TrayKey, load_memory_keys, save_memory_keys
from devices.pkcs11_reader import Pkcs11Reader
from devices.softhsm_lab import SOFTHSM_MODULE, SoftHsmLab
from devices.token import (
    CKF_TOKEN_INITIALIZED,
    CKF_USER_PIN_COUNT_LOW,
    CKF_USER_PIN_FINAL_TRY,
    CKF_USER_PIN_INITIALIZED,
    CKF_USER_PIN_LOCKED,
    CertificateObject,
    PinState,
    TokenError,
    TokenReading,
    TokenSummary,
    pin_state_from_flags,
)
from devices.token_memory import MemoryToken, MemoryTokenReader
from devices.token_multi import MultiReader
from kiosk.demo_certs import make_certificate

BASE = CKF_TOKEN_INITIALIZED | CKF_USER_PIN_INITIALIZED
UNRELATED = 0x1 | 0x4 | 0x00100000  # RNG, login required, SO PIN count low: no bearing


@pytest.fixture(scope="module")
def der() -> bytes:
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    return make_certificate("华贸 经办人", None, not_before=start, not_after=end, algorithm="ec")


def _token(serial: str, der: bytes, label: str = "KEY", flags: int = BASE) -> MemoryToken:
    return MemoryToken(
        serial=serial,
        label=label,
        flags=flags,
        certificates=[CertificateObject("sign", "01", der), CertificateObject("enc", "02", b"x")],
    )


# -- PIN state from the token flags --


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (CKF_USER_PIN_LOCKED | CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_COUNT_LOW, PinState.LOCKED),
        (CKF_USER_PIN_LOCKED, PinState.LOCKED),
        (CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_COUNT_LOW, PinState.FINAL_TRY),
        (CKF_USER_PIN_FINAL_TRY, PinState.FINAL_TRY),
        (CKF_USER_PIN_COUNT_LOW, PinState.COUNT_LOW),
    ],
)
@pytest.mark.parametrize("initialized", [True, False])
@pytest.mark.parametrize("reports", [True, False])
def test_pin_trouble_flags_win_whatever_else_is_set(
    flags: int, expected: PinState, initialized: bool, reports: bool
) -> None:
    base = BASE if initialized else CKF_TOKEN_INITIALIZED
    assert pin_state_from_flags(base | flags | UNRELATED, reports) is expected


@pytest.mark.parametrize("reports", [True, False])
def test_a_pin_never_set_is_not_initialized(reports: bool) -> None:
    assert pin_state_from_flags(CKF_TOKEN_INITIALIZED, reports) is PinState.NOT_INITIALIZED
    assert pin_state_from_flags(0, reports) is PinState.NOT_INITIALIZED


def test_no_trouble_flag_is_ok_only_from_a_module_that_reports_them() -> None:
    assert pin_state_from_flags(BASE | UNRELATED, reports_pin_flags=True) is PinState.OK
    assert pin_state_from_flags(BASE | UNRELATED, reports_pin_flags=False) is PinState.UNKNOWN


def test_every_flag_combination_follows_the_precedence() -> None:
    """locked > final_try > count_low > not_initialized > ok/unknown, for all 32 cases."""
    bits = (CKF_USER_PIN_LOCKED, CKF_USER_PIN_FINAL_TRY, CKF_USER_PIN_COUNT_LOW)
    for locked, final, low, initialized, reports in itertools.product([False, True], repeat=5):
        flags = CKF_TOKEN_INITIALIZED
        for bit, on in zip(bits, (locked, final, low), strict=True):
            flags |= bit if on else 0
        flags |= CKF_USER_PIN_INITIALIZED if initialized else 0
        if locked:
            expected = PinState.LOCKED
        elif final:
            expected = PinState.FINAL_TRY
        elif low:
            expected = PinState.COUNT_LOW
        elif not initialized:
            expected = PinState.NOT_INITIALIZED
        else:
            expected = PinState.OK if reports else PinState.UNKNOWN
        assert pin_state_from_flags(flags, reports) is expected, (hex(flags), reports)


# -- the in-memory reader --


@pytest.fixture
def memory(der: bytes) -> MemoryTokenReader:
    reader = MemoryTokenReader()
    reader.insert(_token("SN-A", der, "华贸"))
    reader.insert(_token("SN-B", der, "远洋", BASE | CKF_USER_PIN_LOCKED))
    return reader


def test_memory_reader_lists_inserted_keys_in_slot_order(memory: MemoryTokenReader) -> None:
    listed = memory.list_tokens()
    assert [(t.slot, t.serial, t.label) for t in listed] == [
        (0, "SN-A", "华贸"),
        (1, "SN-B", "远洋"),
    ]
    assert [t.pin_state for t in listed] == [PinState.OK, PinState.LOCKED]
    assert all(t.manufacturer == "Demo CA" and t.model == "USB Key" for t in listed)


def test_memory_reader_reads_a_key_with_its_certificate_objects(
    memory: MemoryTokenReader, der: bytes
) -> None:
    reading = memory.read_token("SN-B")
    assert isinstance(reading, TokenReading)
    assert reading.token.serial == "SN-B" and reading.token.pin_state is PinState.LOCKED
    assert reading.certificates == (
        CertificateObject("sign", "01", der),
        CertificateObject("enc", "02", b"x"),
    )


def test_memory_reader_insert_and_remove(memory: MemoryTokenReader, der: bytes) -> None:
    memory.remove("SN-A")
    memory.remove("SN-A")  # pulling out a key that is not in is no error
    assert [t.serial for t in memory.list_tokens()] == ["SN-B"]
    memory.insert(_token("SN-C", der))
    assert [t.serial for t in memory.list_tokens()] == ["SN-B", "SN-C"]


def test_reading_an_absent_key_is_removed(memory: MemoryTokenReader) -> None:
    with pytest.raises(TokenError) as caught:
        memory.read_token("SN-NOPE")
    assert caught.value.reason == "removed"
    memory.remove("SN-A")
    with pytest.raises(TokenError) as caught:
        memory.read_token("SN-A")
    assert caught.value.reason == "removed"


def test_a_key_pulled_out_during_the_read_is_removed_and_gone(memory: MemoryTokenReader) -> None:
    memory.remove_during_next_read = True
    with pytest.raises(TokenError) as caught:
        memory.read_token("SN-A")
    assert caught.value.reason == "removed"
    assert [t.serial for t in memory.list_tokens()] == ["SN-B"]
    with pytest.raises(TokenError):
        memory.read_token("SN-A")
    # Only the next read was affected.
    assert memory.read_token("SN-B").token.serial == "SN-B"


def test_flags_changed_elsewhere_show_on_the_next_listing(memory: MemoryTokenReader) -> None:
    memory.set_flags("SN-A", BASE | CKF_USER_PIN_COUNT_LOW)
    assert memory.list_tokens()[0].pin_state is PinState.COUNT_LOW
    assert memory.read_token("SN-A").token.pin_state is PinState.COUNT_LOW


def test_a_memory_reader_that_does_not_report_pin_flags_says_unknown(der: bytes) -> None:
    reader = MemoryTokenReader(reports_pin_flags=False)
    reader.insert(_token("SN-A", der))
    assert reader.list_tokens()[0].pin_state is PinState.UNKNOWN


def test_listing_and_reading_never_log_in(memory: MemoryTokenReader) -> None:
    for _ in range(3):
        for token in memory.list_tokens():
            memory.read_token(token.serial)
    memory.remove_during_next_read = True
    with pytest.raises(TokenError):
        memory.read_token("SN-B")
    assert memory.login_attempts == 0
    with pytest.raises(TokenError):
        memory.login("SN-A", "123456")
    assert memory.login_attempts == 1  # the counter does count


# -- several readers as one --


class _Closing(MemoryTokenReader):
    closed = 0

    def close(self) -> None:
        self.closed += 1


def test_multi_reader_merges_and_reads_from_the_right_reader(der: bytes) -> None:
    first, second = _Closing(), _Closing(reports_pin_flags=False)
    first.insert(_token("SN-1", der, "一号"))
    second.insert(MemoryToken("SN-2", "二号", certificates=[CertificateObject("only", "09", der)]))
    multi = MultiReader([first, second])
    assert [(t.serial, t.label) for t in multi.list_tokens()] == [
        ("SN-1", "一号"),
        ("SN-2", "二号"),
    ]
    reading = multi.read_token("SN-2")
    assert reading.token.label == "二号" and reading.token.pin_state is PinState.UNKNOWN
    assert [c.label for c in reading.certificates] == ["only"]
    assert [c.label for c in multi.read_token("SN-1").certificates] == ["sign", "enc"]
    with pytest.raises(TokenError) as caught:
        multi.read_token("SN-3")
    assert caught.value.reason == "removed"
    second.remove("SN-2")
    with pytest.raises(TokenError) as caught:
        multi.read_token("SN-2")
    assert caught.value.reason == "removed"
    multi.close()
    assert (first.closed, second.closed) == (1, 1)


# -- the demo tray --


def test_tray_plugs_memory_keys_in_and_out(der: bytes) -> None:
    reader = MemoryTokenReader()
    keys = {"华贸": _token("SN-A", der, "华贸"), "远洋": _token("SN-B", der, "远洋")}
    tray = DemoTray(None, reader, keys, {"华贸": "一切正常 / all fine"})
    assert tray.contents() == [
        TrayKey("华贸", "一切正常 / all fine", False),
        TrayKey("远洋", "", False),
    ]
    assert tray.toggle("远洋") is True
    assert [t.serial for t in reader.list_tokens()] == ["SN-B"]
    assert [k.plugged for k in tray.contents()] == [False, True]
    assert tray.toggle("华贸") is True
    assert tray.toggle("远洋") is False
    assert [t.serial for t in reader.list_tokens()] == ["SN-A"]
    with pytest.raises(KeyError):
        tray.toggle("no such key")


@pytest.fixture
def lab_reader(fresh_lab: SoftHsmLab) -> Iterator[Pkcs11Reader]:
    reader = Pkcs11Reader(SOFTHSM_MODULE, env=fresh_lab.env)
    yield reader
    reader.close()


def test_tray_plugs_softhsm_keys_in_and_out(
    fresh_lab: SoftHsmLab, lab_reader: Pkcs11Reader, der: bytes
) -> None:
    fresh_lab.create_token("LAB-ONE")
    fresh_lab.create_token("LAB-TWO")
    memory = MemoryTokenReader()
    tray = DemoTray(fresh_lab, memory, {"MEM": _token("SN-M", der, "MEM")}, {"LAB-ONE": "第一把"})

    def seen() -> list[str]:
        return sorted(t.label for t in lab_reader.list_tokens())

    assert tray.contents() == [
        TrayKey("LAB-ONE", "第一把", True),
        TrayKey("LAB-TWO", "", True),
        TrayKey("MEM", "", False),
    ]
    assert seen() == ["LAB-ONE", "LAB-TWO"]

    assert tray.toggle("LAB-ONE") is False
    assert not fresh_lab.is_plugged("LAB-ONE") and fresh_lab.is_plugged("LAB-TWO")
    assert seen() == ["LAB-TWO"]

    assert tray.toggle("LAB-TWO") is False
    assert seen() == []
    assert [k.plugged for k in tray.contents()] == [False, False, False]

    assert tray.toggle("LAB-ONE") is True
    assert fresh_lab.is_plugged("LAB-ONE")
    assert seen() == ["LAB-ONE"]
    serial = fresh_lab.serial_of("LAB-ONE")
    assert lab_reader.read_token(serial).token.label == "LAB-ONE"

    assert tray.toggle("MEM") is True
    assert [k.plugged for k in tray.contents()] == [True, False, True]
    assert seen() == ["LAB-ONE"]  # the memory key is not a SoftHSM token
    with pytest.raises(KeyError):
        tray.toggle("no such key")


# -- the demo's saved memory keys --


def test_memory_keys_survive_a_save_and_load(tmp_path: Path, der: bytes) -> None:
    keys = [
        _token("SN-A", der, "华贸-正常"),
        MemoryToken(
            "SN-B",
            "远洋-已锁定",
            flags=BASE | CKF_USER_PIN_LOCKED,
            certificates=[CertificateObject("broken", "", b"\x30\x82\x02\x00broken")],
            manufacturer="Feitian",
            model="ePass3003",
        ),
        MemoryToken("SN-C", "空钥匙"),
    ]
    descriptions = {"华贸-正常": "一切正常 / all fine", "远洋-已锁定": "PIN已锁定"}
    path = tmp_path / "memory-keys.json"
    save_memory_keys(path, keys, descriptions)
    assert "华贸-正常" in path.read_text("utf-8")  # readable Chinese, not \u escapes

    loaded, loaded_descriptions = load_memory_keys(path)
    assert loaded == {key.label: key for key in keys}
    assert loaded_descriptions == {**descriptions, "空钥匙": ""}

    reader = MemoryTokenReader()
    tray = DemoTray(None, reader, loaded, loaded_descriptions)
    tray.toggle("远洋-已锁定")
    (summary,) = reader.list_tokens()
    assert summary == TokenSummary(
        slot=0,
        label="远洋-已锁定",
        serial="SN-B",
        manufacturer="Feitian",
        model="ePass3003",
        flags=BASE | CKF_USER_PIN_LOCKED,
        pin_state=PinState.LOCKED,
    )
