"""Evaluator pads over real ptys with their virtual twins."""

from __future__ import annotations

import threading

import pytest

from devices.events import (
    DeviceOffline,
    DeviceOnline,
    PressIgnored,
    RatingCancelled,
    RatingGiven,
    RatingTimedOut,
)
from devices.pad import CancelRating, Pad, StartRating
from devices.profiles import load_pad, profile_ids
from devices.virtual import VirtualPad
from tests.conftest import TIMEOUT_S
from tests.devices.helpers import bus_and_link


@pytest.mark.parametrize("pid", profile_ids("pad"))
def test_a_key_answers_the_request_with_the_right_score(pid: str) -> None:
    profile = load_pad(pid)
    with bus_and_link(profile) as (bus, link, events):
        twin = bus.add(VirtualPad(profile, 3))
        pad = Pad(link, profile, 3)
        link.start()
        events.expect(DeviceOnline)
        for score in sorted(set(profile.keys.values())):
            request = pad.request_rating(TIMEOUT_S * 3)
            assert twin.wait_for(lambda: twin.lit, TIMEOUT_S)
            twin.press_score(score)
            given = events.expect(RatingGiven)
            assert (given.address, given.request_id, given.score) == (3, request, score)
            assert twin.wait_for(lambda: not twin.lit, TIMEOUT_S)  # the host confirmed the key
            pad.cancel_rating()  # nothing pending any more: a no-op
        assert link.stats.acks >= 1 and link.stats.dropped_bytes == 0
        assert not events.of(PressIgnored)
        starts = [c for c in twin.received if isinstance(c, StartRating)]
        assert len(starts) == len(set(profile.keys.values()))


def test_timeout_reports_not_rated_and_turns_the_pad_off() -> None:
    profile = load_pad("ff68-4key")
    with bus_and_link(profile) as (bus, link, events):
        twin = bus.add(VirtualPad(profile, 1))
        pad = Pad(link, profile, 1)
        link.start()
        request = pad.request_rating(0.3)
        timed_out = events.expect(RatingTimedOut)
        assert timed_out == RatingTimedOut(1, request)
        assert twin.wait_for(lambda: isinstance(twin.received[-1:] and twin.received[-1],
                                                CancelRating), TIMEOUT_S)
        assert not twin.lit
        twin.press("03")  # too late
        assert events.expect(PressIgnored).reason == "no-request"
        assert not events.of(RatingGiven)


def test_double_press_gives_one_score() -> None:
    profile = load_pad("ff68-4key")
    with bus_and_link(profile) as (bus, link, events):
        twin = bus.add(VirtualPad(profile, 1))
        pad = Pad(link, profile, 1)
        link.start()
        pad.request_rating(TIMEOUT_S * 3)
        assert twin.wait_for(lambda: twin.lit, TIMEOUT_S)
        twin.press("03")
        twin.press("03")  # key bounce: the same key at once
        twin.press("00")  # a second, different key
        assert events.expect(RatingGiven).score == 5
        reasons = {events.expect(PressIgnored).reason, events.expect(PressIgnored).reason}
        assert reasons == {"bounce", "no-request"}
        assert len(events.of(RatingGiven)) == 0


def test_a_key_with_nothing_pending_is_ignored() -> None:
    profile = load_pad("stx-5key")
    with bus_and_link(profile) as (bus, link, events):
        twin = bus.add(VirtualPad(profile, 1))
        Pad(link, profile, 1)
        link.start()
        events.expect(DeviceOnline)
        twin.press("5")
        ignored = events.expect(PressIgnored)
        assert ignored == PressIgnored(1, "5", "no-request")
        assert twin.wait_for(lambda: twin.confirmations == 1, TIMEOUT_S)  # still confirmed
        assert not events.of(RatingGiven)


