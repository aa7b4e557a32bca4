"""docs/printing.md lists every failure a kiosk can show, with its exact words."""

from __future__ import annotations

from pathlib import Path

import pytest

from printer.status import Problem

DOC = (Path(__file__).resolve().parents[2] / "docs" / "printing.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("problem", list(Problem))
def test_every_problem_is_documented(problem: Problem) -> None:
    assert f"| {problem.value} | {problem.message} |" in DOC
