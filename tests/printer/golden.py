"""Golden ticket files: ``python -m tests.printer.golden`` rewrites them after a deliberate change.

One per profile (so one per text mode and QR mode): the exact bytes of the sample
ticket and the renderer's picture of them.
"""

from __future__ import annotations

from pathlib import Path

from printer.encode import encode_ticket
from printer.layout import layout_ticket, sample_content
from printer.profile import load_printer_profile, printer_profile_ids
from printer.render import render

DATA = Path(__file__).resolve().parent.parent / "data" / "printer"


def sample_bytes(profile_id: str) -> bytes:
    profile = load_printer_profile(profile_id)
    return encode_ticket(profile, layout_ticket(sample_content(), profile)).data


def write_all() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    for pid in printer_profile_ids():
        data = sample_bytes(pid)
        (DATA / f"{pid}.bin").write_bytes(data)
        width = load_printer_profile(pid).width_dots
        render(data, width_dots=width).image.save(DATA / f"{pid}.png", optimize=True)
        print(pid, len(data))


if __name__ == "__main__":
    write_all()
