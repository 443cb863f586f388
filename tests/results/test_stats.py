"""95 % intervals: Student's t, the same for `trilateral study` and `trilateral report`."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy import stats

from sim.results.stats import mean_interval, paired_difference

UTILITIES = st.floats(-10, 10, allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize(
    "sample",
    [[1.0, 2.0, 3.0, 4.0], [0.31, 0.29], [0.5, 0.52, 0.47, 0.61, 0.44, 0.58, 0.5], list(range(30))],
)
def test_the_interval_is_scipys_student_t_interval(sample):
    mean, half = mean_interval(sample)
    low, high = stats.t.interval(
        0.95, len(sample) - 1, loc=np.mean(sample), scale=stats.sem(sample)
    )
    assert mean == pytest.approx(np.mean(sample))
    assert (mean - half, mean + half) == pytest.approx((low, high), rel=1e-12, abs=1e-12)


@given(st.lists(UTILITIES, min_size=2, max_size=60))
def test_the_interval_is_scipys_for_any_spread_sample(sample):
    assume(np.ptp(sample) > 1e-6)
    _, half = mean_interval(sample)
    low, high = stats.t.interval(
        0.95, len(sample) - 1, loc=np.mean(sample), scale=stats.sem(sample)
    )
    assert half == pytest.approx((high - low) / 2, rel=1e-9)


def test_many_games_give_nearly_the_normal_interval():
    sample = np.random.default_rng(1).normal(size=10_000)
    _, half = mean_interval(sample)
    assert half / (sample.std(ddof=1) / 100) == pytest.approx(1.96, abs=0.001)


@given(UTILITIES)
def test_one_game_has_its_value_and_no_interval(value):
    assert mean_interval([value]) == (value, 0.0)


@given(UTILITIES, st.integers(2, 50))
def test_a_constant_sample_has_a_zero_width_interval(value, n):
    mean, half = mean_interval([value] * n)
    assert mean == pytest.approx(value)
    assert math.isfinite(half) and half <= 1e-12


def test_no_values_is_an_error_not_nan():
    with pytest.raises(ValueError, match="no values"):
        mean_interval([])


@given(st.lists(UTILITIES, min_size=2, max_size=40), UTILITIES)
def test_a_paired_difference_is_the_interval_of_the_differences(sample, shift):
    shifted = [x + shift for x in sample]
    assert paired_difference(sample, sample) == (0.0, 0.0)
    mean, half = paired_difference(shifted, sample)
    expected = mean_interval(np.subtract(shifted, sample))
    assert (mean, half) == expected
    assert mean == pytest.approx(shift, abs=1e-9)


def test_a_paired_difference_needs_pairs():
    with pytest.raises(ValueError, match="cannot pair 3 values with 2"):
        paired_difference([1.0, 2.0, 3.0], [1.0, 2.0])
