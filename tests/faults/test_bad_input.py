"""Bad input at the counter: typed and scanned codes, configuration files, certificate bytes.

Each parser either returns a valid value or raises the project's own error (a
``KioskError`` whose catalog key exists and renders in Chinese and English; for certificate
objects ``UnreadableCertificate`` with a reason the catalog shows), never a bare
``ValueError``, ``IndexError`` or ``UnicodeError``. Valid codes built with their check
characters are accepted in every typing the counter meets; one character changed, refused.

The centre's API and the sync client under garbage: ``test_bad_input_central.py`` and
``test_bad_input_client.py``.
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc
from stdnum.iso7064 import mod_37_36

from kiosk.certificates import (
    MAX_CERTIFICATE_BYTES,
    CertificateFacts,
    UnreadableCertificate,
    parse_certificate,
)
from kiosk.config import ConfigError, Settings, load_settings
from kiosk.errors import ValidationError
from kiosk.rules.masking import MASK, mask_id_number, mask_phone
from kiosk.rules.resident_id import IdCheck, validate_resident_id
from kiosk.rules.tracking import TrackingCode, make_tracking_code, parse_tracking_code
from kiosk.rules.uscc import USCC_ALPHABET, validate_uscc
from kiosk.rules.workdays import LocalCalendar, load_local_calendar
from kiosk.services.mail_out import (
    WAYBILL_MAX_LENGTH,
    WAYBILL_MIN_LENGTH,
    validate_courier,
    validate_waybill,
)
from tests.faults.bad_input_helpers import (
    assert_own_error,
    assert_renders,
    bounded,
    hostile_text,
)

TODAY = datetime.date(2026, 11, 25)
CERTS = Path(__file__).resolve().parent.parent / "fixtures" / "certs"
FIXTURE_CERTS = sorted(CERTS.glob("*.der"))
DIGITS = "0123456789"


def full_width(text: str) -> str:
    """ASCII letters and digits as their full-width forms (as some input methods type them)."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


# How a valid code may reach the counter besides its plain form.
typings = st.sampled_from(
    [
        lambda code: code,
        str.lower,
        full_width,
        lambda code: f"  {code}\u3000",
        lambda code: " ".join(code),
        lambda code: "\u200b" + code + "\ufeff",
    ]
)


# --- USCC --------------------------------------------------------------------------------


@bounded(300)
@given(text=hostile_text)
def test_uscc_random_text_is_a_code_or_a_clear_refusal(text: str) -> None:
    try:
        code = validate_uscc(text)
    except ValidationError as error:
        assert_own_error(error)
        return
    assert len(code) == 18 and set(code) <= set(USCC_ALPHABET)
    assert stdnum_uscc.is_valid(code)
    assert validate_uscc(code) == code


valid_usccs = st.builds(
    lambda head, tail: head + tail + stdnum_uscc.calc_check_digit(head + tail),
    st.text(DIGITS, min_size=8, max_size=8),
    st.text(USCC_ALPHABET, min_size=9, max_size=9),
)


@bounded(200)
@given(code=valid_usccs, typing=typings)
def test_uscc_with_its_check_character_is_accepted_however_typed(code: str, typing: Any) -> None:
    assert validate_uscc(typing(code)) == code


@bounded(300)
@given(code=valid_usccs, position=st.integers(0, 17), data=st.data())
def test_uscc_with_one_character_changed_is_refused(
    code: str, position: int, data: st.DataObject
) -> None:
    replacement = data.draw(st.sampled_from(USCC_ALPHABET).filter(lambda c: c != code[position]))
    changed = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(ValidationError) as caught:
        validate_uscc(changed)
    assert_own_error(caught.value)
    assert caught.value.key in {"uscc.bad_check", "uscc.bad_format"}


# --- resident ID numbers ------------------------------------------------------------------


@bounded(300)
@given(text=hostile_text)
def test_id_number_random_text_is_a_number_or_a_clear_refusal(text: str) -> None:
    try:
        checked = validate_resident_id(text, today=TODAY)
    except ValidationError as error:
        assert_own_error(error)
        return
    assert isinstance(checked, IdCheck)
    assert len(checked.number) == 18 and checked.number[:17].isdigit()
    assert checked.number[17] in DIGITS + "X"
    assert datetime.date(1900, 1, 1) <= checked.birth_date <= TODAY
    for warning in checked.warnings:
        assert_renders(warning, {})


@bounded(300)
@given(text=st.text(DIGITS + "Xx \u3000-", min_size=14, max_size=20))
def test_id_number_digit_soup_is_a_number_or_a_clear_refusal(text: str) -> None:
    try:
        validate_resident_id(text, today=TODAY)
    except ValidationError as error:
        assert_own_error(error)


