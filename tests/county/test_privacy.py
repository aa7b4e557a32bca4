"""What leaves the hall, event kind by event kind (county/privacy.py)."""

from __future__ import annotations

from county.privacy import canonical, digest, shipped

TICKET = {"id": 7, "number": "A007", "service": "A", "priority": False, "status": "waiting",
          "issued_at": "2026-11-02T09:00:00+08:00", "booking": "BK0001", "person": "ab" * 32}


def test_a_ticket_keeps_that_it_was_booked_not_the_code_nor_the_person() -> None:
    data = {"day": "2026-11-02", "ticket": TICKET}
    out = shipped("ticket_issued", data)
    assert out["ticket"]["booked"] is True
    assert "booking" not in out["ticket"] and "person" not in out["ticket"]
    assert data["ticket"]["booking"] == "BK0001"  # the hall's own copy is untouched
    plain = shipped("ticket_issued", {"day": "2026-11-02",
                                      "ticket": {**TICKET, "booking": None}})
    assert "booked" not in plain["ticket"]


def test_call_back_words_stay_in_the_hall() -> None:
    record = {"at": "2026-11-03T10:00:00+08:00", "by": "admin-1", "reached": True,
              "satisfied": False, "text": "市民说电话 13800000000 可以再联系"}
    opened = shipped("case_opened", {"case": {"id": 1, "state": "open",
                                              "callbacks": [record], "notes": []}})
    assert opened["case"]["callbacks"] == [{k: v for k, v in record.items() if k != "text"}]
    updated = shipped("case_updated", {"action": "callback", "by": "admin-1",
                                       "case": {"id": 1, "state": "open"}, "callback": record})
    assert "text" not in updated["callback"] and updated["callback"]["reached"] is True
    assert "13800000000" not in canonical(opened) + canonical(updated)


def test_the_digest_follows_the_shipped_event() -> None:
    text = canonical(shipped("ticket_issued", {"day": "d", "ticket": TICKET}))
    assert digest(1, "t", "ticket_issued", text) == digest(1, "t", "ticket_issued", text)
    assert digest(1, "t", "ticket_issued", text) != digest(2, "t", "ticket_issued", text)
    assert digest(1, "t", "ticket_issued", text) != digest(1, "u", "ticket_issued", text)


def test_a_citizens_comment_stays_in_the_hall() -> None:
    """The phone page's comment is the citizen's own words (a name, a phone number):
    like a call-back record's text it stays in the hall; score and reason travel."""
    words = "我叫张三，电话13800001111，等了两个小时"
    rating = {"ticket_id": 3, "number": "A003", "window": 2, "service": "A", "zone": "tax",
              "staff": "0002", "score": 1, "points": 0, "channel": "phone",
              "reason": "等候时间太长", "comment": words}
    case = {"id": 1, "state": "open", "score": 1, "reason": "等候时间太长", "comment": words,
            "notes": [], "callbacks": []}
    out = [shipped("rating_recorded", rating), shipped("case_opened", {"case": case}),
           shipped("case_updated", {"action": "start", "by": "admin-1", "case": case})]
    assert "13800001111" not in "".join(canonical(o) for o in out)
    assert out[0]["score"] == 1 and out[0]["reason"] == "等候时间太长"
    assert out[1]["case"]["reason"] == "等候时间太长" and "comment" not in out[1]["case"]
