"""What apps' presenters and models may use from the kit without importing Qt.

:class:`Reply` (the outcome of a hub request), :class:`Outcome` (of blocking work),
the :class:`Requester` protocol a presenter takes instead of the bridge, and
:class:`FakeRequester`, its stand-in for tests without a window or a hub.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

#: Reply codes for outcomes of the transport (the hub's own codes pass through as they are).
OFFLINE = "offline"
CONNECTION_LOST = "connection_lost"
TIMEOUT = "timeout"


@dataclass(frozen=True)
class Reply:
    """The outcome of one request: ``data`` when ``ok``, else ``code`` and ``message``.

    ``code`` is the hub's stable error code (``hall.errors``), or one of ``offline``
    (the link was down; nothing was sent), ``connection_lost`` (sent, but the link
    dropped before the answer: its fate at the hub is unknown; it is never re-sent) and
    ``timeout`` (no answer in time).
    """

    ok: bool
    data: dict[str, Any] = field(default_factory=dict)
    code: str = ""
    message: str = ""

    @classmethod
    def failure(cls, code: str, message: str = "") -> Reply:
        return cls(False, code=code, message=message)


ReplyCallback = Callable[[Reply], None]


class Requester(Protocol):
    """What a presenter needs of the bridge: send a request, hear the reply later."""

    def request(self, type_: str, fields: dict[str, Any], on_done: ReplyCallback) -> None: ...


@dataclass(frozen=True)
class Outcome:
    """What a blocking job returned, or the exception it raised."""

    value: Any = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class FakeRequester:
    """A :class:`Requester` for presenter tests: records requests; the test answers.

    ``fake.sent`` lists ``(type, fields)``; ``fake.answer(Reply(...))`` answers the
    oldest unanswered request (``fake.answer_all`` every one).
    """

    sent: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    _waiting: list[ReplyCallback] = field(default_factory=list)

    def request(self, type_: str, fields: dict[str, Any], on_done: ReplyCallback) -> None:
        self.sent.append((type_, dict(fields)))
        self._waiting.append(on_done)

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def answer(self, reply: Reply) -> None:
        """Raises IndexError when no request waits."""
        self._waiting.pop(0)(reply)

    def answer_all(self, reply: Reply) -> None:
        while self._waiting:
            self.answer(reply)
