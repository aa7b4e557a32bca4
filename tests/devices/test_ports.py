"""USB printers found through a sysfs tree (the fallback when pyusb is absent)."""

from __future__ import annotations

from pathlib import Path

from devices.ports import _sysfs_printers, serial_ports


def make_device(root: Path, name: str, vid: str, pid: str, classes: list[str]) -> None:
    device = root / name
    device.mkdir()
    (device / "idVendor").write_text(vid + "\n")
    (device / "idProduct").write_text(pid + "\n")
    (device / "manufacturer").write_text("Xprinter\n")
    (device / "product").write_text("XP-58\n")
    for i, cls in enumerate(classes):
        interface = root / f"{name}:1.{i}"
        interface.mkdir()
        (interface / "bInterfaceClass").write_text(cls + "\n")


def test_printer_class_interfaces_are_listed_once(tmp_path: Path) -> None:
    make_device(tmp_path, "1-1", "0416", "5011", ["07", "07"])
    make_device(tmp_path, "1-2", "1a86", "7523", ["ff"])  # a USB-serial adapter
    printers = _sysfs_printers(tmp_path)
    assert [(p.vid, p.pid, p.description) for p in printers] == [(0x0416, 0x5011, "Xprinter XP-58")]


def test_serial_ports_never_fail() -> None:
    assert isinstance(serial_ports(), list)
