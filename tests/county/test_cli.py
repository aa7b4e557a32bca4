"""`jiaohao county init | add-hall | add-reader | status | ship` as a technician uses them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from county.schema import MIGRATIONS
from jiaohao.cli import main
from tests.conftest import TIMEOUT_S
from tests.county.conftest import County
from tests.county.halls import hall_file
from tests.county.test_shipping import _wait
from tests.hall.test_config import BASE

ROOT = Path(__file__).resolve().parents[2]


def test_init_is_idempotent_and_add_hall_prints_the_pgpass_line_once(
    county: County, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["county", "init", "--url", county.owner_url]) == 0
    assert main(["county", "init", "--url", county.owner_url]) == 0
    assert capsys.readouterr().out.count(f"county schema at version {len(MIGRATIONS)}") == 2
    assert main(["county", "add-hall", "--url", county.owner_url, "--hall", "clihall",
                 "--name", "东乡镇便民服务中心"]) == 0
    out = capsys.readouterr().out
    line = out.strip().splitlines()[-1]
    host, port, database, role, password = line.split(":")
    assert (host, port) == ("*", str(county.cluster.port))  # the owner came by the socket
    assert role == "hall_clihall" and database == county.name and len(password) >= 24
    assert main(["county", "add-hall", "--url", county.owner_url, "--hall", "clihall"]) == 0
    assert "exists already" in capsys.readouterr().out
    assert county.query("SELECT name FROM county_halls WHERE hall_id = 'clihall'") == [
        ("东乡镇便民服务中心",)]
    assert main(["county", "add-hall", "--url", county.owner_url, "--hall", "Bad Id"]) == 2
    assert main(["county", "status", "--url", county.owner_url]) == 0
    assert "clihall\t东乡镇便民服务中心\tregistered" in capsys.readouterr().out
    assert main(["county", "init", "--url", "postgresql://x:pw@127.0.0.1:1/none"]) == 2
    assert main(["county", "init", "--url", "postgresql://nobody@127.0.0.1:1/none"]) == 1


def test_ship_runs_beside_a_hub_and_stops_on_sigterm(county: County, tmp_path: Path) -> None:
    link = county.add_hall("beside", interval_s=0.05)
    db = hall_file(tmp_path, days=1, seed=2)
    config = tmp_path / "hall.toml"
    config.write_text(BASE + f'\n[county]\nurl = "{link.url}"\nhall_id = "beside"\n'
                      "interval_s = 0.05\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "jiaohao", "county", "ship", "--config",
                             str(config), "--db", str(db)], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert proc.stdout is not None
        assert b"shipping beside" in proc.stdout.readline()
        _wait(lambda: county.query("SELECT state FROM county_links WHERE hall_id = 'beside'")
              == [("caught_up",)], TIMEOUT_S * 3)
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(TIMEOUT_S) == 0


def test_add_reader_prints_a_readers_pgpass_line(county: County,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["county", "add-reader", "--url", county.owner_url, "--role", "office"]) == 0
    said = capsys.readouterr().out.strip().splitlines()[0]
    assert "reader" in said and "hall" not in said


def test_the_help_names_every_county_command_and_the_county_dashboard(
    capsys: pytest.CaptureFixture[str]
) -> None:
    main(["--help"])
    listed = next(line for line in capsys.readouterr().out.splitlines()
                  if line.strip().startswith("county"))
    for command in ("init", "add-hall", "add-reader", "ship", "status", "report", "set-aside"):
        assert command in listed
    with pytest.raises(SystemExit):
        main(["supervisor", "--help"])
    assert "--county URL" in capsys.readouterr().out
