"""The printer connection string of the configuration: ``none``, ``file:PATH``,
``usb:VID:PID``, ``serial:DEVICE[:BAUD]`` or ``network:HOST[:PORT]`` (an IPv6 address with
a port is written ``network:[ADDRESS]:PORT``)."""

from __future__ import annotations

import ipaddress
import re
from typing import Literal

from pydantic import BaseModel

PrinterKind = Literal["none", "file", "usb", "serial", "network"]
DEFAULT_NETWORK_PORT = 9100
DEFAULT_BAUD = 9600
_HEX_ID = re.compile(r"(?:0[xX])?[0-9A-Fa-f]+")


class PrinterSpec(BaseModel, frozen=True):
    """Where the receipt printer is; which fields are set depends on ``kind``."""

    kind: PrinterKind
    path: str = ""
    vendor_id: int = 0
    product_id: int = 0
    baudrate: int = DEFAULT_BAUD
    host: str = ""
    port: int = DEFAULT_NETWORK_PORT

    def __str__(self) -> str:
        match self.kind:
            case "file":
                return f"file:{self.path}"
            case "usb":
                return f"usb:{self.vendor_id:04x}:{self.product_id:04x}"
            case "serial":
                return f"serial:{self.path}:{self.baudrate}"
            case "network":
                host = f"[{self.host}]" if ":" in self.host else self.host  # IPv6
                return f"network:{host}:{self.port}"
            case _:
                return "none"


def parse_printer_spec(text: str) -> PrinterSpec:
    """Parse a connection string; raises ValueError with a message naming the problem."""
    spec = text.strip()
    if spec.lower().startswith("tcp://"):  # tcp://HOST:PORT, as print-test examples write it
        return _parse_network(spec[len("tcp://") :])
    kind, _, rest = spec.partition(":")
    kind = kind.lower()
    if kind in ("", "none") and not rest:
        return PrinterSpec(kind="none")
    if kind == "none":
        raise ValueError(f"none takes nothing after it, got {spec!r}")
    if kind == "file":
        if not rest:
            raise ValueError("file: needs a path, e.g. file:/dev/usb/lp0")
        return PrinterSpec(kind="file", path=rest)
    if kind == "usb":
        return _parse_usb(rest)
    if kind == "serial":
        return _parse_serial(rest)
    if kind == "network":
        return _parse_network(rest)
    raise ValueError(
        f"unknown printer kind {kind!r}: use none, file:PATH, usb:VID:PID, "
        "serial:DEVICE[:BAUD], network:HOST[:PORT] or tcp://HOST:PORT"
    )


def _parse_usb(rest: str) -> PrinterSpec:
    parts = rest.split(":")
    if len(parts) != 2:
        raise ValueError("usb: needs vendor and product id in hex, e.g. usb:04b8:0202")
    if not all(_HEX_ID.fullmatch(part) for part in parts):
        raise ValueError(f"usb ids must be hexadecimal, got {rest!r}")
    vendor_id, product_id = (int(part, 16) for part in parts)
    if not (0 < vendor_id <= 0xFFFF and 0 < product_id <= 0xFFFF):
        raise ValueError(f"usb ids must be between 0001 and ffff, got {rest!r}")
    return PrinterSpec(kind="usb", vendor_id=vendor_id, product_id=product_id)


def _parse_serial(rest: str) -> PrinterSpec:
    device, colon, baud_text = rest.partition(":")
    if not device:
        raise ValueError("serial: needs a device, e.g. serial:/dev/ttyUSB0:9600")
    baudrate = DEFAULT_BAUD
    if colon:
        if not _is_number(baud_text) or int(baud_text) <= 0:
            raise ValueError(f"serial speed must be a positive number, got {baud_text!r}")
        baudrate = int(baud_text)
    return PrinterSpec(kind="serial", path=device, baudrate=baudrate)


def _parse_network(rest: str) -> PrinterSpec:
    if rest.startswith("["):  # [IPv6 address] or [IPv6 address]:PORT
        host, bracket, after = rest[1:].partition("]")
        if not bracket or not _is_ipv6(host) or (after and not after.startswith(":")):
            raise ValueError(f"network: write an IPv6 address as [ADDRESS]:PORT, got {rest!r}")
        colon, port_text = after[:1], after[1:]
    elif rest.count(":") > 1:  # a bare IPv6 address (no port), or one colon too many
        if not _is_ipv6(rest):
            raise ValueError(
                f"network: expected HOST or HOST:PORT, got {rest!r} "
                "(write an IPv6 address with a port as [ADDRESS]:PORT)"
            )
        host, colon, port_text = rest, "", ""
    else:
        host, colon, port_text = rest.partition(":")
    if not host:
        raise ValueError("network: needs a host, e.g. network:192.168.1.50:9100")
    port = DEFAULT_NETWORK_PORT
    if colon:
        if not _is_number(port_text) or not 0 < int(port_text) < 65536:
            raise ValueError(f"network port must be 1-65535, got {port_text!r}")
        port = int(port_text)
    return PrinterSpec(kind="network", host=host, port=port)


def _is_number(text: str) -> bool:
    """ASCII digits only (``str.isdigit`` also accepts ``²`` and other scripts' digits)."""
    return text.isascii() and text.isdigit()


def _is_ipv6(text: str) -> bool:
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True
