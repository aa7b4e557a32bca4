"""What is plugged in: serial ports (pyserial) and USB printers (pyusb, or Linux sysfs)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

USB_PRINTER_CLASS = 0x07


@dataclass(frozen=True)
class PortInfo:
    device: str
    description: str
    vid: int | None = None
    pid: int | None = None
    serial_number: str | None = None

    def ids(self) -> str:
        return "" if self.vid is None or self.pid is None else f"{self.vid:04x}:{self.pid:04x}"


@dataclass(frozen=True)
class UsbPrinter:
    vid: int
    pid: int
    description: str
    where: str


def serial_ports() -> list[PortInfo]:
    """Serial ports the OS knows (empty when there are none)."""
    from serial.tools import list_ports

    out = []
    for port in sorted(list_ports.comports(), key=lambda p: p.device):
        out.append(PortInfo(port.device, port.description or "", port.vid, port.pid,
                            port.serial_number))
    return out


def usb_printers(sysfs: Path = Path("/sys/bus/usb/devices")) -> tuple[list[UsbPrinter], str]:
    """USB devices with a printer-class interface, and how they were found
    (``pyusb``, ``sysfs`` or why not at all)."""
    import importlib

    usb_core: Any = None
    try:
        usb_core = importlib.import_module("usb.core")
    except ImportError:
        pass
    if usb_core is not None:
        try:
            found = []
            for dev in usb_core.find(find_all=True) or []:
                if _usb_has_printer_interface(dev):
                    found.append(UsbPrinter(dev.idVendor, dev.idProduct, _usb_name(dev),
                                            f"bus {dev.bus} address {dev.address}"))
            return found, "pyusb"
        except Exception as exc:  # no libusb backend, no permission…
            log.debug("pyusb failed: %s", exc)
    if sysfs.is_dir():
        return _sysfs_printers(sysfs), "sysfs"
    return [], "no pyusb and no /sys: cannot look for USB printers"


def _usb_has_printer_interface(dev: object) -> bool:
    try:
        for config in dev:  # type: ignore[attr-defined]
            for interface in config:
                if interface.bInterfaceClass == USB_PRINTER_CLASS:
                    return True
    except Exception:
        return False
    return False


def _usb_name(dev: object) -> str:
    try:
        import usb.util

        maker = usb.util.get_string(dev, dev.iManufacturer) or ""  # type: ignore[attr-defined]
        product = usb.util.get_string(dev, dev.iProduct) or ""  # type: ignore[attr-defined]
        return f"{maker} {product}".strip()
    except Exception:
        return ""


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""


def _sysfs_printers(root: Path) -> list[UsbPrinter]:
    seen: dict[str, UsbPrinter] = {}
    for interface in sorted(root.glob("*:*")):
        if _read(interface / "bInterfaceClass") != f"{USB_PRINTER_CLASS:02x}":
            continue
        device = root / interface.name.split(":")[0]
        vid, pid = _read(device / "idVendor"), _read(device / "idProduct")
        if not vid or not pid or device.name in seen:
            continue
        name = f"{_read(device / 'manufacturer')} {_read(device / 'product')}".strip()
        seen[device.name] = UsbPrinter(int(vid, 16), int(pid, 16), name, f"usb {device.name}")
    return list(seen.values())
