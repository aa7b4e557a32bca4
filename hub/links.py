"""Unguessable ticket links: ``{public_url}/t/{token}``.

A token is the ticket's id and a MAC of it under the hub's own secret (kept in its
database), so nobody can walk the numbers and see other tickets, and a link stays
valid across restarts. Pure: no I/O.
"""

from __future__ import annotations

import hashlib
import hmac
import re

#: Hex digits of the MAC in a token (64 bits: guessing one is hopeless at any rate
#: the hub's per-address limits allow).
MAC_DIGITS = 16

_TOKEN = re.compile(rf"^([1-9][0-9]{{0,15}})-([0-9a-f]{{{MAC_DIGITS}}})$")


class TicketLinks:
    """Makes and checks ticket tokens under ``secret``; ``base_url`` is the hall's
    ``public_url`` (may be empty: links are then paths only)."""

    def __init__(self, secret: bytes, base_url: str = "") -> None:
        if len(secret) < 16:
            raise ValueError("the link secret must be at least 16 bytes")
        self._secret = secret
        #: the MAC with the key worked in, copied for each token (a link is made for
        #: every ticket taken: no key set-up each time)
        self._keyed = hmac.new(secret, digestmod=hashlib.sha256)
        self.base_url = base_url.rstrip("/")

    def _mac(self, ticket_id: int) -> str:
        digest = self._keyed.copy()
        digest.update(b"ticket:%d" % ticket_id)
        return digest.hexdigest()[:MAC_DIGITS]

    def token(self, ticket_id: int) -> str:
        return f"{ticket_id}-{self._mac(ticket_id)}"

    def url(self, ticket_id: int) -> str:
        """The address printed in the ticket's QR code."""
        return f"{self.base_url}/t/{self.token(ticket_id)}"

    def ticket_id(self, token: str) -> int | None:
        """The ticket a token names, or None for anything not made by :meth:`token`
        (guessed, altered, truncated, any other text)."""
        match = _TOKEN.match(token)
        if match is None:
            return None
        ticket_id = int(match.group(1))
        if not hmac.compare_digest(match.group(2), self._mac(ticket_id)):
            return None
        return ticket_id
