"""Every kiosk text goes through Qt's translator, and kiosk_en.ts has them all.

The window's texts are the string literals it hands to ``self.t``; the presenter's
and the model's are their Chinese constants and the literals they show. Each must be
a key of ``ENGLISH`` (the source of kiosk_en.ts), the .ts file must be what
``python -m kiosk.translations`` writes from it, and a Chinese literal in the window
that does not go through ``t`` fails the test (the English screen would show it).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from hall import words
from kiosk.model import PRINTER_PROBLEMS, REFUSALS
from kiosk.translations.__main__ import ts_text
from kiosk.translations.english import ENGLISH

KIOSK = Path(__file__).resolve().parents[2] / "kiosk"
CJK = re.compile(r"[\u4e00-\u9fff]")  # a Chinese character (punctuation alone is not text)
#: Chinese on purpose: the language switch names the other language in its own words.
NOT_TRANSLATED = {"中文"}
#: Calls whose Chinese arguments are spoken or logged, not shown.
SPOKEN = {"_say", "warning", "error", "info", "exception", "debug"}


def _tree(name: str) -> ast.Module:
    return ast.parse((KIOSK / name).read_text(encoding="utf-8"))


def _docstrings(tree: ast.Module) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def _shown_literals(name: str) -> list[str]:
    """Chinese string literals of a module that reach the screen (not docstrings, not
    spoken or logged, not parts of f-strings built for speech)."""
    tree = _tree(name)
    skip = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in SPOKEN:
                skip |= {id(n) for arg in node.args for n in ast.walk(arg)}
        if isinstance(node, ast.JoinedStr):
            skip |= {id(n) for n in ast.walk(node)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and CJK.search(node.value) and id(node) not in skip
            and node.value not in NOT_TRANSLATED]


def _t_arguments(tree: ast.Module) -> set[int]:
    """Literals handed straight to ``self.t``."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "t"):
            out |= {id(arg) for arg in node.args}
    return out


@pytest.mark.parametrize("module", ["views.py", "presenter.py", "model.py", "printing.py"])
def test_every_shown_chinese_text_has_its_english(module: str) -> None:
    missing = [text for text in _shown_literals(module) if text not in ENGLISH]
    assert not missing, f"{module}: no English for {missing}"


def test_the_window_sends_every_chinese_literal_through_the_translator() -> None:
    tree = _tree("views.py")
    through_t = _t_arguments(tree)
    docs = _docstrings(tree)
    bypass = [node.value for node in ast.walk(tree)
              if isinstance(node, ast.Constant) and isinstance(node.value, str)
              and CJK.search(node.value) and id(node) not in through_t | docs
              and node.value not in NOT_TRANSLATED
              and not _is_constant_definition(tree, node)]
    assert not bypass, f"shown without self.t: {bypass}"


def _is_constant_definition(tree: ast.Module, node: ast.Constant) -> bool:
    """A module constant (PRIORITY_TEXT = "…"): checked where it is used, by name."""
    return any(isinstance(stmt, ast.Assign) and stmt.value is node for stmt in tree.body)


def test_refusals_printer_words_and_shared_words_are_all_translated() -> None:
    texts = [*REFUSALS.values(), *(text for _, text in PRINTER_PROBLEMS.values()),
             *(text.split("，")[0] for _, text in PRINTER_PROBLEMS.values()),
             *words.ENGLISH]
    assert [t for t in texts if t not in ENGLISH] == []


def test_fields_match_and_the_ts_file_is_complete() -> None:
    for zh, en in ENGLISH.items():
        assert set(re.findall(r"{(\w+)}", zh)) == set(re.findall(r"{(\w+)}", en)), zh
        assert en.strip() and not re.search(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]",
                                            en), zh
    ts = (KIOSK / "translations" / "kiosk_en.ts").read_text(encoding="utf-8")
    assert ts == ts_text(), "kiosk_en.ts is stale: run python -m kiosk.translations"
    qm = KIOSK / "translations" / "kiosk_en.qm"
    assert qm.stat().st_size > 0
