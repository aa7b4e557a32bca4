"""Screenshots of the managers' dashboard, for docs/screenshots/.

    xvfb-run -a -s "-screen 0 1920x1080x24" \
        python scripts/supervisor_screenshots.py docs/screenshots

Runs a hub on the Dongxiang example hall (fresh database, its clock at 09:00 on a
weekday) in a thread, plays a busy morning into it (tickets in every zone, calls,
ratings with two 差评, a paused window, a kiosk out of paper, queues long enough to
raise alerts), then opens the real dashboard window and saves each tab.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import sys
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hall.client import HubClient
from hall.config import load_config
from hall.errors import RequestFailed
from hub.admission import Limits
from hub.server import Hub
from hub.settings import HubSettings

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "jiaohao" / "examples" / "dongxiang.toml"


class HallThread:
    """The hub on its own loop, its clock set by the script."""

    def __init__(self, db: str) -> None:
        self.now = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 in the hall
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.hub = Hub(load_config(CONFIG), db, port=0, clock=lambda: self.now,
                       settings=HubSettings(limits=Limits(rate=None)))
        self.run(self.hub.start())

    def run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(120)


async def morning(hall: HallThread) -> None:
    url = hall.hub.url
    config = hall.hub.config
    rng = random.Random(3)
    services = [s.id for s in config.services]
    async with HubClient(url, "kiosk-1", "kiosk-1-change-me") as kiosk:
        for _ in range(60):
            hall.now += timedelta(seconds=rng.randint(5, 40))
            try:
                await kiosk.request("take_ticket", service=rng.choice(services))
            except RequestFailed:
                pass  # a service outside its hours: the citizen picks another
        await kiosk.request("device_status", device_kind="printer", status="paper_out",
                            detail="纸卷用完")
    staff = [s.id for s in config.staff]
    async with contextlib.AsyncExitStack() as stack:
        callers = {}
        for number in range(1, 61, 5):  # windows across every zone
            device = f"caller-{number}"
            callers[number] = await stack.enter_async_context(
                HubClient(url, device, f"{device}-change-me"))
            await callers[number].request("sign_in", window=number,
                                          staff=staff[number % len(staff)])
        await callers[6].request("pause", window=6, reason="会议")
        serving: dict[int, int] = {}
        rated = 0
        for _round in range(4):
            for number, caller in callers.items():
                if number == 6:
                    continue
                hall.now += timedelta(seconds=rng.randint(20, 50))
                if number in serving:
                    await caller.request("finish", window=number)
                    rated += 1
                    score = {2: 1, 7: 2}.get(rated) or rng.choice([3, 4, 5, 5, 5])
                    await caller.request("rate", window=number, ticket=serving.pop(number),
                                         score=score,
                                         **({"reason": "等候时间长"} if score <= 2 else {}))
                called = await caller.request("call_next", window=number)
                if called.get("ticket") is not None:
                    serving[number] = called["ticket"]["id"]
    hall.now += timedelta(minutes=8)
    async with HubClient(url, "admin", "admin-change-me") as admin:
        await admin.request("status")  # a batch: the engine looks at alerts


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        hall = HallThread(str(Path(tmp) / "queue.db"))
        hall.run(morning(hall))

        from PySide6.QtWidgets import QApplication

        from qtkit.app import application
        from qtkit.bridge import HubBridge
        from qtkit.fonts import setup_fonts
        from qtkit.screenshot import grab
        from qtkit.theme import apply_theme, make_theme
        from supervisor.app import SupervisorApp

        app = application(sys.argv[:1])
        setup_fonts(app, pixel_size=16)
        apply_theme(app, make_theme(18))
        dash = SupervisorApp(HubBridge(hall.hub.url, "admin", "admin-change-me"),
                             clock=lambda: hall.now, figures_every_s=0.2)
        dash.window.resize(1920, 1080)
        dash.window.show()
        dash.start()

        def wait(check: Any, seconds: float = 20) -> None:
            deadline = datetime.now() + timedelta(seconds=seconds)
            while not check():
                QApplication.processEvents()
                if datetime.now() > deadline:
                    raise SystemExit("the dashboard did not get its data")

        wait(lambda: dash.model.figures is not None and len(dash.model.cases) >= 2
             and bool(dash.model.alerts))
        names = ["live", "today", "cases", "history"]
        dash.window.case_table.selectRow(0)
        numbers = [c["number"] for c in dash.model.cases]
        dash.window.number.setText(numbers[-1])
        dash.window.search.click()
        wait(lambda: bool(dash.model.history))
        for index, name in enumerate(names):
            dash.window.tabs.setCurrentIndex(index)
            for _ in range(20):
                QApplication.processEvents()
            print(grab(dash.window, out / f"supervisor-{name}-1920x1080.png"))
        dash.window.resize(1366, 768)
        dash.window.tabs.setCurrentIndex(0)
        for _ in range(20):
            QApplication.processEvents()
        print(grab(dash.window, out / "supervisor-live-1366x768.png"))
        dash.stop()
        hall.run(hall.hub.stop())
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
