"""The hub's knobs in one frozen dataclass (``Hub(config, db, settings=HubSettings(...))``).

Every field has the value a hall runs with; tests and benches replace a few
(``dataclasses.replace`` or keyword arguments). Admission limits (connection caps,
rate limits, the failed-hello throttle) are :class:`hub.admission.Limits`, kept
together under ``limits`` and by default read from the hall config's ``[connections]``
(as are the hello and handshake deadlines); the public pages' limits are under
``public_limits``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hub.admission import Limits
from hub.public import PublicLimits
from ledger.store import RESUME_LIMIT


@dataclass(frozen=True)
class HubSettings:
    #: Who may connect and how fast: per-connection token bucket (``rate=None``: no
    #: limit), connection caps in total, per device and per address before hello, the
    #: failed-hello throttle. None: the hall config's ``[connections]``.
    limits: Limits | None = None
    #: Limits of the public pages (their sockets are not counted in ``limits``).
    public_limits: PublicLimits = field(default_factory=PublicLimits)
    #: ``engine.tick`` runs at least this often (the hall day closes on time).
    tick_interval_s: float = 30.0
    #: websockets' keepalive (None: off).
    ping_interval_s: float | None = 20.0
    ping_timeout_s: float | None = 20.0
    #: Requests the writer takes into one batch (one transaction) at most.
    max_batch: int = 1000
    #: A connection with more bytes than this waiting to be sent is dropped (a welcome
    #: just written does not count).
    max_write_buffer: int = 4 * 1024 * 1024
    #: A connection whose messages have not drained for this long is dropped.
    stall_timeout_s: float = 30.0
    #: A hello with ``since`` more than this many events behind gets a full welcome.
    resume_limit: int = RESUME_LIMIT
    #: A connection that has not said hello by then is closed (4002). None: the hall
    #: config's ``[connections] hello_timeout_s``.
    hello_timeout_s: float | None = None
    #: The opening handshake (the HTTP request) must be complete within this. None: the
    #: hall config's ``[connections] handshake_timeout_s``.
    handshake_timeout_s: float | None = None
    #: Clients get this long to answer the hub's close before they are cut off.
    close_grace_s: float = 2.0
    #: TCP connections held open at once, in any state (handshaking, hall devices,
    #: public pages); past it a new one is closed as soon as it is accepted. None: the
    #: open-files limit less a reserve (hub/fdlimit.py), or no cap without one.
    max_sockets: int | None = None
    #: A kiosk, terminal or display whose connection stays closed this long is reported
    #: offline by the hub itself (None: never).
    offline_after_s: float | None = 120.0
