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

from dataclasses import dataclass

from sim.engine.utility import EPS, IssueSpace, Limits, Valuation, best_allowed


@dataclass(frozen=True, slots=True)
class Concession:
    """Moving one issue from the party's best value ``start`` toward ``end``."""

    pos: int
    start: float
    end: float
    loss: float
    """Own track utility given up by conceding the whole way."""
    gain: float
    """Believed track utility the other side gains by it."""


class ConcessionPath:
    """The packages a party offers, from its ideal toward what it believes the other wants."""

    __slots__ = ("_memo", "ideal", "spaces", "steps", "top", "valuation")

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
            if end is None or end == start:
                continue
            loss = w * (value(start) - value(end)) if w else 0.0
            gain = bw * (bvalue(end) - bvalue(start))
            if gain > EPS:
                steps.append(Concession(pos, start, end, max(loss, 0.0), gain))
        steps.sort(key=lambda c: (-(c.gain / c.loss) if c.loss > EPS else float("-inf"), c.pos))
        self.ideal = tuple(ideal)
        self.steps = tuple(steps)
        self.top = own(self.ideal)
        self._memo: dict[float, tuple[float, ...]] = {}

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
        for c in self.steps:
            if c.loss <= budget + EPS:
                x[c.pos] = c.end
                budget -= c.loss
            elif budget > EPS and not self.spaces[c.pos].discrete:
                w, value = terms[c.pos]
                y = value.solve(value(c.start) - budget / w, c.start, c.end)
                y = self.spaces[c.pos].snap(y, c.start)
                if (y - c.start) * (c.end - c.start) < 0:
                    y = c.start  # no grid point between start and the limit: stay put
                x[c.pos] = y
                budget -= w * (value(c.start) - value(y))
        return tuple(x)


_MEMO_SIZE = 4096


def _closest_allowed(space: IssueSpace, lo: float, hi: float, refused: frozenset[float]) -> float:
    """Any value inside the limits, for an issue neither side cares about: the lowest."""
    for x in space.grid():
        if lo - EPS <= x <= hi + EPS and x not in refused:
            return x
    return lo
