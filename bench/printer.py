"""Ticket printing figures: layout + encode time per ticket in each text mode, and
bytes per ticket.

Run from the project root: ``python bench/printer.py [--tickets N]``. Prints figures;
asserts nothing (the machine may be shared and noisy). Targets: native (Chinese
mode) ≤ 5 ms, raster ≤ 60 ms per ticket.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from printer import glyphs
from printer.encode import encode_ticket
from printer.layout import layout_ticket, sample_content
from printer.profile import load_printer_profile, printer_profile_ids
from printer.render import render

TARGET_MS = {"gb18030": 5.0, "gbk": 5.0, "raster": 60.0}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(tickets: int) -> None:
    base = sample_content()
    print(f"{tickets} tickets per profile, each with its own number, count and time\n")
    header = (
        f"{'profile':<18} {'text':<8} {'qr':<7} {'first ms':>9} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'target':>7} {'bytes':>7} {'render ms':>10}"
    )
    print(header)
    print("-" * len(header))
    for pid in printer_profile_ids():
        profile = load_printer_profile(pid)
        glyphs.glyph.cache_clear()  # the first ticket after start draws every glyph
        times: list[float] = []
        sizes: list[int] = []
        for i in range(tickets):
            content = replace(
                base,
                number=f"A{i % 1000:03d}",
                people_ahead=i % 57,
                estimated_wait_min=(i * 3) % 90,
                taken_at=base.taken_at + timedelta(seconds=17 * i),
            )
            start = time.perf_counter()
            encoded = encode_ticket(profile, layout_ticket(content, profile))
            times.append((time.perf_counter() - start) * 1000)
            sizes.append(len(encoded.data))
        first, rest = times[0], times[1:] or times
        start = time.perf_counter()
        render(encoded.data, width_dots=profile.width_dots)
        render_ms = (time.perf_counter() - start) * 1000
        print(
            f"{pid:<18} {profile.text_mode.value:<8} {profile.qr_mode.value:<7} {first:>9.1f} "
            f"{percentile(rest, 0.5):>7.2f} {percentile(rest, 0.99):>7.2f} "
            f"{TARGET_MS[profile.text_mode.value]:>7.0f} {statistics.mean(sizes):>7.0f} "
            f"{render_ms:>10.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=500)
    run(parser.parse_args().tickets)


if __name__ == "__main__":
    main()
