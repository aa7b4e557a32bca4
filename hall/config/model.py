"""The hall configuration as frozen dataclasses: what a hall has (zones, services,
windows, devices, staff) and its queue policy. The names of docs/config.md's sections
and keys are the public contract. The TOML loader is ``hall.config.loader``.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum
from pathlib import Path
from typing import Any

from hall.config.connections import ConnectionLimits
from hall.config.county import CountyLink
from hall.config.phone import PhoneSettings
from hall.config.province import ProvinceLink
from hall.config.supervision import AlertRules, FollowUp
from hall.config.voice import VoiceSettings


class Role(StrEnum):
    KIOSK = "kiosk"
    CALLER = "caller"
    DISPLAY = "display"
    ADMIN = "admin"


@dataclass(frozen=True, order=True)
class TimeRange:
    """A span of wall-clock time within one day, ``start`` inclusive, ``end`` exclusive."""

    start: time
    end: time

    def contains(self, moment: time) -> bool:
        return self.start <= moment < self.end

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class SlotCap:
    """At most ``cap`` tickets of one service issued within ``hours`` (per hall day)."""

    hours: TimeRange
    cap: int


@dataclass(frozen=True)
class HallInfo:
    name: str
    timezone: str = "Asia/Shanghai"
    day_starts: time = time(6, 0)
    name_en: str = ""
    #: Where phones on the hall's network reach the hub (ticket QR codes point here).
    public_url: str = ""


@dataclass(frozen=True)
class Zone:
    id: str
    name: str
    name_en: str = ""


@dataclass(frozen=True)
class Service:
    id: str  # also the ticket prefix: A001, A002 …
    name: str
    zone: str
    name_en: str = ""
    daily_cap: int | None = None
    hours: tuple[TimeRange, ...] = ()  # empty: issued whenever the hall is open
    #: 延时错时: extended hours (午间不间断, 早晚弹性: 延时), appointment-only hours
    #: (only a booking is checked in: 错时) and the hours of rest days (weekends and
    #: ``[followup] holidays``, 不打烊: 错时); empty: none.
    extended_hours: tuple[TimeRange, ...] = ()
    appointment_hours: tuple[TimeRange, ...] = ()
    rest_day_hours: tuple[TimeRange, ...] = ()
    slot_caps: tuple[SlotCap, ...] = ()
    #: Used for wait estimates until enough services have been timed today.
    typical_minutes: float = 5.0
    #: A ticket served longer than this warns the clerk's terminal (None: never).
    max_minutes: float | None = None
    #: 帮办代办: staff may do it with or for the citizen (``assist`` request).
    assist: bool = False


@dataclass(frozen=True)
class Window:
    number: int
    name: str
    #: Tiers in order of preference; each tier is one or more service ids whose
    #: tickets are served oldest first across the tier. ``services = ["A", "B"]``
    #: gives two tiers; ``services = [["A", "B"], "C"]`` gives A and B as equals.
    tiers: tuple[tuple[str, ...], ...]
    zone: str | None = None
    #: The hall's 帮办代办 window: it may record a 代办 item for any 帮办代办 service,
    #: with or without a ticket (other windows: for the services they serve).
    assist: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "_services", tuple(s for tier in self.tiers for s in tier))

    @property
    def services(self) -> tuple[str, ...]:
        """Every service this window serves, in order of preference."""
        return self._services  # type: ignore[attr-defined,no-any-return]


@dataclass(frozen=True)
class Device:
    id: str
    role: Role
    #: Plain token, or empty when only ``token_sha256`` is given.
    token: str = ""
    token_sha256: str = ""
    window: int | None = None  # callers only

    def accepts(self, offered: str) -> bool:
        """Whether ``offered`` is this device's token (constant-time compare)."""
        if self.token and hmac.compare_digest(self.token.encode(), offered.encode()):
            return True
        if self.token_sha256:
            digest = hashlib.sha256(offered.encode()).hexdigest()
            return hmac.compare_digest(digest, self.token_sha256.lower())
        return False


@dataclass(frozen=True)
class Staff:
    id: str  # staff number, shown on the pad and the bar (亮牌办公)
    name: str
    zone: str | None = None


