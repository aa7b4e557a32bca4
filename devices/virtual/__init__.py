"""Virtual twins of pads, keypads and LED bars on pseudo-terminal pairs.

A :class:`VirtualBus` owns a pty pair and a stable path (a symlink to the pty's
slave side) that a :class:`devices.link.SerialLink` opens like a real port; devices
on it answer by address. Fault switches: unplug/replug (the path vanishes and comes
back), garbage, slow bytes (bus-wide), and per device silent, no acknowledgement and
bad checksum.
"""

from devices.virtual.bus import VirtualBus
from devices.virtual.twins import (
    Faults,
    VirtualBar,
    VirtualDevice,
    VirtualKeypad,
    VirtualPad,
)

__all__ = ["Faults", "VirtualBar", "VirtualBus", "VirtualDevice", "VirtualKeypad", "VirtualPad"]
