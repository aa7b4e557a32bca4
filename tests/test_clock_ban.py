"""One clock: only a process's wiring reads the wall clock; everything else is given one.

Two rules, checked on the syntax tree of every Python file of the repository:

1. Reading the time of day directly (``datetime.now``/``utcnow``/``today``,
   ``date.today``, ``time.time``/``time_ns``, ``time.localtime()``/``gmtime()``/
   ``ctime()``/``asctime()``/``strftime(fmt)`` without a time, Qt's
   ``currentDateTime``/``currentDate``/``currentTime``/``currentMSecsSinceEpoch``),
   in any spelling (``from time import time``, ``import datetime as dt``), is allowed
   only in :data:`DIRECT_READERS`: ``hall/wallclock.py``, the demo's accelerated clock,
   the benchmarks and the screenshot scripts.
2. ``hall.wallclock`` (the wall clock every process uses) may be imported only by
   :data:`WIRING`: the command lines that start a process and pass the clock down.

``time.monotonic``/``perf_counter`` stay allowed everywhere: they measure intervals
(timeouts, rate limits, debouncing), not the hall's time of day, and tests drive them
by injection where it matters.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Files that may read the time of day themselves (paths relative to the repository).
DIRECT_READERS = (
    "hall/wallclock.py",  # the one wall clock
    "jiaohao/demo/clock.py",  # the demo's accelerated morning starts from today's date
    "bench/",  # benchmarks time themselves and stamp their hub
    "scripts/",  # screenshot scripts set their own hall time
)

#: Process wiring: the only modules that may hand the wall clock down.
WIRING = (
    "hub/cli.py",
    "kiosk/cli.py",
    "caller/cli.py",
    "display/cli.py",
    "supervisor/cli.py",
    "voice/cli.py",
    "devices/cli.py",  # the virtual devices' command log
    "county/cli.py",
    "report/ratings.py",  # `jiaohao ratings --mark-pushed` stamps the export
    "report/plan_cli.py",  # `jiaohao plan` looks back from today
    "examples/app_skeleton.py",  # its main() is an app's CLI
    "jiaohao/demo/",
    "bench/",
    "scripts/",
)

SKIP_DIRS = {".venv", ".git", "node_modules", "__pycache__", ".mypy_cache", ".ruff_cache",
             "build", "dist"}

#: (module, attribute) pairs that read the time of day whatever the arguments.
ALWAYS = {
    ("datetime.datetime", "now"), ("datetime.datetime", "utcnow"),
    ("datetime.datetime", "today"), ("datetime.date", "today"),
    ("time", "time"), ("time", "time_ns"),
    ("PySide6.QtCore.QDateTime", "currentDateTime"),
    ("PySide6.QtCore.QDateTime", "currentDateTimeUtc"),
    ("PySide6.QtCore.QDateTime", "currentMSecsSinceEpoch"),
    ("PySide6.QtCore.QDateTime", "currentSecsSinceEpoch"),
    ("PySide6.QtCore.QDate", "currentDate"),
    ("PySide6.QtCore.QTime", "currentTime"),
}
#: time functions that read the clock when called without a time: name -> arguments
#: up to which the time is missing.
WITHOUT_TIME = {"localtime": 0, "gmtime": 0, "ctime": 0, "asctime": 0, "strftime": 1}


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def python_files() -> Iterator[Path]:
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if not SKIP_DIRS.intersection(parts):
            yield path


def _allowed(rel: str, prefixes: tuple[str, ...]) -> bool:
    return any(rel == p or (p.endswith("/") and rel.startswith(p)) for p in prefixes)


class _Reads(ast.NodeVisitor):
    """Finds reads of the time of day and imports of ``hall.wallclock`` in one module."""

    def __init__(self, rel: str) -> None:
        self.rel = rel
        self.names: dict[str, str] = {}  # local name -> what it is ("time", "datetime.date", …)
        self.clock_reads: list[Finding] = []
        self.wallclock_imports: list[Finding] = []

    def _hit(self, node: ast.AST, what: str) -> None:
        self.clock_reads.append(Finding(self.rel, getattr(node, "lineno", 0), what))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name == "hall.wallclock":
                self.wallclock_imports.append(
                    Finding(self.rel, node.lineno, "import hall.wallclock"))
            local = alias.asname or alias.name.split(".")[0]
            self.names[local] = alias.name if alias.asname else alias.name.split(".")[0]

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        for alias in node.names:
            full = f"{module}.{alias.name}"
            local = alias.asname or alias.name
            if module == "hall.wallclock" or full == "hall.wallclock":
                self.wallclock_imports.append(
                    Finding(self.rel, node.lineno, f"from {module} import {alias.name}"))
            if (module, alias.name) in {(m, a) for m, a in ALWAYS} or (
                module == "time" and alias.name in WITHOUT_TIME
            ):
                self._hit(node, f"from {module} import {alias.name}")
            self.names[local] = full
        self.generic_visit(node)

    def _resolve(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            return self.names.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self._resolve(node.value)
            return f"{base}.{node.attr}" if base else None
        return None

    def visit_Attribute(self, node: ast.Attribute) -> None:
        owner = self._resolve(node.value)
        if owner is not None and (owner, node.attr) in ALWAYS:
            self._hit(node, f"{owner}.{node.attr}")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        target = self._resolve(node.func)
        if target is not None and target.startswith("time."):
            name = target.removeprefix("time.")
            if name in WITHOUT_TIME and len(node.args) <= WITHOUT_TIME[name] and not node.keywords:
                self._hit(node, f"{target}() without a time")
        self.generic_visit(node)


def scan(path: Path) -> _Reads:
    rel = path.relative_to(ROOT).as_posix()
    reads = _Reads(rel)
    reads.visit(ast.parse(path.read_text(encoding="utf-8"), filename=rel))
    return reads


def test_only_the_wall_clock_module_reads_the_time_of_day() -> None:
    found = [f for path in python_files()
             if not _allowed(path.relative_to(ROOT).as_posix(), DIRECT_READERS)
             for f in scan(path).clock_reads]
    assert not found, (
        "the time of day is read outside the wiring; take a `Clock` argument instead "
        "(hall/clock.py) and let the process's CLI pass `hall.wallclock.wall_clock`:\n"
        + "\n".join(map(str, found)))


def test_only_process_wiring_hands_out_the_wall_clock() -> None:
    found = [f for path in python_files()
             if not _allowed(path.relative_to(ROOT).as_posix(), WIRING)
             and path.relative_to(ROOT).as_posix() != "tests/test_clock_ban.py"
             for f in scan(path).wallclock_imports]
    assert not found, (
        "only a process's CLI may pass the wall clock down (tests use a fake clock, "
        "tests/conftest.py):\n" + "\n".join(map(str, found)))


def test_the_scan_catches_every_spelling(tmp_path: Path) -> None:
    source = '''
import time as t
import datetime
from datetime import date as d, datetime as dt
from time import time as now_s, strftime
from PySide6.QtCore import QDateTime
a = dt.now()
b = datetime.datetime.utcnow()
c = d.today()
e = t.time()
f = strftime("%H")
g = t.localtime()
h = QDateTime.currentDateTime()
ok1 = t.monotonic()
ok2 = t.localtime(0)
ok3 = dt.fromisoformat("2026-03-02T10:00:00+08:00")
ok4 = t.strftime("%H", t.gmtime(0))
'''
    reads = _Reads("x.py")
    reads.visit(ast.parse(source))
    lines = sorted({f.line for f in reads.clock_reads})
    assert lines == [5, 7, 8, 9, 10, 11, 12, 13], [str(f) for f in reads.clock_reads]


def test_the_allow_lists_are_short_and_real() -> None:
    for entry in (*DIRECT_READERS, *WIRING):
        assert (ROOT / entry).exists(), f"{entry} is on an allow-list but does not exist"
    assert len(DIRECT_READERS) <= 4 and len(WIRING) <= 14
