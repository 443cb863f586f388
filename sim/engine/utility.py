"""Issues, value functions and additive utilities (docs/mechanics.md, "Utility").

Every issue value is encoded as a float: a numeric issue as itself, a categorical issue
as the index of its option, a boolean as 0 or 1. A *package* on a track is a tuple of
such floats in the order of the track's issues. A party values a package additively,
``U = Σ wᵢ·vᵢ(xᵢ)``, with piecewise-linear value functions in [0, 1] — the standard
multi-issue negotiation model (Raiffa, *The Art and Science of Negotiation*, 1982;
Faratin, Sierra & Jennings 1998). Utilities are computed per track with the party's
weights renormalised over that track's issues, so each track is a bargaining problem
of its own on a 0..1 scale; ``Valuation.share`` tells how much the track weighs in the
party's whole utility.

These objects are built once per scenario and shared by every game played on it, so
they are immutable and cheap to call: they sit on the engine's hot path.
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from math import floor, isclose
from operator import mul

from sim.scenario.base import GRID_POINTS
from sim.scenario.models import Issue, Preference

EPS = 1e-9
"""Tolerance for comparing utilities that went through float arithmetic."""

_MEMO_SIZE = 8192

_BENDS = (0.0, 0.1, 0.25, 0.45, 0.7, 1.0)
"""Where a value function with diminishing returns is drawn, as shares of each segment."""


@dataclass(frozen=True, slots=True)
class ValueFunction:
    """A piecewise-linear value over an issue's encoded range, given by its breakpoints."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    _rises: tuple[float, ...] = field(init=False, compare=False, repr=False)
    _runs: tuple[float, ...] = field(init=False, compare=False, repr=False)
    _last: int = field(init=False, compare=False, repr=False)
    _hash: int = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Each segment's rise and run, worked out once: the function is called hundreds of
        # times a game, and the differences are the very floats it would compute.
        object.__setattr__(self, "_rises", tuple(b - a for a, b in itertools.pairwise(self.ys)))
        object.__setattr__(self, "_runs", tuple(b - a for a, b in itertools.pairwise(self.xs)))
        object.__setattr__(self, "_last", len(self.xs) - 1)
        # Value functions key the caches of best values and concession pieces: the hash is
        # worked out once (the one a dataclass would give).
        object.__setattr__(self, "_hash", hash((self.xs, self.ys)))

    def __hash__(self) -> int:
        return self._hash

    @classmethod
    def of(cls, issue: Issue, pref: Preference) -> ValueFunction:
        """The value function a preference gives an issue."""
        if issue.kind != "numeric":
            return cls(
                tuple(float(i) for i in range(len(issue.choices))),
                tuple(float(pref.values[c]) for c in issue.choices),
            )
        lo, hi = issue.min, issue.max
        if pref.shape == "rising":
            points = [(lo, 0.0), (hi, 1.0)]
        elif pref.shape == "falling":
            points = [(lo, 1.0), (hi, 0.0)]
        else:
            points = [(lo, 0.0), (pref.ideal, 1.0), (hi, 0.0)]
            points = [p for n, p in enumerate(points) if n == 1 or p[0] != pref.ideal]
        return cls._bent(points, pref.curve)

    @classmethod
    def _bent(cls, points: list[tuple[float, float]], curve: float) -> ValueFunction:
        """Straight segments between ``points`` (values 0 and 1), each bent to ``s^curve``
        of the way from its worse end (diminishing returns) and drawn through ``_BENDS``
        breakpoints, so the function stays piecewise linear and exact for the frontier."""
        if curve == 1.0:
            return cls(tuple(x for x, _ in points), tuple(y for _, y in points))
        xs, ys = [points[0][0]], [points[0][1]]
        for (x0, y0), (x1, y1) in itertools.pairwise(points):
            for s in _BENDS[1:]:
                xs.append(x0 + (x1 - x0) * s)
                ys.append((s if y1 > y0 else 1.0 - s) ** curve)
        return cls(tuple(xs), tuple(ys))

    def __call__(self, x: float) -> float:
        xs, ys = self.xs, self.ys
        last = self._last
        if last == 1:  # a straight line, extended beyond its ends
            return ys[0] + self._rises[0] * (x - xs[0]) / self._runs[0]
        k = bisect_right(xs, x) - 1
        if k >= last:
            return ys[-1]
        if k < 0:
            return ys[0]
        return ys[k] + self._rises[k] * (x - xs[k]) / self._runs[k]

    def best(self, lo: float, hi: float) -> float:
        """The value in [lo, hi] this function likes most (the lowest such, on a tie)."""
        candidates = [lo, hi, *(x for x in self.xs if lo < x < hi)]
        return max(sorted(candidates), key=self)

    def solve(self, target: float, a: float, b: float) -> float:
        """The point between ``a`` and ``b`` where the value, falling from ``a``, reaches target.

        Assumes the value does not rise from ``a`` toward ``b`` (``a`` is this function's
        best point on the way), so the first crossing is the answer.
        """
        if self(b) >= target:
            return b
        points = sorted({a, b, *(x for x in self.xs if min(a, b) < x < max(a, b))})
        if b < a:
            points.reverse()
        for x0, x1 in itertools.pairwise(points):
            y0, y1 = self(x0), self(x1)
            if y1 <= target <= y0:
                return x0 if y0 == y1 else x0 + (x1 - x0) * (y0 - target) / (y0 - y1)
        return a


