"""What the demo leaves behind, without Qt: tickets, voice files and the day's report."""

from __future__ import annotations

import json
import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_NUMBER = re.compile(r"[A-Z]{1,3}\d{3,4}")


@dataclass(frozen=True)
class SavedTicket:
    number: str
    raw: Path
    picture: Path


class TicketFolder:
    """Keeps each printer job as ``NUMBER.bin`` (the exact bytes) and ``NUMBER.png``
    (those bytes rendered back, as the paper would look). Called from the virtual
    printer's thread."""

    def __init__(self, folder: Path, width_dots: int) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.width_dots = width_dots
        self.saved: list[SavedTicket] = []
        self._lock = threading.Lock()

    def save(self, raw: bytes) -> SavedTicket:
        """Write one job. Raises OSError when the folder cannot be written."""
        from printer.render import render

        rendered = render(raw, self.width_dots)
        found = _NUMBER.search("".join(rendered.lines).replace(" ", ""))
        with self._lock:
            stem = found.group(0) if found else f"ticket-{len(self.saved) + 1:03d}"
            taken = {t.raw.stem for t in self.saved}
            name, again = stem, 1
            while name in taken:  # a reprint keeps the first copy
                again += 1
                name = f"{stem}-{again}"
            saved = SavedTicket(stem, self.folder / f"{name}.bin", self.folder / f"{name}.png")
            saved.raw.write_bytes(raw)
            rendered.image.save(saved.picture)
            self.saved.append(saved)
        return saved


class WavFolderBackend:
    """A voice backend writing each announcement to ``NNNN-A001-window-3.wav``
    (espeak-ng), for a demo with nobody listening."""

    def __init__(self, folder: Path) -> None:
        from voice.espeak import EspeakVoice

        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.voice = EspeakVoice()
        self.name = "espeak-ng to WAV files"
        self.count = 0

    def play(self, item: Any) -> None:
        from voice.audio import AudioError
        from voice.backends import render

        try:
            audio = render(self.voice, item)
        except AudioError as exc:
            log.warning("not said: %s (%s)", item.what, exc)
            return
        self.count += 1
        path = self.folder / f"{self.count:04d}-{item.number}-window-{item.window}.wav"
        path.write_bytes(audio.wav_bytes())


def write_report(out: Path, db_path: Path, config: Any, day: Any) -> dict[str, Any]:
    """The day's report from the hub's store, exactly as `jiaohao report` writes it:
    PDF, XLSX, CSV, JSON and Markdown in ``report/``, and the same figures as
    ``report.json`` and ``report.md`` beside it; the ``stats`` answer."""
    from hall.state import day_date
    from ledger.stats import stats_of_file
    from report.cli import write_report as write_documents
    from report.markdown import markdown

    date = day_date(day)
    stats = stats_of_file(db_path, config, date, date)
    write_documents(stats, config.hall.name, out / "report")
    (out / "report.json").write_text(json.dumps(stats, ensure_ascii=False, indent=2),
                                     encoding="utf-8")
    (out / "report.md").write_text(markdown(stats, config.hall.name), encoding="utf-8")
    return stats