def _with_check(body: str) -> str:
    return body + stdnum_ric.calc_check_digit(body + "0")


valid_ids = st.builds(
    lambda area, born, sequence: _with_check(f"{area}{born:%Y%m%d}{sequence:03d}"),
    st.sampled_from(["110105", "110108", "130102", "310115", "440305", "999999"]),
    st.dates(datetime.date(1900, 1, 1), TODAY),
    st.integers(0, 999),
)


@bounded(200)
@given(number=valid_ids, typing=typings)
def test_id_number_with_its_check_digit_is_accepted_however_typed(number: str, typing: Any) -> None:
    checked = validate_resident_id(typing(number), today=TODAY)
    assert checked.number == number
    assert checked.birth_date == datetime.date(
        int(number[6:10]), int(number[10:12]), int(number[12:14])
    )
    assert set(checked.warnings) <= {"rid.unknown_area"}


@bounded(300)
@given(number=valid_ids, position=st.integers(0, 17), data=st.data())
def test_id_number_with_one_character_changed_is_refused(
    number: str, position: int, data: st.DataObject
) -> None:
    choices = DIGITS + ("X" if position == 17 else "")
    replacement = data.draw(st.sampled_from(choices).filter(lambda c: c != number[position]))
    changed = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(ValidationError) as caught:
        validate_resident_id(changed, today=TODAY)
    assert_own_error(caught.value)
    assert caught.value.key in {"rid.bad_check", "rid.bad_birth_date"}


# --- tracking codes -----------------------------------------------------------------------

valid_tracking = st.builds(
    make_tracking_code,
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2),
    st.integers(1, 99),
    st.dates(datetime.date(2000, 1, 1), datetime.date(2099, 12, 31)),
    st.integers(1, 9999),
)


@bounded(300)
@given(text=hostile_text)
def test_tracking_code_random_text_is_a_code_or_a_clear_refusal(text: str) -> None:
    try:
        code = parse_tracking_code(text)
    except ValidationError as error:
        assert_own_error(error)
        return
    assert isinstance(code, TrackingCode)
    assert parse_tracking_code(code.text()) == code


url_ish = st.lists(
    st.one_of(
        st.sampled_from(["https://", "http://", "/", "?", "c=", "&", "#", "%", "[", "]", ":", "@"]),
        st.text(st.characters(exclude_categories=()), max_size=6),
        st.text("BJ0123456789-Qx", max_size=8),
    ),
    max_size=10,
).map("".join)


@bounded(300)
@given(text=url_ish)
def test_tracking_code_url_garbage_is_a_code_or_a_clear_refusal(text: str) -> None:
    try:
        parse_tracking_code(text)
    except ValidationError as error:
        assert_own_error(error)


@bounded(200)
@given(code=valid_tracking, typing=typings, form=st.integers(0, 3))
def test_tracking_code_with_its_check_character_is_accepted_however_typed(
    code: TrackingCode, typing: Any, form: int
) -> None:
    text = [
        code.text(),
        code.body + code.check,
        f"https://www.licence.org.cn/track/{code.text()}",
        f"https://www.licence.org.cn/track/?c={code.text()}",
    ][form]
    typed = text if form >= 2 else typing(text)
    assert parse_tracking_code(typed) == code


@bounded(300)
@given(code=valid_tracking, position=st.integers(0, 14), data=st.data())
def test_tracking_code_with_one_character_changed_is_refused(
    code: TrackingCode, position: int, data: st.DataObject
) -> None:
    bare = code.body + code.check
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    replacement = data.draw(st.sampled_from(alphabet).filter(lambda c: c != bare[position]))
    changed = bare[:position] + replacement + bare[position + 1 :]
    assert mod_37_36.calc_check_digit(changed[:-1]) != changed[-1]
    with pytest.raises(ValidationError) as caught:
        parse_tracking_code(changed)
    assert_own_error(caught.value)


# --- masking (phones, ID numbers) and the mail-out fields ---------------------------------


@bounded(300)
@given(text=hostile_text)
def test_masks_never_raise_and_never_show_more_than_allowed(text: str) -> None:
    masked_id = mask_id_number(text)
    assert len(masked_id.replace(MASK, "")) <= 7
    masked_phone = mask_phone(text)
    shown = masked_phone.replace(MASK, "")
    assert shown.isascii() and (shown.isdigit() or not shown)
    assert len(shown) <= 7
    assert masked_phone.count(MASK) >= min(4, len(masked_phone))


