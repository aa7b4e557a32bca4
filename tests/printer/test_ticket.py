"""Ticket content from the client's view of the hall (no devices, no tokens)."""

from __future__ import annotations

from hall.config import HallConfig, load_config
from jiaohao.examples import example_path
from printer.ticket import ticket_content


def test_ticket_content_from_the_public_hall() -> None:
    with example_path("dongxiang.toml") as path:
        full = load_config(path)
    hall = HallConfig.from_public(full.public())
    service = hall.services[0]
    issued = {"ticket": {"id": 17, "number": f"{service.id}001", "service": service.id,
                         "issued_at": "2026-03-02T09:15:00+08:00", "priority": False},
              "ahead": 3, "estimated_wait_min": 12}
    content = ticket_content(hall, issued)
    assert content.hall_name == full.hall.name
    assert content.service_name == service.name
    assert content.zone_name == full.zone(service.zone).name  # type: ignore[union-attr]
    assert content.number == f"{service.id}001" and content.people_ahead == 3
    assert content.estimated_wait_min == 12 and content.qr_payload.endswith("/17")


def test_unknown_service_prints_its_id() -> None:
    with example_path("village.toml") as path:
        hall = HallConfig.from_public(load_config(path).public())
    issued = {"ticket": {"id": 1, "number": "Z001", "service": "Z",
                         "issued_at": "2026-03-02T09:15:00+08:00"}, "ahead": 0}
    content = ticket_content(hall, issued)
    assert content.service_name == "Z" and content.zone_name == ""
