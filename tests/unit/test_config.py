"""The configuration file: defaults, offices, relative paths, and one clear error per bad file."""

from __future__ import annotations

import json
import string
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.config import CENTRAL_TOKEN_ENV, EXAMPLE_CONFIG, ConfigError, Settings, load_settings
from tests.conftest import BASE_CONFIG

WriteConfig = Callable[..., Path]


@pytest.fixture(autouse=True)
def _no_token_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CENTRAL_TOKEN_ENV, raising=False)


def _config(**sections: str) -> str:
    """A valid file (office BJ) with extra lines added to the named sections."""
    parts = {"counter": 'office = "BJ"'}
    for name, lines in sections.items():
        parts[name] = (parts.get(name, "") + "\n" + lines).strip()
    return "".join(f"[{name}]\n{body}\n\n" for name, body in parts.items())


def _error(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    return caught.value


def _english(path: Path) -> str:
    message = _error(path).message("en")
    assert "Traceback" not in message
    assert "{" not in message
    return message


# --- a good file ---


def test_minimal_file_loads_with_defaults(write_config: WriteConfig) -> None:
    loaded = load_settings(write_config('[counter]\noffice = "BJ"\n'))
    assert loaded.counter.office == "BJ"
    assert loaded.counter.counter_id == 1
    assert loaded.counter.language == "zh"
    assert loaded.counter.idle_lock_minutes == 5
    assert loaded.rules.notice_deadline_workdays == 2
    assert loaded.rules.cancellation_ship_workdays == 2
    assert loaded.rules.holidays_file is None
    assert loaded.security.lockout_failures == 5
    assert loaded.token.module is None
    assert loaded.printer.connection.kind == "none"
    assert loaded.printer.paper_width_mm == 80
    assert loaded.central.url == ""
    assert loaded.central.token == ""
    assert loaded.office.name_zh == "北京市商务局"


def test_shared_test_config_loads(write_config: WriteConfig) -> None:
    loaded = load_settings(write_config(BASE_CONFIG))
    assert (loaded.counter.office, loaded.counter.counter_id) == ("BJ", 3)


def test_example_config_written_by_init_loads(write_config: WriteConfig) -> None:
    loaded = load_settings(write_config(EXAMPLE_CONFIG.format(office="SH", counter_id=7)))
    assert (loaded.counter.office, loaded.counter.counter_id) == ("SH", 7)
    assert loaded.rules.notice_deadline_workdays == 2


@pytest.mark.parametrize(
    ("office", "code"),
    [("BJ", "BJ"), ("bj", "BJ"), ("Js", "JS"), (" sz ", "SZ"), ("江苏省商务厅", "JS")],
)
def test_office_by_code_in_any_case_or_chinese_name(
    write_config: WriteConfig, office: str, code: str
) -> None:
    loaded = load_settings(write_config(f'[counter]\noffice = "{office}"\n'))
    assert loaded.counter.office == code
    assert loaded.office.code == code


def test_relative_paths_resolve_against_the_files_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "etc" / "kiosk"
    folder.mkdir(parents=True)
    path = folder / "kiosk.toml"
    path.write_text(
        _config(
            database='path = "data/kiosk.db"\nid_hash_key_file = "secret/id.key"',
            token='module = "lib/libvendor.so"',
            printer='connection = "file:receipts/out.bin"',
            rules='holidays_file = "holidays.toml"',
        ),
        "utf-8",
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)

    loaded = load_settings(Path("..") / "etc" / "kiosk" / "kiosk.toml")

    base = folder.resolve()
    assert loaded.database.path == base / "data" / "kiosk.db"
    assert loaded.database.id_hash_key_file == base / "secret" / "id.key"
    assert loaded.token.module == base / "lib" / "libvendor.so"
    assert loaded.printer.connection.path == str(base / "receipts" / "out.bin")
    assert loaded.rules.holidays_file == base / "holidays.toml"


def test_absolute_paths_are_kept(write_config: WriteConfig, tmp_path: Path) -> None:
    elsewhere = tmp_path / "other"
    loaded = load_settings(
        write_config(
            _config(
                database=f'path = "{elsewhere}/k.db"',
                token='module = "/usr/lib/softhsm/libsofthsm2.so"',
                printer='connection = "file:/dev/usb/lp0"',
            )
        )
    )
    assert loaded.database.path == elsewhere / "k.db"
    assert loaded.token.module == Path("/usr/lib/softhsm/libsofthsm2.so")
    assert loaded.printer.connection.path == "/dev/usb/lp0"


def test_default_database_files_sit_beside_the_config(write_config: WriteConfig) -> None:
    path = write_config('[counter]\noffice = "BJ"\n')
    loaded = load_settings(path)
    assert loaded.database.path == path.parent.resolve() / "kiosk.db"
    assert loaded.database.id_hash_key_file == path.parent.resolve() / "id-hash.key"


def test_printer_and_central_settings_are_parsed(write_config: WriteConfig) -> None:
    loaded = load_settings(
        write_config(
            _config(
                printer='connection = "usb:04b8:0202"\npaper_width_mm = 58',
                central='url = "https://hub.example.gov.cn/"\ntoken = "from-file"',
            )
        )
    )
    assert (loaded.printer.connection.vendor_id, loaded.printer.connection.product_id) == (
        0x04B8,
        0x0202,
    )
    assert loaded.printer.paper_width_mm == 58
    assert loaded.central.url == "https://hub.example.gov.cn"
    assert loaded.central.token == "from-file"


def test_environment_token_overrides_the_file(
    write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_config(_config(central='url = "https://hub.example"\ntoken = "from-file"'))
    monkeypatch.setenv(CENTRAL_TOKEN_ENV, "from-env")
    assert load_settings(path).central.token == "from-env"


def test_empty_environment_token_does_not_erase_the_file_token(
    write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_config(_config(central='token = "from-file"'))
    monkeypatch.setenv(CENTRAL_TOKEN_ENV, "")
    assert load_settings(path).central.token == "from-file"


# --- a bad file: one ConfigError naming the field and the problem ---


@pytest.mark.parametrize(
    ("text", "field", "problem"),
    [
        ('[counter]\noffice = "XX"\n', "counter.office", "not one of the 37 accepting"),
        ('[counter]\noffice = "上海市商务厅"\n', "counter.office", "not one of the 37"),
        (_config(counter="counter_id = 0"), "counter.counter_id", "greater than or equal to 1"),
        (_config(counter="counter_id = 100"), "counter.counter_id", "less than or equal to 99"),
        (_config(counter='counter_id = "three"'), "counter.counter_id", "valid integer"),
        (_config(counter="idle_lock_minute = 3"), "counter.idle_lock_minute", "unknown setting"),
        (_config(printr='connection = "none"'), "printr", "unknown setting"),
        ('[database]\npath = "k.db"\n', "counter", "required"),
        ("", "counter", "required"),
        ("[counter]\n", "counter.office", "required"),
        (_config(counter='language = "fr"'), "counter.language", "'zh' or 'en'"),
        (_config(counter="idle_lock_minutes = 0"), "counter.idle_lock_minutes", "greater than"),
        (_config(central='url = "ftp://x"'), "central.url", "must start with http://"),
        (_config(central='url = "http://hub.example.cn"'), "central.url", "must be https://"),
        (_config(printer='connection = "usb:zz:01"'), "printer.connection", "hexadecimal"),
        (_config(printer='connection = "lpt1"'), "printer.connection", "unknown printer kind"),
        (_config(printer="connection = 5"), "printer.connection", "must be text"),
        (_config(printer="paper_width_mm = 70"), "printer.paper_width_mm", "58 or 80"),
        (_config(rules="notice_deadline_workdays = 0"), "rules.notice_deadline_workdays", "1"),
        (_config(security="lockout_failures = 1"), "security.lockout_failures", "3"),
        (_config(token="module = 5"), "token.module", "path"),
    ],
)
def test_bad_setting_is_named_with_its_problem(
    write_config: WriteConfig, text: str, field: str, problem: str
) -> None:
    path = write_config(text)
    error = _error(path)
    assert error.key == "config.invalid"
    message = _english(path)
    assert str(path) in message
    assert f"  {field}: " in message
    line = next(line for line in message.splitlines() if line.startswith(f"  {field}: "))
    assert problem in line


def test_misspelt_key_is_an_unknown_setting(write_config: WriteConfig) -> None:
    message = _english(write_config(_config(counter="idle_lock_minute = 3")))
    assert "counter.idle_lock_minute: unknown setting (check the spelling)" in message


def test_missing_counter_section_says_required(write_config: WriteConfig) -> None:
    message = _english(write_config('[database]\npath = "k.db"\n'))
    assert "counter: required" in message


def test_several_problems_are_all_listed(write_config: WriteConfig) -> None:
    path = write_config(
        '[counter]\noffice = "XX"\ncounter_id = 100\nlanguage = "fr"\nidle_lock_minute = 1\n'
        '[central]\nurl = "ftp://x"\n[printer]\nconnection = "usb:zz:01"\n'
    )
    message = _english(path)
    fields = [line.split(":")[0].strip() for line in message.splitlines()[1:]]
    assert fields == [
        "counter.office",
        "counter.counter_id",
        "counter.language",
        "counter.idle_lock_minute",
        "printer.connection",
        "central.url",
    ]


def test_chinese_message_keeps_the_field_names(write_config: WriteConfig) -> None:
    path = write_config(_config(counter="counter_id = 0"))
    message = _error(path).message("zh")
    assert message.startswith(f"配置文件 {path} 有误")
    assert "counter.counter_id" in message


def test_invalid_toml_names_the_line(write_config: WriteConfig) -> None:
    path = write_config('[counter]\noffice = "BJ"\ncounter_id 3\n')
    error = _error(path)
    assert error.key == "config.bad_toml"
    message = _english(path)
    assert message.startswith(f"Configuration file {path} is not valid TOML")
    assert "line 3" in message


def test_deeply_nested_toml_is_a_config_error(write_config: WriteConfig) -> None:
    path = write_config("a = " + "[" * 5000 + "]" * 5000 + "\n")
    assert _error(path).key == "config.bad_toml"
    assert "nested too deeply" in _english(path)


def test_missing_file_says_how_to_make_one(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"
    error = _error(path)
    assert error.key == "config.not_found"
    message = _english(path)
    assert f"Configuration file {path} not found" in message
    assert "kiosk init" in message


def test_directory_instead_of_file_is_unreadable(tmp_path: Path) -> None:
    folder = tmp_path / "kiosk.toml"
    folder.mkdir()
    error = _error(folder)
    assert error.key == "config.unreadable"
    assert _english(folder).startswith(f"Cannot read {folder}: ")


def test_non_utf8_file_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_bytes('[counter]\noffice = "北京市商务局"\n'.encode("gb18030"))
    error = _error(path)
    assert error.key == "config.unreadable"
    message = _english(path)
    assert message.startswith(f"Cannot read {path}: ")
    assert "utf-8" in message


# --- whatever the text, load_settings raises nothing but ConfigError ---

_FIELDS = {
    "counter": ["office", "counter_id", "language", "idle_lock_minutes", "idle_lock_minute"],
    "database": ["path", "id_hash_key_file", "busy_timeout_ms"],
    "token": ["module"],
    "printer": ["connection", "paper_width_mm"],
    "central": ["url", "token", "tracking_url"],
    "rules": ["notice_deadline_workdays", "holidays_file", "expiry_warning_days"],
    "security": ["lockout_failures", "lockout_minutes"],
}
_INTERESTING_TEXT = [
    "BJ",
    "bj",
    "江苏省商务厅",
    "XX",
    "zh",
    "en",
    "fr",
    "none",
    "",
    "usb:04b8:0202",
    "usb:zz:01",
    "serial:/dev/ttyUSB0:115200",
    "network:host:9100",
    "network:[::1]:x",
    "file:",
    "file:out.bin",
    "http://hub",
    "ftp://x",
    "kiosk.db",
    "/abs/path",
]
_scalars = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(),
    st.booleans(),
    st.sampled_from(_INTERESTING_TEXT),
    st.text(max_size=20),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.text(string.ascii_lowercase, min_size=1, max_size=5), inner, max_size=3),
    ),
    max_leaves=6,
)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(repr(value), repr(value))
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    assert isinstance(value, dict)
    items = ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items())
    return "{" + items + "}"


