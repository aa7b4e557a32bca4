"""The pad's rating rules as a pure state machine, under random sequences of calls."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from devices.events import PressIgnored, RatingCancelled, RatingGiven, RatingTimedOut
from devices.pad import RatingSession
from devices.profiles import load_pad

PROFILE = load_pad("ff68-4key")
KEYS = [*(PROFILE.key_label(c) for c in PROFILE.keys), "09"]

ops = st.lists(
    st.one_of(
        st.tuples(st.just("request"), st.floats(0.1, 5.0)),
        st.tuples(st.just("press"), st.sampled_from(KEYS)),
        st.tuples(st.just("wait"), st.floats(0.0, 3.0)),
        st.tuples(st.just("cancel"), st.none()),
        st.tuples(st.just("lost"), st.none()),
    ),
    max_size=40,
)


@settings(max_examples=400, deadline=None)
@given(ops=ops)
def test_every_request_ends_exactly_once(ops: list[tuple[str, object]]) -> None:
    session = RatingSession(PROFILE, 1)
    now = 0.0
    requested: list[int] = []
    events: list[object] = []
    lost_while: set[int] = set()
    for op, arg in ops:
        if op == "request":
            request_id, out = session.request(now, float(arg))  # type: ignore[arg-type]
            requested.append(request_id)
        elif op == "press":
            code = PROFILE.key_code(str(arg))
            out = session.press(now, str(arg), PROFILE.keys.get(code))
        elif op == "wait":
            now += float(arg)  # type: ignore[arg-type]
            out = session.tick(now)
        elif op == "cancel":
            out = session.cancel()
        else:
            if session.pending is not None:
                lost_while.add(session.pending)
            out = session.lost()
        events += out
        now += 0.01
    events += session.cancel()  # close whatever is left

    endings: dict[int, list[object]] = {}
    for event in events:
        if isinstance(event, RatingGiven | RatingTimedOut | RatingCancelled):
            endings.setdefault(event.request_id, []).append(event)
    assert sorted(endings) == requested  # every request ended…
    assert all(len(e) == 1 for e in endings.values())  # …exactly once
    for request_id in lost_while:  # a request open when the port went away is never scored
        assert endings[request_id] == [RatingCancelled(1, request_id, "link-lost")]
    for event in events:
        if isinstance(event, RatingGiven):
            assert 1 <= event.score <= 5 and event.key != "09"
        if isinstance(event, PressIgnored):
            assert event.reason in ("no-request", "bounce", "unknown-key")
