"""Connections to printers: a connection string picks a python-escpos printer class.

Transports only move bytes; our own encoded ticket goes through ``_raw`` (never
python-escpos' text path). Connection strings::

    usb:0x0416:0x5011[?in_ep=0x81&out_ep=0x03]   USB (needs pyusb)
    serial:/dev/ttyUSB0?baudrate=9600            serial port (pyserial)
    tcp:192.168.1.50:9100                        raw network port (9100 if omitted)
    cups:QueueName                               CUPS queue, raw (needs pycups)
    file:/dev/usb/lp0                            a device file (or any file)
    dummy:                                       in memory, for tests
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

log = logging.getLogger(__name__)

KINDS = ("usb", "serial", "tcp", "cups", "file", "dummy")


class ConnectionStringError(ValueError):
    """A connection string that cannot be understood."""


class LinkError(OSError):
    """The printer cannot be reached or the connection broke."""


class LinkClosed(LinkError):
    """The printer closed the connection."""


@dataclass(frozen=True)
class Connection:
    kind: str
    target: str
    options: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        query = "&".join(f"{k}={v}" for k, v in self.options.items())
        return f"{self.kind}:{self.target}" + (f"?{query}" if query else "")


def parse_connection(text: str) -> Connection:
    """Parse a connection string (see the module doc).

    Raises:
        ConnectionStringError: unknown kind, missing target or bad option.
    """
    kind, sep, rest = text.strip().partition(":")
    kind = {"network": "tcp", "lp": "file"}.get(kind, kind)
    if not sep or kind not in KINDS:
        raise ConnectionStringError(
            f"bad printer connection {text!r}: start with one of "
            + ", ".join(f"{k}:" for k in KINDS)
        )
    target, _, query = rest.partition("?")
    options = dict(parse_qsl(query, keep_blank_values=True))
    if kind != "dummy" and not target:
        raise ConnectionStringError(f"bad printer connection {text!r}: nothing after {kind}:")
    conn = Connection(kind, target, options)
    if kind == "usb":
        _usb_ids(conn)
    elif kind == "tcp":
        _host_port(conn)
    elif kind == "serial":
        _int_option(conn, "baudrate", 9600)
    return conn


def _int_option(conn: Connection, key: str, default: int) -> int:
    value = conn.options.get(key)
    if value is None:
        return default
    try:
        return int(value, 0)
    except ValueError as exc:
        raise ConnectionStringError(f"{conn}: {key} must be a number, not {value!r}") from exc


def _usb_ids(conn: Connection) -> tuple[int, int]:
    parts = conn.target.split(":")
    try:
        if len(parts) != 2:
            raise ValueError
        return int(parts[0], 16), int(parts[1], 16)
    except ValueError as exc:
        raise ConnectionStringError(
            f"{conn}: USB needs vendor and product ids, like usb:0x0416:0x5011"
        ) from exc


def _host_port(conn: Connection) -> tuple[str, int]:
    host, sep, port = conn.target.rpartition(":")
    if not sep:
        return conn.target, 9100
    try:
        number = int(port)
    except ValueError as exc:
        raise ConnectionStringError(f"{conn}: port must be a number, not {port!r}") from exc
    if not 0 < number < 65536:
        raise ConnectionStringError(f"{conn}: port out of range")
    return host.strip("[]"), number


class Link:
    """An open connection to one printer: send bytes, read status answers."""

    def __init__(self, conn: Connection, device: Any) -> None:
        self.conn = conn
        self.printer = device  # a python-escpos printer object

    @property
    def can_read(self) -> bool:
        """Whether this transport can carry the printer's answers at all."""
        return self.conn.kind in ("tcp", "serial", "usb")

    def send(self, data: bytes) -> None:
        """Send bytes.

        Raises:
            LinkError: the connection broke.
        """
        try:
            self.printer._raw(data)
            if self.conn.kind == "cups":
                self.printer.send()
        except LinkError:
            raise
        except Exception as exc:
            raise LinkError(f"{self.conn}: sending failed: {exc}") from exc

    def read(self, timeout_s: float) -> bytes:
        """Up to 16 bytes the printer sent; ``b""`` when it said nothing in time.

        Raises:
            LinkClosed: the printer closed the connection.
            LinkError: reading failed.
        """
        if not self.can_read:
            return b""
        dev = self.printer.device
        try:
            if self.conn.kind == "tcp":
                dev.settimeout(timeout_s)
                data = dev.recv(16)
                if not data:
                    raise LinkClosed(f"{self.conn}: the printer closed the connection")
                return bytes(data)
            if self.conn.kind == "serial":
                dev.timeout = timeout_s
                first = bytes(dev.read(1))  # read(16) would wait the whole timeout
                return first + bytes(dev.read(dev.in_waiting)) if first else b""
            return bytes(dev.read(self.printer.in_ep, 16, timeout=int(timeout_s * 1000)))
        except TimeoutError:
            return b""
        except LinkError:
            raise
        except ConnectionError as exc:
            raise LinkClosed(f"{self.conn}: {exc}") from exc
        except Exception as exc:
            if "timeout" in type(exc).__name__.lower() or "timed out" in str(exc).lower():
                return b""
            raise LinkError(f"{self.conn}: reading failed: {exc}") from exc

    def drain(self) -> None:
        """Throw away anything the printer sent before (stale answers)."""
        if self.conn.kind != "tcp":
            return
        with contextlib.suppress(LinkError):
            while self.read(0.001):
                pass

    def close(self) -> None:
        try:
            if self.conn.kind == "tcp" and self.printer.device:
                self.printer.device.close()
                self.printer.device = None
            else:
                self.printer.close()
        except Exception as exc:  # closing a broken connection may fail; nothing to save
            log.debug("closing %s: %s", self.conn, exc)


def open_link(conn: Connection | str, timeout_s: float = 5.0) -> Link:
    """Open the printer named by a connection (string or parsed).

    Raises:
        ConnectionStringError: the string is malformed.
        LinkError: the printer cannot be opened (absent, refused, missing driver library).
    """
    if isinstance(conn, str):
        conn = parse_connection(conn)
    from escpos import printer as ep  # imported on use: loads capability data

    needs = {
        "usb": (ep.Usb, "pyusb"),
        "cups": (ep.CupsPrinter, "pycups"),
        "serial": (ep.Serial, "pyserial"),
    }
    if conn.kind in needs and not needs[conn.kind][0].is_usable():
        raise LinkError(
            f"cannot open printer {conn}: install {needs[conn.kind][1]} for {conn.kind}"
        )
    try:
        device: Any
        if conn.kind == "tcp":
            host, port = _host_port(conn)
            device = ep.Network(host, port=port, timeout=timeout_s)
        elif conn.kind == "serial":
            device = ep.Serial(
                conn.target, baudrate=_int_option(conn, "baudrate", 9600), timeout=timeout_s
            )
        elif conn.kind == "usb":
            vendor, product = _usb_ids(conn)
            device = ep.Usb(
                vendor,
                product,
                timeout=int(timeout_s * 1000),
                in_ep=_int_option(conn, "in_ep", 0x82),
                out_ep=_int_option(conn, "out_ep", 0x01),
            )
        elif conn.kind == "cups":
            device = ep.CupsPrinter(conn.target)
        elif conn.kind == "file":
            device = ep.File(conn.target)
        else:
            device = ep.Dummy()
        if conn.kind != "dummy":
            device.open()
    except Exception as exc:  # python-escpos raises its own errors and RuntimeError
        detail = " ".join(str(exc).split())
        raise LinkError(f"cannot open printer {conn}: {detail}") from exc
    return Link(conn, device)