@st.composite
def _config_documents(draw: st.DrawFn) -> str:
    """A TOML document of known and unknown sections and keys with arbitrary values."""
    section_names = st.one_of(st.sampled_from(sorted(_FIELDS)), st.text(min_size=1, max_size=8))
    sections = draw(st.dictionaries(section_names, st.just(None), max_size=5))
    text = ""
    for name in sections:
        keys = st.one_of(st.sampled_from(_FIELDS.get(name, ["x"])), st.text(max_size=8))
        table = draw(st.dictionaries(keys, _values, max_size=5))
        text += f"[{json.dumps(name, ensure_ascii=False)}]\n"
        text += "".join(f"{json.dumps(k)} = {_toml_value(v)}\n" for k, v in table.items())
    return text


_toml_ish_lines = st.lists(
    st.one_of(
        st.sampled_from([f"[{name}]" for name in _FIELDS] + ["[[counter]]", "[counter", "="]),
        st.builds(
            "{} = {}".format,
            st.sampled_from([field for fields in _FIELDS.values() for field in fields]),
            st.one_of(_scalars.map(_toml_value), st.text(max_size=15)),
        ),
        st.text(max_size=30),
    ),
    max_size=12,
).map("\n".join)


@pytest.fixture(scope="module")
def scratch_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("property") / "kiosk.toml"


