"""A small two-floor hall for the voice tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from hall.config import HallConfig, parse_config

HALL = """
[hall]
name = "测试大厅"
timezone = "Asia/Shanghai"

[[zone]]
id = "f1"
name = "一楼"

[[zone]]
id = "f2"
name = "二楼"

[[service]]
id = "A"
name = "综合受理"
name_en = "General"
zone = "f1"

[[service]]
id = "B"
name = "不动产"
zone = "f2"

[[window]]
number = 3
services = ["A"]
zone = "f1"

[[window]]
number = 12
services = ["B"]
zone = "f2"

{voice}
"""


def hall(voice: str = "") -> HallConfig:
    return parse_config(HALL.replace("{voice}", voice))


@pytest.fixture
def config() -> HallConfig:
    return hall("""
[voice]
repeat = 1
max_queue = 3

[[voice.speaker]]
id = "floor1"
zones = ["f1"]

[[voice.speaker]]
id = "floor2"
zones = ["f2"]
""")


def called(ticket_id: int, number: str, window: int, service: str = "A",
           recall: int = 0) -> dict[str, Any]:
    """A ``ticket_called`` event's data."""
    return {"ticket": {"id": ticket_id, "number": number, "service": service},
            "window": window, "recall": recall}


def at(hour: int, minute: int = 0) -> datetime:
    """A clock reading (UTC) for hall local time hour:minute in Asia/Shanghai."""
    return datetime(2026, 3, 2, (hour - 8) % 24, minute, tzinfo=UTC)
