"""`jiaohao printer …`: sample tickets, render bytes to PNG, status, profiles, a virtual printer."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hall.profiles import ProfileError
from printer.encode import encode_ticket
from printer.glyphs import FontMissingError
from printer.job import print_bytes, query_status
from printer.layout import layout_ticket, sample_content
from printer.profile import load_printer_profile, printer_profile_ids
from printer.render import render
from printer.transport import ConnectionStringError, LinkError, open_link


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jiaohao printer", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sample = sub.add_parser("sample", help="a sample ticket: write its bytes or print it")
    sample.add_argument("--profile", required=True, help="printer profile id (see `profiles`)")
    where = sample.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", type=Path, help="write the exact printer bytes to this file")
    where.add_argument("--connection", help="print it, e.g. tcp:192.168.1.50:9100")
    rend = sub.add_parser("render", help="draw printer bytes as a PNG")
    rend.add_argument("file", type=Path, help="a file of printer bytes")
    rend.add_argument("--out", type=Path, required=True, help="the PNG to write")
    width = rend.add_mutually_exclusive_group()
    width.add_argument("--profile", help="take the paper width from this profile")
    width.add_argument("--width-dots", type=int, help="paper width in dots (384, 576)")
    status = sub.add_parser("status", help="ask a printer for its status (DLE EOT)")
    status.add_argument("--connection", required=True)
    status.add_argument("--timeout", type=float, default=0.5, help="seconds to wait (0.5)")
    sub.add_parser("profiles", help="list printer profiles")
    sim = sub.add_parser("simulate", help="run a virtual network printer on 127.0.0.1")
    sim.add_argument("--port", type=int, default=0, help="TCP port (0 = any free port)")
    sim.add_argument("--out-dir", type=Path, help="save each job as NNNN.bin (and .png) here")
    sim.add_argument("--paper-out", action="store_true", help="start out of paper")
    sim.add_argument("--silent", action="store_true", help="never answer status requests")
    return parser


def _sample(args: argparse.Namespace) -> int:
    profile = load_printer_profile(args.profile)
    encoded = encode_ticket(profile, layout_ticket(sample_content(), profile))
    if encoded.unencodable:
        print(f"note: not in the printer font: {''.join(encoded.unencodable)}", file=sys.stderr)
    if args.out is not None:
        args.out.write_bytes(encoded.data)
        print(f"{args.out}: {len(encoded.data)} bytes for {profile.id}")
        return 0
    result = print_bytes(encoded, profile, args.connection)
    print(result.message)
    if result.warning:
        print(result.warning)
    return 0 if result.ok else 1


#: Largest printer job `render` reads: a ticket is a few KiB (a raster one ~30 KiB).
MAX_JOB_BYTES = 1024 * 1024


def _render(args: argparse.Namespace) -> int:
    size = args.file.stat().st_size
    if size > MAX_JOB_BYTES:
        print(f"jiaohao printer render: {args.file} is {size} bytes; a ticket job is at most "
              f"{MAX_JOB_BYTES} bytes, so this is not one (nothing drawn)", file=sys.stderr)
        return 1
    data = args.file.read_bytes()
    width = args.width_dots
    if args.profile:
        width = load_printer_profile(args.profile).width_dots
    if width is not None and not 96 <= width <= 4096:
        raise ValueError(f"--width-dots must be between 96 and 4096, not {width}")
    result = render(data, width_dots=width, read_qr=True)
    result.image.save(args.out)
    for line in result.lines:
        print(line)
    for payload in result.qr_read or result.qr_payloads:
        print(f"[QR] {payload}")
    if result.rasters:
        print(f"[{len(result.rasters)} raster image(s)]")
    print(f"{args.out}: {result.image.width}x{result.image.height}", file=sys.stderr)
    if result.truncated:
        print("warning: the job is longer than one drawn page; only its start was drawn",
              file=sys.stderr)
    return 0


def _status(args: argparse.Namespace) -> int:
    link = open_link(args.connection, timeout_s=max(args.timeout * 4, 2.0))
    try:
        status = query_status(link, args.timeout)
    finally:
        link.close()
    print(status.describe())
    if status.known:
        print(f"online={status.online} paper={status.paper.value} cover_open={status.cover_open}")
    return 0 if status.known and status.problem is None else 1


def _profiles() -> int:
    for pid in printer_profile_ids():
        try:
            p = load_printer_profile(pid)
        except ProfileError as exc:
            print(f"{pid:<20} BROKEN: {exc}")
            continue
        print(
            f"{pid:<20} {p.width_dots:>4} dots  text={p.text_mode.value:<7} "
            f"qr={p.qr_mode.value:<6} cutter={p.cutter.value:<7} {p.name}"
        )
    return 0


def _simulate(args: argparse.Namespace) -> int:
    import threading

    from printer.virtual import Faults, VirtualPrinter

    out_dir: Path | None = args.out_dir
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
    count = 0

    def save(job: bytes) -> None:
        nonlocal count
        count += 1
        if out_dir is None:
            print(f"job {count}: {len(job)} bytes", flush=True)
            return
        path = out_dir / f"{count:04d}.bin"
        path.write_bytes(job)
        render(job).image.save(path.with_suffix(".png"))
        print(f"job {count}: {path} ({len(job)} bytes)", flush=True)

    faults = Faults(paper_out=args.paper_out, silent=args.silent)
    printer = VirtualPrinter(args.port, faults, on_job=save)
    try:
        printer.start()
    except OSError as exc:
        raise LinkError(f"cannot listen on 127.0.0.1:{args.port}: {exc}") from exc
    print(f"virtual printer listening: --connection {printer.connection}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        printer.stop()
    return 0


def main(argv: list[str]) -> int:
    """Run one printer command; 0 on success, 1 on failure, 2 on a usage error."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "sample":
            return _sample(args)
        if args.command == "render":
            return _render(args)
        if args.command == "status":
            return _status(args)
        if args.command == "simulate":
            return _simulate(args)
        return _profiles()
    except (ProfileError, ConnectionStringError, LinkError, FontMissingError, ValueError) as exc:
        print(f"jiaohao printer: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"jiaohao printer: {exc.strerror or exc}: {exc.filename or ''}", file=sys.stderr)
        return 1