@dataclass(frozen=True, slots=True)
class IssueSpace:
    """The values an issue can take, in its float encoding, with conversions for people."""

    id: str
    name: str
    short: str
    """The issue's name for narrow columns (``Issue.short_name``)."""
    unit: str
    kind: str
    lo: float
    hi: float
    step: float | None
    choices: tuple[str, ...] | None
    _hash: int = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Spaces key the caches of best values and concession pieces, looked up whenever a
        # game builds a path: the hash is worked out once (the one a dataclass would give).
        fields = (self.id, self.name, self.short, self.unit, self.kind, self.lo, self.hi)
        object.__setattr__(self, "_hash", hash((*fields, self.step, self.choices)))

    def __hash__(self) -> int:
        return self._hash

    @classmethod
    def of(cls, issue: Issue) -> IssueSpace:
        """The space of an issue from the scenario."""
        if issue.kind == "numeric":
            return cls(
                issue.id,
                issue.name,
                issue.short_name,
                issue.unit,
                issue.kind,
                issue.min,
                issue.max,
                issue.step,
                None,
            )
        choices = tuple(issue.choices)
        return cls(
            issue.id,
            issue.name,
            issue.short_name,
            issue.unit,
            issue.kind,
            0.0,
            len(choices) - 1.0,
            1.0,
            choices,
        )

    @property
    def discrete(self) -> bool:
        """Whether the issue is a choice among options, conceded whole or not at all."""
        return self.choices is not None

    def encode(self, value: float | str | bool) -> float:
        """The float encoding of a value as written in YAML or sent by a player."""
        if self.kind == "boolean":
            if isinstance(value, str):
                value = value.lower() == "true"
            return 1.0 if value else 0.0
        if self.kind == "categorical":
            return float(self.choices.index(value))
        return float(value)

    def decode(self, x: float) -> float | str | bool:
        """The value a person reads for an encoded float."""
        if self.kind == "boolean":
            return x >= 0.5
        if self.kind == "categorical":
            return self.choices[round(x)]
        return round(x, 10)

    def problem(self, value: object) -> str | None:
        """Why ``value`` is not a value of this issue, or None if it is."""
        if self.kind == "boolean":
            return None if isinstance(value, bool) else f"{self.name}: expected true or false"
        if self.kind == "categorical":
            if value in self.choices:
                return None
            return f"{self.name}: {value!r} is not one of {', '.join(self.choices)}"
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"{self.name}: expected a number, got {value!r}"
        if not self.lo <= value <= self.hi:
            return f"{self.name}: {value:g} lies outside {self.lo:g}..{self.hi:g}{self.unit}"
        if self.step is not None:
            steps = (value - self.lo) / self.step
            if not isclose(steps, round(steps), abs_tol=1e-6):
                return f"{self.name}: {value:g} is not a multiple of {self.step:g} from {self.lo:g}"
        return None

    def nearest(self, x: float) -> float:
        """The value in range, on the grid, nearest ``x``: a status quo or a limit off the
        grid is not a value anyone can offer."""
        x = min(max(x, self.lo), self.hi)
        if self.step is None:
            return x
        k = round((x - self.lo) / self.step)
        return min(max(round(self.lo + k * self.step, 10), self.lo), self.hi)

    def snap(self, x: float, toward: float) -> float:
        """The grid value next to ``x`` on the side of ``toward`` (no-op when continuous)."""
        if self.step is None:
            return x
        k = (x - self.lo) / self.step
        if abs(k - round(k)) < 1e-9:
            return round(self.lo + round(k) * self.step, 10)
        k = floor(k) if toward < x else floor(k) + 1
        return min(max(round(self.lo + k * self.step, 10), self.lo), self.hi)

    def grid(self, points: int = GRID_POINTS) -> list[float]:
        """Every value of a stepped issue, or ``points`` evenly spaced ones if continuous."""
        if self.step is None:
            return [self.lo + (self.hi - self.lo) * n / (points - 1) for n in range(points)]
        count = round((self.hi - self.lo) / self.step)
        return [round(self.lo + n * self.step, 10) for n in range(count + 1)]

    def show(self, x: float) -> str:
        """A short text of an encoded value with its unit, e.g. ``15%`` or ``true``."""
        value = self.decode(x)
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, str):
            return value
        return f"{value:g}{self.unit}" if len(self.unit) <= 1 else f"{value:g} {self.unit}"