def _loads_or_config_error(path: Path, text: str) -> None:
    path.write_text(text, "utf-8")
    try:
        loaded = load_settings(path)
    except ConfigError as error:
        for language in ("en", "zh"):
            message = error.message(language)
            assert message.strip()
            assert "Traceback" not in message
    else:
        assert isinstance(loaded, Settings)
        assert loaded.database.path.is_absolute()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_toml_ish_lines)
def test_any_toml_ish_text_gives_settings_or_config_error(scratch_file: Path, text: str) -> None:
    _loads_or_config_error(scratch_file, text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_config_documents())
def test_any_toml_document_gives_settings_or_config_error(scratch_file: Path, text: str) -> None:
    _loads_or_config_error(scratch_file, text)


@settings(max_examples=30, deadline=None)
@given(
    office=st.sampled_from(["BJ", "js", "江苏省商务厅"]),
    counter_id=st.integers(min_value=1, max_value=99),
    connection=st.sampled_from(["none", "usb:04b8:0202", "network:10.0.0.5", "file:out.bin"]),
)
def test_valid_documents_always_load(
    scratch_file: Path, office: str, counter_id: int, connection: str
) -> None:
    scratch_file.write_text(
        f'[counter]\noffice = "{office}"\ncounter_id = {counter_id}\n'
        f'[printer]\nconnection = "{connection}"\n',
        "utf-8",
    )
    loaded = load_settings(scratch_file)
    assert loaded.counter.counter_id == counter_id
    assert str(loaded.printer.connection).split(":")[0] == connection.split(":")[0]
