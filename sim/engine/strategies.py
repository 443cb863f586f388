"""AI negotiation policies and their registry.

Each policy decides, on one track from one party's chair (its ``Seat``), what utility to
aim at when it proposes and whether to accept what is on the table. The package itself is
always built by the party's concession path (logrolling, ``sim.engine.concession``), which stays
inside the bottom lines, and the agent around the policy never aims below the reservation
utility nor accepts across a bottom line — so no policy, built in or not, can cross them.

- Time-dependent tactics (Faratin, Sierra & Jennings 1998, "Negotiation decision
  functions for autonomous agents"): the aspiration falls from the party's best
  utility ``top`` to its ``floor`` as ``α(t) = k + (1-k)·t^(1/β)``; ``boulware`` (β < 1)
  holds out, ``linear`` (β = 1), ``conceder`` (β > 1) gives ground early.
- Relative tit-for-tat (same paper, behaviour-dependent tactics): concede in proportion
  to the other side's last concession, as measured by one's own utility.
- ``hardliner``: never lowers its aspiration.
- ``equilibrium``: Rubinstein's (1982) subgame-perfect strategy for alternating offers
  on a single-issue split with discount factors δ₁, δ₂ and perpetual disagreement worth
  nothing: the proposer asks ``(1-δ₂)/(1-δ₁δ₂)`` and the responder accepts any share of at
  least ``δ₂(1-δ₁)/(1-δ₁δ₂)``. It checks the protocol against theory.

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
    from sim.engine.concession import ConcessionPath
    from sim.engine.model import NegotiationModel
    from sim.engine.rules import TrackRules
    from sim.engine.talks import Talks
    from sim.engine.utility import Valuation


class Seat:
    """One party's chair on one track during a game: everything its policy may look at.

    It reads the live game rather than copying it, so a policy always sees the world as
    events left it; one seat per party and track lives for the whole game.
    """

    __slots__ = ("model", "other", "party", "talks", "track")

    def __init__(self, model: NegotiationModel, party: str, talks: Talks) -> None:
        self.model = model
        self.party = party
        self.talks = talks
        self.track: TrackRules = talks.track
        self.other = talks.track.other(party)

    @property
    def round(self) -> int:
        """The current round, from 1."""
        return self.model.round

    @property
    def rounds(self) -> int:
        """The deadline."""
        return self.model.rounds

    @property
    def valuation(self) -> Valuation:
        """The party's utility over the track's packages."""
        return self.model.world.valuation(self.party, self.track.id)

    @property
    def path(self) -> ConcessionPath:
        """How the party builds a package at a target utility."""
        return self.model.world.path(self.party, self.track.id)

    @property
    def believed(self) -> Valuation:
        """What the party believes the other side's utility is on this track."""
        return self.model.rules.beliefs[(self.party, self.track.id)]

    @property
    def floor(self) -> float:
        """The least it should settle for: its reservation or its no-deal utility."""
        return self.model.world.floor(self.party, self.track)

    @property
    def top(self) -> float:
        """The party's best utility within its bottom lines."""
        return self.path.top

    @property
    def patience(self) -> float:
        """The party's discount factor δ."""
        return self.model.world.patience[self.party]

    @property
    def other_patience(self) -> float:
        """The other side's discount factor."""
        return self.model.world.patience[self.other]

    @property
    def received(self) -> tuple[tuple[float, ...], ...]:
        """The other side's proposals on this track so far, oldest first."""
        return self.talks.received(self.party)

    def time(self, round_: int) -> float:
        """Round as a fraction of the way to the deadline: 0 in round 1, 1 in the last."""
        rounds = self.model.rounds
        return 1.0 if rounds <= 1 else min((round_ - 1) / (rounds - 1), 1.0)


class Policy:
    """Base of every AI policy: an aspiration when proposing, a rule for accepting.

    Subclasses set ``defaults`` (parameter name → default value) and override
    ``aspiration``; ``accepts`` compares the offer with the aspiration the party would
    propose at next, the "AC_next" rule of Baarslag et al. (2014).
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
        """Whether a package worth ``utility`` to the party beats proposing next round."""
        if seat.round >= seat.rounds:
            return utility >= seat.floor - EPS
        return utility >= self.aspiration(seat, seat.round + 1) - EPS


class TimeDependent(Policy):
    """Faratin's time-dependent tactic: ``exponent`` β, initial concession ``k``."""

    defaults: ClassVar[dict[str, float]] = {"exponent": 1.0, "k": 0.0}

    def aspiration(self, seat: Seat, round_: int) -> float:
        """``floor + (1 - α(t))·(top - floor)`` with ``α(t) = k + (1-k)·t^(1/β)``."""
        params = self.params
        return concession_curve(
            seat.time(round_), seat.floor, seat.top, params["exponent"], params["k"]
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
        level = seat.top
        believed = seat.believed
        received = seat.received
        for before, after in itertools.pairwise(received):
            kept_before, kept_after = believed(before), believed(after)
            if kept_before > EPS:
                level *= kept_after / kept_before
            level = min(max(level, seat.floor), seat.top)
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
