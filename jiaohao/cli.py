"""`jiaohao SUBCOMMAND …`: each subcommand lives in its own package's ``cli`` module.

Modules are imported only when their subcommand runs, so `jiaohao printer` never
loads Qt and `jiaohao hub` never loads a serial driver.
"""

from __future__ import annotations

import importlib
import sys

# name -> (module with a ``main(argv) -> int``, one line of help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "hub": ("hub.cli", "run the hall hub (websocket server and store)"),
    "printer": ("printer.cli", "ticket printer: sample, render, status, profiles, simulate"),
    "devices": ("devices.cli", "serial devices: list, simulate, probe"),
    "kiosk": ("kiosk.cli", "run the ticket kiosk app"),
    "caller": ("caller.cli", "run a window's caller app"),
    "display": ("display.cli", "run a wall display"),
    "ratings": ("report.ratings", "the hall's ratings (好差评) for upward reporting"),
    "report": ("report.cli", "the day's report (日通报) or a period's, as PDF, XLSX and CSV"),
    "plan": ("report.plan_cli", "windows needed per zone and half hour for a waiting target"),
    "supervisor": ("supervisor.cli", "the hall managers' dashboard (admin)"),
    "voice": ("voice.cli", "headless announcer, one call to a WAV, a demo clip pack"),
    "county": ("county.cli",
               "the county database: init, add-hall, add-reader, ship, status, report,"
               " set-aside"),
    "demo": ("jiaohao.demo", "run a whole demo hall on this machine"),
}


def usage() -> str:
    lines = ["usage: jiaohao SUBCOMMAND [options]", "", "subcommands:"]
    lines += [f"  {name:<9} {help_}" for name, (_, help_) in SUBCOMMANDS.items()]
    lines += ["", "`jiaohao SUBCOMMAND --help` tells more."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand and return its exit status (2 for a usage error)."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help", "help"):
        print(usage())
        return 0
    name, rest = args[0], args[1:]
    if name not in SUBCOMMANDS:
        print(f"jiaohao: unknown subcommand {name!r}\n\n{usage()}", file=sys.stderr)
        return 2
    if any(a == "--token" or a.startswith("--token=") for a in rest):
        # argparse would echo the unknown option, token and all, into logs and
        # terminals; the token belongs in the station file or JIAOHAO_TOKEN.
        print(f"jiaohao {name}: there is no --token option (a token on the command line "
              "shows in `ps` and in logs): put it in the station file (chmod 600) or in "
              "the JIAOHAO_TOKEN environment variable", file=sys.stderr)
        return 2
    module_name, _ = SUBCOMMANDS[name]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        print(f"jiaohao {name}: not part of this version yet", file=sys.stderr)
        return 2
    status: int = module.main(rest)
    return status
