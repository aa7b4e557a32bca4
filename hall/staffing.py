"""How many windows a zone needs: Erlang C (M/M/c), pure (docs/forecast.md, "The plan").

A zone in one half hour is taken as ``c`` windows serving one pooled queue: citizens
arrive at random (Poisson) at ``arrivals_per_min``, services take ``mean_min`` on average
(exponential). Then the chance a citizen waits at all is Erlang C, and the chance the
wait is at most ``t`` is ``1 − C · exp(−(c·μ − λ)·t)``. ``jiaohao plan`` checks these
against the real engine driven by a simulation (hub/simulation.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: The most windows the planner will propose for one zone.
MAX_WINDOWS = 200


def erlang_c(windows: int, load: float) -> float:
    """Probability that an arrival waits, with ``windows`` servers and ``load`` Erlangs
    (arrival rate × mean service time). 1.0 when the load is not below the windows.

    Raises ValueError for fewer than one window or a negative load."""
    if windows < 1 or load < 0:
        raise ValueError(f"Erlang C needs windows >= 1 and load >= 0, not {windows}, {load}")
    if load == 0:
        return 0.0
    if load >= windows:
        return 1.0
    # Erlang B by its stable recursion, then C from B.
    b = 1.0
    for k in range(1, windows + 1):
        b = load * b / (k + load * b)
    rho = load / windows
    return b / (1 - rho + rho * b)


@dataclass(frozen=True)
class Staffing:
    """What ``windows`` windows give a load: the share served within the target, the
    mean and 90th-percentile wait (minutes; inf when the queue only grows)."""

    windows: int
    service_level: float
    mean_wait_min: float
    p90_wait_min: float


def staffing(windows: int, arrivals_per_min: float, mean_min: float,
             target_min: float) -> Staffing:
    """Erlang C's figures for ``windows`` windows. Raises ValueError for a bad input."""
    if mean_min <= 0 or arrivals_per_min < 0 or target_min < 0:
        raise ValueError("mean service time must be > 0; rates and targets >= 0")
    load = arrivals_per_min * mean_min
    if windows < 1:
        return Staffing(0, 0.0 if load > 0 else 1.0, math.inf if load > 0 else 0.0,
                        math.inf if load > 0 else 0.0)
    wait_p = erlang_c(windows, load)
    drain = windows / mean_min - arrivals_per_min  # per minute
    if drain <= 0:
        return Staffing(windows, 0.0, math.inf, math.inf)
    level = 1.0 - wait_p * math.exp(-drain * target_min)
    mean = wait_p / drain
    p90 = math.log(wait_p / 0.1) / drain if wait_p > 0.1 else 0.0
    return Staffing(windows, level, mean, p90)


def windows_needed(arrivals_per_min: float, mean_min: float, target_min: float,
                   share: float) -> Staffing:
    """The fewest windows that serve ``share`` of citizens within ``target_min`` (the
    planner's rule, e.g. 80 % within 15 minutes); MAX_WINDOWS when none do."""
    if not 0 < share < 1:
        raise ValueError(f"the target share is between 0 and 1, not {share}")
    load = arrivals_per_min * mean_min
    start = max(1, math.floor(load))
    for windows in range(start, MAX_WINDOWS + 1):
        found = staffing(windows, arrivals_per_min, mean_min, target_min)
        if found.service_level >= share:
            return found
    return staffing(MAX_WINDOWS, arrivals_per_min, mean_min, target_min)
