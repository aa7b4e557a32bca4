"""No module over about 600 lines without a reason written at its top: its opening
docstring says why, in a paragraph that begins "Over 600 lines:"."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 600
#: Every package of the product (tests, benches and scripts are not modules of it).
PACKAGES = sorted(p.parent.name for p in ROOT.glob("*/__init__.py") if p.parent.name != "tests")


def test_long_modules_say_why() -> None:
    unexplained = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            if text.count("\n") + 1 <= LIMIT:
                continue
            doc = ast.get_docstring(ast.parse(text)) or ""
            if "Over 600 lines:" not in doc:
                unexplained.append(f"{path.relative_to(ROOT)} ({text.count(chr(10)) + 1} lines)")
    assert not unexplained, ("split these, or say why at the top (a docstring paragraph "
                             "beginning 'Over 600 lines:'): " + ", ".join(unexplained))
