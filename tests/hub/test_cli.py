"""`jiaohao hub` as a real process: address line, /healthz, clean exit on SIGTERM,
status 2 for a bad config."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from tests.conftest import TIMEOUT_S
from tests.hub.conftest import Client

ROOT = Path(__file__).resolve().parents[2]

HALL = """
[hall]
name = "测试便民服务室"

[[zone]]
id = "room"
name = "便民服务室"

[[service]]
id = "A"
name = "综合受理"
zone = "room"

[[window]]
number = 1
name = "1号窗口"
services = ["A"]

[[device]]
id = "kiosk-1"
role = "kiosk"
token = "kiosk-token-for-tests"

[[device]]
id = "screen-1"
role = "display"
token = "screen-token-for-tests"
"""


def get_json(url: str) -> tuple[int, str, dict[str, object]]:
    with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:
        return response.status, response.headers["Content-Type"], json.loads(response.read())


@pytest.mark.parametrize("loop", ["auto", "asyncio"])  # auto: uvloop where installed
async def test_hub_process_serves_and_stops_cleanly(tmp_path: Path, loop: str) -> None:
    config = tmp_path / "hall.toml"
    config.write_text(HALL, encoding="utf-8")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "jiaohao", "hub", "--config", str(config),
        "--db", str(tmp_path / "queue.db"), "--host", "127.0.0.1", "--port", "0",
        "--loop", loop,
        cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), TIMEOUT_S)).decode()
        assert line.startswith("jiaohao hub listening on ws://127.0.0.1:"), line
        url = line.rsplit(" ", 1)[1].strip()
        port = int(url.rsplit(":", 1)[1])
        assert port > 0

        kiosk = Client(await connect(url, open_timeout=TIMEOUT_S))
        await kiosk.hello("kiosk-1", "kiosk-token-for-tests")
        assert (await kiosk.ok("take_ticket", service="A"))["ticket"]["number"] == "A001"
        status, content_type, body = await asyncio.to_thread(
            get_json, f"http://127.0.0.1:{port}/healthz")
        assert status == 200 and content_type == "application/json"
        assert body["status"] == "ok" and body["seq"] == 1 and body["connections"] == 1
        assert isinstance(body["day"], str) and isinstance(body["uptime_s"], float)

        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), TIMEOUT_S) == 0
        await asyncio.wait_for(kiosk.ws.wait_closed(), TIMEOUT_S)
        assert kiosk.ws.close_code == 1001
        assert (await proc.stdout.read()) == b""  # exactly one line on stdout
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


def test_the_hub_runs_on_uvloop_where_installed_else_on_pythons_own_loop() -> None:
    from hub.cli import run

    async def loop_module() -> str:
        return type(asyncio.get_running_loop()).__module__

    assert run(loop_module(), "asyncio").startswith("asyncio")
    try:
        import uvloop  # noqa: F401
    except ImportError:
        assert run(loop_module()).startswith("asyncio")
        with pytest.raises(ImportError):
            run(loop_module(), "uvloop")
    else:
        assert run(loop_module()).startswith("uvloop")


def test_bad_config_exits_2_and_names_the_problem(tmp_path: Path) -> None:
    config = tmp_path / "hall.toml"
    config.write_text(HALL.replace('services = ["A"]', 'services = ["Q"]'), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "jiaohao", "hub", "--config", str(config),
         "--db", str(tmp_path / "queue.db"), "--port", "0"],
        cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_S * 3,
    )
    assert done.returncode == 2
    assert "Q" in done.stderr and "hall.toml" in done.stderr
    assert done.stdout == ""
    assert not (tmp_path / "queue.db").exists()


@pytest.mark.parametrize(("example", "status"), [("dongxiang.toml", 0), ("village.toml", 0)])
def test_check_accepts_the_examples(example: str, status: int) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "jiaohao", "hub", "--config",
         str(ROOT / "jiaohao" / "examples" / example),
         "--check"], cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_S * 3,
    )
    assert done.returncode == status, done.stdout + done.stderr
    assert "OK" in done.stdout


def test_check_lists_every_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[hall]\nname = "x"\n[[service]]\nid = "a"\n', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "jiaohao", "hub", "--config", str(bad), "--check"],
        cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_S * 3,
    )
    assert done.returncode == 2
    assert "service[0] (a).id" in done.stdout
    assert "at least one [[window]]" in done.stdout


def test_backup_copies_a_database_in_use_with_what_is_still_in_the_wal(
    tmp_path: Path,
) -> None:
    from hub.cli import main as hub_main
    from ledger.store import Store
    from tests.hub.engine_helpers import hall
    from tests.ledger.test_stats import SCRIPT, play

    live = Store.open(str(tmp_path / "queue.db"))  # left open: the hub still runs
    live.write(play(hall(), SCRIPT[:3]))
    assert (tmp_path / "queue.db-wal").stat().st_size > 0
    copy = tmp_path / "copy.db"
    assert hub_main(["backup", "--db", str(tmp_path / "queue.db"), "--out", str(copy)]) == 0
    copied = Store.open(str(copy))
    assert copied.counts()["tickets"] == 3 and copied.last_seq() == live.last_seq()
    copied.close()
    assert hub_main(["backup", "--db", str(tmp_path / "queue.db"), "--out", str(copy)]) == 2
    assert hub_main(["backup", "--db", str(tmp_path / "none.db"),
                     "--out", str(tmp_path / "x.db")]) == 2
    live.close()