def test_cancel_and_supersede() -> None:
    profile = load_pad("ff68-4key")
    with bus_and_link(profile) as (bus, link, events):
        twin = bus.add(VirtualPad(profile, 1))
        pad = Pad(link, profile, 1)
        link.start()
        first = pad.request_rating(TIMEOUT_S * 3)
        second = pad.request_rating(TIMEOUT_S * 3)
        assert events.expect(RatingCancelled) == RatingCancelled(1, first, "superseded")
        assert pad.cancel_rating() == second
        assert events.expect(RatingCancelled) == RatingCancelled(1, second, "cancelled")
        assert twin.wait_for(lambda: isinstance(twin.received[-1:] and twin.received[-1],
                                                CancelRating), TIMEOUT_S)
        assert not twin.lit


def test_unplug_mid_rating_recovers_and_attributes_no_score() -> None:
    profile = load_pad("ff68-5key-screen")
    with bus_and_link(profile) as (bus, link, events):
        twin = bus.add(VirtualPad(profile, 1))
        pad = Pad(link, profile, 1)
        link.start()
        events.expect(DeviceOnline)
        pad.show_clerk("张三", "1024")
        assert twin.wait_for(lambda: twin.screen == "张三 工号1024", TIMEOUT_S)
        request = pad.request_rating(TIMEOUT_S * 3)
        assert twin.wait_for(lambda: twin.lit, TIMEOUT_S)

        bus.unplug()
        events.expect(DeviceOffline)
        assert events.expect(RatingCancelled) == RatingCancelled(1, request, "link-lost")
        twin.press("04")  # pressed while the cable is out: lost
        twin.screen = ""
        bus.replug()
        back = events.expect(DeviceOnline)  # the link reopened the port by itself
        print(f"reconnected after {back.outage_s:.2f} s")  # the bench measures it
        # the 亮牌 text is shown again after the outage
        assert twin.wait_for(lambda: twin.screen == "张三 工号1024", TIMEOUT_S)
        # a key for the old request, read after the reconnect, is not attributed to it
        twin.press("04")
        assert events.expect(PressIgnored).reason == "no-request"
        assert not events.of(RatingGiven)
        # and the pad works again for a new request
        again = pad.request_rating(TIMEOUT_S * 3)
        assert twin.wait_for(lambda: twin.lit, TIMEOUT_S)
        twin.press("00")
        assert events.expect(RatingGiven) == RatingGiven(1, again, 1, "00")
        assert link.stats.reconnects == 1 and len(link.stats.outages_s) == 1


def test_request_while_offline_ends_link_lost() -> None:
    profile = load_pad("ff68-4key")
    with bus_and_link(profile, reconnect_max_s=0.2) as (bus, link, events):
        bus.add(VirtualPad(profile, 1))
        pad = Pad(link, profile, 1)
        bus.unplug()
        link.start()
        events.expect(DeviceOffline)
        request = pad.request_rating(TIMEOUT_S)
        assert events.expect(RatingCancelled) == RatingCancelled(1, request, "link-lost")
        bus.replug()
        events.expect(DeviceOnline)


def test_show_text_needs_a_screen() -> None:
    profile = load_pad("ff68-4key")
    with bus_and_link(profile) as (_bus, link, _events):
        pad = Pad(link, profile, 1)
        with pytest.raises(ValueError, match="no screen"):
            pad.show_clerk("张三", "1")
        with pytest.raises(ValueError, match="positive"):
            pad.request_rating(0)


def test_every_event_reaches_the_callback_on_the_link_thread() -> None:
    profile = load_pad("ff68-4key")
    threads: list[str] = []

    def on_event(_event: object) -> None:
        threads.append(threading.current_thread().name)

    with bus_and_link(profile, on_event=on_event) as (bus, link, events):
        twin = bus.add(VirtualPad(profile, 1))
        pad = Pad(link, profile, 1)
        link.start()
        first = pad.request_rating(TIMEOUT_S)
        pad.request_rating(TIMEOUT_S)  # supersedes, from this thread
        pad.cancel_rating()
        assert events.expect(RatingCancelled).request_id == first
        events.expect(RatingCancelled, where=lambda e: e.reason == "cancelled")
        twin.press("03")
        events.expect(PressIgnored)
    assert threads and all(name.startswith("link ") for name in threads), threads
