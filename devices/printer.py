"""The receipt printer: send bytes, and ask its status where it can answer.

Connections come from python-escpos (network, USB, serial, file). Nothing waits forever:
connecting, writing and status questions all have a timeout. A printer that does not
answer its status is "unknown", never "ok".
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import threading
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from escpos.exceptions import DeviceNotFoundError

from devices.printer_spec import PrinterSpec


class PrinterState(StrEnum):
    """What the printer says of itself."""

    ONLINE = "online"
    PAPER_LOW = "paper_low"
    PAPER_OUT = "paper_out"
    OFFLINE = "offline"
    UNREACHABLE = "unreachable"
    UNKNOWN = "unknown"
    NOT_CONFIGURED = "not_configured"


class PrinterError(Exception):
    """A print that did not happen; ``reason`` is one of ``refused``, ``timeout``,
    ``paper_out``, ``offline``, ``not_found``, ``not_configured`` or ``failed``."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class ReceiptPrinter(Protocol):
    """Where receipt bytes go."""

    def send(self, data: bytes) -> None:
        """Print ``data``; PrinterError says why not."""
        ...

    def status(self) -> PrinterState:
        """Ask the printer how it is (UNKNOWN when it cannot say)."""
        ...


class NoPrinter:
    """No printer configured: every print fails plainly."""

    def send(self, data: bytes) -> None:
        """Refuse: there is nothing to print on."""
        raise PrinterError("not_configured")

    def status(self) -> PrinterState:
        """Always NOT_CONFIGURED."""
        return PrinterState.NOT_CONFIGURED


@dataclass
class MemoryPrinter:
    """A printer in memory for tests: keeps what it was sent, or fails as told."""

    state: PrinterState = PrinterState.ONLINE
    fail_with: str | None = None
    printed: list[bytes] | None = None

    def send(self, data: bytes) -> None:
        """Keep the bytes, or raise the failure set in ``fail_with``."""
        if self.fail_with is not None:
            raise PrinterError(self.fail_with)
        self.printed = [*(self.printed or []), data]

    def status(self) -> PrinterState:
        """The state set on it."""
        return self.state


class EscposPrinter:
    """A real printer through python-escpos, chosen by the configuration's spec.

    Args:
        spec: where the printer is.
        timeout_s: the longest any connect, write or status answer may take.
        query_status: ask the printer's status before and after a network print (a
            printer that takes the bytes but never answers is then caught as failed).
    """

    def __init__(
        self, spec: PrinterSpec, timeout_s: float = 5.0, query_status: bool = True
    ) -> None:
        self.spec = spec
        self.timeout_s = timeout_s
        self.query_status = query_status
        # Many printers take one connection (port 9100, one USB claim) at a time: the
        # status poll and a print must not run together.
        self._lock = threading.Lock()

    def _connect(self) -> Any:
        from escpos import printer as escpos_printer

        spec = self.spec
        if spec.kind == "network":
            device = escpos_printer.Network(spec.host, spec.port, timeout=self.timeout_s)
            # create_connection: IPv4 or IPv6, with the connect timeout.
            device.device = socket.create_connection((spec.host, spec.port), self.timeout_s)
            device.device.settimeout(self.timeout_s)
            return device
        if spec.kind == "file":
            return _FileDevice(Path(spec.path), self.timeout_s)
        if spec.kind == "usb":
            device = escpos_printer.Usb(
                spec.vendor_id, spec.product_id, timeout=int(self.timeout_s * 1000)
            )
        elif spec.kind == "serial":
            device = escpos_printer.Serial(
                spec.path, baudrate=spec.baudrate, timeout=self.timeout_s
            )
        else:
            raise PrinterError("not_configured")
        device.open()
        if spec.kind == "serial":
            device.device.write_timeout = self.timeout_s
        return device

    def send(self, data: bytes) -> None:
        """Connect, check, write and (where the printer answers) confirm; close in any case."""
        with self._lock:
            device = None
            try:
                device = self._connect()
                if self._answers_status():
                    self._refuse_if_unready(device)
                device._raw(data)
                if self._answers_status():
                    self._refuse_if_unready(device)
            except PrinterError:
                raise
            except Exception as error:  # every device failure ends as a plain reason
                raise PrinterError(_reason_of(error), _one_line(error)) from None
            finally:
                if device is not None:
                    _close_quietly(device)

    def status(self) -> PrinterState:
        """Online, paper low or out, offline; UNKNOWN when the printer cannot answer."""
        if not self._answers_status():
            return PrinterState.UNKNOWN
        with self._lock:
            device = None
            try:
                device = self._connect()
                return _state_of(device)
            except PrinterError as error:
                return _state_for_failure(error.reason)
            except Exception as error:
                return _state_for_failure(_reason_of(error))
            finally:
                if device is not None:
                    _close_quietly(device)

    def _answers_status(self) -> bool:
        return self.query_status and self.spec.kind in ("network", "usb", "serial")

    def _refuse_if_unready(self, device: Any) -> None:
        state = _state_of(device)
        if state is PrinterState.PAPER_OUT:
            raise PrinterError("paper_out")
        if state is PrinterState.OFFLINE:
            raise PrinterError("offline")


