"""Red lines: what a proposer learns of the other side's limits when its offers are refused.

A party that refuses a package crossing its bottom lines names the issues that do, never the
limits. The proposer bisects toward each unknown limit: it keeps the issue, in its later
offers, at least halfway from what it offered to what the other side last asked (the other
side's asks keep its own limits). Two moves teach it more than one refusal does: a red
line named before the other side has asked anything waits for its first ask, and a side
that asks the same on an issue it calls a red line twice running is standing at its limit,
so the proposer's offers go there (docs/mechanics.md, "Logrolling": red lines). The AI's seats
(``sim.engine.seat``) and the scripted teams (``sim.experiments.teams``) learn by it alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sim.engine.talks import Offer
    from sim.engine.utility import IssueSpace

Range = tuple[float, float]


class RedLines:
    """What one proposer has learnt on one track from the red lines the other side named.

    ``bounds`` holds, by position, the range the proposer keeps its offers in. Each method
    takes the proposer's own limits as they stand (they can move during a game) and says
    whether ``bounds`` changed, so a caller rebuilds its packages only then.
    """

    __slots__ = ("_asks", "_named", "bounds", "spaces")

    def __init__(self, spaces: Sequence[IssueSpace]) -> None:
        self.spaces = spaces
        self.bounds: dict[int, Range] = {}
        self._named: dict[int, float] = {}
        """Position → what the proposer last offered there when it was named a red line."""
        self._asks: tuple[tuple[float, ...], ...] = ()
        """The other side's last two asks, oldest first."""

    def heard_red_line(self, pos: int, offered: float, own: Sequence[Range]) -> bool:
        """The other side named the issue at ``pos`` a red line of a package that had
        ``offered`` there: bisect toward its last ask, or go to it if it held there; before
        it has asked anything, wait for its first ask (``heard_ask``)."""
        self._named[pos] = offered
        return bool(self._asks) and self._bisect(pos, self._held(pos), own)

    def heard_ask(self, package: tuple[float, ...], own: Sequence[Range]) -> bool:
        """The other side proposed ``package``: bisect the red lines named before its first
        ask toward it, and go to its ask on each issue named a red line where it held."""
        first = not self._asks
        self._asks = (*self._asks[-1:], package)
        changed = False
        for pos in self._named:
            if first or self._held(pos):
                changed |= self._bisect(pos, not first, own)
        return changed

    def replay(
        self,
        offers: Sequence[Offer],
        named: Sequence[tuple[Offer, tuple[int, ...]]],
        party: str,
        own: Sequence[Range],
    ) -> bool:
        """Hear ``offers`` of a track's history in order, for ``party``: the other side's
        as asks, ``party``'s own with the red lines ``named`` against them (the talks'
        ``red_lines``); whether ``bounds`` changed."""
        lines = {id(offer): positions for offer, positions in named}
        changed = False
        for offer in offers:
            if offer.proposer != party:
                changed |= self.heard_ask(offer.package, own)
                continue
            for pos in lines.get(id(offer), ()):
                changed |= self.heard_red_line(pos, offer.package[pos], own)
        return changed

    def _held(self, pos: int) -> bool:
        asks = self._asks
        return len(asks) == 2 and asks[0][pos] == asks[1][pos]

    def _bisect(self, pos: int, held: bool, own: Sequence[Range]) -> bool:
        kept = self.bounds.get(pos, own[pos])
        found = red_line_bounds(self.spaces[pos], self._named[pos], self._asks[-1][pos], kept, held)
        if found is None or self.bounds.get(pos) == found:
            return False
        self.bounds[pos] = found
        return True


def red_line_bounds(
    space: IssueSpace, offered: float, asked: float, kept: Range, held: bool = False
) -> Range | None:
    """The range a proposer keeps an issue in once the other side named it a red line.

    The proposer had offered ``offered`` there, the other side last asked ``asked``, and
    the proposer kept its offers in ``kept`` (its own limits, or a range from earlier red
    lines): later offers stay at least halfway from ``offered`` toward ``asked``, on a grid
    of ``_RED_LINE_STEPS`` steps of the issue's range — a bisection toward the unknown
    limit — or at ``asked`` itself, as far as ``kept`` allows, if the other side ``held``
    there. None if that teaches nothing: an option (a categorical or boolean issue) is
    conceded whole, the two sides were level, or the halfway point is outside ``kept``.
    """
    if asked == offered or space.discrete:
        return None
    step = (space.hi - space.lo) / _RED_LINE_STEPS
    lo, hi = kept
    if held:
        # Standing at its limit: the proposer goes there, or as far as its own range allows.
        middle = min(max(asked, lo), hi)
    elif abs(asked - offered) <= step:
        # Within a step of the other side's ask, halving on the coarse grid would stall at
        # ``offered``, refused again every round: the proposer goes to the ask itself.
        middle = asked
    else:
        middle = space.lo + step * round(((offered + asked) / 2 - space.lo) / step)
        middle = space.snap(middle, asked)
    lo, hi = (max(lo, middle), hi) if asked > offered else (lo, min(hi, middle))
    return (lo, hi) if lo <= hi else None


_RED_LINE_STEPS = 20
"""A red line's bound is kept on this many steps of its issue's range: the games of a batch
then meet the same bounds again and share the packages built inside them."""
