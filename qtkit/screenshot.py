"""A PNG of a real window, as a person would see it (docs, the demo, tests)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget


def grab(widget: QWidget, path: Path | str) -> Path:
    """Lay out and paint ``widget`` (showing it if hidden), and save it as PNG.

    Raises:
        OSError: the PNG cannot be written.
    """
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not widget.isVisible():
        widget.show()
    QApplication.processEvents()  # let layouts and pending paints settle
    if not widget.grab().save(str(out), "PNG"):
        raise OSError(f"cannot write the screenshot {out}")
    return out
