"""AI negotiation policies, the seat they decide from, and their registry.

Each policy decides, on one track from one party's chair (its ``Seat``), what utility to
aim at when it proposes and whether to accept what is on the table. The package itself is
always built by the party's concession path (logrolling, ``sim.engine.concession``), which
stays inside the bottom lines, and the agent around the policy never aims below the
reservation utility nor accepts across a bottom line — so no policy, built in or not, can
cross them. The seat prices the choices by expected value under the party's belief
(``sim.engine.beliefs``), the risk of breakdown and its patience (docs/mechanics.md,
"Bargaining"): its opening, its priced ask and what going on is worth.

- Time-dependent tactics (Faratin, Sierra & Jennings 1998, "Negotiation decision
  functions for autonomous agents"): the aspiration falls from the party's opening ``top``
  to its priced ask as ``α(t) = k + (1-k)·t^(1/β)``; ``boulware`` (β < 1) holds out,
  ``linear`` (β = 1), ``conceder`` (β > 1) gives ground early.
- Relative tit-for-tat (same paper, behaviour-dependent tactics): concede in proportion
  to the other side's last concession, as measured by what the party believes the other
  side values.
- ``hardliner``: never lowers its aspiration below a fixed point of its range.
- ``equilibrium``: Rubinstein's (1982) subgame-perfect strategy for alternating offers
  on a single-issue split with discount factors δ₁, δ₂ and perpetual disagreement worth
  nothing: the proposer asks ``(1-δ₂)/(1-δ₁δ₂)`` and the responder accepts any share of at
  least ``δ₂(1-δ₁)/(1-δ₁δ₂)``. It checks the protocol against theory.

Every policy but ``hardliner`` and ``equilibrium`` accepts by expected value: an offer
that beats what refusing it is worth.

Third parties add policies through the ``trilateral.strategies`` entry-point group: the
entry point's name is the strategy's name, its object a ``Policy`` subclass.
"""

from __future__ import annotations

import itertools
from functools import cache
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, ClassVar

from sim.engine.utility import EPS

if TYPE_CHECKING:
    from sim.engine.rules import TrackRules
    from sim.engine.seat import Seat


class Policy:
    """Base of every AI policy: an aspiration when proposing, a rule for accepting.

    Subclasses set ``defaults`` (parameter name → default value) and override
    ``aspiration``; ``accepts`` takes an offer that beats the expected value of going on
    (``Seat.going_on``) — Baarslag et al.'s (2014) "AC_next" with the next proposal priced
    by the party's belief instead of assumed accepted.
    """

    defaults: ClassVar[dict[str, float]] = {}

    def __init__(self, **params: float) -> None:
        self.params = {**self.defaults, **params}

    @classmethod
    def check(cls, track: TrackRules) -> str | None:
        """Why this policy cannot play ``track``, or None if it can."""
        return None

    def aspiration(self, seat: Seat, round_: int) -> float:
        """The utility the party aims at when it proposes in ``round_``."""
        raise NotImplementedError

    def accepts(self, seat: Seat, utility: float) -> bool:
        """Whether a package worth ``utility`` to the party beats the expected value of
        going on (``Seat.going_on``: breakdown risk, the best next proposal under the
        current belief, patience), and never below the party's floor.

        The backward induction behind ``going_on`` is skipped where the answer is no
        whatever it gives: below the floor, or below what going on is surely worth
        (``Seat.least_going_on``, less a margin that rounding cannot cross); in long
        talks most offers are. The ladder of asks is read either way, since reading it
        places the belief on the party's current floor and best as pricing would have."""
        floor = seat.floor
        if utility < floor - EPS or utility < seat.least_going_on(seat.round) - _SURELY - EPS:
            seat.grid()
            return False
        return utility >= max(seat.going_on(seat.round), floor) - EPS


_SURELY = 1e-9
"""How far below ``Seat.least_going_on`` an offer must be to be refused on it alone: far
more than the rounding that separates the bound from the induction's own value."""


class TimeDependent(Policy):
    """Faratin's time-dependent tactic: ``exponent`` β, initial concession ``k``.

    The curve runs from the party's opening (the most it believes it can get) down to its
    best-priced ask (``Seat.ask``): a Boulware party holds near its opening until late, a
    conceder comes down to its priced ask early; neither goes below what the expected
    value of the talks says to ask.
    """

    defaults: ClassVar[dict[str, float]] = {"exponent": 1.0, "k": 0.0}

    def aspiration(self, seat: Seat, round_: int) -> float:
        """``ask + (1 - α(t))·(top - ask)`` with ``α(t) = k + (1-k)·t^(1/β)``."""
        params = self.params
        ask = seat.ask(round_)
        return concession_curve(
            seat.time(round_), ask, max(seat.top, ask), params["exponent"], params["k"]
        )


