"""Hardware profiles of pads, keypads and LED bars as frozen dataclasses.

Built on the shared loader (:mod:`hall.profiles`): ``load_pad("ff68-4key")`` reads
``hardware_profiles/pads/ff68-4key.toml`` (and what it inherits) and returns a
:class:`PadProfile`, or raises :class:`hall.profiles.ProfileError` naming the file and key.
Nothing is read at import time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from devices.framing import (
    BinaryFormat,
    Checksum,
    Ff68Format,
    Frame,
    FrameFormat,
    StxFormat,
)
from hall.profiles import ProfileError, ProfileReader, list_profiles, load_raw

KINDS = {"pad": "pads", "keypad": "keypads", "ledbar": "ledbars"}

_COMMON_KEYS = {"name", "kind", "source", "serial", "framing", "ack", "default_address"}


@dataclass(frozen=True)
class SerialSettings:
    baudrate: int = 9600
    bytesize: int = 8
    parity: str = "N"
    stopbits: float = 1.0

    def pyserial_kwargs(self) -> dict[str, Any]:
        return {
            "baudrate": self.baudrate,
            "bytesize": self.bytesize,
            "parity": self.parity,
            "stopbits": self.stopbits,
        }

    def __str__(self) -> str:
        stop = int(self.stopbits) if self.stopbits == int(self.stopbits) else self.stopbits
        return f"{self.baudrate} {self.bytesize}{self.parity}{stop}"


@dataclass(frozen=True)
class AckRule:
    """How one side confirms the other's frame.

    ``mode``: ``none``; ``echo`` (the same frame back); ``reply`` (a frame with ``func``
    and as data either the ``same`` data, the confirmed frame's ``func`` byte, or ``none``).
    ``timeout_s``/``retries`` apply when the host waits for a device's confirmation.
    """

    mode: str = "none"
    func: int = 0
    data: str = "same"
    timeout_s: float = 0.3
    retries: int = 2

    @property
    def expected(self) -> bool:
        return self.mode != "none"

    def reply_to(self, frame: Frame) -> Frame | None:
        """The confirmation of ``frame`` under this rule (None for ``mode = none``)."""
        if self.mode == "echo":
            return frame
        if self.mode == "reply":
            data = {"same": frame.data, "func": bytes([frame.func]), "none": b""}[self.data]
            return Frame(frame.address, self.func, data)
        return None

    def confirms(self, sent: Frame, got: Frame) -> bool:
        """Whether ``got`` is the confirmation of ``sent``."""
        return self.mode != "none" and self.reply_to(sent) == got


@dataclass(frozen=True)
class Command:
    """A host→device command: a func and fixed data bytes, or a text template."""

    func: int
    data: bytes = b""
    text: str | None = None

    def frame(self, address: int, encoding: str = "ascii", **fields: Any) -> Frame:
        """The frame for ``address``; a text template is filled from ``fields``.

        Raises ValueError when the filled text cannot be encoded."""
        data = self.data
        if self.text is not None:
            try:
                data = self.text.format(**fields).encode(encoding)
            except (KeyError, IndexError) as exc:
                raise ValueError(f"template {self.text!r} needs field {exc}") from exc
            except UnicodeEncodeError as exc:
                raise ValueError(f"cannot encode {exc.object[exc.start:exc.end]!r}") from exc
        return Frame(address, self.func, data)


@dataclass(frozen=True)
class DeviceProfile:
    id: str
    name: str
    source: str
    file: Path
    serial: SerialSettings
    framing: FrameFormat
    #: how the device confirms host frames (the host waits for it and retries)
    device_ack: AckRule
    #: how the host confirms device frames
    host_ack: AckRule
    default_address: int


@dataclass(frozen=True)
class ScreenSpec:
    command: Command
    encoding: str = "gbk"
    max_bytes: int = 32
    template: str = "{name} {staff}"
    #: After a 差评 (1 or 2), the screen asks why and the keys choose a reason.
    ask_reason: bool = False


@dataclass(frozen=True)
class PhotoSpec:
    """A pad that shows the clerk's photo (亮牌): a 1-bit picture ``width`` × ``height``,
    rows of whole bytes, most significant bit leftmost, 1 = dark, sent in frames of the
    ``command``'s func whose data is [part, parts, up to ``chunk`` bytes]."""

    command: Command
    width: int = 64
    height: int = 80
    chunk: int = 200

    @property
    def size(self) -> int:
        return (self.width + 7) // 8 * self.height


@dataclass(frozen=True)
class PadProfile(DeviceProfile):
    key_func: int
    key_encoding: str  # "byte": DATA[0] is the key code; "ascii": DATA[0] is a character
    keys: Mapping[int, int]  # key code -> score 1..5
    start: Command
    cancel: Command
    bounce_s: float
    default_timeout_s: float
    screen: ScreenSpec | None
    photo: PhotoSpec | None = None

    def key_label(self, code: int) -> str:
        return chr(code) if self.key_encoding == "ascii" else f"{code:02X}"

    def key_code(self, label: str) -> int:
        """The key code written as in the profile (``"03"`` or ``"5"``). Raises ValueError."""
        if self.key_encoding == "ascii":
            if len(label) != 1:
                raise ValueError(f"key {label!r} must be one character")
            return ord(label)
        return int(label, 16)


@dataclass(frozen=True)
class KeypadProfile(DeviceProfile):
    key_func: int | None  # None: any func other than the host's commands
    keys: Mapping[int, str]  # last DATA byte -> action
    confirm_key: int
    confirm_actions: Mapping[int, str]  # byte before confirm -> action; else "enter"
    display: Command
    beep: Command
    cells: int
    blank: int
    bounce_s: float


@dataclass(frozen=True)
class LedBarProfile(DeviceProfile):
    text: Command
    clear: Command
    encoding: str
    max_bytes: int
    flash: bool  # whether the bar can flash
    mode_steady: bytes
    mode_flash: bytes
    flash_s: float
    replacement: str
    templates: Mapping[str, str]


ACTIONS = (
    "call_next",
    "recall",
    "skip",
    "finish",
    "pause",
    "transfer",
    "ask_rating",
    "cancel",
    "hang",
    "call_back",
    "function",
    "enter",
)


def _func(reader: ProfileReader, key: str) -> int:
    value = reader.get(key, object)
    if isinstance(value, str) and len(value) == 1:
        return ord(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 255:
        return value
    raise reader.error(key, "must be a byte 0-255 (e.g. 0x11) or one ASCII character")


def _command(reader: ProfileReader, key: str) -> Command:
    sub = reader.table(key)
    sub.reject_unknown({"func", "data", "text"})
    text = sub.get("text", str, None)
    return Command(_func(sub, "func"), sub.hex_bytes("data", b""), text)


def _ack(reader: ProfileReader, key: str) -> AckRule:
    if not reader.has(key):
        return AckRule()
    sub = reader.table(key)
    sub.reject_unknown({"mode", "func", "data", "timeout_s", "retries"})
    mode = sub.choice("mode", ("none", "echo", "reply"))
    return AckRule(
        mode=mode,
        func=_func(sub, "func") if mode == "reply" else 0,
        data=sub.choice("data", ("same", "func", "none"), "same"),
        timeout_s=sub.get("timeout_s", float, 0.3),
        retries=sub.int_range("retries", 0, 10, 2),
    )


def _serial(reader: ProfileReader) -> SerialSettings:
    sub = reader.table("serial")
    sub.reject_unknown({"baudrate", "bytesize", "parity", "stopbits"})
    return SerialSettings(
        baudrate=sub.int_range("baudrate", 300, 4_000_000),
        bytesize=sub.int_range("bytesize", 5, 8, 8),
        parity=sub.choice("parity", ("N", "E", "O", "M", "S"), "N"),
        stopbits=sub.get("stopbits", float, 1.0),
    )


def _framing(reader: ProfileReader) -> FrameFormat:
    sub = reader.table("framing")
    family = sub.choice("family", ("ff68", "stx", "binary"))
    try:
        if family == "ff68":
            sub.reject_unknown({"family", "preamble", "max_data"})
            return Ff68Format(
                preamble=sub.hex_bytes("preamble", b"\xff"),
                max_data=sub.int_range("max_data", 1, 253, 253),
            )
        checksums = tuple(c.value for c in Checksum)
        if family == "stx":
            sub.reject_unknown({"family", "checksum", "address_digits", "max_data"})
            return StxFormat(
                checksum=Checksum(sub.choice("checksum", checksums, "xor8")),
                address_digits=sub.int_range("address_digits", 1, 3, 2),
                max_data=sub.int_range("max_data", 1, 1000, 200),
            )
        sub.reject_unknown(
            {"family", "header", "checksum", "length_bytes", "length_order", "checksum_from",
             "trailer", "max_data"}
        )
        return BinaryFormat(
            header=sub.hex_bytes("header"),
            checksum=Checksum(sub.choice("checksum", checksums, "sum8")),
            length_bytes=sub.int_range("length_bytes", 1, 2, 1),
            length_order=sub.choice("length_order", ("little", "big"), "little"),
            checksum_from=sub.choice("checksum_from", ("address", "header"), "address"),
            trailer=sub.hex_bytes("trailer", b""),
            max_data=sub.int_range("max_data", 1, 65535, 250),
        )
    except ValueError as exc:
        if isinstance(exc, ProfileError):
            raise
        raise sub.error("family", str(exc)) from exc


def _common(reader: ProfileReader, raw_id: str, file: Path, kind: str) -> dict[str, Any]:
    got_kind = reader.get("kind", str)
    if got_kind != kind:
        raise reader.error("kind", f"must be {kind!r} for this folder, not {got_kind!r}")
    ack = reader.table("ack", {})
    return {
        "id": raw_id,
        "name": reader.get("name", str),
        "source": reader.get("source", str, ""),
        "file": file,
        "serial": _serial(reader),
        "framing": _framing(reader),
        "device_ack": _ack(ack, "device"),
        "host_ack": _ack(ack, "host"),
        "default_address": reader.int_range("default_address", 0, 255, 1),
    }


def _encoding(reader: ProfileReader, key: str, default: str) -> str:
    name = reader.get(key, str, default)
    try:
        "测".encode(name)
    except LookupError as exc:
        raise reader.error(key, f"unknown text encoding {name!r}") from exc
    except UnicodeEncodeError:
        pass  # an ASCII-only encoding is allowed
    return name


def _label(key_encoding: str, code: int) -> str:
    return chr(code) if key_encoding == "ascii" else f"{code:02X}"


def _score(_name: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
        raise ValueError(f"must be a score between 1 and 5, not {value!r}")
    return value


def load_pad(profile_id: str, root: Path | None = None) -> PadProfile:
    """Read ``hardware_profiles/pads/<id>.toml``. Raises ProfileError."""
    raw = load_raw("pads", profile_id, root)
    r = raw.reader()
    r.reject_unknown(_COMMON_KEYS | {"protocol", "keys", "screen", "photo", "timing"})
    common = _common(r, profile_id, raw.file, "pad")
    proto = r.table("protocol")
    proto.reject_unknown({"key_func", "key_encoding", "start", "cancel"})
    key_encoding = proto.choice("key_encoding", ("byte", "ascii"), "byte")
    labels = r.mapping("keys", _score)
    keys: dict[int, int] = {}
    for label, score in labels.items():
        try:
            if key_encoding == "ascii":
                if len(label) != 1:
                    raise ValueError("must be one character")
                code = ord(label)
            else:
                code = int(label, 16)
                if not 0 <= code <= 255:
                    raise ValueError("must be 00-FF")
        except ValueError as exc:
            raise r.error(f"keys.{label}", f"bad key code: {exc}") from exc
        keys[code] = score
    if not keys:
        raise r.error("keys", "needs at least one key")
    start, cancel = _command(proto, "start"), _command(proto, "cancel")
    host_ack = common["host_ack"]
    if host_ack.mode == "reply" and host_ack.data == "same":
        for code in keys:
            answer = (host_ack.func, bytes([code]))
            for name, command in (("start", start), ("cancel", cancel)):
                if command.text is None and answer == (command.func, command.data):
                    raise r.error(f"keys.{_label(key_encoding, code)}",
                                  f"the host's answer to this key would read as the {name} "
                                  "command")
    screen = None
    if r.has("screen"):
        s = r.table("screen")
        s.reject_unknown({"command", "encoding", "max_bytes", "template", "ask_reason"})
        screen = ScreenSpec(
            command=_command(s, "command"),
            encoding=_encoding(s, "encoding", "gbk"),
            max_bytes=s.int_range("max_bytes", 1, 1000, 32),
            template=s.get("template", str, "{name} {staff}"),
            ask_reason=s.get("ask_reason", bool, False),
        )
    photo = None
    if r.has("photo"):
        ph = r.table("photo")
        ph.reject_unknown({"command", "width", "height", "chunk"})
        photo = PhotoSpec(command=_command(ph, "command"),
                          width=ph.int_range("width", 8, 480, 64),
                          height=ph.int_range("height", 8, 480, 80),
                          chunk=ph.int_range("chunk", 16, 240, 200))
    timing = r.table("timing", {})
    timing.reject_unknown({"bounce_s", "default_timeout_s"})
    return PadProfile(
        **common,
        key_func=_func(proto, "key_func"),
        key_encoding=key_encoding,
        keys=MappingProxyType(keys),
        start=start,
        cancel=cancel,
        bounce_s=timing.get("bounce_s", float, 0.3),
        default_timeout_s=timing.get("default_timeout_s", float, 30.0),
        screen=screen,
        photo=photo,
    )


def _action(_name: str, value: Any) -> str:
    if value not in ACTIONS:
        raise ValueError(f"must be one of {', '.join(ACTIONS)}, not {value!r}")
    return str(value)


def _hex_table(reader: ProfileReader, key: str) -> dict[int, str]:
    out: dict[int, str] = {}
    for label, action in reader.mapping(key, _action).items():
        try:
            code = int(label, 16)
            if not 0 <= code <= 255:
                raise ValueError
        except ValueError as exc:
            raise reader.error(f"{key}.{label}", "key code must be hex 00-FF") from exc
        out[code] = action
    return out


def load_keypad(profile_id: str, root: Path | None = None) -> KeypadProfile:
    """Read ``hardware_profiles/keypads/<id>.toml``. Raises ProfileError."""
    raw = load_raw("keypads", profile_id, root)
    r = raw.reader()
    r.reject_unknown(_COMMON_KEYS | {"protocol", "keys", "confirm", "display", "timing"})
    common = _common(r, profile_id, raw.file, "keypad")
    proto = r.table("protocol")
    proto.reject_unknown({"key_func", "display", "beep"})
    confirm = r.table("confirm")
    confirm.reject_unknown({"key", "actions"})
    display = r.table("display")
    display.reject_unknown({"cells", "blank"})
    timing = r.table("timing", {})
    timing.reject_unknown({"bounce_s"})
    return KeypadProfile(
        **common,
        key_func=_func(proto, "key_func") if proto.has("key_func") else None,
        keys=MappingProxyType(_hex_table(r, "keys")),
        confirm_key=_func(confirm, "key"),
        confirm_actions=MappingProxyType(_hex_table(confirm, "actions")),
        display=_command(proto, "display"),
        beep=_command(proto, "beep"),
        cells=display.int_range("cells", 1, 16, 6),
        blank=display.int_range("blank", 0, 255, 0x0A),
        bounce_s=timing.get("bounce_s", float, 0.3),
    )


def load_ledbar(profile_id: str, root: Path | None = None) -> LedBarProfile:
    """Read ``hardware_profiles/ledbars/<id>.toml``. Raises ProfileError."""
    raw = load_raw("ledbars", profile_id, root)
    r = raw.reader()
    r.reject_unknown(_COMMON_KEYS | {"protocol", "text", "templates"})
    common = _common(r, profile_id, raw.file, "ledbar")
    proto = r.table("protocol")
    proto.reject_unknown({"text", "clear"})
    text = r.table("text")
    text.reject_unknown(
        {"encoding", "max_bytes", "flash", "mode_steady", "mode_flash", "flash_s", "replacement"}
    )
    templates = r.mapping("templates", lambda _n, v: _template(v))
    for needed in ("call", "paused", "welcome"):
        if needed not in templates:
            raise r.error(f"templates.{needed}", "is required")
    flash = text.get("flash", bool, False)
    return LedBarProfile(
        **common,
        text=_command(proto, "text"),
        clear=_command(proto, "clear"),
        encoding=_encoding(text, "encoding", "gbk"),
        max_bytes=text.int_range("max_bytes", 1, 65535, 64),
        flash=flash,
        mode_steady=text.hex_bytes("mode_steady", b""),
        mode_flash=text.hex_bytes("mode_flash", b""),
        flash_s=text.get("flash_s", float, 3.0),
        replacement=text.get("replacement", str, "?"),
        templates=MappingProxyType(templates),
    )


def _template(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a text template")
    return value


LOADERS = {"pad": load_pad, "keypad": load_keypad, "ledbar": load_ledbar}


def load_profile(kind: str, profile_id: str, root: Path | None = None) -> DeviceProfile:
    """Load a profile of ``kind`` (pad, keypad, ledbar). Raises ProfileError or ValueError."""
    if kind not in LOADERS:
        raise ValueError(f"unknown device kind {kind!r} (known: {', '.join(LOADERS)})")
    loader: Any = LOADERS[kind]
    profile: DeviceProfile = loader(profile_id, root)
    return profile


def profile_ids(kind: str, root: Path | None = None) -> list[str]:
    """Ids of the profiles of ``kind`` (pad, keypad, ledbar)."""
    return list_profiles(KINDS[kind], root)
