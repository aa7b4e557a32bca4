"""Printing one ticket: the entry point for the kiosk.

    result = print_ticket(content, profile, "tcp:192.168.1.50:9100")
    if not result.ok:
        show(result.message)          # e.g. "打印机缺纸 / Printer out of paper"

The printer is asked for its status before the job (a printer out of paper or with
its cover open gets nothing) and after it (paper that ran out during the job, a
connection that broke). A printer that never answers is *unknown*: the bytes are
sent and the result says the status could not be confirmed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from printer.encode import EncodedTicket, encode_ticket
from printer.glyphs import FontMissingError
from printer.layout import TicketContent, layout_ticket
from printer.profile import PrinterProfile
from printer.status import (
    PAPER_NEAR_END_MESSAGE,
    QUERIES,
    Paper,
    PrinterStatus,
    Problem,
    decode_status,
    status_request,
)
from printer.transport import Connection, Link, LinkClosed, LinkError, open_link

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PrintResult:
    """How a print job went; ``message`` is fit for a kiosk screen."""

    ok: bool
    message: str
    problem: Problem | None = None
    status: PrinterStatus = field(default_factory=PrinterStatus)  # the last status the printer gave
    confirmed: bool = False  # the printer answered after the job: it has paper and is online
    warning: str | None = None  # e.g. paper near end, status unknown
    unencodable: tuple[str, ...] = ()
    marked: tuple[str, ...] = ()
    bytes_sent: int = 0


def query_status(link: Link, timeout_s: float) -> PrinterStatus:
    """Ask ``DLE EOT 1, 2, 4``; stops at the first silence (then what is missing is unknown).

    Raises:
        LinkClosed: the connection is gone.
        LinkError: the transport failed.
    """
    if not link.can_read:
        return PrinterStatus()
    link.drain()
    answers: dict[int, int] = {}
    for n in QUERIES:
        link.send(status_request(n))
        data = link.read(timeout_s)
        if not data:
            break
        answers[n] = data[-1]
    return decode_status(answers)


def _fail(problem: Problem, status: PrinterStatus, enc: EncodedTicket, sent: int) -> PrintResult:
    return PrintResult(
        False, problem.message, problem, status, False, None, enc.unencodable, enc.marked, sent
    )


def print_bytes(
    encoded: EncodedTicket, profile: PrinterProfile, connection: Connection | str
) -> PrintResult:
    """Send encoded ticket bytes to a printer, checking its status before and after.

    Never raises for printer trouble: every failure is a result with a reason.

    Raises:
        ConnectionStringError: the connection string is malformed (a configuration error).
    """
    try:
        link = open_link(connection, timeout_s=max(profile.status_timeout_s * 4, 2.0))
    except LinkError as exc:
        log.warning("%s", exc)
        return _fail(Problem.UNREACHABLE, PrinterStatus(), encoded, 0)
    sent = 0
    before = after = PrinterStatus()
    try:
        if profile.status_query:
            before = query_status(link, profile.status_timeout_s)
        if before.problem is not None:
            return _fail(before.problem, before, encoded, 0)
        link.send(encoded.data)
        sent = len(encoded.data)
        if before.known:
            after = query_status(link, profile.status_timeout_s)
            if not after.known:  # it answered before the job and not after
                return _fail(Problem.DISCONNECTED, after, encoded, sent)
            if after.problem is not None:
                return _fail(after.problem, after, encoded, sent)
    except LinkError as exc:
        log.warning("printing to %s: %s", link.conn, exc)
        broke = sent or isinstance(exc, LinkClosed)
        problem = Problem.DISCONNECTED if broke else Problem.UNREACHABLE
        return _fail(problem, after if after.known else before, encoded, sent)
    finally:
        link.close()
    status = after if after.known else before
    warning = None
    if not status.known:
        warning = "未能确认打印机状态 / Printer status unknown: check the ticket came out"
    elif status.paper is Paper.NEAR_END:
        warning = PAPER_NEAR_END_MESSAGE
    message = "取号成功，请取走小票 / Ticket printed"
    return PrintResult(
        True, message, None, status, after.known, warning, encoded.unencodable, encoded.marked, sent
    )


def print_ticket(
    content: TicketContent, profile: PrinterProfile, connection: Connection | str
) -> PrintResult:
    """Lay out, encode and print one ticket. The one call the kiosk needs.

    Never raises for printer trouble or odd text: see :class:`PrintResult`.

    Raises:
        ConnectionStringError: the connection string is malformed (a configuration error).
    """
    try:
        encoded = encode_ticket(profile, layout_ticket(content, profile))
    except FontMissingError as exc:
        log.error("%s", exc)
        return PrintResult(False, Problem.NO_FONT.message, Problem.NO_FONT)
    return print_bytes(encoded, profile, connection)
