"""The device host: ``jiaohao devices serve`` drives the keypads, pads and LED bars of
windows without a PC, one process per serial bus host.

Each window it serves has its own caller device (``[[caller]] window, device, token``
in the station file) and so its own hub connection: the hub checks that a keypad acts
only for its own window, exactly as for a terminal. Each ``[[serial]]`` entry names its
window. The serial links run in their own threads; their events are handed to the
asyncio loop, which owns every decision.

A window's bar and keypad are redrawn from the replica after every welcome (also a
resumed one after a hub restart), so no bar keeps showing a stale number.

A rating a pad confirmed goes into the host's :class:`devices.outbox.RatingOutbox`
(a journal beside the station file) before it is sent, and is sent again until the hub
acknowledges it: across dropped connections, a hub that is down, and a restart of the
host. Every failure is logged with its reason at WARNING, which ``jiaohao devices
serve`` prints.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from devices.events import (
    DeviceOffline,
    DeviceOnline,
    Event,
    KeyAction,
    PressIgnored,
    RatingCancelled,
    RatingGiven,
    RatingTimedOut,
    SendFailed,
)
from devices.keypad import Keypad
from devices.ledbar import LedBar
from devices.link import SerialLink
from devices.outbox import Kept, RatingOutbox, verdict
from devices.pad import Pad
from devices.profiles import load_profile
from devices.ratings import ClerkCard, Rated, RatingBook
from devices.showing import BarShow
from hall.client import ConnectionLost, HubClient
from hall.config.checker import Checker
from hall.errors import RequestFailed
from hall.protocol import PAUSE_REASONS, Welcome
from hall.protocol import Event as HubEvent
from hall.state import HallState
from hall.tomlfile import ConfigError, read_toml, readable_by_others

log = logging.getLogger(__name__)

KINDS = ("pad", "keypad", "ledbar")

def reason(exc: BaseException) -> str:
    """An exception in words for the log (a bare TimeoutError says nothing by itself)."""
    text = str(exc)
    if isinstance(exc, TimeoutError):
        return f"no answer from the hub in time{': ' + text if text else ''}"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class HostConfigError(ConfigError):
    """The host's station file is wrong: every mistake with the file and the key."""


@dataclass(frozen=True)
class SerialEntry:
    kind: str
    port: str
    profile: str
    window: int
    address: int | None = None


@dataclass(frozen=True)
class CallerEntry:
    window: int
    device: str
    token: str = field(repr=False)


@dataclass(frozen=True)
class HostConfig:
    hub: str
    callers: tuple[CallerEntry, ...]
    serial: tuple[SerialEntry, ...]
    welcome_text: str | None = None
    rating_timeout_s: float | None = None  # None: the pad profile's default
    #: Clerks' photos for pads that show them (亮牌): ``<folder>/<staff>.png``.
    photos: Path | None = None
    #: The journal of ratings not yet acknowledged by the hub (None: memory only).
    journal: Path | None = None


def parse_host(data: Mapping[str, Any], where: str = "station file") -> HostConfig:
    """The host's part of a station file. Raises HostConfigError listing every mistake
    (file, key, what is wrong), found by the hall config's own checker."""
    check = Checker(where)

    def table(key: str) -> Mapping[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, Mapping):
            check.wrong_type(key, f"a [{key}] table", value)
            return {}
        return value

    hub = check.text(table("station"), "station", "hub", required=True)
    callers: list[CallerEntry] = []
    windows: set[int] = set()
    for i, raw in check.table_list(data, "caller"):
        at = f"caller[{i}]"
        window = check.integer(raw, at, "window", low=1, required=True)
        device = check.text(raw, at, "device", required=True)
        token = check.text(raw, at, "token", required=True)
        if window in windows:
            check.error(f"{at}.window", f"window {window} has two [[caller]] entries")
        if window is not None and device is not None and token is not None:
            windows.add(window)
            callers.append(CallerEntry(window, device, token))
    serial: list[SerialEntry] = []
    seen: set[tuple[str, int | None, str]] = set()
    for i, raw in check.table_list(data, "serial"):
        at = f"serial[{i}]"
        kind = check.text(raw, at, "kind", required=True)
        if kind is not None and kind not in KINDS:
            check.error(f"{at}.kind", f"must be one of {', '.join(KINDS)}, not {kind!r}")
        window = check.integer(raw, at, "window", low=1, required=True)
        if window is not None and window not in windows:
            check.error(f"{at}.window", f"window {window} has no [[caller]] entry")
        address = check.integer(raw, at, "address", low=0,
                                hint=" (the device's bus address)")
        port = check.text(raw, at, "port", required=True)
        profile = check.text(raw, at, "profile", required=True)
        if kind is None or window is None or port is None or profile is None:
            continue
        entry = SerialEntry(kind, port, profile, window, address)
        key = (entry.port, entry.address, entry.kind)
        if key in seen:
            check.error(at, f"{entry.port} address {entry.address} is listed twice; "
                            "one device is driven by one program")
        seen.add(key)
        serial.append(entry)
    host = table("host")
    timeout = host.get("rating_timeout_s")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, int | float)
                                or not 0 < timeout <= 255):
        check.error("host.rating_timeout_s", "must be 1-255 seconds")
        timeout = None
    photos = check.text(host, "host", "photos")
    journal = check.text(host, "host", "ratings_journal")
    if journal is not None and not journal.strip():
        check.error("host.ratings_journal", "must be a file name, not empty")
    welcome = check.text(host, "host", "welcome")
    if check.errors:
        raise HostConfigError(check.errors)
    assert hub is not None  # required: an error above otherwise
    return HostConfig(hub, tuple(callers), tuple(serial), welcome,
                      None if timeout is None else float(timeout),
                      None if photos is None else Path(photos),
                      None if journal is None else Path(journal))


