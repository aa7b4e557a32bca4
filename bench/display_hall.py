"""A big hall for the wall display's benchmark and screenshots: nine zones, 200 windows.

    from bench.display_hall import BigHall
    with BigHall(windows=200) as hall:   # a hub in its own process, on a free port
        hall.issue(400); hall.call_all()

The hub runs as in a hall, in a process of its own (``bench/hub.py``'s HubProcess);
requests go through real websocket clients on an asyncio loop in a thread.
"""

from __future__ import annotations

import asyncio
import tempfile
import threading
from collections.abc import Coroutine, Iterable
from pathlib import Path
from typing import Any, TypeVar

from bench.hub import HubProcess
from hall.client import HubClient

T = TypeVar("T")

ZONES = [
    ("approval", "综合审批服务区", [("X", "企业开办"), ("Y", "工程建设审批")]),
    ("tax", "办税服务区", [("A", "办税服务"), ("B", "发票领用")]),
    ("estate", "不动产登记服务区", [("C", "不动产登记"), ("D", "抵押登记")]),
    ("social", "社保服务区", [("E", "社保参保"), ("F", "养老待遇")]),
    ("medical", "医保服务区", [("G", "医保报销"), ("H", "医保参保")]),
    ("hr", "人力资源服务区", [("J", "就业登记"), ("K", "人才服务")]),
    ("legal", "法律援助与公证服务区", [("L", "法律援助"), ("M", "公证")]),
    ("police", "公安服务区", [("P", "户籍办理"), ("Q", "出入境")]),
    ("traffic", "交警服务区", [("T", "驾驶证"), ("V", "机动车登记")]),
]

NOTICE = ("请携带本人身份证原件，按号码顺序到窗口办理；过号请重新取号。"
          "老年人、残疾人可到绿色通道优先办理。")


def hall_toml(windows: int = 200, displays: int = 4) -> str:
    """Nine zones of two services each; windows shared out among the zones in turn."""
    lines = ['[hall]\nname = "东乡区政务服务中心"\ntimezone = "Asia/Shanghai"\n'
             'day_starts = "00:00"\n', f'[display]\nnotice = "{NOTICE}"\n']
    for zone, name, services in ZONES:
        lines.append(f'[[zone]]\nid = "{zone}"\nname = "{name}"\n')
        for sid, sname in services:
            lines.append(f'[[service]]\nid = "{sid}"\nname = "{sname}"\nzone = "{zone}"\n')
    for n in range(1, windows + 1):
        zone, _, services = ZONES[(n - 1) % len(ZONES)]
        ids = ", ".join(f'"{s}"' for s, _ in services)
        lines.append(f'[[window]]\nnumber = {n}\nzone = "{zone}"\nservices = [[{ids}]]\n')
        lines.append(f'[[device]]\nid = "caller-{n}"\nrole = "caller"\n'
                     f'token = "caller-{n}-token"\nwindow = {n}\n')
    lines.append('[[device]]\nid = "kiosk-1"\nrole = "kiosk"\ntoken = "kiosk-1-token"\n')
    lines.append('[[device]]\nid = "admin-1"\nrole = "admin"\ntoken = "admin-1-token"\n')
    for d in range(1, displays + 1):
        lines.append(f'[[device]]\nid = "display-{d}"\nrole = "display"\n'
                     f'token = "display-{d}-token"\n')
    return "\n".join(lines)


def services() -> list[str]:
    return [sid for _, _, group in ZONES for sid, _ in group]


class BigHall:
    """The hub process and a loop thread to drive it with real clients."""

    def __init__(self, windows: int = 200) -> None:
        self.windows = windows
        self._dir = tempfile.TemporaryDirectory(prefix="display-bench-")
        folder = Path(self._dir.name)
        (folder / "hall.toml").write_text(hall_toml(windows), encoding="utf-8")
        self.hub = HubProcess(folder / "hall.toml", folder / "queue.db")
        self.url = self.hub.url
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self._callers: dict[int, HubClient] = {}

    def __enter__(self) -> BigHall:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def run(self, coro: Coroutine[Any, Any, T], timeout_s: float = 300.0) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout_s)

    def client(self, device: str) -> HubClient:
        return HubClient(self.url, device, f"{device}-token", subscribe=False,
                         request_timeout_s=60.0)

    def issue(self, count: int, priority_every: int = 9) -> None:
        """Take ``count`` tickets spread over every service (every n-th a priority one)."""

        async def issue() -> None:
            async with self.client("kiosk-1") as kiosk:
                ids = services()
                for i in range(count):
                    await kiosk.request("take_ticket", service=ids[i % len(ids)],
                                        priority=i % priority_every == priority_every - 1)

        self.run(issue())

    async def caller(self, window: int) -> HubClient:
        """The window's caller client (connected on first use, kept)."""
        caller = self._callers.get(window)
        if caller is None:
            caller = self._callers[window] = self.client(f"caller-{window}")
            await caller.connect()
        return caller

    def request(self, window: int, type_: str, **fields: Any) -> dict[str, Any]:
        """One caller request for ``window`` (its caller stays connected)."""

        async def send() -> dict[str, Any]:
            caller = await self.caller(window)
            return await caller.request(type_, window=window, **fields)

        return self.run(send())

    def call_all(self, windows: Iterable[int] | None = None) -> None:
        for window in windows or range(1, self.windows + 1):
            self.request(window, "call_next")

    def close(self) -> None:
        async def close() -> None:
            for caller in self._callers.values():
                await caller.close()

        self.run(close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.hub.stop()
        self._dir.cleanup()
