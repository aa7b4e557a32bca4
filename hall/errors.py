"""One error hierarchy for the whole hall, documented in one place.

The engine raises :class:`QueueError` subclasses; the hub turns each into
``{"type":"result","ok":false,"error":{"code":…,"message":…}}`` with the class's
stable ``code`` and keeps the connection open. Clients raise :class:`RequestFailed`
carrying the same code. ``docs/protocol.md`` lists every code (a test checks it).
"""

from __future__ import annotations

from typing import ClassVar


class QueueError(Exception):
    """Base of every refusal the hall gives. ``code`` is stable and documented."""

    code: ClassVar[str] = "error"
    #: One line for docs/protocol.md.
    doc: ClassVar[str] = "A request was refused."

    def __init__(self, message: str = "") -> None:
        super().__init__(message or self.doc)
        self.message = message or self.doc


# -- protocol and access -------------------------------------------------------------


class ProtocolError(QueueError):
    code = "bad_request"
    doc = "A field is missing, of the wrong type or out of range."


class NotJson(ProtocolError):
    code = "not_json"
    doc = "The frame is not a JSON object (or is a binary frame)."


class UnknownType(ProtocolError):
    code = "unknown_type"
    doc = "The message's `type` is not one protocol v1 knows."


class UnsupportedProtocol(ProtocolError):
    code = "unsupported_protocol"
    doc = "The hello asked for a protocol version the hub does not speak."


class NotAuthenticated(QueueError):
    code = "not_authenticated"
    doc = "A request came before a successful hello/welcome."


class BadCredentials(QueueError):
    code = "bad_credentials"
    doc = "Unknown device or wrong token. The hub closes the connection."


class Forbidden(QueueError):
    code = "forbidden"
    doc = "The device's role may not send this request."


class WrongWindow(QueueError):
    code = "wrong_window"
    doc = "A caller acted for a window that is not its own."


class RateLimited(QueueError):
    code = "rate_limited"
    doc = "Too many requests on this connection; wait and retry."


class Busy(QueueError):
    code = "busy"
    doc = ("A read (stats, ticket_history) is already waiting or running for this "
           "connection, or too many reads wait in the hub; retry when it is answered.")


class StoreFailed(QueueError):
    code = "store_failed"
    doc = "The hub could not write to its database; nothing was changed."


class InternalError(QueueError):
    code = "internal_error"
    doc = "An unexpected fault in the hub; nothing was changed. It is logged."


# -- hall rules ----------------------------------------------------------------------


class UnknownService(QueueError):
    code = "unknown_service"
    doc = "No service with that id in the hall configuration."


class UnknownWindow(QueueError):
    code = "unknown_window"
    doc = "No window with that number in the hall configuration."


class UnknownTicket(QueueError):
    code = "unknown_ticket"
    doc = "No ticket with that id or number in the current hall day."


class UnknownStaff(QueueError):
    code = "unknown_staff"
    doc = "The staff number is not in the hall's staff list."


class OutsideHours(QueueError):
    code = "outside_hours"
    doc = "The service issues no tickets at this time of day."


class DailyCapReached(QueueError):
    code = "daily_cap_reached"
    doc = "The service has issued its daily number of tickets."


class SlotCapReached(QueueError):
    code = "slot_cap_reached"
    doc = "The service has issued its number of tickets for this time slot."


class NoWindow(QueueError):
    code = "no_window"
    doc = "No window of the hall serves the service, so its tickets would never be called."


class BookingUsed(QueueError):
    code = "booking_used"
    doc = "The booking code was already checked in."


class RequestExpired(QueueError):
    code = "request_expired"
    doc = ("The take_ticket arrived after its `give_up_at` (or its kiosk gave it up): "
           "nothing was issued.")


class WindowPaused(QueueError):
    code = "window_paused"
    doc = "The window is paused; resume it first (or it is paused already)."


class WindowNotPaused(QueueError):
    code = "window_not_paused"
    doc = "Resume was asked of a window that is not paused."


class WindowIdle(QueueError):
    code = "window_idle"
    doc = "The window holds no ticket to recall, skip, finish, transfer or rate."


class RecallLimit(QueueError):
    code = "recall_limit"
    doc = "The ticket was recalled as often as the hall allows; skip it instead."


class NotSkipped(QueueError):
    code = "not_skipped"
    doc = "Only a skipped (no-show) ticket can be reinstated."


class NotCallable(QueueError):
    code = "not_callable"
    doc = "The ticket is being served, finished or closed, so it cannot be called."


class ServiceNotAtWindow(QueueError):
    code = "service_not_at_window"
    doc = "The window does not serve that ticket's service."


class SameService(QueueError):
    code = "same_service"
    doc = "A transfer must name another service."


class NotSignedIn(QueueError):
    code = "not_signed_in"
    doc = "No clerk is signed in at the window (and the hall requires one)."


class AlreadySignedIn(QueueError):
    code = "already_signed_in"
    doc = "That clerk is already signed in at that window."


class NotServedHere(QueueError):
    code = "not_served_here"
    doc = "The ticket was not served at that window, so it cannot be rated there."


class AlreadyRated(QueueError):
    code = "already_rated"
    doc = ("That service event has its rating already (one rating per service; a ticket "
           "rated on its phone page is rated once, whichever of pad and phone came first).")


class RatingClosed(QueueError):
    code = "rating_closed"
    doc = ("The ticket cannot be rated from its phone page now: it is not finished, or it "
           "was finished longer ago than the hall allows ([phone] rating_hours).")


class AlreadyTaken(QueueError):
    code = "already_taken"
    doc = "This person (ID card) already holds an open ticket of this service today."


class NotWaiting(QueueError):
    code = "not_waiting"
    doc = "The ticket no longer waits (called, finished, closed): nothing to reprint."


class UnknownCase(QueueError):
    code = "unknown_case"
    doc = "No 差评 follow-up case has that id."


class BookingOnly(QueueError):
    code = "booking_only"
    doc = ("The service takes only bookings now (its appointment-only hours, "
           "[[service]] appointment_hours): check in a booking code.")


class AssistRefused(QueueError):
    code = "assist_refused"
    doc = ("帮办代办 cannot be recorded so: the service is not listed as 帮办代办 "
           "([[service]] assist), the window may not record it, the ticket is marked "
           "already, or a 帮办 names no ticket.")


class CaseRefused(QueueError):
    code = "case_refused"
    doc = ("The action does not fit the case's state (a closed case, an extension past "
           "the limit) or lacks its text.")


class RequestFailed(Exception):
    """Raised by the client when the hub answered ``ok: false``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def all_error_classes() -> list[type[QueueError]]:
    """Every QueueError class, base first (for docs and tests)."""
    seen: list[type[QueueError]] = []
    todo: list[type[QueueError]] = [QueueError]
    while todo:
        cls = todo.pop(0)
        if cls not in seen:
            seen.append(cls)
            todo.extend(cls.__subclasses__())
    return seen


def error_for_code(code: str) -> type[QueueError] | None:
    """The class with that stable code, if any."""
    for cls in all_error_classes():
        if cls.code == code:
            return cls
    return None
