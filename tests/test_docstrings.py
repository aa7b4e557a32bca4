"""Docs true to the code: every module says what it is for, the README names every
command, and no comment sends the reader to a document the repository does not hold."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from jiaohao.cli import SUBCOMMANDS

ROOT = Path(__file__).resolve().parent.parent
#: The packages of the wheel (setup.py lists them) and the runnable folders beside them.
TREES = (*re.findall(r'"(\w+)"', re.search(r"PACKAGES = \[(.*?)\]",
                                          (ROOT / "setup.py").read_text(encoding="utf-8"),
                                          re.S)[1]),  # type: ignore[index]
         "bench", "scripts", "examples")
#: Design notes kept outside the repository: code must not send readers there.
ELSEWHERE = ("DESIGN.md", "DOMAIN.md", "STYLE.md", "HARDWARE.md")


def modules() -> list[Path]:
    return sorted(f for tree in TREES for f in (ROOT / tree).rglob("*.py")
                  if "__pycache__" not in f.parts)


def test_the_trees_are_the_packages_of_setup_py() -> None:
    assert {"hall", "hub", "kiosk", "jiaohao"} <= set(TREES)
    assert all((ROOT / tree).is_dir() for tree in TREES)


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_module_opens_with_what_it_is_for(path: Path) -> None:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert doc and len(doc.split()) >= 4, (
        f"{path.relative_to(ROOT)}: open with a docstring that says what the module is for")


def test_no_code_cites_a_document_outside_the_repository() -> None:
    found = [f"{path.relative_to(ROOT)}:{n}" for path in (*modules(),
                                                          *sorted((ROOT / "tests").rglob("*.py")))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if any(name in line for name in ELSEWHERE) and path.name != "test_docstrings.py"]
    assert not found, "say it here instead of citing a design note the repository lacks: " + \
        ", ".join(found)


def test_the_readme_names_every_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in SUBCOMMANDS if f"`{name}`" not in readme]
    assert not missing, f"README.md does not name: {', '.join(missing)}"
