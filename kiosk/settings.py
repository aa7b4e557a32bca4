"""The station file's ``[app]`` table for a kiosk (docs/kiosk.md), checked."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from kiosk.presenter import KioskSettings

SALT_ENV = "JIAOHAO_ID_SALT"
_NUMBERS = ("after_take_s", "idle_home_s", "idle_screen_s", "more_time_s", "give_up_s")
_TEXTS = ("notice", "id_salt", "idcard_port", "idcard_profile", "hall_name")
_KNOWN = {*_NUMBERS, *_TEXTS, "elderly_default", "speech"}


def kiosk_settings(app: Mapping[str, Any], environ: Mapping[str, str] | None = None
                   ) -> KioskSettings:
    """Raises ValueError naming the key that is unknown or of the wrong type."""
    env = os.environ if environ is None else environ
    unknown = sorted(set(app) - _KNOWN)
    if unknown:
        raise ValueError(f"[app]: unknown key(s) {', '.join(unknown)} "
                         f"(known: {', '.join(sorted(_KNOWN))})")
    values: dict[str, Any] = {}
    for key in _NUMBERS:
        if key in app:
            v = app[key]
            if isinstance(v, bool) or not isinstance(v, int | float) or not 1 <= v <= 3600:
                raise ValueError(f"[app] {key}: must be a number of seconds, 1-3600")
            values[key] = float(v)
    for key in _TEXTS:
        if key in app and not isinstance(app[key], str):
            raise ValueError(f"[app] {key}: must be text")
    for key in ("notice", "id_salt", "hall_name"):
        if key in app:
            values[key] = app[key]
    if "elderly_default" in app:
        if not isinstance(app["elderly_default"], bool):
            raise ValueError("[app] elderly_default: must be true or false")
        values["elderly_default"] = app["elderly_default"]
    if not values.get("id_salt") and env.get(SALT_ENV, "").strip():
        values["id_salt"] = env[SALT_ENV].strip()
    return KioskSettings(**values)