@bounded(200)
@given(number=valid_ids, typing=typings)
def test_masked_id_number_never_shows_the_birth_date(number: str, typing: Any) -> None:
    masked = mask_id_number(typing(number))
    assert masked == number[:3] + MASK * 11 + number[-4:]


phones = st.builds(
    lambda prefix, digits, separator: separator.join([prefix, digits[:4], digits[4:]]),
    st.sampled_from(["138", "+86 139", "010", "０２１", "(0755)"]),
    st.text(DIGITS, min_size=8, max_size=8),
    st.sampled_from(["", " ", "-", "\u3000", "\u2014"]),
)


@bounded(200)
@given(phone=phones)
def test_masked_phone_hides_the_middle(phone: str) -> None:
    masked = mask_phone(phone)
    assert masked[-4:] == phone[-4:]
    assert masked.count(MASK) >= 4


@bounded(300)
@given(text=hostile_text)
def test_waybill_random_text_is_a_number_or_a_clear_refusal(text: str) -> None:
    try:
        waybill = validate_waybill(text)
    except ValidationError as error:
        assert_own_error(error)
        return
    assert waybill.isascii() and waybill.isalnum() and waybill == waybill.upper()
    assert WAYBILL_MIN_LENGTH <= len(waybill) <= WAYBILL_MAX_LENGTH
    assert validate_waybill(waybill) == waybill


@bounded(200)
@given(
    waybill=st.text(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
        min_size=WAYBILL_MIN_LENGTH,
        max_size=WAYBILL_MAX_LENGTH,
    ),
    typing=typings,
)
def test_waybill_however_typed_is_accepted(waybill: str, typing: Any) -> None:
    assert validate_waybill(typing(waybill)) == waybill


@bounded(200)
@given(text=hostile_text)
def test_courier_is_a_name_or_a_clear_refusal(text: str) -> None:
    try:
        courier = validate_courier(text)
    except ValidationError as error:
        assert_own_error(error)
        return
    assert courier == courier.strip() and courier


# --- configuration files ------------------------------------------------------------------


@contextmanager
def scratch_folder() -> Iterator[Path]:
    """A fresh folder for one example's files."""
    with tempfile.TemporaryDirectory(prefix="bad-input-") as folder:
        yield Path(folder)


def toml_key(name: str) -> str:
    """A TOML key: bare when it may be, quoted otherwise."""
    bare = name and all(c.isascii() and (c.isalnum() or c in "-_") for c in name)
    return name if bare else toml_value(name)


