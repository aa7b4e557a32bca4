"""docs/devices.md keeps up with the code: every event and keypad action is described."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest

from devices.events import Event
from devices.profiles import ACTIONS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "devices.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("event", typing.get_args(Event), ids=lambda e: e.__name__)
def test_every_event_is_documented(event: type) -> None:
    assert f"`{event.__name__}(" in DOC


@pytest.mark.parametrize("action", ACTIONS)
def test_every_keypad_action_is_documented(action: str) -> None:
    assert f"`{action}`" in DOC
