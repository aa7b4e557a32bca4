"""The hall's ``[county]`` section: where its event log is shipped (docs/county.md).

```toml
[county]
url = "postgresql://hall_dongxiang@county.example.gov.cn/county?sslmode=verify-full"
hall_id = "dongxiang"
```

The password never stands in the hall file: libpq finds it in ``PGPASSFILE`` /
``~/.pgpass``, a service file (``postgresql://?service=county``) or ``PGPASSWORD``.
A URL that carries one is refused, like a weak device token.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

COUNTY_KEYS = ("url", "hall_id", "batch", "interval_s")
#: A hall id: what the county keys every row on, and part of the hall's role name.
HALL_ID = re.compile(r"^[a-z0-9][a-z0-9_]{0,39}$")
MAX_BATCH = 50_000


@dataclass(frozen=True)
class CountyLink:
    """Where and how the hall ships its events: a ``postgresql://`` URL without a
    password, the hall's stable id, the largest batch and the idle poll interval.
    The default (no ``[county]`` table) ships nowhere."""

    url: str = ""
    hall_id: str = ""
    batch: int = 2000
    interval_s: float = 2.0

    @property
    def enabled(self) -> bool:
        return bool(self.url)


class _Checks(Protocol):
    def error(self, key: str, message: str) -> None: ...
    def known_keys(self, table: Mapping[str, Any], where: str,
                   allowed: tuple[str, ...]) -> None: ...
    def wrong_type(self, key: str, expected: str, value: object) -> None: ...


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a county address (None when it can)."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres"):
        return "must be a postgresql:// address"
    try:
        has_password = parts.password is not None
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        return f"is not a valid address: {exc}"
    if has_password or "password" in parse_qs(parts.query):
        return ("must not hold a password: put it in PGPASSFILE (~/.pgpass), a service "
                "file or the PGPASSWORD environment variable (docs/county.md)")
    return None


def check_county(checks: _Checks, data: Mapping[str, Any]) -> CountyLink | None:
    """``[county]`` checked: the link (one that ships nowhere when the table is
    absent), None after errors."""
    value = data.get("county")
    if value is None:
        return CountyLink()
    if not isinstance(value, dict):
        checks.wrong_type("county", "a [county] table", value)
        return None
    checks.known_keys(value, "county", COUNTY_KEYS)
    ok = True
    url = value.get("url")
    if not isinstance(url, str):
        checks.wrong_type("county.url", "a postgresql:// address", url)
        ok = False
    else:
        problem = url_problem(url)
        if problem is not None:
            checks.error("county.url", problem)
            ok = False
    hall_id = value.get("hall_id")
    if not isinstance(hall_id, str) or not HALL_ID.match(hall_id):
        checks.error("county.hall_id", "must be 1-40 lower-case letters, digits or _, "
                     f"starting with a letter or digit, not {hall_id!r}")
        ok = False
    batch = value.get("batch", CountyLink.batch)
    if isinstance(batch, bool) or not isinstance(batch, int) or not 1 <= batch <= MAX_BATCH:
        checks.error("county.batch", f"must be an integer from 1 to {MAX_BATCH}, not {batch!r}")
        ok = False
    interval = value.get("interval_s", CountyLink.interval_s)
    if isinstance(interval, bool) or not isinstance(interval, int | float) or not (
        0.05 <= interval <= 3600
    ):
        checks.error("county.interval_s", f"must be from 0.05 to 3600 seconds, not {interval!r}")
        ok = False
    if not ok:
        return None
    assert isinstance(url, str) and isinstance(hall_id, str)
    return CountyLink(url, hall_id, int(batch), float(interval))
