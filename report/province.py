"""The push to the provincial 好差评 platform: the outbox's records (ledger/push.py), each
as one JSON document POSTed to ``[province] url`` (the format is in docs/province.md).

A record counts as sent only when the platform answers 2xx with a JSON object whose
``ok`` is true or whose ``code`` is 0 (or 409 for a key it has already): a failure,
a timeout or a garbled answer leaves it pending, to be tried again after a backoff
(30 s, doubling to 1 h), with the same idempotency key every time, so a record the
platform took but whose answer was lost is not counted twice there. Nothing is
deleted. The clock comes in (``now``); only the command line reads it.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from hall.config import HallConfig
from hall.config.province import ProvinceLink
from ledger import push

log = logging.getLogger(__name__)

#: First wait after a failure, and the longest.
BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_MOST = timedelta(hours=1)
#: Bytes of an answer read at most (a platform's acknowledgement is small).
MAX_ANSWER = 64 * 1024

#: How a record reaches the platform: (url, body bytes, headers, timeout) -> (status,
#: answer bytes); raises OSError (timeouts included) when no answer came.
Post = Callable[[str, bytes, dict[str, str], float], tuple[int, bytes]]


def backoff(tries: int) -> timedelta:
    """The wait before the next attempt after ``tries`` failed ones (1, 2, …)."""
    wait: timedelta = BACKOFF_FIRST * (1 << min(max(0, tries - 1), 16))
    return min(BACKOFF_MOST, wait)


def document(record: dict[str, Any], config: HallConfig) -> dict[str, Any]:
    """The JSON document the platform gets for one outbox record."""
    link = config.province
    body = record["body"]
    service = config.service(str(body.get("service") or ""))
    day = str(body.get("day") or "").split("#", 1)[0]
    common = {
        "idempotency_key": record["key"],
        "region_code": link.region_code,
        "hall_code": link.hall_code,
        "hall_name": config.hall.name,
        "project_no": f"{day}-{body.get('number')}" if body.get("number") else None,
        "ticket_no": body.get("number"),
        "service_code": body.get("service"),
        "service_name": service.name if service else body.get("service"),
        "window": body.get("window"),
        "staff_no": body.get("staff"),
    }
    if record["kind"] == "rating":
        return {**common, "type": "evaluation", "satisfaction": body.get("score"),
                "points": body.get("points"), "channel": body.get("channel"),
                "details": {"reason": body.get("reason"), "comment": body.get("comment")},
                "evaluated_at": body.get("rated_at")}
    return {**common, "type": "rectification", "case_no": body.get("case_id"),
            "satisfaction": body.get("score"), "outcome": body.get("outcome"),
            "details": {"reason": body.get("reason"),
                        "callback_reached": body.get("callback_reached"),
                        "callback_satisfied": body.get("callback_satisfied")},
            "handled_at": body.get("handled_at")}


def accepted(status: int, answer: bytes) -> tuple[bool, str]:
    """Whether the platform took the record, and if not, why (for the outbox)."""
    if status == 409:
        return True, ""  # it has this key already: taken before
    if not 200 <= status < 300:
        return False, f"HTTP {status}: {_snippet(answer)}"
    try:
        obj = json.loads(answer)
    except ValueError:
        return False, f"not JSON: {_snippet(answer)}"
    if isinstance(obj, dict) and (obj.get("ok") is True or obj.get("code") in (0, "0")):
        return True, ""
    return False, f"not an acknowledgement: {_snippet(answer)}"


def _snippet(answer: bytes) -> str:
    return answer[:120].decode("utf-8", "replace").replace("\n", " ")


def http_post(url: str, body: bytes, headers: dict[str, str],
              timeout: float) -> tuple[int, bytes]:
    """POST with the standard library; the status and the first bytes of the answer."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status), response.read(MAX_ANSWER)
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read(MAX_ANSWER) if exc.fp else b""
    except (urllib.error.URLError, TimeoutError, ValueError) as exc:
        raise OSError(str(getattr(exc, "reason", exc))) from exc


@dataclass
class PassResult:
    """What one pass did: records sent, failed, and left for later."""

    sent: int = 0
    failed: int = 0


def push_once(db: Any, config: HallConfig, token: str, now: datetime,
              post: Post = http_post) -> PassResult:
    """Send every due record once (up to ``[province] batch``) from the hub's database
    ``db`` (opened through ledger.store); mark each sent or failed with its next
    attempt. Raises sqlite3.Error when the outbox cannot be read or written (a record
    marked nothing is simply tried again)."""
    link: ProvinceLink = config.province
    result = PassResult()
    for record in push.due(db, now.isoformat(), link.batch):
        body = json.dumps(document(record, config), ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8",
                   "Idempotency-Key": record["key"], "Authorization": f"Bearer {token}"}
        try:
            status, answer = post(link.url, body, headers, link.timeout_s)
            ok, why = accepted(status, answer)
        except OSError as exc:
            ok, why = False, f"no answer: {exc}"
        if ok:
            push.sent(db, record["key"], now.isoformat())
            result.sent += 1
        else:
            tries = int(record["tries"]) + 1
            push.failed(db, record["key"], why, (now + backoff(tries)).isoformat())
            log.warning("pushing %s failed (attempt %d): %s", record["key"], tries, why)
            result.failed += 1
    return result
