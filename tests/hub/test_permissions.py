"""The role/permission matrix, request type by request type."""

from __future__ import annotations

from typing import Any

import pytest

from hall.config import Device, Role
from hall.protocol import REQUESTS, WindowRequest
from hub.connections import authorize

READ_ONLY = {"status", "ticket_info"}
ANY_DEVICE = {"device_status"}  # every device reports its own hardware
KIOSK = {"take_ticket", "ticket_not_printed", "give_up_ticket", "check_booking", "reprint"}
SAMPLE: dict[str, Any] = {"service": "A", "ticket": 1, "score": 5, "staff": "0001",
                          "number": "A001", "device_kind": "printer", "status": "ok",
                          "request": "k1", "booking": "BK1", "call": "rating",
                          "assist": "help", "case": 1, "action": "start"}


def make(request_type: str, window: int) -> Any:
    cls = REQUESTS[request_type]
    fields = {k: v for k, v in SAMPLE.items() if k in cls.__struct_fields__}
    if issubclass(cls, WindowRequest):
        fields["window"] = window
    return cls(id=1, **fields)


def expected(role: Role, request_type: str, own_window: bool) -> str | None:
    cls = REQUESTS[request_type]
    if role is Role.ADMIN or request_type in READ_ONLY | ANY_DEVICE:
        return None
    if role is Role.KIOSK:
        return None if request_type in KIOSK else "forbidden"
    if role is Role.CALLER and issubclass(cls, WindowRequest):
        return None if own_window else "wrong_window"
    return "forbidden"


@pytest.mark.parametrize("request_type", sorted(REQUESTS))
@pytest.mark.parametrize("role", list(Role))
def test_matrix(role: Role, request_type: str) -> None:
    device = Device("d", role, token="t", window=3 if role is Role.CALLER else None)
    for window, own in ((3, True), (4, False)):
        refusal = authorize(device, make(request_type, window))
        code = refusal.code if refusal is not None else None
        assert code == expected(role, request_type, own), (role, request_type, window)


def test_nobody_before_hello() -> None:
    refusal = authorize(None, make("status", 1))
    assert refusal is not None and refusal.code == "not_authenticated"
