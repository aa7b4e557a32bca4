"""Wiring: bridge, replica, presenter, printer and window (the only place they meet)."""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, QTranslator, Signal
from PySide6.QtWidgets import QApplication

from hall.clock import Clock
from kiosk.idcard import SerialIdReader, load_idcard_profile
from kiosk.memory import HallMemory
from kiosk.presenter import KioskPresenter, KioskSettings, PrinterPort
from kiosk.views import KioskWindow, TouchFilter
from qtkit.bridge import HubBridge
from qtkit.fonts import setup_fonts
from qtkit.replica import Replica
from qtkit.theme import apply_theme, make_theme
from qtkit.worker import run_blocking

log = logging.getLogger(__name__)

TRANSLATIONS = Path(__file__).resolve().parent / "translations"


@dataclass
class Kiosk:
    """Everything a running kiosk is made of (tests and the benchmark reach in here)."""

    bridge: HubBridge
    replica: Replica
    presenter: KioskPresenter
    window: KioskWindow
    timer: QTimer
    translator: QTranslator


class IdCardRelay(QObject):
    """Carries ID numbers from a serial reader's thread to the GUI thread."""

    number = Signal(str)


def start_idcard_reader(app_table: Mapping[str, Any], presenter: KioskPresenter,
                        parent: QObject) -> SerialIdReader | None:
    """The station's serial ID-card reader (``[app] idcard_profile``, ``idcard_port``),
    started; None for a keyboard reader (the window reads its keys) or none at all.

    Raises:
        hall.profiles.ProfileError: unknown or broken profile.
        ValueError: a serial profile without ``idcard_port``.
    """
    profile_id = app_table.get("idcard_profile")
    if not profile_id:
        return None
    profile = load_idcard_profile(str(profile_id))
    if profile.transport != "serial":
        return None
    port = app_table.get("idcard_port")
    if not port:
        raise ValueError(f"[app] idcard_port: the serial ID-card reader {profile.id} needs "
                         "its port (e.g. /dev/ttyUSB1)")
    relay = IdCardRelay(parent)
    relay.number.connect(presenter.id_card)
    return SerialIdReader(str(port), profile, relay.number.emit).start()


def install_translator(app: QCoreApplication) -> QTranslator:
    """Load kiosk_en.qm (English); texts are translated only while English is on."""
    translator = QTranslator(app)
    if translator.load(str(TRANSLATIONS / "kiosk_en.qm")):
        QCoreApplication.installTranslator(translator)
    else:
        log.warning("kiosk_en.qm not found: the English button will show Chinese")
    return translator


def espeak_speaker() -> object | None:
    """Read options aloud in elderly mode when espeak-ng is installed (else None)."""
    from voice.espeak import espeak_available

    if not espeak_available():
        return None

    def speak(text: str) -> None:
        if text:
            subprocess.Popen(["espeak-ng", "-v", "cmn", text],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    return speak


def build_kiosk(
    app: QApplication,
    bridge: HubBridge,
    printer: PrinterPort,
    settings: KioskSettings | None = None,
    speech: bool = False,
    *,
    clock: Clock,
    hall_memory: HallMemory | None = None,
) -> Kiosk:
    """A kiosk on ``bridge`` (not started) and ``printer``; the window is not shown.

    ``clock`` is the local clock; the kiosk judges opening hours and caps by the hub's
    time (``replica.clock``: ``clock`` plus the offset to the hub's)."""
    fonts = setup_fonts(app)
    if not fonts.ok:
        log.error("%s", fonts.problem)
    translator = install_translator(app)
    replica = Replica(bridge, clock=clock)
    speak = espeak_speaker() if speech else None
    presenter = KioskPresenter(
        hall=lambda: replica.hall, state=lambda: replica.state, requester=bridge,
        printer=printer, run_blocking=run_blocking, settings=settings,
        speak=speak,  # type: ignore[arg-type]
        clock=replica.clock,
        last_hall_name=hall_memory.load() if hall_memory is not None else ("", ""),
    )
    theme_dp = [0]

    def restyle() -> None:
        if presenter.text_dp != theme_dp[0]:
            theme_dp[0] = presenter.text_dp
            apply_theme(app, make_theme(presenter.text_dp))

    presenter.listeners.insert(0, restyle)
    restyle()
    window = KioskWindow(presenter)
    if hall_memory is not None:
        memory = hall_memory

        def remember() -> None:
            memory.save(replica.hall.hall.name, replica.hall.hall.name_en)

        replica.reset.connect(remember)
        replica.applied.connect(lambda _event: remember())
    replica.reset.connect(presenter.refresh)
    replica.applied.connect(lambda _event: presenter.refresh())
    bridge.connection_changed.connect(presenter.set_online)
    bridge.refused.connect(lambda reason: log.error("the hub refused this kiosk: %s", reason))
    app.installEventFilter(TouchFilter(presenter, window))
    timer = QTimer(window)
    timer.setInterval(1000)
    timer.timeout.connect(presenter.tick)
    timer.start()
    return Kiosk(bridge, replica, presenter, window, timer, translator)
