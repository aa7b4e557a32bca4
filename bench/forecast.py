"""How true the waits are: simulated mornings through the real engine, old and new.

    python bench/forecast.py [--mornings 6] [--seed 1]

Each scenario is a hall, its citizens (arrival rates per half hour, service-time
distributions, priority shares) and its clerks (who is there, who pauses), run for
``mornings`` different random mornings by hub/simulation.py. For every ticket it
compares the wait promised at issue with the wait it had until its first call:

- **MAE**: mean absolute error of the point estimate, minutes;
- **in range**: share of actual waits inside the 80 % range (whole minutes, as shown);
- **under > 1 min**: share of tickets that waited more than a minute longer than promised.

"old" is the formula of hall/state.py ``estimated_wait_min`` (people ahead × recent
average ÷ unpaused windows configured for the service); "new" is hall/forecast.py as
the hub answers ``take_ticket``. Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hall.config import HallConfig, HallInfo, Policy, Service, Window, Zone  # noqa: E402
from hall.forecast import fit, prior_json  # noqa: E402
from hub.simulation import Demand, Issue, Shift, simulate  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 2, 8, 30, tzinfo=TZ)  # a Monday


@dataclass
class Scenario:
    name: str
    services: Sequence[str]
    windows: Sequence[Window]
    demands: Sequence[Demand]
    shifts: Sequence[Shift]
    minutes: float = 210.0
    history: bool = True  # the hall has weeks of history (the forecast's prior)
    ratio: tuple[int, int] = (2, 1)
    load: float = 1.0  # every rate above is multiplied by this
    notes: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def _hall(scenario: Scenario) -> HallConfig:
    return HallConfig(
        hall=HallInfo(name="模拟大厅", timezone="Asia/Shanghai"),
        zones=(Zone("Z", "综合区"),),
        services=tuple(Service(id=s, name=f"业务{s}", zone="Z", typical_minutes=5.0)
                       for s in scenario.services),
        windows=tuple(scenario.windows),
        policy=Policy(require_sign_in=True, priority_ratio=scenario.ratio),
    )


def _w(number: int, *tiers: str | tuple[str, ...]) -> Window:
    return Window(number=number, name=f"{number}号窗口",
                  tiers=tuple((t,) if isinstance(t, str) else tuple(t) for t in tiers))


def scenarios() -> list[Scenario]:
    """The mornings the figures are about (docs/benchmarks.md)."""
    return [
        Scenario(
            "unstaffed + pause",
            load=1.2,
            services=("A", "B", "C"),
            windows=[_w(1, "A"), _w(2, "A"), _w(3, "B"), _w(4, "B"), _w(5, "C"), _w(6, "C")],
            demands=[Demand("A", [18, 22, 22, 18, 14, 12, 10], 6.0, 0.5),
                     Demand("B", [10, 13, 13, 10, 8, 6, 6], 5.0, 0.5),
                     Demand("C", [12, 15, 15, 12, 8, 6, 6], 4.0, 0.5)],
            # 4 of 6 windows staffed (4 and 6 are not); window 1 pauses 20 minutes at 09:30
            shifts=[Shift(1, pauses=((60, 80),)), Shift(2), Shift(3), Shift(5)],
            notes="4 of 6 windows staffed, a 20-minute pause",
        ),
        Scenario(
            "priority tickets",
            load=1.4,
            services=("A",),
            windows=[_w(1, "A"), _w(2, "A"), _w(3, "A")],
            demands=[Demand("A", [30, 38, 36, 30, 24, 20, 16], 5.0, 0.55, priority_share=0.25)],
            shifts=[Shift(1), Shift(2), Shift(3)],
            notes="25 % priority, ratio 2:1",
        ),
        Scenario(
            "comprehensive windows",
            load=1.6,
            services=("A", "B", "C"),
            windows=[_w(1, ("A", "B", "C")), _w(2, ("A", "B", "C")), _w(3, ("A", "B", "C")),
                     _w(4, "A", "B"), _w(5, "C", ("A", "B"))],
            demands=[Demand("A", [22, 28, 26, 20, 16, 12, 10], 5.0, 0.5),
                     Demand("B", [10, 14, 12, 10, 8, 6, 6], 7.0, 0.6),
                     Demand("C", [8, 10, 10, 8, 6, 6, 4], 4.0, 0.4)],
            shifts=[Shift(n) for n in range(1, 6)],
            notes="3 comprehensive windows + 2 with tiers",
        ),
        Scenario(
            "morning rush, long tails",
            load=1.5,
            services=("A", "B"),
            windows=[_w(1, "A"), _w(2, "A"), _w(3, "A", "B"), _w(4, "B"), _w(5, "B", "A")],
            demands=[Demand("A", [20, 44, 40, 26, 16, 10, 8], 4.0, 0.9),
                     Demand("B", [10, 22, 20, 14, 8, 6, 4], 6.0, 0.8)],
            shifts=[Shift(1), Shift(2), Shift(3, start=30), Shift(4), Shift(5, end=150)],
            notes="peak at 09:00, sigma 0.8–0.9, a late and an early clerk",
        ),
        Scenario(
            "first day (no history)",
            load=1.3,
            services=("A", "B"),
            windows=[_w(1, "A"), _w(2, "A"), _w(3, "A"), _w(4, "B"), _w(5, "B")],
            demands=[Demand("A", [24, 32, 30, 24, 18, 14, 10], 7.0, 0.5),
                     Demand("B", [10, 14, 14, 10, 8, 6, 6], 8.0, 0.5)],
            shifts=[Shift(1), Shift(2, pauses=((90, 105),)), Shift(3), Shift(4), Shift(5)],
            history=False,
            notes="typical_minutes 5 against real 7–8; a 15-minute pause",
        ),
    ]


def _prior(scenario: Scenario, rng: random.Random) -> dict[str, dict[str, list[float]]]:
    """What six weeks of the same weekday would have taught the ledger."""
    fits = {}
    for demand in scenario.demands:
        sample = [demand.duration_min(rng) * 60 for _ in range(300)]
        found = fit(sample)
        assert found is not None
        fits[demand.service] = {"*": found}
    return prior_json(fits)


@dataclass
class Figures:
    waits: list[float] = field(default_factory=list)
    new_err: list[float] = field(default_factory=list)
    old_err: list[float] = field(default_factory=list)
    inside: int = 0
    new_under: int = 0
    old_under: int = 0
    unknown: int = 0

    def add(self, issue: Issue) -> None:
        waited = issue.waited
        if waited is None:
            return
        self.waits.append(waited)
        if not issue.new.known:
            self.unknown += 1
            return
        self.new_err.append(abs(issue.new.minutes - waited))
        self.old_err.append(abs(issue.old - waited))
        shown = round(waited)
        self.inside += issue.new.low <= shown <= issue.new.high
        self.new_under += waited > issue.new.minutes + 1
        self.old_under += waited > issue.old + 1


def run(scenario: Scenario, mornings: int, seed: int, load: float = 1.0) -> Figures:
    config = _hall(scenario)
    load *= scenario.load
    demands = [Demand(d.service, [r * load for r in d.per_hour], d.mean_min, d.sigma,
                      d.priority_share) for d in scenario.demands]
    figures = Figures()
    for morning in range(mornings):
        rng = random.Random(seed * 1000 + morning)
        prior = _prior(scenario, rng) if scenario.history else None
        result = simulate(config, demands, scenario.shifts, start=START,
                          minutes=scenario.minutes, seed=seed * 1000 + morning, prior=prior)
        for issue in result.issues:
            figures.add(issue)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mornings", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--load", type=float, default=1.0,
                        help="multiply every arrival rate (to try other loads)")
    args = parser.parse_args()
    print(f"{args.mornings} simulated mornings (08:30–12:00) per scenario, seed {args.seed}")
    print()
    print("| scenario | tickets | median wait | MAE old | MAE new | in range (new) "
          "| under > 1 min old | under > 1 min new |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for scenario in scenarios():
        f = run(scenario, args.mornings, args.seed, args.load)
        n = len(f.new_err)
        if not n:
            print(f"| {scenario.name} | 0 | – | – | – | – | – | – |")
            continue
        median = statistics.median(f.waits)
        print(f"| {scenario.name} | {len(f.waits)} | {median:.1f} min "
              f"| {statistics.fmean(f.old_err):.1f} | {statistics.fmean(f.new_err):.1f} "
              f"| {100 * f.inside / n:.0f} % | {100 * f.old_under / n:.0f} % "
              f"| {100 * f.new_under / n:.0f} % |")
        if f.unknown:
            print(f"|  ({f.unknown} tickets issued when no window served: 暂无法估计) |")
    print()
    for scenario in scenarios():
        print(f"- {scenario.name}: {scenario.notes}")
    sys.stdout.flush()
    if not math.isfinite(0.0):  # pragma: no cover
        raise SystemExit(1)


if __name__ == "__main__":
    main()
