"""Means over many games with their 95 % confidence intervals.

``trilateral study`` and ``trilateral report`` both show a mean with the half-width of its
95 % interval. It is Student's t interval — mean ± t₀.₉₇₅(n−1)·s/√n — which is right for
the few dozen games of a study and, as n grows, becomes the familiar ±1.96·s/√n. A paired
difference (the same seeds played in two arms) is the same interval on the game-by-game
differences, so the luck the seeds share cancels out.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.stats import t as student_t

LEVEL = 0.95
"""The confidence level of every interval shown."""


def mean_interval(values: Sequence[float] | np.ndarray) -> tuple[float, float]:
    """The mean of ``values`` and the half-width of its 95 % Student-t confidence interval.

    One value has no spread to estimate an interval from: its half-width is 0 (no error
    bar), as is that of values that are all the same.

    Raises:
        ValueError: if there are no values.
    """
    y = np.asarray(values, dtype=float)
    if y.size == 0:
        raise ValueError("the mean of no values is undefined")
    mean = float(y.mean())
    if y.size < 2:
        return mean, 0.0
    spread = float(y.std(ddof=1)) / np.sqrt(y.size)
    return mean, float(student_t.ppf((1 + LEVEL) / 2, y.size - 1)) * spread


def paired_difference(
    values: Sequence[float] | np.ndarray, reference: Sequence[float] | np.ndarray
) -> tuple[float, float]:
    """Mean and 95 % half-width of ``values − reference``, pair by pair (same seed each).

    Raises:
        ValueError: if the two do not have the same length, or are empty.
    """
    y, base = np.asarray(values, dtype=float), np.asarray(reference, dtype=float)
    if y.shape != base.shape:
        raise ValueError(f"cannot pair {y.size} values with {base.size}")
    return mean_interval(y - base)
