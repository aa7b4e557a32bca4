"""A virtual network printer on loopback, for tests and the demo.

It accepts raw TCP connections (one connection = one job), keeps every job's bytes,
answers ``DLE EOT n`` status requests as a printer in the state its fault switches
say, and can go silent or drop the connection in the middle of a job.

    with VirtualPrinter() as vp:
        print_ticket(content, profile, vp.connection)
        vp.wait_for_jobs(1, timeout_s=5)
        vp.jobs[0]   # the bytes that would have been printed
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass

from printer.status import answer_for

log = logging.getLogger(__name__)


@dataclass
class Faults:
    """Fault switches; change them at any time."""

    paper_out: bool = False
    near_end: bool = False
    cover_open: bool = False
    offline: bool = False
    silent: bool = False  # never answer status requests
    disconnect_after_bytes: int | None = None  # drop the connection after this many job bytes


def scan(buf: bytes, pos: int) -> tuple[list[tuple[int, int]], int]:
    """Find real-time status requests in a byte stream, skipping image and QR data.

    Returns ``([(offset, n), ...], resume offset)``; the resume offset is where an
    incomplete command starts (scan again when more bytes came).
    """
    found: list[tuple[int, int]] = []
    i = pos
    size = len(buf)
    while i < size:
        b = buf[i]
        if b == 0x10:
            if i + 2 >= size:
                break
            if buf[i + 1] == 0x04:
                found.append((i, buf[i + 2]))
                i += 3
                continue
            i += 1
        elif b == 0x1D and i + 1 < size and buf[i + 1] in (0x76, 0x28):
            if buf[i + 1] == 0x76:  # GS v 0 m xL xH yL yH data
                if i + 8 > size:
                    break
                length = 8 + (buf[i + 4] + 256 * buf[i + 5]) * (buf[i + 6] + 256 * buf[i + 7])
            else:  # GS ( k pL pH data
                if i + 5 > size:
                    break
                length = 5 + buf[i + 3] + 256 * buf[i + 4]
            if i + length > size:
                break
            i += length
        elif b == 0x1D and i + 1 >= size:
            break
        else:
            i += 1
    return found, i


class VirtualPrinter:
    """A raw TCP printer on 127.0.0.1 (port 0 = any free port)."""

    def __init__(
        self,
        port: int = 0,
        faults: Faults | None = None,
        on_job: Callable[[bytes], None] | None = None,
    ) -> None:
        self.faults = faults or Faults()
        self.on_job = on_job  # called (in the connection's thread) with each finished job
        self.jobs: list[bytes] = []  # job bytes, status requests taken out
        self.status_requests: list[int] = []
        self._cond = threading.Condition()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._port_wanted = port
        self._threads: list[threading.Thread] = []
        self._closing = threading.Event()

    @property
    def port(self) -> int:
        return int(self._sock.getsockname()[1])

    @property
    def connection(self) -> str:
        """The connection string for :func:`printer.transport.open_link`."""
        return f"tcp:127.0.0.1:{self.port}"

    def start(self) -> VirtualPrinter:
        self._sock.bind(("127.0.0.1", self._port_wanted))
        self._sock.listen(8)
        thread = threading.Thread(target=self._accept, name="virtual-printer", daemon=True)
        thread.start()
        self._threads.append(thread)
        log.info("virtual printer on %s", self.connection)
        return self

    def stop(self) -> None:
        self._closing.set()
        try:
            self._sock.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        except OSError:
            pass
        try:
            self._sock.close()
        except OSError:
            pass
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> VirtualPrinter:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_for_jobs(self, count: int, timeout_s: float) -> bool:
        """Wait until ``count`` jobs have ended (their connection closed)."""
        with self._cond:
            return self._cond.wait_for(lambda: len(self.jobs) >= count, timeout_s)

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, conn: socket.socket) -> None:
        buf = bytearray()
        job = bytearray()
        pos = 0
        job_bytes = 0
        conn.settimeout(0.2)
        try:
            while not self._closing.is_set():
                try:
                    chunk = conn.recv(4096)
                except TimeoutError:
                    continue
                if not chunk:
                    break
                limit = self.faults.disconnect_after_bytes
                buf += chunk
                found, new_pos = scan(bytes(buf), pos)
                last = pos
                for offset, n in found:
                    job += buf[last:offset]
                    last = offset + 3
                    self._answer(conn, n)
                job += buf[last:new_pos]
                job_bytes = len(job)
                pos = new_pos
                if limit is not None and job_bytes >= limit:
                    del job[limit:]
                    log.info("virtual printer: dropping the connection mid-job")
                    conn.shutdown(socket.SHUT_RDWR)
                    break
        except OSError as exc:
            log.debug("virtual printer connection: %s", exc)
        finally:
            job += buf[pos:]
            conn.close()
            with self._cond:
                if job:
                    self.jobs.append(bytes(job))
                self._cond.notify_all()
            if job and self.on_job is not None:
                try:
                    self.on_job(bytes(job))
                except Exception:
                    log.exception("virtual printer: job callback failed")

    def _answer(self, conn: socket.socket, n: int) -> None:
        f = self.faults
        with self._cond:
            self.status_requests.append(n)
            self._cond.notify_all()
        if f.silent or n not in (1, 2, 3, 4):
            return
        byte = answer_for(
            n,
            paper_out=f.paper_out,
            near_end=f.near_end,
            cover_open=f.cover_open,
            offline=f.offline,
        )
        conn.sendall(bytes([byte]))