@dataclass(frozen=True)
class Policy:
    """Queue rules a locality may set differently (``[queue]`` in the TOML)."""

    recall_limit: int = 5
    #: When priority and normal tickets both wait in one tier, a window calls
    #: ``priority_ratio[0]`` priority tickets, then ``priority_ratio[1]`` normal ones.
    priority_ratio: tuple[int, int] = (2, 1)
    #: Finished services per service that wait estimates are averaged over.
    estimate_sample: int = 20
    require_sign_in: bool = False
    #: How long a used booking code stays refused.
    booking_memory_days: int = 30
    #: Rating levels as shown to the provincial platform: score 5..1 -> points.
    rating_points: tuple[int, int, int, int, int] = (5, 4, 3, 2, 1)


@dataclass(frozen=True)
class DisplaySettings:
    """What every wall screen of the hall shares (``[display]`` in the TOML)."""

    #: A notice scrolling along the bottom of every wall screen; empty: none.
    notice: str = ""
    #: Seconds a new call blinks, then stays highlighted (from the moment it is called).
    blink_s: float = 3.0
    highlight_s: float = 10.0


@dataclass(frozen=True)
class HallConfig:
    hall: HallInfo
    zones: tuple[Zone, ...]
    services: tuple[Service, ...]
    windows: tuple[Window, ...]
    devices: tuple[Device, ...] = ()
    staff: tuple[Staff, ...] = ()
    policy: Policy = Policy()
    display: DisplaySettings = DisplaySettings()
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    alerts: AlertRules = field(default_factory=AlertRules)
    followup: FollowUp = field(default_factory=FollowUp)
    connections: ConnectionLimits = field(default_factory=ConnectionLimits)
    #: Where the hall ships its event log (``[county]``; ``enabled`` False: nowhere).
    county: CountyLink = field(default_factory=CountyLink)
    #: What a ticket's phone page offers (``[phone]``: rating, near-turn notice).
    phone: PhoneSettings = field(default_factory=PhoneSettings)
    #: Where ratings and case outcomes are pushed (``[province]``; empty url: nowhere).
    province: ProvinceLink = field(default_factory=ProvinceLink)
    source: Path | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_services", {s.id: s for s in self.services})
        object.__setattr__(self, "_windows", {w.number: w for w in self.windows})
        object.__setattr__(self, "_devices", {d.id: d for d in self.devices})
        object.__setattr__(self, "_zones", {z.id: z for z in self.zones})
        object.__setattr__(self, "_staff", {s.id: s for s in self.staff})
        serving: dict[str, list[Window]] = {}
        for w in self.windows:
            for sid in w.services:
                serving.setdefault(sid, []).append(w)
        object.__setattr__(self, "_serving", {k: tuple(v) for k, v in serving.items()})

    def service(self, service_id: str) -> Service | None:
        return self._services.get(service_id)  # type: ignore[attr-defined,no-any-return]

    def windows_serving(self, service_id: str) -> tuple[Window, ...]:
        """The windows that call tickets of ``service_id``."""
        return self._serving.get(service_id, ())  # type: ignore[attr-defined,no-any-return]

    def window(self, number: int) -> Window | None:
        return self._windows.get(number)  # type: ignore[attr-defined,no-any-return]

    def device(self, device_id: str) -> Device | None:
        return self._devices.get(device_id)  # type: ignore[attr-defined,no-any-return]

    def zone(self, zone_id: str) -> Zone | None:
        return self._zones.get(zone_id)  # type: ignore[attr-defined,no-any-return]

    def staff_member(self, staff_id: str) -> Staff | None:
        return self._staff.get(staff_id)  # type: ignore[attr-defined,no-any-return]

    def public(self) -> dict[str, object]:
        """The configuration as sent in ``welcome``: no tokens, no staff personal data
        beyond the name and number shown publicly anyway."""
        return {
            "hall": {
                "name": self.hall.name,
                "name_en": self.hall.name_en,
                "timezone": self.hall.timezone,
                "day_starts": f"{self.hall.day_starts:%H:%M}",
                "public_url": self.hall.public_url,
            },
            "zones": [{"id": z.id, "name": z.name, "name_en": z.name_en} for z in self.zones],
            "services": [
                {
                    "id": s.id,
                    "name": s.name,
                    "name_en": s.name_en,
                    "zone": s.zone,
                    "daily_cap": s.daily_cap,
                    "hours": [str(h) for h in s.hours],
                    "extended_hours": [str(h) for h in s.extended_hours],
                    "appointment_hours": [str(h) for h in s.appointment_hours],
                    "rest_day_hours": [str(h) for h in s.rest_day_hours],
                    "max_minutes": s.max_minutes,
                    "assist": s.assist,
                }
                for s in self.services
            ],
            "windows": [
                {
                    "number": w.number,
                    "name": w.name,
                    "zone": w.zone,
                    "services": [list(t) if len(t) > 1 else t[0] for t in w.tiers],
                    "assist": w.assist,
                }
                for w in self.windows
            ],
            "staff": [{"id": s.id, "name": s.name} for s in self.staff],
            "queue": {
                "recall_limit": self.policy.recall_limit,
                "priority_ratio": list(self.policy.priority_ratio),
                "require_sign_in": self.policy.require_sign_in,
            },
            "display": {
                "notice": self.display.notice,
                "blink_s": self.display.blink_s,
                "highlight_s": self.display.highlight_s,
            },
            "voice": self.voice.public(),
            # the hall's rest days and make-up working days (rest_day_hours apply then)
            "calendar": {"holidays": sorted(d.isoformat() for d in self.followup.holidays),
                         "workdays": sorted(d.isoformat() for d in self.followup.workdays)},
        }

    @classmethod
    def from_public(cls, obj: dict[str, object]) -> HallConfig:
        """The hall as a client sees it, rebuilt from a ``welcome``'s ``hall`` (what
        :meth:`public` wrote): zones, services, windows, staff names and the queue
        policy; no devices, no tokens.

        Raises:
            ValueError: ``obj`` is not what :meth:`public` writes.
        """
        try:
            return _from_public(obj)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"not a public hall description: {exc}") from exc


