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


def ticket_content(config: HallConfig, issued: Mapping[str, Any], *, mark: str = "",
                   english: bool = False) -> TicketContent:
    """The printable content of the ticket in ``issued`` (a ``take_ticket`` result's
    data: ``ticket``, ``ahead``, ``estimated_wait_min``, ``wait_range_min``, ``link``).

    The QR code carries the hub's ``link`` (the ticket's unguessable public page,
    docs/web.md); without one the ticket is printed with no QR code.

    A service the config does not know prints its id and no zone. ``mark`` (优先,
    预约) is printed above the number; ``english`` adds English lines (the hall's,
    zone's and service's ``name_en``, the counts, the notice) beside the Chinese.

    Raises:
        KeyError, ValueError: ``issued`` lacks the ticket's number, id or issue time.
    """
    ticket = issued["ticket"]
    span = issued.get("wait_range_min")
    service = config.service(ticket["service"])
    zone = config.zone(service.zone) if service else None
    return TicketContent(
        hall_name=config.hall.name,
        zone_name=zone.name if zone else "",
        service_name=service.name if service else str(ticket["service"]),
        number=str(ticket["number"]),
        people_ahead=int(issued.get("ahead") or 0),
        taken_at=datetime.fromisoformat(ticket["issued_at"]),
        qr_payload=str(issued.get("link") or ""),
        estimated_wait_min=issued.get("estimated_wait_min"),
        wait_range_min=tuple(int(x) for x in span) if span else None,
        # a hub that sends wait_range_min: null could not estimate (older hubs send none)
        wait_known=not ("wait_range_min" in issued and span is None),
        mark=mark,
        english=english,
        hall_name_en=config.hall.name_en,
        zone_name_en=zone.name_en if zone else "",
        service_name_en=service.name_en if service else "",
    )
