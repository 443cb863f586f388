"""Building an offer at a target utility by logrolling.

A party that must give up some utility gives it where it costs itself least and, as far
as it believes, helps the other side most: it concedes issue by issue in decreasing order
of believed gain per unit of own loss, fully on the cheap issues and partly on the last
one. With additive utilities this greedy order is the solution of the fractional knapsack
"maximise the other's utility subject to mine ≥ target" (Dantzig 1957), which is the
trade-off mechanism of Faratin, Sierra & Jennings (2002) in closed form. Issues the party
does not care about are given away at once; options of categorical issues are conceded
whole or not at all. The path never leaves the party's bottom lines: each issue's
concession stops at its hard limit.

The path depends only on the valuations and the limits, so it is built once and reused
for every target: an offer costs one pass over the track's issues.
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from typing import NamedTuple

from sim.engine.utility import EPS, IssueSpace, Limits, Valuation, ValueFunction, best_allowed


class Concession(NamedTuple):
    """Moving one issue from the party's best value ``start`` toward ``end``.

    A named tuple: paths are cut into these by the thousand, and kept inside red lines
    during games, and it is the cheapest immutable record to build.
    """

    pos: int
    start: float
    end: float
    loss: float
    """Own track utility given up by conceding the whole way."""
    gain: float
    """Believed track utility the other side gains by it."""


class ConcessionPath:
    """The packages a party offers, from its ideal toward what it believes the other wants."""

    __slots__ = ("_clips", "_memo", "ideal", "spaces", "steps", "top", "valuation")

    def __init__(
        self, own: Valuation, believed: Valuation, limits: Limits, spaces: tuple[IssueSpace, ...]
    ) -> None:
        self.valuation = own
        self.spaces = spaces
        ideal, steps = [], []
        for pos, space in enumerate(spaces):
            lo, hi = limits.bounds[pos]
            refused = limits.refused[pos]
            w, value = own.terms[pos]
            bw, bvalue = believed.terms[pos]
            start = best_allowed(value, space, lo, hi, refused) if w else None
            end = best_allowed(bvalue, space, lo, hi, refused) if bw else None
            if start is None:
                start = end if end is not None else _closest_allowed(space, lo, hi, refused)
            ideal.append(start)
            if end is not None and end != start:
                steps += _pieces(pos, start, end, (w, value), (bw, bvalue), space)
        steps.sort(key=lambda c: (-(c.gain / c.loss) if c.loss > EPS else float("-inf"), c.pos))
        self._set(tuple(ideal), tuple(steps))

    def _set(self, ideal: tuple[float, ...], steps: tuple[Concession, ...]) -> None:
        self.ideal = ideal
        self.steps = steps
        self.top = self.valuation(ideal)
        self._memo: dict[float, tuple[float, ...]] = {}
        self._clips: dict[tuple[int, float, float], tuple[tuple[int, Concession | None], ...]] = {}

    def within(self, bounds: dict[int, tuple[float, float]]) -> ConcessionPath:
        """This path kept inside narrower ranges on some issues (position → lo, hi), such as
        red lines the other side has named: each piece is clipped to its issue's range, so
        the order stays and nothing has to be built again. A piece is straight but for a
        bend that fell between two grid points, so its gain scales with the part kept; its
        loss is read off the value function where that is more, so that a package stays
        worth at least its target. Only the pieces of the issues in ``bounds`` are visited,
        and each issue's clipped pieces are kept for its range (``_clipped``)."""
        path = object.__new__(ConcessionPath)
        path.valuation, path.spaces = self.valuation, self.spaces
        ideal = list(self.ideal)
        steps: list[Concession | None] = list(self.steps)
        dropped = False
        for pos, (lo, hi) in bounds.items():
            ideal[pos] = min(max(ideal[pos], lo), hi)
            for n, clipped in self._clipped(pos, lo, hi):
                steps[n] = clipped
                dropped = dropped or clipped is None
        if dropped:
            steps = [c for c in steps if c is not None]
        path._set(tuple(ideal), tuple(steps))
        return path

    def _clipped(self, pos: int, lo: float, hi: float) -> tuple[tuple[int, Concession | None], ...]:
        """The pieces of the issue at ``pos`` that [lo, hi] changes, as (index in ``steps``,
        the piece clipped, or None if nothing of it is left). Kept per path: the games of a
        batch hear the same red lines (their bounds sit on a grid) on shared paths, in
        ever new combinations across issues."""
        key = (pos, lo, hi)
        found = self._clips.get(key)
        if found is None:
            changed: list[tuple[int, Concession | None]] = []
            w, value = self.valuation.terms[pos]
            for n, c in enumerate(self.steps):
                if c.pos != pos:
                    continue
                _, a, b, loss, gain = c
                # min(max(a, lo), hi) and the same of b, spelt out (builtins cost more here)
                start = lo if a < lo else a
                start = hi if start > hi else start
                end = lo if b < lo else b
                end = hi if end > hi else end
                if start == a and end == b:
                    continue  # untouched: kept whole, as the scaling below would
                if start == end:
                    changed.append((n, None))
                    continue
                kept = (end - start) / (b - a)
                loss = max(loss * kept, w * (value(start) - value(end)))
                changed.append((n, Concession(pos, start, end, loss, gain * kept)))
            if len(self._clips) >= _MEMO_SIZE:
                self._clips.clear()
            found = self._clips[key] = tuple(changed)
        return found

    def package(self, target: float) -> tuple[float, ...]:
        """The package worth at least ``target`` to the party that concedes most to the other.

        Free concessions (issues the party does not value) are always made; a target above
        the party's best gives its ideal package. Results are memoised: the same targets
        recur in every game played on a scenario.
        """
        found = self._memo.get(target)
        if found is None:
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            found = self._memo[target] = self._build(target)
        return found

    def _build(self, target: float) -> tuple[float, ...]:
        x = list(self.ideal)
        budget = self.top - target
        terms = self.valuation.terms
        for pos, start, end, loss, _ in self.steps:
            if loss <= budget + EPS:
                x[pos] = end
                budget -= loss
            elif budget > EPS and not self.spaces[pos].discrete:
                w, value = terms[pos]
                y = value.solve(value(start) - budget / w, start, end)
                y = self.spaces[pos].snap(y, start)
                if (y - start) * (end - start) < 0:
                    y = start  # no grid point between start and the limit: stay put
                x[pos] = y
                budget -= w * (value(start) - value(y))
                break  # the budget is spent; the rest of this issue waits for this piece
        return tuple(x)