def _hhmm(text: str) -> time:
    hours, minutes = str(text).split(":")
    return time(int(hours), int(minutes))


def _minutes(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _span(text: str) -> TimeRange:
    start, end = str(text).split("-")
    return TimeRange(_hhmm(start), _hhmm(end))


def _from_public(obj: dict[str, Any]) -> HallConfig:
    info = obj["hall"]
    queue = obj.get("queue") or {}
    ratio = queue.get("priority_ratio") or [2, 1]
    screen = obj.get("display") or {}
    calendar = obj.get("calendar") or {}
    return HallConfig(
        hall=HallInfo(name=str(info["name"]), timezone=str(info.get("timezone", "Asia/Shanghai")),
                      day_starts=_hhmm(info.get("day_starts", "06:00")),
                      name_en=str(info.get("name_en", "")),
                      public_url=str(info.get("public_url", ""))),
        zones=tuple(Zone(str(z["id"]), str(z["name"]), str(z.get("name_en", "")))
                    for z in obj.get("zones", [])),
        services=tuple(
            Service(id=str(s["id"]), name=str(s["name"]), zone=str(s["zone"]),
                    name_en=str(s.get("name_en", "")), daily_cap=s.get("daily_cap"),
                    hours=tuple(_span(h) for h in s.get("hours", [])),
                    extended_hours=tuple(_span(h) for h in s.get("extended_hours", [])),
                    appointment_hours=tuple(_span(h) for h in s.get("appointment_hours", [])),
                    rest_day_hours=tuple(_span(h) for h in s.get("rest_day_hours", [])),
                    max_minutes=_minutes(s.get("max_minutes")),
                    assist=bool(s.get("assist", False)))
            for s in obj.get("services", [])
        ),
        windows=tuple(
            Window(number=int(w["number"]), name=str(w["name"]), zone=w.get("zone"),
                   tiers=tuple((t,) if isinstance(t, str) else tuple(map(str, t))
                               for t in w.get("services", [])),
                   assist=bool(w.get("assist", False)))
            for w in obj.get("windows", [])
        ),
        staff=tuple(Staff(str(s["id"]), str(s["name"])) for s in obj.get("staff", [])),
        policy=Policy(recall_limit=int(queue.get("recall_limit", 5)),
                      priority_ratio=(int(ratio[0]), int(ratio[1])),
                      require_sign_in=bool(queue.get("require_sign_in", False))),
        display=DisplaySettings(notice=str(screen.get("notice", "")),
                                blink_s=float(screen.get("blink_s", 3.0)),
                                highlight_s=float(screen.get("highlight_s", 10.0))),
        voice=VoiceSettings.from_public(obj.get("voice")),
        followup=FollowUp(
            holidays=frozenset(date.fromisoformat(d) for d in calendar.get("holidays", [])),
            workdays=frozenset(date.fromisoformat(d) for d in calendar.get("workdays", []))),
    )
