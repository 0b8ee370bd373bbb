"""The printer connection string: every form parses, every malformed one says what is wrong."""

from __future__ import annotations

import pytest

from devices.printer_spec import (
    DEFAULT_BAUD,
    DEFAULT_NETWORK_PORT,
    PrinterSpec,
    parse_printer_spec,
)


@pytest.mark.parametrize("text", ["none", "", "  ", "NONE", " none "])
def test_none_and_empty_mean_no_printer(text: str) -> None:
    assert parse_printer_spec(text) == PrinterSpec(kind="none")


def test_file_keeps_its_path() -> None:
    spec = parse_printer_spec("file:/dev/usb/lp0")
    assert spec.kind == "file"
    assert spec.path == "/dev/usb/lp0"


def test_file_path_may_contain_colons() -> None:
    assert parse_printer_spec("file:receipts/a:b.bin").path == "receipts/a:b.bin"


def test_usb_ids_are_hexadecimal_ints() -> None:
    spec = parse_printer_spec("usb:04b8:0202")
    assert spec.kind == "usb"
    assert (spec.vendor_id, spec.product_id) == (0x04B8, 0x0202)


@pytest.mark.parametrize("text", ["USB:04B8:0202", "usb:4b8:202", "usb:0x04b8:0x0202"])
def test_usb_accepts_case_short_ids_and_0x(text: str) -> None:
    spec = parse_printer_spec(text)
    assert (spec.vendor_id, spec.product_id) == (0x04B8, 0x0202)


def test_serial_defaults_to_9600_baud() -> None:
    spec = parse_printer_spec("serial:/dev/ttyUSB0")
    assert spec.kind == "serial"
    assert spec.path == "/dev/ttyUSB0"
    assert spec.baudrate == DEFAULT_BAUD == 9600


def test_serial_takes_a_speed() -> None:
    spec = parse_printer_spec("serial:/dev/ttyUSB0:115200")
    assert (spec.path, spec.baudrate) == ("/dev/ttyUSB0", 115200)


def test_network_defaults_to_port_9100() -> None:
    spec = parse_printer_spec("network:printer.local")
    assert spec.kind == "network"
    assert (spec.host, spec.port) == ("printer.local", DEFAULT_NETWORK_PORT)
    assert DEFAULT_NETWORK_PORT == 9100


def test_network_takes_a_port() -> None:
    spec = parse_printer_spec("network:192.168.1.50:9101")
    assert (spec.host, spec.port) == ("192.168.1.50", 9101)


@pytest.mark.parametrize(
    ("text", "host", "port"),
    [
        ("network:fe80::1", "fe80::1", 9100),
        ("network:[fd00::50]", "fd00::50", 9100),
        ("network:[fd00::50]:9101", "fd00::50", 9101),
    ],
)
def test_network_accepts_ipv6(text: str, host: str, port: int) -> None:
    spec = parse_printer_spec(text)
    assert (spec.host, spec.port) == (host, port)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("none", "none"),
        ("file:/dev/usb/lp0", "file:/dev/usb/lp0"),
        ("usb:04b8:0202", "usb:04b8:0202"),
        ("usb:4B8:202", "usb:04b8:0202"),
        ("serial:/dev/ttyUSB0", "serial:/dev/ttyUSB0:9600"),
        ("serial:/dev/ttyUSB0:115200", "serial:/dev/ttyUSB0:115200"),
        ("network:printer.local", "network:printer.local:9100"),
        ("network:192.168.1.50:9101", "network:192.168.1.50:9101"),
        ("network:fe80::1", "network:[fe80::1]:9100"),
    ],
)
def test_str_is_canonical_and_round_trips(text: str, expected: str) -> None:
    spec = parse_printer_spec(text)
    assert str(spec) == expected
    assert parse_printer_spec(str(spec)) == spec


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("lpt:1", ["unknown printer kind", "'lpt'", "network:HOST[:PORT]"]),
        (":x", ["unknown printer kind"]),
        ("none:x", ["none takes nothing"]),
        ("file:", ["file: needs a path", "file:/dev/usb/lp0"]),
        ("usb:", ["usb: needs vendor and product id", "usb:04b8:0202"]),
        ("usb:04b8", ["usb: needs vendor and product id"]),
        ("usb:04b8:0202:1", ["usb: needs vendor and product id"]),
        ("usb:zz:01", ["hexadecimal", "'zz:01'"]),
        ("usb:04_b8:0202", ["hexadecimal"]),
        ("usb: 4b8:202", ["hexadecimal"]),
        ("usb:0:0202", ["between 0001 and ffff"]),
        ("usb:10000:0202", ["between 0001 and ffff"]),
        ("serial:", ["serial: needs a device", "serial:/dev/ttyUSB0"]),
        ("serial::9600", ["serial: needs a device"]),
        ("serial:/dev/ttyUSB0:fast", ["serial speed", "'fast'"]),
        ("serial:/dev/ttyUSB0:0", ["serial speed must be a positive number"]),
        ("serial:/dev/ttyUSB0:-1", ["serial speed"]),
        ("serial:/dev/ttyUSB0:", ["serial speed"]),
        ("serial:/dev/ttyUSB0:²", ["serial speed"]),
        ("serial:/dev/ttyUSB0:9600:1", ["serial speed"]),
        ("network:", ["network: needs a host", "network:192.168.1.50:9100"]),
        ("network::9100", ["network: needs a host"]),
        ("network:host:", ["network port must be 1-65535"]),
        ("network:host:0", ["1-65535", "'0'"]),
        ("network:host:65536", ["1-65535", "'65536'"]),
        ("network:host:http", ["1-65535", "'http'"]),
        ("network:host:٩١٠٠", ["1-65535"]),
        ("network:host:9100:1", ["HOST or HOST:PORT", "[ADDRESS]:PORT"]),
        ("network:[printer]:9100", ["[ADDRESS]:PORT"]),
        ("network:[::1]9100", ["[ADDRESS]:PORT"]),
        ("network:[::1", ["[ADDRESS]:PORT"]),
    ],
)
def test_malformed_spec_raises_a_helpful_value_error(text: str, words: list[str]) -> None:
    with pytest.raises(ValueError) as caught:
        parse_printer_spec(text)
    message = str(caught.value)
    for word in words:
        assert word in message
