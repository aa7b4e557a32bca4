"""The kiosk's printer port over ``printer/``: blocking calls, run off the GUI thread.

``check()`` asks the printer's status (DLE EOT) before a ticket is issued; a printer
that does not answer is *unknown*, not fine: the ticket is issued and printed, and the
status is reported as unknown. ``print_ticket()`` prints one ticket (``printer``
checks again before and after the job).
"""

from __future__ import annotations

import logging
import threading

from kiosk.model import PRINTER_PROBLEMS, PrinterCheck, PrintOutcome
from printer.job import print_ticket, query_status
from printer.layout import TicketContent
from printer.profile import PrinterProfile
from printer.status import Paper, PrinterStatus, Problem
from printer.transport import LinkError, open_link

log = logging.getLogger(__name__)


def _status_word(status: PrinterStatus) -> str:
    """A printer status as a ``device_status`` status."""
    if not status.known:
        return "unknown"
    problem = status.problem
    if problem is not None:
        return PRINTER_PROBLEMS[problem.value][0]
    return "paper_near_end" if status.paper is Paper.NEAR_END else "ok"


class TicketPrinter:
    """One printer (profile and connection string); one job at a time."""

    def __init__(self, profile: PrinterProfile, connection: str) -> None:
        self.profile = profile
        self.connection = connection
        self._lock = threading.Lock()

    def check(self) -> PrinterCheck:
        with self._lock:
            try:
                link = open_link(self.connection,
                                 timeout_s=max(self.profile.status_timeout_s * 4, 2.0))
            except LinkError as exc:
                log.warning("printer %s: %s", self.connection, exc)
                word, text = PRINTER_PROBLEMS[Problem.UNREACHABLE.value]
                return PrinterCheck(word, str(exc), text)
            try:
                status = (query_status(link, self.profile.status_timeout_s)
                          if self.profile.status_query else PrinterStatus())
            except LinkError as exc:
                log.warning("printer %s: %s", self.connection, exc)
                word, text = PRINTER_PROBLEMS[Problem.DISCONNECTED.value]
                return PrinterCheck(word, str(exc), text)
            finally:
                link.close()
        problem = status.problem
        if problem is not None:
            word, text = PRINTER_PROBLEMS[problem.value]
            return PrinterCheck(word, status.describe(), text)
        return PrinterCheck(_status_word(status), status.describe())

    def print_ticket(self, content: TicketContent) -> PrintOutcome:
        with self._lock:
            result = print_ticket(content, self.profile, self.connection)
        if result.ok:
            return PrintOutcome(True, _status_word(result.status), result.warning or "")
        problem = result.problem or Problem.PRINTER_ERROR
        word, text = PRINTER_PROBLEMS[problem.value]
        # the ticket stands: say what broke, not "get a ticket at the desk"
        return PrintOutcome(False, word, result.message, text.split("，")[0])
