"""File descriptors: the hub's budget of open sockets, and a quiet log when it runs out.

Every open socket costs the hub one file descriptor. The hub raises its soft limit to
the hard one at start (``jiaohao hub``), keeps a reserve for the database, logs and
Python itself, and counts every TCP connection from the moment it is accepted
(before any handshake): past the budget a new one is closed at once, so a flood of
half-open connections cannot exhaust the descriptors the live hall needs.

If the process runs out anyway (something else holds descriptors), asyncio logs every
failed ``accept()`` with a traceback, and on Python up to at least 3.12 it reschedules
its listener once per failure, so a few seconds give tens of thousands of tracebacks.
:class:`AcceptFailures` folds them into one warning every ``interval_s``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any, cast

from websockets.asyncio.server import ServerConnection

from hub.admission import Gate, Opening
from hub.ratelimit import QuietLog

log = logging.getLogger(__name__)

#: Descriptors kept back from the socket budget: the database and its WAL, the lock
#: file, logs and Python's own (64), and the connections asyncio accepts in one go
#: before the hub sees any of them (its listen backlog, 100); half the limit when
#: the limit is small.
RESERVED_FDS = 64 + 100
#: A socket budget is never smaller than this, whatever the limit says.
MIN_SOCKETS = 16

_ACCEPT_FAILED = "socket.accept() out of system resource"
_RESTART_LISTENING = "_start_serving"


def soft_limit() -> int | None:
    """The process's soft limit on open files, or None where there is none to read
    (Windows)."""
    try:
        import resource
    except ImportError:
        return None
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return None if soft == resource.RLIM_INFINITY else int(soft)


def raise_soft_limit() -> int | None:
    """Raise the soft limit on open files to the hard limit (the systemd unit sets
    both with ``LimitNOFILE``); returns the soft limit in force afterwards."""
    try:
        import resource
    except ImportError:
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != soft:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError) as exc:
            log.warning("cannot raise the open-files limit from %d to %d: %s", soft, target, exc)
    return soft_limit()


def socket_budget(limit: int | None) -> int | None:
    """How many sockets the hub may hold open under an open-files ``limit``."""
    if limit is None:
        return None
    reserve = min(RESERVED_FDS, limit // 2)
    return max(MIN_SOCKETS, limit - reserve)


class AcceptFailures:
    """An event-loop exception handler that turns asyncio's per-failure tracebacks for
    ``accept()`` out of descriptors into one warning per ``interval_s``; any other
    context goes to the loop's default handler."""

    def __init__(self, interval_s: float = 10.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.total = 0
        self._log = QuietLog(log, interval_s, clock)

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if context.get("message") != _ACCEPT_FAILED:
            if self.total and _RESTART_LISTENING in repr(context.get("handle")):
                # One of the many retries an accept failure scheduled, run after the
                # listener closed: the failure was reported already.
                log.debug("a retry of accept() failed: %s", context.get("exception"))
                return
            loop.default_exception_handler(context)
            return
        self.total += 1
        self._log.warning(
            "accept", "out of file descriptors (%s): a connection could not be accepted; "
            "raise LimitNOFILE or lower the connection caps (open-files limit now %s)",
            context.get("exception"), soft_limit() or "unknown")


class SocketBudget:
    """Counts the hub's TCP connections from accept to close and turns away those past
    ``max_sockets``; sizes the budget to the open-files limit when none is given."""

    def __init__(self, max_sockets: int | None) -> None:
        self.max_sockets = max_sockets
        self.open = 0
        self._quiet = QuietLog(log)
        self._loop: asyncio.AbstractEventLoop | None = None

    def watch(self, caps: int) -> None:
        """Size the budget (warning when the connection ``caps`` exceed it) and fold
        asyncio's out-of-descriptors tracebacks into one warning now and then."""
        if self.max_sockets is None:
            self.max_sockets = socket_budget(soft_limit())
        if self.max_sockets is not None and caps > self.max_sockets:
            log.warning("the connection caps (%d hall + public) exceed the %d sockets the "
                        "open-files limit allows; raise LimitNOFILE", caps, self.max_sockets)
        loop = asyncio.get_running_loop()
        if loop.get_exception_handler() is None:
            loop.set_exception_handler(AcceptFailures())
            self._loop = loop

    def unwatch(self) -> None:
        if self._loop is not None:
            self._loop.set_exception_handler(None)
            self._loop = None

    def opened(self, transport: asyncio.Transport) -> bool:
        """Count a TCP connection just accepted; False (and it is closed at once) past
        the budget."""
        self.open += 1
        if self.max_sockets is None or self.open <= self.max_sockets:
            return True
        transport.abort()  # its descriptor is free again on the next loop turn
        self._quiet.warning("sockets", "turned a connection away: %d sockets open "
                            "(max_sockets)", self.open - 1)
        return False

    def closed(self) -> None:
        self.open -= 1

    def connection_class(self, gate: Gate) -> type[ServerConnection]:
        """websockets' connection class, counting TCP connections from accept to close
        and, until their hello, against their address (``gate``, hub/admission.py)."""
        budget = self

        class Counted(ServerConnection):
            #: Its place among its address's connections before hello (None: none).
            opening: Opening | None = None
            #: Closed as soon as accepted: websockets never saw it.
            refused: bool = False

            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                tcp = cast(asyncio.Transport, transport)
                if budget.opened(tcp):
                    peer = transport.get_extra_info("peername")
                    self.opening = gate.accept(str(peer[0]) if peer else "")
                    if self.opening is not None:
                        super().connection_made(transport)
                        return
                    tcp.abort()
                # Turned away before websockets starts on it (no handler task, no
                # handshake): a flood of refused connections costs the hub next to
                # nothing. The aborted transport calls connection_lost and nothing else.
                self.refused = True

            def connection_lost(self, exc: Exception | None) -> None:
                budget.closed()
                gate.release(self.opening)
                if not self.refused:
                    super().connection_lost(exc)

        return Counted
