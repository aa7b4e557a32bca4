"""The rating book: a key rates the ticket it was asked for, once."""

from __future__ import annotations

from devices.events import RatingCancelled, RatingGiven, RatingTimedOut
from devices.ratings import Rated, RatingBook


def test_a_key_rates_its_own_ticket_once() -> None:
    book = RatingBook()
    book.asked(1, 7, Rated(42, "A007", 3, "1001"))
    assert book.answer(RatingGiven(1, 6, 5, "k5")) is None  # an older request
    rated, fields = book.answer(RatingGiven(1, 7, 4, "k4")) or (None, None)
    assert rated == Rated(42, "A007", 3, "1001")
    assert fields == {"window": 3, "ticket": 42, "score": 4, "channel": "pad"}
    assert book.answer(RatingGiven(1, 7, 4, "k4")) is None  # never twice


def test_lost_timed_out_and_cancelled_requests_rate_nothing() -> None:
    book = RatingBook()
    book.asked(1, 1, Rated(1, "A001", 1, None))
    book.asked(1, 2, Rated(2, "A002", 1, None))
    book.asked(2, 1, Rated(3, "A003", 2, None))
    assert book.answer(RatingCancelled(1, 1, "link-lost")) is None
    assert book.answer(RatingTimedOut(1, 2)) is None
    assert book.answer(RatingGiven(1, 1, 5, "k5")) is None  # replugged: the old id is gone
    assert len(book) == 1