def concession_curve(t: float, floor: float, top: float, exponent: float, k: float) -> float:
    """Faratin et al.'s aspiration at time ``t`` ∈ [0, 1] between ``floor`` and ``top``."""
    alpha = k + (1.0 - k) * t ** (1.0 / exponent)
    return floor + (1.0 - alpha) * max(top - floor, 0.0)


class Boulware(TimeDependent):
    """Holds near its best until late, then gives way (β = 0.2)."""

    defaults: ClassVar[dict[str, float]] = {"exponent": 0.2, "k": 0.0}


class Conceder(TimeDependent):
    """Gives ground early (β = 5)."""

    defaults: ClassVar[dict[str, float]] = {"exponent": 5.0, "k": 0.0}


class TitForTat(Policy):
    """Relative tit-for-tat: give up the share of utility the other side last gave up.

    The other side's concession is measured by what the party believes the other values
    (its own offers should be worth the most to itself), so the ratio is well defined
    even when its first offers are worth nothing to the party.
    """

    defaults: ClassVar[dict[str, float]] = {}

    def aspiration(self, seat: Seat, round_: int) -> float:
        """Start at the top; scale by the ratio of the other's successive offers' worth to it."""
        top, least = seat.top, seat.ask(round_)
        level = top
        believed = seat.believed
        for before, after in itertools.pairwise(seat.received):
            kept_before, kept_after = believed(before), believed(after)
            if kept_before > EPS:
                level *= kept_after / kept_before
            level = min(max(level, least), top)
        return level


class Hardliner(Policy):
    """Never concedes: aims at ``aspiration`` of the way from floor to top (1 = its best)."""

    defaults: ClassVar[dict[str, float]] = {"aspiration": 1.0}

    def aspiration(self, seat: Seat, round_: int) -> float:
        """A fixed point between floor and top."""
        return seat.floor + self.params["aspiration"] * max(seat.top - seat.floor, 0.0)

    def accepts(self, seat: Seat, utility: float) -> bool:
        """Only what it asks for, even at the deadline."""
        return utility >= self.aspiration(seat, seat.round) - EPS


class Equilibrium(Policy):
    """Rubinstein's subgame-perfect split on a single-issue track (complete information)."""

    @classmethod
    def check(cls, track: TrackRules) -> str | None:
        """Rubinstein's solution is for one issue split between two parties."""
        if len(track.spaces) != 1 or track.spaces[0].discrete:
            return f"equilibrium plays single-issue numeric tracks only; {track.id} has more"
        return None

    def aspiration(self, seat: Seat, round_: int) -> float:
        """The proposer's share ``(1-δ_o)/(1-δ_p·δ_o)`` of the pie."""
        d_own, d_other = seat.patience, seat.other_patience
        return (1.0 - d_other) / (1.0 - d_own * d_other)

    def accepts(self, seat: Seat, utility: float) -> bool:
        """Any share at least what proposing next round is worth today."""
        return utility >= seat.patience * self.aspiration(seat, seat.round + 1) - EPS


BUILT_IN: dict[str, type[Policy]] = {
    "boulware": Boulware,
    "linear": TimeDependent,
    "conceder": Conceder,
    "tit-for-tat": TitForTat,
    "hardliner": Hardliner,
    "equilibrium": Equilibrium,
}


@cache
def registry() -> dict[str, type[Policy]]:
    """Every strategy by name: the built-in ones and those installed as entry points.

    Cached: scanning installed distributions costs milliseconds, a game far less.
    """
    found = dict(BUILT_IN)
    for entry in entry_points(group="trilateral.strategies"):
        found.setdefault(entry.name, entry.load())
    return found


def make_policy(name: str, params: dict[str, float]) -> Policy:
    """A policy by registered name, with its parameters checked."""
    problem = spec_problem(name, params)
    if problem:
        raise ValueError(problem)
    return registry()[name](**params)


def spec_problem(name: str, params: dict[str, float]) -> str | None:
    """Why a strategy name and parameters are not playable, or None if they are."""
    known = registry()
    if name not in known:
        return f"unknown strategy {name!r} (known: {', '.join(sorted(known))})"
    unknown = sorted(set(params) - set(known[name].defaults))
    if unknown:
        allowed = ", ".join(sorted(known[name].defaults)) or "none"
        return f"strategy {name!r} has no parameter {unknown[0]!r} (parameters: {allowed})"
    if params.get("exponent", 1.0) <= 0:
        return "exponent must be greater than 0"
    return None
