"""The suite's own PostgreSQL: a test run that is killed (a CI timeout's SIGTERM, or
SIGKILL) leaves no cluster running and no directory behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TIMEOUT_S
from tests.county.pg import server_bin
from tests.county.test_shipping import _wait

ROOT = Path(__file__).resolve().parents[2]
#: A test process: starts a cluster, says where, and waits to be killed.
RUN = ("import sys\nfrom tests.county.pg import Cluster, server_bin\n"
       "cluster = Cluster(server_bin())\ncluster.start()\n"
       "print(cluster.root, cluster.data, flush=True)\nsys.stdin.read()\n")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_a_killed_test_run_leaves_no_cluster_running(sig: signal.Signals) -> None:
    if server_bin() is None:
        pytest.skip("PostgreSQL's server binaries are not installed")
    proc = subprocess.Popen([sys.executable, "-c", RUN], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdout is not None
    root, data = (Path(p) for p in proc.stdout.readline().decode().split())
    pid = int((data / "postmaster.pid").read_text().split()[0])
    proc.send_signal(sig)
    proc.wait(TIMEOUT_S)
    _wait(lambda: not root.exists(), TIMEOUT_S * 3)
    _wait(lambda: not Path(f"/proc/{pid}").exists(), TIMEOUT_S * 3)
