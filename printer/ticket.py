"""What goes on a ticket, built from the hall config and a hub ``take_ticket`` answer.

Works from the client's view of the hall (``HallConfig.from_public(welcome.hall)``):
it needs only zones and services, never devices or tokens.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from hall.config import HallConfig
from printer.layout import TicketContent

DEFAULT_QR_BASE = "http://hall.local/t/"


def ticket_content(config: HallConfig, issued: Mapping[str, Any], *,
                   qr_base: str = DEFAULT_QR_BASE) -> TicketContent:
    """The printable content of the ticket in ``issued`` (a ``take_ticket`` result's
    data: ``ticket``, ``ahead``, ``estimated_wait_min``).

    A service the config does not know prints its id and no zone.

    Raises:
        KeyError, ValueError: ``issued`` lacks the ticket's number, id or issue time.
    """
    ticket = issued["ticket"]
    service = config.service(ticket["service"])
    zone = config.zone(service.zone) if service else None
    return TicketContent(
        hall_name=config.hall.name,
        zone_name=zone.name if zone else "",
        service_name=service.name if service else str(ticket["service"]),
        number=str(ticket["number"]),
        people_ahead=int(issued.get("ahead") or 0),
        taken_at=datetime.fromisoformat(ticket["issued_at"]),
        qr_payload=f"{qr_base}{ticket['id']}",
        estimated_wait_min=issued.get("estimated_wait_min"),
    )