def load_host(path: Path, state_dir: Path | None = None) -> HostConfig:
    """Read a station file. The ratings journal defaults to ``<stem>.ratings.jsonl`` in
    ``state_dir`` (a writable folder such as systemd's ``StateDirectory``) or beside the
    file. Raises HostConfigError naming the file and the key (or the line of a TOML
    mistake)."""
    config = parse_host(read_toml(path, HostConfigError), str(path))
    too_open = readable_by_others(path) if config.callers else None
    if too_open is not None:
        log.warning("%s", too_open)  # every [[caller]] holds a token
    if config.photos is not None and not config.photos.is_absolute():
        config = replace(config, photos=path.parent / config.photos)  # beside the file
    journal = config.journal or (state_dir or path.parent) / f"{path.stem}.ratings.jsonl"
    if not journal.is_absolute():
        config = replace(config, journal=path.parent / journal)  # beside the file
    else:
        config = replace(config, journal=journal)
    return config


class WindowDriver:
    """One window: its hub connection, keypads, pads and bars."""

    def __init__(self, caller: CallerEntry, hub: str, welcome_text: str | None,
                 watcher: HubClient, backoff_s: tuple[float, float] = (0.1, 2.0),
                 rating_timeout_s: float | None = None, photos: Path | None = None,
                 outbox: RatingOutbox | None = None,
                 on_rating: Callable[[], None] | None = None) -> None:
        self.window = caller.window
        self.keypads: list[Keypad] = []
        self.pads: list[Pad] = []
        self.bars: list[LedBar] = []
        self.book = RatingBook()
        self.photos = photos
        self.card = ClerkCard(photos)
        self.bar_show = BarShow(self.window, self.bars, welcome_text)
        self._keypad_shown: tuple[str | None, int | None] = ("", None)
        self._keypad_due: tuple[str | None, int] | None = None
        # Requests only: the host's one watching connection keeps the replica for all.
        self._on_rating = on_rating or (lambda: None)
        self.client = HubClient(hub, caller.device, caller.token, subscribe=False,
                                backoff_s=backoff_s,
                                on_connection=lambda up: self._on_rating() if up else None)
        self.watcher = watcher
        self.rating_timeout_s = rating_timeout_s
        self.outbox = outbox if outbox is not None else RatingOutbox()

    # -- hub -> devices -------------------------------------------------------------
    def on_welcome(self, state: HallState) -> None:
        self.bar_show.forget()
        self._keypad_shown = ("", None)
        # a hub restart or a first welcome: draw everything again
        self.card = ClerkCard(self.photos)
        self.sync(state)

    def on_event(self, event: HubEvent, state: HallState) -> None:
        data = event.data
        if event.kind == "ticket_finished" and data.get("window") == self.window:
            self._ask_rating(state, int(data["ticket_id"]), str(data["number"]))
        self.bar_show.event(event, state)
        self.sync_devices(state)

    def sync(self, state: HallState) -> None:
        """Show the window's state on its bars, pads and keypads."""
        self.bar_show.sync(state)
        self.sync_devices(state)

    def sync_devices(self, state: HallState) -> None:
        """The clerk on the pads, the current number and waiting count on the keypads."""
        window = state.windows.get(self.window)
        ticket = state.tickets.get(window.ticket) if window and window.ticket else None
        self.card.update(self.pads, window.staff if window else None,
                         window.staff_name if window else None)
        waiting = sum(len(q) for s, q in state.queues.items() if s in self._services())
        number = ticket.number if ticket else None
        if number != self._keypad_shown[0]:  # a new ticket shows at once
            self._show_keypads(number, waiting)
        else:  # a waiting count changes with every call in the hall: at most once a second
            self._keypad_due = (number, waiting)

    def _show_keypads(self, number: str | None, waiting: int) -> None:
        self._keypad_shown, self._keypad_due = (number, waiting), None
        for keypad in self.keypads:
            keypad.show(number, waiting)

    def flush(self) -> None:
        """Send a waiting count that changed since the last second, and a bar's welcome
        held back after a finish."""
        self.bar_show.flush()
        due = self._keypad_due
        if due is not None and due != self._keypad_shown:
            self._show_keypads(*due)
        self._keypad_due = None

    def _services(self) -> set[str]:
        for raw in self.watcher.hall.get("windows", []):
            if int(raw["number"]) == self.window:
                return {s for t in raw.get("services", []) for s in ([t] if isinstance(t, str)
                                                                     else t)}
        return set()

    def _ask_rating(self, state: HallState, ticket_id: int, number: str) -> None:
        window = state.windows.get(self.window)
        staff = window.staff if window else None
        for pad in self.pads:
            request_id = pad.request_rating(self.rating_timeout_s)
            self.book.asked(pad.address, request_id, Rated(ticket_id, number, self.window, staff))

    # -- devices -> hub -------------------------------------------------------------
    async def on_device(self, event: Event) -> None:
        if isinstance(event, KeyAction):
            await self._key(event)
        elif isinstance(event, RatingGiven | RatingTimedOut | RatingCancelled):
            pad = next((p for p in self.pads if p.address == event.address), None)
            answer = self.book.answer(event, pad)
            if answer is not None:
                self._keep(answer[0], answer[1])

    def _keep(self, rated: Rated, fields: dict[str, Any]) -> None:
        """The pad confirmed a rating: keep it until the hub acknowledges it."""
        try:
            self.outbox.keep(fields, rated.number)
        except OSError as exc:
            log.error("window %s: the rating of %s cannot be written to the journal %s "
                      "(%s): it is kept in memory only, and lost if the host stops before "
                      "the hub has it", self.window, rated.number, self.outbox.path, exc)
        self._on_rating()

    async def _key(self, key: KeyAction) -> None:
        state = self.watcher.state
        window = state.windows.get(self.window) if state else None
        staff = window.staff if window is not None else None
        action, digits = key.action, key.digits
        if action == "call_back" and digits and staff is None and self._requires_sign_in():
            # nobody is signed in, so nobody can be called back: a staff number that
            # begins with 回呼's function digit was typed (3 0 0 1 confirm)
            action, digits = "enter", self._function_digit("call_back") + digits
        if action == "pause":
            action = "resume" if window is not None and window.paused else "pause"
        if action in ("call_next", "recall", "skip", "finish", "resume"):
            await self._request(action)
        elif action == "pause":  # a keypad gives a reason too: n 暂停 picks the n-th
            choice = int(digits) - 1 if digits.isdigit() else 0
            reason = PAUSE_REASONS[choice] if 0 <= choice < len(PAUSE_REASONS) else \
                PAUSE_REASONS[0]
            await self._request("pause", reason=reason)
        elif action == "ask_rating":
            await self._request("announce", call="rating")
        elif action == "hang":
            await self._request("skip")
        elif action == "call_back" and digits:
            await self._request("call_number", number=self._number(digits))
        elif action == "enter" and digits:
            await self._staff_number(digits, staff)
        elif action == "transfer" and digits.isdigit():
            services = [s["id"] for s in self.watcher.hall.get("services", [])]
            index = int(digits) - 1
            if 0 <= index < len(services):
                await self._request("transfer", service=services[index])
            else:
                self._refuse(f"keypad transfer to service {digits}: no such service "
                             f"(1-{len(services)})")
        elif action == "cancel":
            log.info("window %s: keypad cancel", self.window)  # it clears its own entry
        else:
            self._refuse(f"keypad key {key.action}{' ' + key.digits if key.digits else ''} "
                         "does nothing here")

    async def _staff_number(self, digits: str, staff: str | None) -> None:
        """A number typed and confirmed: a clerk signs in with their staff number, and
        signs out by typing it again."""
        if staff is None:
            await self._request("sign_in", staff=self._staff_id(digits))
        elif self._staff_id(digits) == staff:
            await self._request("sign_out")
        else:
            self._refuse(f"keypad staff number {digits}: clerk {staff} is signed in here; "
                         f"they sign out by typing {_digits(staff)} and confirm first")

    def _staff_id(self, digits: str) -> str:
        """The staff id a keypad's digits stand for: the id itself, or the one id of the
        hall whose digits they are (``1001`` for ``DX1001``: a keypad has digits only)."""
        ids = [str(s.get("id")) for s in self.watcher.hall.get("staff", [])]
        if digits in ids:
            return digits
        matches = [i for i in ids if _digits(i) == digits]
        return matches[0] if len(matches) == 1 else digits

    def _refuse(self, why: str) -> None:
        log.warning("window %s: %s", self.window, why)
        for keypad in self.keypads:
            keypad.beep()

    def _requires_sign_in(self) -> bool:
        return bool((self.watcher.hall.get("queue") or {}).get("require_sign_in"))

    def _function_digit(self, action: str) -> str:
        for keypad in self.keypads:
            for digit, name in keypad.profile.confirm_actions.items():
                if name == action:
                    return str(digit)
        return ""

    def _number(self, digits: str) -> str:
        if not digits.isdigit():
            return digits.upper()
        windows = {int(w["number"]): w for w in self.watcher.hall.get("windows", [])}
        tiers = windows.get(self.window, {}).get("services") or ["A"]
        first = tiers[0] if isinstance(tiers[0], str) else tiers[0][0]
        return f"{first}{int(digits):03d}"

    async def _request(self, type_: str, **fields: Any) -> None:
        if not self.client.connected:  # say so at once rather than wait for a timeout
            self._refuse(f"{type_} not sent: not connected to the hub (it reconnects by "
                         "itself; press again then)")
            return
        try:
            await self.client.request(type_, **{"window": self.window, **fields})
        except RequestFailed as failed:
            self._refuse(f"{type_} refused: {failed.code} ({failed.message})")
        except Exception as exc:  # offline, connection lost, timeout: the clerk presses again
            self._refuse(f"{type_} not sent: {reason(exc)}")


