"""Ratings a pad confirmed, kept until the hub acknowledges them.

A citizen who pressed 非常满意 saw the pad say thank you; that rating must reach the hub
even when the hub is down, the connection drops before the answer, or the device host
is restarted. :class:`RatingOutbox` writes each rating to an append-only JSON-lines
journal (flushed and fsync'd before the rating counts as kept) and marks it done when the
hub answers. A rating re-sent after a lost answer is counted once: the hub refuses a
second rating of the same service with ``already_rated``, which the outbox takes as the
acknowledgement it missed.

Journal lines, one JSON object each::

    {"keep": "<id>", "rate": {"window": 3, "ticket": 41, "score": 5, "channel": "pad"},
     "number": "A012"}
    {"done": "<id>", "outcome": "recorded" | "already_rated" | "refused: <code>"}

Opening the journal replays it (a line torn by a power cut is skipped and logged) and
rewrites it with only the ratings still waiting, so it stays small.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


#: Answers that say "not now" rather than "never": the rating is sent again. Besides
#: the hub's own codes, a terminal's bridge answers ``offline``, ``connection_lost`` and
#: ``timeout``.
TRANSIENT = frozenset({"rate_limited", "store_failed", "internal_error", "not_authenticated",
                       "offline", "connection_lost", "timeout"})


def verdict(code: str | None) -> str:
    """What the answer to a kept rating's ``rate`` means: ``recorded`` (``code`` None:
    accepted), ``already_rated`` (the hub has it: an earlier send arrived and its answer
    was lost), ``retry``, or ``refused`` (the hub can never take it)."""
    if code is None:
        return "recorded"
    if code == "already_rated":
        return "already_rated"
    return "retry" if code in TRANSIENT else "refused"


@dataclass(frozen=True)
class Kept:
    """One rating waiting for the hub's acknowledgement."""

    id: str
    fields: dict[str, Any]  # the ``rate`` request's fields
    number: str  # the ticket's number, for the log

    @property
    def window(self) -> int:
        return int(self.fields["window"])


class RatingOutbox:
    """Kept ratings, in the order they were given; ``path=None`` keeps them in memory."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._kept: dict[str, Kept] = {}
        if path is not None:
            self._replay(path)
            self._rewrite(path)

    def __len__(self) -> int:
        return len(self._kept)

    def waiting(self) -> list[Kept]:
        """The ratings not yet acknowledged, oldest first."""
        return list(self._kept.values())

    def keep(self, fields: dict[str, Any], number: str) -> Kept:
        """Keep one rating (durably, when the outbox has a journal). Raises OSError when
        the journal cannot be written; the rating is kept in memory all the same."""
        kept = Kept(secrets.token_hex(8), dict(fields), number)
        self._kept[kept.id] = kept
        self._append({"keep": kept.id, "rate": kept.fields, "number": number})
        return kept

    def done(self, kept: Kept, outcome: str) -> None:
        """The hub answered for ``kept``: it leaves the outbox."""
        if self._kept.pop(kept.id, None) is not None:
            try:
                self._append({"done": kept.id, "outcome": outcome})
            except OSError as exc:  # sent once more after a restart: the hub refuses it
                log.warning("rating journal %s: cannot mark %s done: %s", self.path,
                            kept.number, exc)

    # -- the journal --------------------------------------------------------------------
    def _append(self, record: dict[str, Any]) -> None:
        if self.path is None:
            return
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
        with open(self.path, "a", encoding="utf-8") as journal:
            journal.write(line)
            journal.flush()
            os.fsync(journal.fileno())

    def _replay(self, path: Path) -> None:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                if "keep" in record:
                    fields = dict(record["rate"])
                    int(fields["window"]), int(fields["ticket"]), int(fields["score"])
                    self._kept[str(record["keep"])] = Kept(str(record["keep"]), fields,
                                                           str(record.get("number", "?")))
                else:
                    self._kept.pop(str(record["done"]), None)
            except (ValueError, KeyError, TypeError) as exc:
                log.warning("rating journal %s line %d is unreadable (%s): skipped", path,
                            number, exc)
        if self._kept:
            log.warning("rating journal %s: %d rating(s) not yet acknowledged by the hub "
                        "will be sent: %s", path, len(self._kept),
                        ", ".join(k.number for k in self._kept.values()))

    def _rewrite(self, path: Path) -> None:
        """Only what still waits, written beside and renamed over the journal."""
        fresh = path.with_name(path.name + ".new")
        try:
            with open(fresh, "w", encoding="utf-8") as journal:
                for kept in self._kept.values():
                    journal.write(json.dumps({"keep": kept.id, "rate": kept.fields,
                                              "number": kept.number},
                                             ensure_ascii=False, separators=(",", ":")) + "\n")
                journal.flush()
                os.fsync(journal.fileno())
            os.replace(fresh, path)
        except OSError as exc:
            log.error("rating journal %s cannot be written (%s): ratings the pads confirm "
                      "are kept in memory only and lost if this program stops before the "
                      "hub has them; give it a writable folder", path, exc)