_MEMO_SIZE = 4096


@lru_cache(maxsize=4096)
def _pieces(
    pos: int,
    start: float,
    end: float,
    own: tuple[float, ValueFunction | None],
    believed: tuple[float, ValueFunction | None],
    space: IssueSpace,
) -> tuple[Concession, ...]:
    """The concession on one issue from ``start`` toward ``end``, cut where either value
    function bends (on the issue's grid): each piece is a knapsack item of its own.
    Cached: the games of a batch build their paths from the same few ranges.

    With diminishing returns on both sides, each piece buys the other side less per unit
    of own loss than the one before, so the greedy order takes an issue's pieces in turn
    and the offer settles inside the range rather than at a limit. The gain per loss is
    held non-increasing along the issue so that the order holds for any shapes.
    """
    (w, value), (bw, bvalue) = own, believed
    if space.discrete:
        cuts = [start, end]
    else:
        lo, hi = min(start, end), max(start, end)
        inner = _on_grid(space, bvalue.xs, start < end)
        if w:
            inner = inner | _on_grid(space, value.xs, start < end)
        cuts = sorted({start, end, *(x for x in inner if lo < x < hi)}, reverse=end < start)
    pieces, ratio = [], float("inf")
    for a, b in itertools.pairwise(cuts):
        gain = bw * (bvalue(b) - bvalue(a))
        if gain <= EPS:
            break
        loss = max(w * (value(a) - value(b)), 0.0) if w else 0.0
        if loss > EPS:
            loss = max(loss, gain / ratio)
            ratio = gain / loss
        pieces.append(Concession(pos, a, b, loss, gain))
    return tuple(pieces)


def _closest_allowed(space: IssueSpace, lo: float, hi: float, refused: frozenset[float]) -> float:
    """Any value inside the limits, for an issue neither side cares about: the lowest."""
    for x in space.grid():
        if lo - EPS <= x <= hi + EPS and x not in refused:
            return x
    return lo


@lru_cache(maxsize=1024)
def _on_grid(space: IssueSpace, xs: tuple[float, ...], upward: bool) -> frozenset[float]:
    """A value function's breakpoints on the issue's grid, each taken on the side a
    concession comes from (a piece never ends past the bend it stops at)."""
    return frozenset(space.snap(x, space.lo if upward else space.hi) for x in xs)
