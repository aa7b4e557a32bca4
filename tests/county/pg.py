"""A throw-away PostgreSQL cluster for the county tests, from Debian's server binaries.

PostgreSQL refuses to run as root: as root the cluster belongs to the ``postgres``
user (``runuser``), otherwise to whoever runs the tests. It listens on a free
loopback port and on a socket in its own directory; the superuser connects through
the socket without a password, every other role over TCP with a password
(scram-sha-256), which the tests hand to libpq in a ``PGPASSFILE``.

A watchdog process beside each cluster stops it and removes its directory when the
test process ends however it ends: a run stopped by SIGTERM or SIGKILL (a CI timeout)
leaves no PostgreSQL running.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

SUPERUSER = "postgres"


def server_bin() -> Path | None:
    """The newest installed server's bin directory, None when none is installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


#: The watchdog: waits for the end of its stdin (the test process has ended, closing
#: its end of the pipe), then stops the cluster at once and removes its directory.
_WATCHDOG = """
import os, shutil, signal, subprocess, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)
pg_ctl, root, as_root = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
sys.stdin.buffer.read()
if os.path.exists(os.path.join(root, "data", "postmaster.pid")):
    cmd = [pg_ctl, "-D", os.path.join(root, "data"), "-m", "immediate", "-w", "stop"]
    if as_root:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
shutil.rmtree(root, ignore_errors=True)
"""


class Cluster:
    """One cluster: :meth:`start`, :meth:`stop` (``immediate`` = a crash), :meth:`destroy`."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="jiaohao-county-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self._as_root = os.geteuid() == 0
        if self._as_root:
            user = pwd.getpwnam(SUPERUSER)
            os.chown(self.root, user.pw_uid, user.pw_gid)
        os.chmod(self.root, 0o755)
        self.passfile = self.root / "pgpass"
        self._watchdog = self._watch()
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth-local=trust",
                  "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")

    def _watch(self) -> int:
        """Start the watchdog; the write end of its pipe (closed by :meth:`destroy`, or
        by the system when this process ends)."""
        read, write = os.pipe()
        subprocess.Popen(
            [sys.executable, "-I", "-c", _WATCHDOG, str(self.bindir / "pg_ctl"), str(self.root),
             "1" if self._as_root else "0"],
            stdin=read, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)  # a Ctrl-C or SIGTERM to the test run spares it
        os.close(read)
        return write

    def _run(self, tool: str, *args: str) -> None:
        cmd = [str(self.bindir / tool), *args]
        if self._as_root:
            cmd = ["runuser", "-u", SUPERUSER, "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       timeout=120)

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
                   " -c fsync=off -c full_page_writes=off -c max_connections=200")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l",
                  str(self.root / "log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def destroy(self) -> None:
        if self.running():
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
        os.close(self._watchdog)  # its work is done: it ends

    def superuser_url(self, db: str = "postgres") -> str:
        """The superuser, through the socket (no password)."""
        return f"postgresql://{SUPERUSER}@/{db}?host={self.root}&port={self.port}"

    def url(self, role: str, db: str) -> str:
        """A role over TCP; its password comes from :attr:`passfile` (no password here)."""
        return f"postgresql://{role}@127.0.0.1:{self.port}/{db}"

    def remember_password(self, role: str, password: str) -> None:
        with self.passfile.open("a", encoding="utf-8") as f:
            f.write(f"127.0.0.1:{self.port}:*:{role}:{password}\n")
        os.chmod(self.passfile, 0o600)
