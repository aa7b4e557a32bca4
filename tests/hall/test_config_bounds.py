"""Absurd numbers and deeply nested TOML in a hall config: a clear error, no crash."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hall.config import check_config

EXAMPLE = Path(__file__).resolve().parents[2] / "jiaohao" / "examples"


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "hall.toml"
    path.write_text(text, encoding="utf-8")
    errors, _ = check_config(path)
    return [str(e) for e in errors]


def test_deep_nesting_is_an_error_not_a_recursion_error(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert problems and "nested too deeply" in " ".join(problems)


def test_absurd_numbers_are_refused(tmp_path: Path) -> None:
    text = (EXAMPLE / "village.toml").read_text(encoding="utf-8")
    memory = _problems(tmp_path, text.replace(
        "[queue]\n", "[queue]\nbooking_memory_days = 99999999999\n", 1))
    assert any("booking_memory_days" in p and "at most 3660" in p for p in memory)
    window = _problems(tmp_path, text.replace(
        "number = 1\n", "number = 99999999999999999999\n", 1))
    assert any("at most 9999" in p for p in window)


@pytest.mark.parametrize("line, key", [
    ('priority_ratio = "2:99999999999999999999"', "priority_ratio"),
    ('priority_ratio = "0:1"', "priority_ratio"),
    ("rating_points = [10, 8, 6, 3, 99999999999999]", "rating_points"),
])
def test_absurd_ratios_and_points_are_refused(tmp_path: Path, line: str, key: str) -> None:
    text = (EXAMPLE / "village.toml").read_text(encoding="utf-8")
    text = "\n".join(x for x in text.splitlines() if not x.startswith(f"{key} ="))
    problems = _problems(tmp_path, text.replace("[queue]\n", f"[queue]\n{line}\n", 1))
    assert any(key in p for p in problems)


def test_weak_and_placeholder_tokens_are_refused_outside_a_demo_hall(tmp_path: Path) -> None:
    text = (EXAMPLE / "village.toml").read_text(encoding="utf-8")
    path = tmp_path / "hall.toml"
    path.write_text(text, encoding="utf-8")
    errors, warnings = check_config(path)
    assert not [p for p in errors + warnings if "weak" in str(p)]  # demo = true
    text = text.replace("demo = true\n", "")
    path.write_text(text, encoding="utf-8")
    errors, _ = check_config(path)
    assert any("weak or a placeholder" in str(e) for e in errors)  # the *-change-me tokens
    count = iter(range(100))
    strong = re.sub(r'token = "[^"]*"', lambda _: f'token = "Zx8Qv2LmT4pW9rKc{next(count)}"',
                    text)
    first = strong.index('token = "')
    end = strong.index('"', first + len('token = "'))
    path.write_text(strong[:first] + 'token = " "' + strong[end + 1:], encoding="utf-8")
    errors, _ = check_config(path)
    assert [str(e) for e in errors if "weak" in str(e)] and len(errors) == 1
