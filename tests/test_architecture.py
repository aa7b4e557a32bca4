"""The layering docs/architecture.md draws is enforced, not just hoped for (import-linter
contracts)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_hold() -> None:
    done = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 0 broken" in done.stdout or "0 broken" in done.stdout, done.stdout


#: Packages that hold apps (those that exist are checked).
APP_PACKAGES = ("kiosk", "caller", "display", "supervisor", "jiaohao")


def _app_roots() -> list[str]:
    return [name for name in APP_PACKAGES if (ROOT / name / "__init__.py").exists()]


def test_every_app_presenter_and_model_is_free_of_qt() -> None:
    """The import-linter contract covers `<app>.model` and `<app>.presenter`; this
    covers every `<app>.model*` and `<app>.presenter*` module as well."""
    import grimp

    roots = _app_roots()
    graph = grimp.build_graph(*roots, "hall", "qtkit", include_external_packages=True)
    plain = sorted(
        module for module in graph.modules
        if module.split(".")[0] in roots and len(module.split(".")) > 1
        and module.split(".")[1].startswith(("model", "presenter"))
    )
    offenders = [m for m in plain if graph.chain_exists(importer=m, imported="PySide6")]
    assert offenders == [], f"these presenter/model modules reach PySide6: {offenders}"


def test_every_package_but_the_ledger_is_kept_off_the_database() -> None:
    """A new root package joins the contract that keeps sqlite3 and sqlite-utils in the
    ledger, so no package can open the database behind the ledger's back."""
    import tomllib

    linter = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    linter = linter["tool"]["importlinter"]
    [contract] = [c for c in linter["contracts"]
                  if set(c.get("forbidden_modules", ())) == {"sqlite3", "sqlite_utils"}]
    assert set(contract["source_modules"]) == set(linter["root_packages"]) - {"ledger"}
