"""Hall config: docs stay in sync with the loader; arbitrary values never crash it."""

from __future__ import annotations

import json
import math
import re
import tomllib
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hall.config import ConfigError, parse_config
from hall.config.sections import SECTIONS
from tests.hall.test_config import BASE

DOC = Path(__file__).resolve().parents[2] / "docs" / "config.md"

TABLE_KEYS = {section.table: section.keys for section in SECTIONS}


def documented_keys() -> dict[str, list[str]]:
    """Keys in the first column of each table section of docs/config.md."""
    sections: dict[str, list[str]] = {}
    current = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"## `\[\[?(\w+)\]\]?`", line)
        if heading:
            current = heading[1]
            sections[current] = []
        elif line.startswith("## "):
            current = None
        elif current:
            row = re.match(r"\| `(\w+)` \|", line)
            if row:
                sections[current].append(row[1])
    return sections


def test_every_key_is_documented_and_nothing_else() -> None:
    assert documented_keys() == {name: list(keys) for name, keys in TABLE_KEYS.items()}


def test_documented_error_example_is_what_the_loader_says() -> None:
    text = DOC.read_text(encoding="utf-8")
    after = text.split("this file has six mistakes:", 1)[1]
    blocks = re.findall(r"```(?:toml)?\n(.*?)```", after, flags=re.S)
    toml_text, expected = blocks[0], blocks[1]
    try:
        parse_config(toml_text, "hall.toml")
    except ConfigError as exc:
        assert str(exc) == expected.rstrip("\n")
    else:
        raise AssertionError("the documented example loads")


# -- fuzz: replace one value anywhere in a valid file with something arbitrary ------------

text_values = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), max_codepoint=0xFFFF), max_size=12
)
scalars = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.booleans(),
    text_values,
    st.sampled_from(["A", "B", "tax", "08:30-12:00", "12:00-08:30", "2:1", "caller", "06:00"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(text_values, inner, max_size=3)
    ),
    max_leaves=8,
)


def to_toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return (
            "inf"
            if math.isinf(value) and value > 0
            else "-inf"
            if math.isinf(value)
            else repr(value)
        )
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(to_toml(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {to_toml(v)}" for k, v in value.items()) + "}"


def dump(data: dict[str, Any]) -> str:
    lines: list[str] = []
    for name, table in data.items():
        if isinstance(table, list) and all(isinstance(t, dict) for t in table) and table:
            for entry in table:
                lines.append(f"[[{name}]]")
                lines.extend(f"{json.dumps(k)} = {to_toml(v)}" for k, v in entry.items())
        elif isinstance(table, dict):
            lines.append(f"[{name}]")
            lines.extend(f"{json.dumps(k)} = {to_toml(v)}" for k, v in table.items())
        else:
            lines.insert(0, f"{json.dumps(name)} = {to_toml(table)}")
    return "\n".join(lines) + "\n"


BASE_DATA = tomllib.loads(BASE)
TOKENS = ["kiosk-secret", "caller-secret", "caller-2-secret"]


@settings(max_examples=300, deadline=None)
@given(
    table=st.sampled_from(["hall", "queue", "zone", "service", "window", "device", "staff"]),
    index=st.integers(min_value=0, max_value=3),
    key=st.one_of(
        st.none(),  # the whole table
        st.sampled_from(sorted({k for ks in TABLE_KEYS.values() for k in ks})),
        text_values,
    ),
    value=values,
)
def test_any_value_gives_a_config_or_a_config_error(
    table: str, index: int, key: str | None, value: Any
) -> None:
    data = json.loads(json.dumps(BASE_DATA))
    if key is None:
        data[table] = value
    else:
        arrays = {"zone", "service", "window", "device", "staff"}
        target = data.setdefault(table, [{}] if table in arrays else {})
        if isinstance(target, list):
            target = target[min(index, len(target) - 1)]
        target[key] = value
    text = dump(data)
    assert tomllib.loads(text) == data  # the test's own serializer is faithful
    try:
        parse_config(text, "fuzz.toml")
    except ConfigError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.file == "fuzz.toml" and problem.key and problem.message
            assert not any(token in problem.message for token in TOKENS)
