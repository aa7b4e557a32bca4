"""docs/ stays true: every message type, event kind and error code is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hall.errors import all_error_classes
from hall.protocol import EVENT_FIELDS, REQUESTS, RESULT_FIELDS, EventKind

DOCS = Path(__file__).resolve().parent.parent / "docs"
PROTOCOL = (DOCS / "protocol.md").read_text(encoding="utf-8")


def documented_rows(heading: str) -> dict[str, str]:
    """The `name` | rest rows of the markdown table under one ## heading."""
    section = PROTOCOL.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = re.match(r"\|\s*`([a-z_]+)`\s*\|(.*)", line)
        if match:
            rows[match.group(1)] = match.group(2)
    return rows


@pytest.mark.parametrize("message_type", sorted(REQUESTS))
def test_every_request_is_documented(message_type: str) -> None:
    assert message_type in documented_rows("Requests and results")


@pytest.mark.parametrize("message_type", ["hello", "welcome", "result", "event"])
def test_every_other_message_is_documented(message_type: str) -> None:
    assert f'"type":"{message_type}"' in PROTOCOL


@pytest.mark.parametrize("kind", list(EventKind))
def test_every_event_kind_and_its_fields_are_documented(kind: EventKind) -> None:
    rows = documented_rows("Events")
    assert str(kind) in rows
    for name in EVENT_FIELDS[kind]:
        assert f"`{name}`" in rows[str(kind)], f"{kind}: field {name} undocumented"


@pytest.mark.parametrize("cls", all_error_classes(), ids=lambda c: c.code)
def test_every_error_code_is_documented(cls: type) -> None:
    assert cls.code in documented_rows("Error codes")  # type: ignore[attr-defined]


def test_documented_codes_all_exist() -> None:
    codes = {cls.code for cls in all_error_classes()}
    assert set(documented_rows("Error codes")) <= codes


@pytest.mark.parametrize("message_type", sorted(RESULT_FIELDS))
def test_every_result_field_is_documented(message_type: str) -> None:
    row = documented_rows("Requests and results")[message_type]
    data = row.rsplit("|", 2)[-2]  # the `data` on success column
    for name in RESULT_FIELDS[message_type]:
        assert f"`{name}" in data, f"{message_type}: result field {name} undocumented"
    if not RESULT_FIELDS[message_type]:
        assert "`{}`" in data
