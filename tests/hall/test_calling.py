"""The call order a terminal lists is the order the engine calls (hall/calling.py)."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from hall.calling import call_order
from hall.protocol import Transfer
from hub.engine import Engine
from tests.hub.engine_helpers import MORNING, call, hall, service, take, window


def listed(engine: Engine, number: int, limit: int = 12) -> list[str]:
    ws = engine.state.window(number)
    tiers = engine.config.window(number).tiers  # type: ignore[union-attr]
    order = call_order(engine.state, tiers, ws.streaks, engine.config.policy.priority_ratio,
                       limit)
    return [engine.state.tickets[c.ticket].number for c in order]


def test_a_transferred_ticket_is_listed_where_it_will_be_called() -> None:
    """Window 1 serves A before B: A001, transferred to B, keeps its old place in time
    but is called after A's tickets, so it is listed after them."""
    engine = Engine(hall())
    take(engine, "A")  # A001
    assert call(engine, 4) == "A001"
    take(engine, "A")  # A002
    take(engine, "B")  # B001
    engine.execute(Transfer(id=1, window=4, service="B"), MORNING)  # A001 waits for B
    assert listed(engine, 1) == ["A002", "A001", "B001"]
    assert [call(engine, 1) for _ in range(3)] == ["A002", "A001", "B001"]


def test_the_list_follows_tiers_not_the_time_of_issue() -> None:
    engine = Engine(hall())
    take(engine, "B")
    take(engine, "A")
    assert listed(engine, 1) == ["A001", "B001"]


def test_an_empty_window_lists_nothing() -> None:
    assert listed(Engine(hall()), 1) == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ABC"), st.booleans()), max_size=14),
       st.sampled_from([(2, 1), (1, 1), (3, 2), (1, 0)]), st.integers(0, 3))
def test_the_listed_order_is_the_calling_order(
    tickets: list[tuple[str, bool]], ratio: tuple[int, int], calls_before: int,
) -> None:
    engine = Engine(hall(windows=[window(1, "A", ("B", "C"))], priority_ratio=ratio,
                         services=[service("A"), service("B"), service("C")]))
    for sid, priority in tickets:
        take(engine, sid, priority=priority)
    for _ in range(calls_before):
        call(engine, 1)
    expected = listed(engine, 1, limit=20)
    after = copy.deepcopy(engine)
    assert [call(after, 1) for _ in range(len(expected))] == expected
    assert call(after, 1) is None
