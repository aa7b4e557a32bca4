"""A hostile or broken hub cannot end a client: 20,000 mutated welcomes once killed
HubClient for good (``state.issued: null`` raised AttributeError out of its loop). Every
mutated welcome and event is logged and answered with a reconnect, a good welcome
afterwards works, and the real HubClient reconnects by itself."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.asyncio.server import ServerConnection, serve

from hall.client import HubClient
from hall.config import Role
from hall.protocol import CallNext, TakeTicket, Welcome
from hall.session import ClientSession, Reconnect, Welcomed
from hub.engine import Engine
from tests.conftest import TIMEOUT_S
from tests.hub.engine_helpers import at, hall

ODD_VALUES = [None, 0, -1, 2**63, 1.5, "", "x", [], {}, [None], {"": None}, True]


def real_frames() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A welcome as a hub sends it (a hall with tickets waiting and called) and the
    events that follow it."""
    config = hall()
    engine = Engine(config)
    for i in range(3):
        engine.execute(TakeTicket(id=i, service="A"), at(9, i))
    engine.execute(CallNext(id=9, window=1), at(9, 5))
    welcome = Welcome(role=Role.DISPLAY, seq=engine.state.seq, hall=config.public(),
                      state=engine.state.public(), device="display-1", window=None).to_json()
    events = [e.to_json() for e in engine.execute(TakeTicket(id=20, service="A"),
                                                  at(9, 6)).events]
    events += [e.to_json() for e in engine.execute(CallNext(id=21, window=2), at(9, 7)).events]
    for n, event in enumerate(events, start=engine.state.seq - len(events) + 1):
        event["seq"] = n
    welcome["seq"] = welcome["state"]["seq"] = engine.state.seq - len(events)
    return welcome, events


WELCOME, EVENTS = real_frames()


def paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(obj, dict):
        for key, value in obj.items():
            out += paths(value, (*prefix, key))
    elif isinstance(obj, list):
        for index, value in enumerate(obj[:4]):
            out += paths(value, (*prefix, index))
    return out


def mutated(obj: dict[str, Any], path: tuple[Any, ...], value: Any, drop: bool) -> Any:
    copied = copy.deepcopy(obj)
    if not path:
        return value
    parent = copied
    for step in path[:-1]:
        parent = parent[step]
    if drop and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return copied


WELCOME_PATHS = paths(WELCOME)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(WELCOME_PATHS), value=st.sampled_from(ODD_VALUES),
       drop=st.booleans(), second=st.booleans())
def test_any_mutated_welcome_is_a_reconnect_never_an_exception(
    path: tuple[Any, ...], value: Any, drop: bool, second: bool
) -> None:
    session = ClientSession("display-1", "t")
    if second:  # a replica already there: a resumed connection gets the odd welcome
        session.connected()
        session.receive(json.dumps(WELCOME))
    session.connected()
    out = session.receive(json.dumps(mutated(WELCOME, path, value, drop)))
    assert all(isinstance(o, Reconnect | Welcomed) for o in out)
    session.closed()
    session.connected()
    [good] = session.receive(json.dumps(WELCOME))
    assert isinstance(good, Welcomed) and session.ready
    assert session.state is not None and session.state.seq == WELCOME["seq"]


EVENT_PATHS = [(i, *p) for i, e in enumerate(EVENTS) for p in paths(e) if p]


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(EVENT_PATHS), value=st.sampled_from(ODD_VALUES),
       drop=st.booleans())
def test_any_mutated_event_is_a_reconnect_never_an_exception(
    path: tuple[Any, ...], value: Any, drop: bool
) -> None:
    session = ClientSession("display-1", "t")
    session.connected()
    session.receive(json.dumps(WELCOME))
    index, *inner = path
    for n, event in enumerate(EVENTS):
        frame = mutated(event, tuple(inner), value, drop) if n == index else event
        out = session.receive(json.dumps(frame))
        if any(isinstance(o, Reconnect) for o in out):
            break
    session.closed()
    session.connected()
    session.receive(json.dumps(WELCOME))  # a fresh welcome always recovers
    for event in EVENTS:
        session.receive(json.dumps(event))
    assert session.state is not None and session.state.seq == EVENTS[-1]["seq"]


async def test_the_client_logs_a_hostile_welcome_and_reconnects() -> None:
    """A fake hub whose first welcome has ``state.issued: null`` (and then a list where
    an object belongs): the client reconnects each time and takes the good third one."""
    hostile = [mutated(WELCOME, ("state", "issued"), None, False),
               mutated(WELCOME, ("state",), [1, 2], False), WELCOME]
    connections = 0

    async def fake_hub(ws: ServerConnection) -> None:
        nonlocal connections
        connections += 1
        await ws.recv()  # the hello
        await ws.send(json.dumps(hostile[min(connections, len(hostile)) - 1]))
        await ws.wait_closed()

    async with serve(fake_hub, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        client = HubClient(f"ws://127.0.0.1:{port}", "display-1", "t", backoff_s=(0.01, 0.05))
        try:
            welcome = await client.connect(timeout_s=TIMEOUT_S)
            assert welcome.seq == WELCOME["seq"] and connections == 3
            assert client.reconnects >= 2
        finally:
            await client.close()