@dataclass(frozen=True, slots=True)
class Valuation:
    """One party's utility over one track's packages, on a 0..1 scale.

    ``terms`` holds, per position in the package, the track-normalised weight and the
    value function (weight 0 where the party does not care about the issue). Linear
    terms are folded into ``base + Σ coef·x`` so that the hot path is one sum of products.
    """

    terms: tuple[tuple[float, ValueFunction | None], ...]
    share: float
    """The track's weight in the party's whole utility (its weights on this track, summed)."""
    base: float
    coefs: tuple[float, ...]
    curved: tuple[tuple[int, float, ValueFunction], ...]
    memo: dict = field(default_factory=dict, compare=False, hash=False, repr=False)
    """Package → utility: the same packages recur in every game played on a scenario."""
    _hash: int = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Valuations key the rules' caches of concession paths, looked up every game:
        # the hash of the fields is worked out once (it is the one a dataclass would give).
        fields = (self.terms, self.share, self.base, self.coefs, self.curved)
        object.__setattr__(self, "_hash", hash(fields))

    def __hash__(self) -> int:
        return self._hash

    @classmethod
    def of(
        cls, weights: dict[str, float], values: dict[str, ValueFunction], issue_ids: tuple[str, ...]
    ) -> Valuation:
        """A party's valuation of a track from its normalised weights and value functions."""
        share = sum(weights.get(i, 0.0) for i in issue_ids)
        terms = tuple(
            (weights[i] / share, values[i]) if i in weights and share > 0 else (0.0, None)
            for i in issue_ids
        )
        base, coefs, curved = 0.0, [], []
        for pos, (w, value) in enumerate(terms):
            if w and len(value.xs) == 2:
                (x0, x1), (y0, y1) = value.xs, value.ys
                slope = (y1 - y0) / (x1 - x0)
                base += w * (y0 - slope * x0)
                coefs.append(w * slope)
                continue
            coefs.append(0.0)
            if w:
                curved.append((pos, w, value))
        return cls(terms, share, base, tuple(coefs), tuple(curved))

    def __call__(self, package: tuple[float, ...]) -> float:
        memo = self.memo
        found = memo.get(package)
        if found is None:
            found = self.base + sum(map(mul, self.coefs, package))
            for pos, w, value in self.curved:
                found += w * value(package[pos])
            if len(memo) >= _MEMO_SIZE:
                memo.clear()
            memo[package] = found
        return found

    def best(self, spaces: tuple[IssueSpace, ...], limits: Limits | None = None) -> float:
        """The highest utility any package reaches, within ``limits`` if given."""
        total = 0.0
        for pos, ((w, value), space) in enumerate(zip(self.terms, spaces, strict=True)):
            if w:
                lo, hi = limits.bounds[pos] if limits else (space.lo, space.hi)
                refused = limits.refused[pos] if limits else frozenset()
                total += w * value(best_allowed(value, space, lo, hi, refused))
        return total


