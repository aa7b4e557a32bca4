"""Erlang C (hall/staffing.py) against values worked out in textbooks."""

from __future__ import annotations

import math

import pytest

from hall.staffing import erlang_c, staffing, windows_needed


@pytest.mark.parametrize(("windows", "load", "expected"), [
    (1, 0.5, 0.5),  # M/M/1: an arrival waits with probability rho
    (1, 0.9, 0.9),
    (2, 1.0, 1 / 3),
    (3, 2.0, 4 / 9),
    (12, 10.0, 0.4494),  # the classic 10 Erlangs on 12 servers
])
def test_erlang_c_published_values(windows: int, load: float, expected: float) -> None:
    assert erlang_c(windows, load) == pytest.approx(expected, abs=5e-5)


def test_erlang_c_edges() -> None:
    assert erlang_c(3, 0.0) == 0.0
    assert erlang_c(3, 3.0) == 1.0 and erlang_c(3, 5.0) == 1.0
    with pytest.raises(ValueError):
        erlang_c(0, 1.0)


def test_mm1_waits_match_the_formulas() -> None:
    # M/M/1, lambda = 0.1/min, mean 5 min: rho 0.5, mean wait rho/(mu - lambda) = 5 min,
    # P(W > t) = rho e^{-(mu - lambda) t}
    found = staffing(1, 0.1, 5.0, 10.0)
    assert found.mean_wait_min == pytest.approx(5.0)
    assert found.service_level == pytest.approx(1 - 0.5 * math.exp(-0.1 * 10))
    assert found.p90_wait_min == pytest.approx(math.log(5) / 0.1)


def test_windows_needed_is_the_fewest_that_meet_the_target() -> None:
    need = windows_needed(1.0, 5.0, 15.0, 0.8)  # 5 Erlangs
    assert need.service_level >= 0.8
    assert staffing(need.windows - 1, 1.0, 5.0, 15.0).service_level < 0.8
    assert staffing(0, 1.0, 5.0, 15.0).service_level == 0.0
    overloaded = staffing(4, 1.0, 5.0, 15.0)
    assert overloaded.service_level == 0.0 and math.isinf(overloaded.mean_wait_min)
