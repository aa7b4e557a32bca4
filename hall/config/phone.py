"""The hall's ``[phone]`` section: what a ticket's phone page (``/t/…``) offers
(docs/web.md, docs/config.md).

```toml
[phone]
rating_hours = 24   # a finished ticket can be rated from its page this long (0: never)
near_turn = 3       # the page's "your turn is near" notice at this many people ahead
```
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the checker imports the model, which imports this
    from hall.config.checker import Checker

PHONE_KEYS = ("rating_hours", "near_turn")
#: Longest time a finished ticket stays open for rating from its phone page.
MAX_RATING_HOURS = 72


@dataclass(frozen=True)
class PhoneSettings:
    """What the phone page offers: rating for ``rating_hours`` after the ticket is
    finished (0: rating only on the pad), and a near-turn notice at ``near_turn``
    people ahead (0: only when called)."""

    rating_hours: int = 24
    near_turn: int = 3



def check_phone(checks: Checker, data: Mapping[str, Any]) -> PhoneSettings | None:
    """``[phone]`` checked: the defaults when absent, None after errors."""
    value = data.get("phone")
    if value is None:
        return PhoneSettings()
    if not isinstance(value, dict):
        checks.wrong_type("phone", "a [phone] table", value)
        return None
    checks.known_keys(value, "phone", PHONE_KEYS)
    ok = True
    hours = value.get("rating_hours", PhoneSettings.rating_hours)
    if isinstance(hours, bool) or not isinstance(hours, int) or not (
        0 <= hours <= MAX_RATING_HOURS
    ):
        checks.error("phone.rating_hours",
                     f"must be a whole number of hours from 0 to {MAX_RATING_HOURS}, "
                     f"not {hours!r}")
        ok = False
    near = value.get("near_turn", PhoneSettings.near_turn)
    if isinstance(near, bool) or not isinstance(near, int) or not 0 <= near <= 50:
        checks.error("phone.near_turn", f"must be a number of people from 0 to 50, not {near!r}")
        ok = False
    if not ok:
        return None
    return PhoneSettings(int(hours), int(near))
