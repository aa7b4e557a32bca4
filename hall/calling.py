"""Who a window calls next, and after that: the one rule of call order, pure.

The hub's engine asks :func:`call_order` for the first ticket when a clerk presses
呼叫下一位; a terminal asks it for the first dozen to list them under 排队号码, so the
list shows exactly the order in which the clerk's presses will call them.

The rule: the window's tiers in order of preference; within the first tier anyone waits
in, the oldest priority ticket goes first, but when normal tickets wait as well the
window alternates ``priority_ratio`` (P priority calls, then N normal ones). Each tier
keeps its own place in that cycle, so calls from another tier cannot restart it (which
would let priority tickets pass a waiting normal one without end).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hall.state import HallState


@dataclass(frozen=True)
class NextCall:
    """One call in a window's order: the ticket, and (tier, new place in its cycle) when
    the call advances a tier's priority:normal cycle (None otherwise)."""

    ticket: int
    cycle: tuple[int, int] | None


def call_order(
    state: HallState,
    tiers: Sequence[Sequence[str]],
    streaks: Mapping[int, int],
    priority_ratio: tuple[int, int],
    limit: int = 1,
) -> list[NextCall]:
    """The next ``limit`` calls of a window serving ``tiers`` whose cycle places are
    ``streaks`` (tier index -> calls made in its cycle), as its clerk would make them
    one after another with nobody else calling. Reads the state, changes nothing."""
    p_calls, n_calls = priority_ratio
    places = dict(streaks)
    used: dict[tuple[str, bool], int] = {}  # tickets of a lane already in the answer
    order: list[NextCall] = []
    while len(order) < limit:
        pick = _first(state, tiers, places, (p_calls, n_calls), used)
        if pick is None:
            break
        order.append(pick[0])
        used[pick[1]] = used.get(pick[1], 0) + 1
        if pick[0].cycle is not None:
            places[pick[0].cycle[0]] = pick[0].cycle[1]
    return order


def _first(
    state: HallState,
    tiers: Sequence[Sequence[str]],
    places: Mapping[int, int],
    ratio: tuple[int, int],
    used: Mapping[tuple[str, bool], int],
) -> tuple[NextCall, tuple[str, bool]] | None:
    p_calls, n_calls = ratio
    for index, tier in enumerate(tiers):
        best_p: tuple[tuple[int, int], str] | None = None
        best_n: tuple[tuple[int, int], str] | None = None
        for service in tier:
            queue = state.queues.get(service)
            if queue is None:
                continue
            skip_p, skip_n = used.get((service, True), 0), used.get((service, False), 0)
            if len(queue.priority) > skip_p and (
                    best_p is None or queue.priority[skip_p] < best_p[0]):
                best_p = (queue.priority[skip_p], service)
            if len(queue.normal) > skip_n and (
                    best_n is None or queue.normal[skip_n] < best_n[0]):
                best_n = (queue.normal[skip_n], service)
        if best_p is not None and best_n is not None:
            place = places.get(index, 0)
            chosen, priority = (best_p, True) if place < p_calls else (best_n, False)
            return (NextCall(chosen[0][1], (index, (place + 1) % (p_calls + n_calls))),
                    (chosen[1], priority))
        if best_p is not None:
            return NextCall(best_p[0][1], None), (best_p[1], True)
        if best_n is not None:
            return NextCall(best_n[0][1], None), (best_n[1], False)
    return None