class DeviceHost:
    """Every window of a station file, its serial links and hub connections."""

    def __init__(self, config: HostConfig, backoff_s: tuple[float, float] = (0.1, 2.0)) -> None:
        self.config = config
        if not config.callers:
            raise HostConfigError("station file", "caller",
                                  "names no [[caller]]: nothing to serve")
        first = config.callers[0]
        self.backoff_s = backoff_s
        self.outbox = RatingOutbox(config.journal)
        self._ratings_due = asyncio.Event()
        # One connection watches the hall for every window (one replica, not one each).
        self.watcher = HubClient(config.hub, first.device, first.token, backoff_s=backoff_s,
                                 on_welcome=self._welcomed, on_event=self._event)
        self.drivers = {c.window: WindowDriver(c, config.hub, config.welcome_text,
                                               self.watcher, backoff_s, config.rating_timeout_s,
                                               config.photos, self.outbox,
                                               self._ratings_due.set)
                        for c in config.callers}
        self.links: dict[str, SerialLink] = {}
        self._owner: dict[tuple[str, int], WindowDriver] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue[tuple[str, Event]] = asyncio.Queue()
        for entry in config.serial:
            self._attach(entry)

    def _attach(self, entry: SerialEntry) -> None:
        profile = load_profile(entry.kind, entry.profile)
        link = self.links.get(entry.port)
        if link is None:
            link = SerialLink.for_profile(
                entry.port, profile, on_event=lambda e, p=entry.port: self._from_link(p, e))
            self.links[entry.port] = link
        driver = self.drivers[entry.window]
        device: Any
        if entry.kind == "pad":
            device = Pad(link, profile, entry.address)  # type: ignore[arg-type]
            driver.pads.append(device)
        elif entry.kind == "keypad":
            device = Keypad(link, profile, entry.address)  # type: ignore[arg-type]
            driver.keypads.append(device)
        else:
            device = LedBar(link, profile, entry.address)  # type: ignore[arg-type]
            driver.bars.append(device)
        self._owner[(entry.port, device.address)] = driver

    def _welcomed(self, _welcome: Welcome, state: HallState) -> None:
        for driver in self.drivers.values():
            driver.on_welcome(state)

    def _event(self, event: HubEvent, state: HallState) -> None:
        for driver in self.drivers.values():
            driver.on_event(event, state)

    def _from_link(self, port: str, event: Event) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._queue.put_nowait, (port, event))

    async def run(self, stop: asyncio.Event) -> None:
        """Drive everything until ``stop`` is set."""
        self._loop = asyncio.get_running_loop()
        for link in self.links.values():
            link.start()
        clients = [self.watcher, *(d.client for d in self.drivers.values())]
        starts = [asyncio.ensure_future(c.connect(timeout_s=365 * 86400.0)) for c in clients]
        stopper = asyncio.ensure_future(stop.wait())
        flusher = asyncio.ensure_future(self._flush_every(1.0))
        sender = asyncio.ensure_future(self._send_ratings())
        try:
            while not stop.is_set():
                getter = asyncio.ensure_future(self._queue.get())
                done, _ = await asyncio.wait({getter, stopper},
                                             return_when=asyncio.FIRST_COMPLETED)
                if getter not in done:
                    getter.cancel()
                    break
                port, event = getter.result()
                try:
                    await self._dispatch(port, event)
                except Exception:  # one bad event must not stop the hall's devices
                    log.exception("%s: handling %s failed", port, event)
        finally:
            stopper.cancel()
            flusher.cancel()
            sender.cancel()
            for task in starts:
                task.cancel()
            for hub_client in clients:
                await hub_client.close()
            for link in self.links.values():
                link.stop()

    async def _send_ratings(self) -> None:
        """Send every kept rating until the hub acknowledges it; wait for a new rating or
        a reconnection, and retry what failed after a growing pause."""
        delay = self.backoff_s[0]
        told: set[str] = set()  # ratings whose "not connected" was logged once
        while True:
            self._ratings_due.clear()
            retry = False
            for kept in self.outbox.waiting():
                retry |= not await self._send_rating(kept, told)
            if not retry:
                delay = self.backoff_s[0]
                await self._ratings_due.wait()
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._ratings_due.wait(), delay)
            delay = min(delay * 2, max(self.backoff_s[1], 5.0))

    async def _send_rating(self, kept: Kept, told: set[str]) -> bool:
        """One attempt; True when the rating left the outbox (acknowledged or refused
        for good), False when it must be sent again."""
        driver = self.drivers.get(kept.window)
        if driver is None:
            if kept.id not in told:
                told.add(kept.id)
                log.warning("window %s: rating of %s kept: this station file has no "
                            "[[caller]] for the window any more", kept.window, kept.number)
            return False
        if not driver.client.connected:
            if kept.id not in told and driver.client.reconnects > 0:  # not the first try
                told.add(kept.id)
                log.warning("window %s: rating of %s (score %s) not sent yet: not connected "
                            "to the hub; kept and sent when it answers", kept.window,
                            kept.number, kept.fields.get("score"))
            return False
        try:
            await driver.client.request("rate", **kept.fields)
        except RequestFailed as failed:
            outcome = verdict(failed.code)
            if outcome == "already_rated":  # our earlier send arrived; its answer did not
                log.info("window %s: rating of %s was recorded already (answer lost "
                         "before): counted once", kept.window, kept.number)
                self.outbox.done(kept, "already_rated")
                return True
            if outcome == "retry":
                log.warning("window %s: rating of %s not recorded yet: %s (%s); sent again",
                            kept.window, kept.number, failed.code, failed.message)
                return False
            log.error("window %s: rating of %s (score %s) refused by the hub: %s (%s); "
                      "it cannot be recorded", kept.window, kept.number,
                      kept.fields.get("score"), failed.code, failed.message)
            self.outbox.done(kept, f"refused: {failed.code}")
            return True
        except (ConnectionLost, TimeoutError, OSError) as exc:
            log.warning("window %s: rating of %s not sent: %s; kept and sent again",
                        kept.window, kept.number, reason(exc))
            return False
        told.discard(kept.id)
        log.info("window %s: rating of %s recorded", kept.window, kept.number)
        self.outbox.done(kept, "recorded")
        return True

    async def _flush_every(self, period_s: float) -> None:
        while True:
            await asyncio.sleep(period_s)
            for driver in self.drivers.values():
                driver.flush()

    async def _dispatch(self, port: str, event: Event) -> None:
        if isinstance(event, DeviceOnline | DeviceOffline):
            log.info("%s: %s", port, event)
            return
        if isinstance(event, PressIgnored | SendFailed):
            log.info("%s: %s", port, event)
            return
        driver = self._owner.get((port, getattr(event, "address", -1)))
        if driver is None:
            log.warning("%s: %s from a device not in the station file: dropped", port, event)
            return
        await driver.on_device(event)


def _digits(staff: str) -> str:
    """What a clerk types at a keypad for ``staff``: its digits."""
    return "".join(c for c in staff if c.isdigit())