@dataclass(frozen=True, slots=True)
class Limits:
    """A party's hard limits on one track's issues: a range per position, options it refuses.

    The other half of a bottom line, the reservation utility, can move during a game and
    lives in the world state instead.
    """

    bounds: tuple[tuple[float, float], ...]
    refused: tuple[frozenset[float], ...]
    memo: dict = field(default_factory=dict, init=False, compare=False, hash=False, repr=False)
    """Package → whether it keeps the limits: answers recur in every game on a scenario."""
    _hash: int = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Limits key the rules' caches (shared limits, concession paths, joint floors),
        # looked up every game: the hash is worked out once (the one a dataclass would give).
        object.__setattr__(self, "_hash", hash((self.bounds, self.refused)))

    def __hash__(self) -> int:
        return self._hash

    @classmethod
    def of(cls, lines: dict, spaces: tuple[IssueSpace, ...], room: float = 0.0) -> Limits:
        """Limits from a party's scenario bottom lines on the issues of one track.

        ``room`` (−1..1) is how much political room the party's government has in this
        game: each ``min``/``max`` with a ``spread`` moves ``room × spread`` looser (or
        tighter, below 0), inside the issue's range and onto its grid, rounded away from
        the written value, so that every level of room other than 0 moves the limit.
        """
        bounds, refused = [], []
        for space in spaces:
            line = lines.get(space.id)
            lo, hi = space.lo, space.hi
            out: frozenset[float] = frozenset()
            if line is not None:
                give = room * (line.spread or 0.0)
                lo = _moved(space, line.min, -give) if line.min is not None else lo
                hi = _moved(space, line.max, give) if line.max is not None else hi
                if lo > hi:  # a tight game for a party with a min and a max: they meet
                    lo = hi = space.nearest((lo + hi) / 2)
                out = frozenset(space.encode(v) for v in line.reject or ())
            bounds.append((lo, hi))
            refused.append(out)
        return cls(tuple(bounds), tuple(refused))

    def breaches(self, package: tuple[float, ...], spaces: tuple[IssueSpace, ...]) -> list[str]:
        """The issues on which a package crosses these limits, as sentences."""
        found = []
        for (lo, hi), out, x, space in zip(self.bounds, self.refused, package, spaces, strict=True):
            if x < lo - EPS:
                found.append(
                    f"{space.name} {space.show(x)} is below the bottom line {space.show(lo)}"
                )
            elif x > hi + EPS:
                found.append(
                    f"{space.name} {space.show(x)} is above the bottom line {space.show(hi)}"
                )
            elif x in out:
                found.append(f"{space.name} {space.show(x)} is ruled out")
        return found

    def crossed(self, package: tuple[float, ...]) -> tuple[int, ...]:
        """The positions at which a package crosses these limits: its red lines."""
        if self.allow(package):  # remembered, and the usual answer
            return ()
        return tuple(
            pos
            for pos, ((lo, hi), out, x) in enumerate(
                zip(self.bounds, self.refused, package, strict=True)
            )
            if not lo - EPS <= x <= hi + EPS or x in out
        )

    def allow(self, package: tuple[float, ...]) -> bool:
        """Whether a package keeps every issue limit (the reservation utility is checked apart)."""
        found = self.memo.get(package)
        if found is None:
            found = all(
                lo - EPS <= x <= hi + EPS and x not in out
                for (lo, hi), out, x in zip(self.bounds, self.refused, package, strict=True)
            )
            if len(self.memo) >= _MEMO_SIZE:
                self.memo.clear()
            self.memo[package] = found
        return found


@lru_cache(maxsize=8192)
def best_allowed(
    value: ValueFunction,
    space: IssueSpace,
    lo: float,
    hi: float,
    refused: frozenset[float] = frozenset(),
) -> float:
    """The best value of an issue inside [lo, hi] that is on its grid and not refused.

    Cached: the games of a batch build their concession paths from the same few ranges."""
    if space.discrete:
        allowed = [x for x in space.grid() if lo - EPS <= x <= hi + EPS and x not in refused]
        return max(allowed, key=value)
    x = value.best(lo, hi)
    if space.step is None:
        return x
    around = (space.snap(x, space.lo), space.snap(x, space.hi))
    inside = [p for p in around if lo - EPS <= p <= hi + EPS]
    return max(inside, key=value) if inside else x


def _moved(space: IssueSpace, written: float, by: float) -> float:
    """A limit ``written`` moved ``by``, on the grid, rounded away from where it was."""
    if not by:
        return written
    moved = min(max(written + by, space.lo), space.hi)
    return space.snap(moved, moved + by)
