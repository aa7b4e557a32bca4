"""The hall config's ``[[device]]`` tables, checked (docs/config.md): each kiosk,
caller and display with its role, its token (or the token's SHA-256) and, for a caller,
its window. Part of the loader (``hall.config.loader``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from hall.config.checker import MAX_WINDOW, Checker, label
from hall.config.model import Device, Role

DEVICE_KEYS = ("id", "role", "token", "token_sha256", "window")

_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


def _weak_token(token: str) -> bool:
    """Short, blank or a shipped placeholder (``…change-me``)."""
    return len(token.strip()) < 12 or "change-me" in token.lower()


def check_devices(c: Checker, data: Mapping[str, Any]) -> list[Device]:
    devices: list[Device] = []
    ids: dict[str, str] = {}
    digests: dict[str, str] = {}  # sha256 of a token -> key of the device holding it
    roles = ", ".join(r.value for r in Role)
    for index, table in c.table_list(data, "device"):
        where = label("device", index, table.get("id"))
        before = len(c.errors)
        c.known_keys(table, where, DEVICE_KEYS)
        device_id = c.text(table, where, "id", required=True)
        if device_id is not None:
            c.claim(ids, device_id, where, "id", "device id")
        role_text = c.text(table, where, "role", required=True)
        role: Role | None = None
        if role_text is not None:
            try:
                role = Role(role_text)
            except ValueError:
                c.error(f"{where}.role", f"must be one of {roles}, not {role_text!r}")
        token = c.text(table, where, "token")
        if token is not None and not token:
            c.error(f"{where}.token", "must not be empty")
        elif token is not None and not c.demo and _weak_token(token):
            # A hub on the hall LAN with a guessable token lets anyone call numbers:
            # refused, except in a hall marked `[hall] demo = true` (the examples).
            c.error(f"{where}.token",
                    "is weak or a placeholder (shorter than 12 characters, or "
                    "`change-me`): give every device a long random token (e.g. "
                    "`python -c \"import secrets; print(secrets.token_urlsafe())\"`), "
                    "or mark a demo hall with `[hall] demo = true`")
        digest = c.text(table, where, "token_sha256")
        if digest is not None:
            if not _SHA256.fullmatch(digest):
                c.error(
                    f"{where}.token_sha256",
                    "must be 64 hexadecimal characters (a SHA-256 digest)",
                )
                digest = None
            else:
                digest = digest.lower()
        if "token" not in table and "token_sha256" not in table:
            c.error(where, "needs token or token_sha256 (or both)")
        own = {hashlib.sha256(token.encode()).hexdigest()} if token else set()
        if digest:
            if own and digest not in own:
                c.error(
                    f"{where}.token_sha256",
                    "is not the SHA-256 of token; give one of them, or make them agree",
                )
            own.add(digest)
        token_key = f"{where}.token" if token else f"{where}.token_sha256"
        for d in sorted(own):
            if d in digests and digests[d] != where:
                c.error(
                    token_key,
                    f"same token as {digests[d]}; every device needs its own token",
                )
                break
        for d in own:
            digests.setdefault(d, where)
        window = _device_window(c, table, where, role)
        if (
            len(c.errors) == before
            and device_id is not None
            and role is not None
            and (token or digest)
        ):
            devices.append(
                Device(
                    id=device_id,
                    role=role,
                    token=token or "",
                    token_sha256=digest or "",
                    window=window,
                )
            )
    return devices


def _device_window(
    c: Checker, table: Mapping[str, Any], where: str, role: Role | None
) -> int | None:
    key = f"{where}.window"
    if role is not None and role is not Role.CALLER:
        if "window" in table:
            c.error(
                key, f"only caller devices belong to a window; remove it (role is {role.value})"
            )
        return None
    if role is None:
        return None
    if "window" not in table:
        c.error(key, "is required for a caller: the number of the window it belongs to")
        return None
    number = c.integer(table, where, "window", low=1, high=MAX_WINDOW,
                       hint=" (the number of its window)")
    if number is None:
        return None
    if number not in c.window_numbers:
        known = ", ".join(str(n) for n in sorted(c.window_numbers)) or "none defined"
        c.error(key, f"no window number {number} (windows: {known})")
        return None
    c.callers.add(number)
    return number
