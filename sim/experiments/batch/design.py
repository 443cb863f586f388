"""Which games a batch plays: the experimental design over scenario parameters.

A batch varies dotted scenario keys, written as for ``--set``, in two ways: ``--sweep
KEY=V1,V2,...`` lists values, and ``--range KEY=LO:HI`` gives an interval that a design
samples — evenly spaced values (``grid``), a Latin hypercube (McKay, Beckman & Conover,
*Technometrics* 21(2), 1979) or Saltelli's extension of the Sobol' sequence (Saltelli,
*Computer Physics Communications* 145(2), 2002). Both samplers come from
``scipy.stats.qmc``; the Sobol' one through SALib's sampler, so that
``SALib.analyze.sobol`` can read the results. Swept values and design points are crossed
full-factorially; each combination is a *cell*.

A cell is kept as the override texts that make it (``parties.korea.patience=0.9``): the
same ``apply_overrides`` applies them as ``--set``, and ``trilateral run --set`` replays
any game of the batch.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sim.experiments.batch import BatchError
from sim.scenario.loading import ScenarioError, apply_overrides

DESIGNS = ("grid", "lhs", "sobol")
"""The designs a batch can sample ``--range`` intervals with."""

MAX_CELLS = 1_000_000
"""More cells than this is a typo, not an experiment (and would not fit in the manifest)."""


@dataclass(frozen=True)
class Design:
    """The cells of a batch and how they were chosen."""

    kind: str
    """``grid``, ``lhs`` or ``sobol``."""
    keys: tuple[str, ...]
    """The varied dotted keys: swept ones first, then ranged ones."""
    factors: tuple[str, ...]
    """The keys that take a few listed values (sweeps, grid ranges): results are summarised
    per combination of them. Keys sampled by ``lhs`` or ``sobol`` are not factors."""
    cells: tuple[tuple[str, ...], ...]
    """Per cell, its ``KEY=VALUE`` override texts in the order of ``keys``."""
    samples: int | None = None
    """``--samples``: values per range (grid), points (lhs) or base samples (sobol)."""
    problem: dict | None = None
    """For a Sobol' design, SALib's problem (``num_vars``, ``names``, ``bounds``); the cells
    are then SALib's sample rows in order, first and total order indices only."""

    def to_dict(self) -> dict:
        """A JSON-ready dict, read back by ``from_dict``."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Design:
        """The design a ``to_dict`` dict describes."""
        return cls(
            data["kind"],
            tuple(data["keys"]),
            tuple(data["factors"]),
            tuple(tuple(cell) for cell in data["cells"]),
            data["samples"],
            data["problem"],
        )


def make_design(
    sweeps: Sequence[str] = (),
    ranges: Sequence[str] = (),
    kind: str = "grid",
    samples: int | None = None,
    seed: int = 0,
    fixed: Sequence[str] = (),
) -> Design:
    """The cells of a batch from its command-line options.

    Args:
        sweeps: ``KEY=V1,V2,...`` texts; each value is read as ``--set`` reads one.
        ranges: ``KEY=LO:HI`` texts.
        kind: The design that samples the ranges: ``grid``, ``lhs`` or ``sobol``.
        samples: Values per range (grid), design points (lhs) or Sobol' base samples (a
            power of two; the design then has ``samples·(ranges + 2)`` points).
        seed: Seeds the Latin hypercube and the Sobol' scrambling.
        fixed: The batch's ``--set`` overrides, which no sweep or range may repeat.

    Raises:
        BatchError: for a malformed option, a repeated key or an impossible design.
    """
    if kind not in DESIGNS:
        raise BatchError(f"--design must be one of {', '.join(DESIGNS)}, not {kind!r}")
    swept = [_sweep(text) for text in sweeps]
    ranged = [_range(text) for text in ranges]
    _check_keys([key for key, _ in swept], [key for key, *_ in ranged], fixed)
    if ranged and samples is None:
        raise BatchError("--range needs --samples: how many values or design points to draw")
    if samples is not None and not ranged:
        raise BatchError("--samples needs at least one --range KEY=LO:HI to sample")
    if kind != "grid" and not ranged:
        raise BatchError(f"--design {kind} needs at least one --range KEY=LO:HI")
    if kind == "sobol" and swept:
        raise BatchError(
            "a Sobol' design cannot be crossed with --sweep: make the key a --range, "
            "or run one batch per value"
        )
    sweep_texts = [[f"{key}={value}" for value in values] for key, values in swept]
    # Counted before any point is drawn: a typo of a --samples would not fit in memory.
    count = math.prod(len(texts) for texts in sweep_texts) * _size(kind, len(ranged), samples)
    if count > MAX_CELLS:
        raise BatchError(f"the design has {count:,} cells; at most {MAX_CELLS:,} are allowed")
    points = _points(kind, ranged, samples, seed) if ranged else [()]
    range_keys = [key for key, *_ in ranged]
    cells = tuple(
        (*combo, *(f"{key}={x!r}" for key, x in zip(range_keys, point, strict=True)))
        for combo in itertools.product(*sweep_texts)
        for point in points
    )
    problem = _problem(ranged) if kind == "sobol" else None
    factors = [key for key, _ in swept] + (range_keys if kind == "grid" else [])
    return Design(
        kind, (*(k for k, _ in swept), *range_keys), tuple(factors), cells, samples, problem
    )


def parameter_value(override: str) -> Any:
    """The value a ``KEY=VALUE`` override sets, read exactly as ``--set`` reads it."""
    return apply_overrides({}, ["value=" + override.partition("=")[2]])["value"]


def _sweep(text: str) -> tuple[str, list[str]]:
    key, equals, listed = text.partition("=")
    key = key.strip()
    if not equals or not key:
        raise BatchError(
            f"--sweep {text!r}: write KEY=V1,V2,..., e.g. parties.korea.patience=0.8,0.9"
        )
    values = [value.strip() for value in listed.split(",")]
    if not all(values):
        raise BatchError(f"--sweep {key}: a value is empty in {listed!r}")
    read = []
    for value in values:
        try:
            read.append(repr(parameter_value(f"{key}={value}")))
        except ScenarioError as error:
            raise BatchError(f"--sweep {key}: {error.problems[0].message}") from None
    # By value, not by text: 0.5 and 0.50 would be two cells playing the same games.
    twice = next((v for n, v in enumerate(values) if read[n] in read[:n]), None)
    if twice is not None:
        raise BatchError(f"--sweep {key}: {twice} repeats a value listed before it in {listed!r}")
    return key, values


def _range(text: str) -> tuple[str, float, float]:
    key, equals, bounds = text.partition("=")
    key = key.strip()
    lo, colon, hi = bounds.partition(":")
    try:
        if not equals or not key or not colon:
            raise ValueError
        low, high = float(lo), float(hi)
    except ValueError:
        raise BatchError(
            f"--range {text!r}: write KEY=LO:HI with numbers, e.g. parties.korea.patience=0.8:0.99"
        ) from None
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise BatchError(f"--range {key}: LO must be a number below HI, got {lo}:{hi}")
    return key, low, high


def _check_keys(swept: list[str], ranged: list[str], fixed: Sequence[str]) -> None:
    seen: set[str] = set()
    for key in swept + ranged:
        if key in seen:
            raise BatchError(f"{key} is varied twice: give each key one --sweep or --range")
        seen.add(key)
    for override in fixed:
        key = override.partition("=")[0].strip()
        if key in seen:
            raise BatchError(f"{key} is both fixed with --set and varied: drop one of them")


def _size(kind: str, ranges: int, samples: int | None) -> int:
    """How many points the design over ``ranges`` ranges has (1 without any)."""
    if not ranges:
        return 1
    if kind == "grid":
        return samples**ranges
    return samples if kind == "lhs" else samples * (ranges + 2)


def _points(
    kind: str, ranged: list[tuple[str, float, float]], samples: int, seed: int
) -> list[tuple[float | int, ...]]:
    """The design points over the ranges, as plain floats."""
    import numpy as np

    lows = [lo for _, lo, _ in ranged]
    highs = [hi for _, _, hi in ranged]
    if kind == "grid":
        if samples < 2:
            raise BatchError("--samples must be at least 2 for a grid: the ends of each range")
        # 12 significant digits: 0.85, not linspace's 0.8500000000000001; a range between
        # whole numbers keeps its whole points whole, so rounds=1:5 can play rounds=3.
        axes = [
            [_grid_point(float(f"{x:.12g}"), lo, hi) for x in np.linspace(lo, hi, samples)]
            for lo, hi in zip(lows, highs, strict=True)
        ]
        return list(itertools.product(*axes))
    if kind == "lhs":
        if samples < 1:
            raise BatchError("--samples must be at least 1")
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=len(ranged), rng=seed).random(samples)
        return [tuple(map(float, point)) for point in qmc.scale(unit, lows, highs)]
    if samples < 2 or samples & (samples - 1):
        raise BatchError(
            f"--samples must be a power of two for a Sobol' design (e.g. 256), got {samples}"
        )
    from SALib.sample import sobol

    rows = sobol.sample(_problem(ranged), samples, calc_second_order=False, seed=seed)
    return [tuple(map(float, point)) for point in rows]


def _grid_point(x: float, lo: float, hi: float) -> float | int:
    """A grid's value: whole (an int) where it and both ends of its range are whole numbers,
    since a whole-number key such as ``rounds`` takes no 3.0; else as drawn."""
    return int(x) if lo.is_integer() and hi.is_integer() and x.is_integer() else x


def _problem(ranged: list[tuple[str, float, float]]) -> dict:
    """SALib's definition of the problem the ranges make."""
    return {
        "num_vars": len(ranged),
        "names": [key for key, *_ in ranged],
        "bounds": [[lo, hi] for _, lo, hi in ranged],
    }