def toml_value(value: Any) -> str:
    """A TOML value for a Python one (enough for the shapes generated here)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return "nan"
        if value in (float("inf"), float("-inf")):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def toml_string(text: str) -> str:
    """A TOML basic string; lone surrogates (which no file can hold) are left out."""
    out = []
    for char in text:
        if 0xD800 <= ord(char) <= 0xDFFF:
            continue
        if char in '"\\':
            out.append("\\" + char)
        elif char.isprintable():
            out.append(char)
        else:
            out.append(f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


def toml_document(tables: dict[str, dict[str, Any]]) -> str:
    """``[table]`` sections of ``key = value`` lines."""
    lines = []
    for table, entries in tables.items():
        lines.append(f"[{toml_key(table)}]")
        lines.extend(f"{toml_key(key)} = {toml_value(value)}" for key, value in entries.items())
    return "\n".join(lines) + "\n"


toml_scalars = st.one_of(
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(),
    st.text(max_size=30),
    st.text(max_size=30).map(lambda t: t * 200),
    st.sampled_from(["BJ", "北京", "none", "file:/dev/null", "usb:0x0:ffff", "tcp://[::1]:0"]),
    st.sampled_from(["network:host:99999", "serial::x", "usb:" + "f" * 5000 + ":1"]),
    st.sampled_from(["zh", "en", "http://x", "https://", "ftp://x"]),
    st.dates(),
)
toml_values = st.recursive(
    toml_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)
SETTING_NAMES = {
    section: list(model.model_fields)
    for section, model in (
        (name, Settings.model_fields[name].annotation) for name in Settings.model_fields
    )
    if isinstance(model, type)
}
config_documents = st.dictionaries(
    st.one_of(st.sampled_from(sorted(SETTING_NAMES)), st.text(max_size=8)),
    st.deferred(
        lambda: st.dictionaries(
            st.one_of(
                st.sampled_from(sorted({n for names in SETTING_NAMES.values() for n in names})),
                st.text(max_size=8),
            ),
            toml_values,
            max_size=6,
        )
    ),
    max_size=5,
)


def check_load(path: Path) -> None:
    """``load_settings`` gives settings or a ``ConfigError`` that renders."""
    try:
        loaded = load_settings(path)
    except ConfigError as error:
        assert_own_error(error)
        return
    assert isinstance(loaded, Settings)
    assert 1 <= loaded.counter.counter_id <= 99


@bounded(200)
@given(text=st.text(st.characters(exclude_categories=("Cs",)), max_size=300))
def test_config_random_text_loads_or_is_a_config_error(text: str) -> None:
    with scratch_folder() as folder:
        path = folder / "kiosk.toml"
        path.write_text(text, "utf-8")
        check_load(path)


@bounded(100)
@given(raw=st.binary(max_size=300))
def test_config_random_bytes_load_or_are_a_config_error(raw: bytes) -> None:
    with scratch_folder() as folder:
        path = folder / "kiosk.toml"
        path.write_bytes(raw)
        check_load(path)


@bounded(200)
@given(document=config_documents, with_office=st.booleans())
def test_config_valid_toml_with_wrong_types_and_unknown_keys_is_a_config_error(
    document: dict[str, dict[str, Any]], with_office: bool
) -> None:
    if with_office:
        document = {**document, "counter": {"office": "BJ", **document.get("counter", {})}}
    with scratch_folder() as folder:
        path = folder / "kiosk.toml"
        path.write_text(toml_document(document), "utf-8")
        check_load(path)


@pytest.mark.parametrize(
    "text",
    [
        "[counter]\noffice = " + "[" * 5000 + "]" * 5000 + "\n",
        "[counter]\noffice = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n",
        '[counter]\noffice = "' + "京" * 1_000_000 + '"\n',
        '[counter]\noffice = "BJ"\ncounter_id = ' + "9" * 5000 + "\n",
        '[counter]\noffice = "BJ"\ncounter_id = 1e999\n',
        '[counter]\noffice = "BJ"\nidle_lock_minutes = nan\n',
        '[counter]\noffice = "BJ"\n[printer]\nconnection = "usb:' + "1" * 5000 + ':1"\n',
        '[counter]\noffice = "BJ"\n[token]\nmodule_env = { A = 1 }\n',
        '[counter]\noffice = "BJ"\n[database]\npath = "a\\u0000b"\n',
        "[" + "a." * 3000 + "a]\n",
        '\ufeff[counter]\noffice = "BJ"\n',
    ],
    ids=lambda text: text[:40],
)
def test_config_huge_and_deep_values_are_config_errors(tmp_path: Path, text: str) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, "utf-8")
    check_load(path)


def test_config_that_is_a_folder_or_missing_is_a_config_error(tmp_path: Path) -> None:
    for path in (tmp_path, tmp_path / "missing.toml"):
        with pytest.raises(ConfigError) as caught:
            load_settings(path)
        assert_own_error(caught.value)


holiday_tables = st.dictionaries(
    st.one_of(st.sampled_from(["2027", "2028", "0000", "２０２７"]), st.text(max_size=5)),
    st.one_of(
        toml_values,
        st.dictionaries(
            st.sampled_from(["days_off", "workdays", "other"]),
            st.one_of(
                toml_values,
                st.lists(
                    st.one_of(st.dates(), st.dates().map(str), st.text(max_size=12)), max_size=4
                ),
            ),
            max_size=3,
        ),
    ),
    max_size=3,
)


@bounded(200)
@given(tables=holiday_tables)
def test_holidays_file_loads_or_is_a_clear_refusal(tables: dict[str, Any]) -> None:
    lines = []
    for key, value in tables.items():
        if isinstance(value, dict):
            lines.append(toml_document({key: value}))
        else:
            lines.append(f"{toml_key(key)} = {toml_value(value)}\n")
    with scratch_folder() as folder:
        path = folder / "holidays.toml"
        path.write_text("".join(lines), "utf-8")
        check_holidays(path)


def check_holidays(path: Path) -> None:
    """``load_local_calendar`` gives a calendar or a ``ValidationError`` that renders."""
    try:
        calendar = load_local_calendar(path)
    except ValidationError as error:
        assert_own_error(error)
        return
    assert isinstance(calendar, LocalCalendar)


@pytest.mark.parametrize(
    "raw",
    [
        b"\xff\xfe[2027]",
        b"[2027]\ndays_off = " + b"[" * 5000 + b"]" * 5000 + b"\n",
        b"[2027]\ndays_off = [" + b'"2027-01-01", ' * 100_000 + b"]\n",
        b"[2027]\ndays_off = 2027-01-01T00:00:00\n",
        b"[2027]\ndays_off = [" + b"9" * 5000 + b"]\n",
    ],
    ids=["not-utf8", "deep", "huge", "datetime", "long-integer"],
)
def test_holidays_file_bad_bytes_are_a_clear_refusal(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "holidays.toml"
    path.write_bytes(raw)
    check_holidays(path)


# --- certificate bytes --------------------------------------------------------------------


def check_certificate(der: Any) -> CertificateFacts | None:
    """Facts, or ``UnreadableCertificate`` whose reason the certificate check shows."""
    try:
        return parse_certificate(der)
    except UnreadableCertificate as error:
        assert error.reason in {"empty", "too_large", "not_der"}
        assert_renders(f"verdict.unreadable_{error.reason}", {"label": "证书"})
        return None


@bounded(300)
@given(der=st.binary(max_size=2048))
def test_certificate_random_bytes_are_refused_clearly(der: bytes) -> None:
    assert check_certificate(der) is None


@bounded(300)
@given(der=st.binary(max_size=64).map(lambda tail: b"\x30\x82" + tail))
def test_certificate_random_sequence_is_refused_clearly(der: bytes) -> None:
    assert check_certificate(der) is None


@pytest.mark.parametrize("fixture", FIXTURE_CERTS, ids=lambda path: path.stem)
def test_certificate_fixtures_parse(fixture: Path) -> None:
    assert check_certificate(fixture.read_bytes()) is not None


@bounded(200)
@given(
    fixture=st.sampled_from(FIXTURE_CERTS),
    cut=st.floats(min_value=0, max_value=1, exclude_max=True),
)
def test_certificate_truncated_der_is_refused_clearly(fixture: Path, cut: float) -> None:
    der = fixture.read_bytes()
    assert check_certificate(der[: int(len(der) * cut)]) is None


@bounded(300)
@given(fixture=st.sampled_from(FIXTURE_CERTS), data=st.data())
def test_certificate_with_flipped_or_added_bytes_is_read_or_refused_clearly(
    fixture: Path, data: st.DataObject
) -> None:
    der = bytearray(fixture.read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(der) - 1))
        der[position] ^= data.draw(st.integers(1, 255))
    tail = data.draw(st.binary(max_size=8))
    check_certificate(bytes(der) + tail)


@pytest.mark.parametrize(
    "der",
    [
        b"",
        b"\x00" * (MAX_CERTIFICATE_BYTES + 1),
        (CERTS / "good_rsa.der").read_bytes() + b"\x00" * MAX_CERTIFICATE_BYTES,
        b"\x30\x84\xff\xff\xff\xff" + b"\x00" * 1000,
        b"\x30\x80" * 30_000,
        b"\x30" + b"\x82\xff\xff" + b"\x30\x82\xff\xfb" * 16_000,
    ],
    ids=["empty", "huge", "cert-plus-padding", "length-4g", "indefinite-nesting", "nested"],
)
def test_certificate_huge_or_hostile_bytes_are_refused_clearly(der: bytes) -> None:
    assert check_certificate(der) is None


def _other_objects() -> list[tuple[str, Any]]:
    """PEM and DER objects a key may hold that are not certificates, and wrong Python types."""
    good = (CERTS / "good_rsa.der").read_bytes()
    certificate = x509.load_der_x509_certificate(good)
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "x")]))
        .sign(key, hashes.SHA256())
    )
    return [
        ("pem", certificate.public_bytes(serialization.Encoding.PEM)),
        ("pem-text", certificate.public_bytes(serialization.Encoding.PEM).decode()),
        ("der-text", good.decode("latin-1")),
        (
            "private-key",
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
        ),
        (
            "public-key",
            key.public_key().public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            ),
        ),
        ("csr", csr.public_bytes(serialization.Encoding.DER)),
        ("utf8", "证书".encode()),
        ("none", None),
    ]


@pytest.mark.parametrize(
    "name,value", _other_objects(), ids=lambda v: v if isinstance(v, str) and len(v) < 20 else ""
)
def test_certificate_other_objects_and_types_are_refused_clearly(name: str, value: Any) -> None:
    assert check_certificate(value) is None


@pytest.mark.parametrize("wrap", [bytearray, memoryview], ids=["bytearray", "memoryview"])
def test_certificate_in_other_byte_containers_is_read_or_refused_clearly(wrap: Any) -> None:
    check_certificate(wrap((CERTS / "good_rsa.der").read_bytes()))


def test_helpers_reject_a_foreign_error() -> None:
    """The check itself fails on a plain ValueError (so a passing test means something)."""
    with pytest.raises(AssertionError):
        assert_own_error(ValueError("x"))
    with pytest.raises(AssertionError):
        assert_own_error(ValidationError("no.such.key"))
