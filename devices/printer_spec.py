"""The printer connection string of the configuration: ``none``, ``file:PATH``,
``usb:VID:PID``, ``serial:DEVICE[:BAUD]`` or ``network:HOST[:PORT]``."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

PrinterKind = Literal["none", "file", "usb", "serial", "network"]
DEFAULT_NETWORK_PORT = 9100
DEFAULT_BAUD = 9600


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
                return f"network:{self.host}:{self.port}"
            case _:
                return "none"


def parse_printer_spec(text: str) -> PrinterSpec:
    """Parse a connection string; raises ValueError with a message naming the problem."""
    spec = text.strip()
    kind, _, rest = spec.partition(":")
    kind = kind.lower()
    if kind in ("", "none"):
        return PrinterSpec(kind="none")
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
        "serial:DEVICE[:BAUD] or network:HOST[:PORT]"
    )


def _parse_usb(rest: str) -> PrinterSpec:
    parts = rest.split(":")
    if len(parts) != 2:
        raise ValueError("usb: needs vendor and product id in hex, e.g. usb:04b8:0202")
    try:
        vendor_id, product_id = (int(part, 16) for part in parts)
    except ValueError:
        raise ValueError(f"usb ids must be hexadecimal, got {rest!r}") from None
    if not (0 < vendor_id <= 0xFFFF and 0 < product_id <= 0xFFFF):
        raise ValueError(f"usb ids must be between 0001 and ffff, got {rest!r}")
    return PrinterSpec(kind="usb", vendor_id=vendor_id, product_id=product_id)


def _parse_serial(rest: str) -> PrinterSpec:
    device, _, baud_text = rest.partition(":")
    if not device:
        raise ValueError("serial: needs a device, e.g. serial:/dev/ttyUSB0:9600")
    baudrate = DEFAULT_BAUD
    if baud_text:
        if not baud_text.isdigit() or int(baud_text) <= 0:
            raise ValueError(f"serial speed must be a positive number, got {baud_text!r}")
        baudrate = int(baud_text)
    return PrinterSpec(kind="serial", path=device, baudrate=baudrate)


def _parse_network(rest: str) -> PrinterSpec:
    host, _, port_text = rest.rpartition(":") if rest.count(":") == 1 else (rest, "", "")
    if not host:
        raise ValueError("network: needs a host, e.g. network:192.168.1.50:9100")
    port = DEFAULT_NETWORK_PORT
    if port_text:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ValueError(f"network port must be 1-65535, got {port_text!r}")
        port = int(port_text)
    return PrinterSpec(kind="network", host=host, port=port)