def _state_of(device: Any) -> PrinterState:
    """Ask online and paper status (DLE EOT); a missing answer raises TimeoutError."""
    if not device.is_online():
        return PrinterState.OFFLINE
    paper = device.paper_status()  # 2 present, 1 near end, 0 out
    if paper == 0:
        return PrinterState.PAPER_OUT
    if paper == 1:
        return PrinterState.PAPER_LOW
    return PrinterState.ONLINE


def _reason_of(error: BaseException) -> str:
    """The plain reason for a device failure (python-escpos wraps socket errors)."""
    if isinstance(error, PrinterError):
        return error.reason
    text = str(error).lower()
    name = type(error).__name__.lower()
    if isinstance(error, ConnectionRefusedError) or "refused" in text:
        return "refused"
    if isinstance(error, TimeoutError) or "timeout" in name or "timed out" in text:
        return "timeout"
    if isinstance(error, DeviceNotFoundError | FileNotFoundError) or "not found" in text:
        return "not_found"
    return "failed"


def _one_line(error: BaseException) -> str:
    return " ".join(f"{type(error).__name__}: {error}".split())


def _state_for_failure(reason: str) -> PrinterState:
    return PrinterState.UNKNOWN if reason == "timeout" else PrinterState.UNREACHABLE


class _FileDevice:
    """A file or device node (e.g. /dev/usb/lp0) written without ever blocking for good:
    opened non-blocking, each chunk waits at most the timeout for the device to take it.
    Plain files are appended to, so a file "printer" keeps every receipt."""

    def __init__(self, path: Path, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        if not path.parent.exists():
            raise PrinterError("not_found", str(path))
        flags = os.O_WRONLY | os.O_NONBLOCK
        if not path.exists() or path.is_file():
            flags |= os.O_CREAT | os.O_APPEND
        try:
            self._fd = os.open(path, flags, 0o640)
        except FileNotFoundError as error:
            raise PrinterError("not_found", str(error)) from None

    def _raw(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            _, ready, _ = select.select([], [self._fd], [], self.timeout_s)
            if not ready:
                raise PrinterError("timeout", "the device did not take the data")
            try:
                written = os.write(self._fd, view)
            except BlockingIOError:
                continue
            view = view[written:]

    def close(self) -> None:
        os.close(self._fd)


def _close_quietly(device: Any) -> None:
    # Closing a broken connection must not hide the real outcome.
    with contextlib.suppress(Exception):
        device.close()


def printer_for(
    spec: PrinterSpec, timeout_s: float = 5.0, query_status: bool = True
) -> ReceiptPrinter:
    """The printer a configuration describes (NoPrinter for ``none``)."""
    if spec.kind == "none":
        return NoPrinter()
    return EscposPrinter(spec, timeout_s, query_status)
