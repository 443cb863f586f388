"""The countries at the table, as Mesa agents.

A ``CountryAgent`` plays one party: on each bargaining track it sits on, a policy chooses
its aspiration and the agent enforces the party's bottom lines around it, so that no AI
policy — built in or from a third party — proposes or accepts beyond them. The agent
also holds what the party believes (its seats' beliefs and readings of the other side,
drawn for the game from the model's generator) and learns from the moves it sees.
"""

from __future__ import annotations

from math import exp
from random import Random
from typing import TYPE_CHECKING, Literal

import mesa

from sim.engine.beliefs import Belief
from sim.engine.seat import Seat
from sim.engine.strategies import Policy
from sim.engine.utility import EPS

if TYPE_CHECKING:
    from collections.abc import Callable

    from sim.engine.model import NegotiationModel
    from sim.engine.talks import Offer, Talks
    from sim.scenario.bargaining import Beliefs
    from sim.scenario.models import Party


class CountryAgent(mesa.Agent):
    """One party: its policy per track, and whether a human plays it."""

    model: NegotiationModel

    def __init__(self, model: NegotiationModel, party: Party, human: bool) -> None:
        super().__init__(model)
        self.party = party.id
        self.name = party.name
        self.human = human
        self.policies: dict[str, Policy] = model.rules.policies[party.id]
        if not human:
            for track in self.policies:
                problem = model.rules.unplayable.get((party.id, track))
                if problem:
                    raise ValueError(problem)
        draw = model.random.choice
        self.seats = {
            track: Seat(
                model, party.id, model.talks[track], draw(model.rules.readings[(party.id, track)])
            )
            for track in self.policies
        }
        if not human:
            for seat in self.seats.values():
                seat.belief = _prior(seat, party.beliefs, model.random.gammavariate)

    def saw_offer(self, offer: Offer) -> None:
        """The other side proposed ``offer``: it would sign that, so the party can attain
        at least what it is worth to it (as the offer carries it: worked out when it was
        made, this round, under the valuation the party holds now)."""
        seat = self.seats[offer.track]
        seat.heard_ask(offer.package)
        seat.belief.saw_offer(offer.worth[self.party])

    def saw_refusal(self, offer: Offer, red_lines: tuple[int, ...]) -> None:
        """The other side refused ``offer`` (made this round), naming the positions that
        cross its bottom lines: the ask was probably too high, and those issues must move
        its way."""
        seat = self.seats[offer.track]
        package = offer.package
        for pos in red_lines:
            seat.heard_red_line(pos, package[pos])
        seat.belief.saw_refusal(offer.worth[self.party])

    def propose(self, talks: Talks) -> tuple[float, ...] | None:
        """The package this party proposes, or None to walk away.

        The package comes from the concession path at the policy's aspiration, never
        below the reservation utility, so it keeps every bottom line. The party walks away
        only when no package within its issue limits reaches its reservation utility.
        """
        return self._proposal(self.seats[talks.track.id])

    def respond(
        self, talks: Talks, package: tuple[float, ...], worth: float
    ) -> Literal["accept", "reject"]:
        """Accept the package on the table if the policy likes it and it keeps the bottom
        lines, or if breaking a parity pact for it pays."""
        return self._answer(self.seats[talks.track.id], package, worth)

    def stand_in(
        self, talks: Talks, kind: Literal["propose", "respond"]
    ) -> tuple[Literal["propose", "accept", "reject", "walk"], tuple[float, ...] | None]:
        """What the party's AI policy would do for its human team's pending decision on
        ``talks`` (``kind``), as (move kind, package or None), changing nothing.

        A human's seat holds no belief (its team does the believing), so the AI decides on
        a seat of its own: the human seat's reading and the red lines heard, a prior drawn
        as an AI party's is, and what the other side's offers on the track taught it. The
        prior's generator is seeded by the game's seed and where the game stands (the
        track, round and length of the log), never the model's generator: the same game
        gives the same move, and replaying a log that holds it draws nothing more.
        """
        model, track = self.model, talks.track
        problem = model.rules.unplayable.get((self.party, track.id))
        if problem:
            raise ValueError(problem)
        human = self.seats[track.id]
        seat = Seat(model, self.party, talks, human.reading)
        seat.public = dict(human.public)
        where = f"{model.seed}/{self.party}/{track.id}/{model.round}/{len(model.log)}"
        beliefs = model.rules.scenario.party(self.party).beliefs
        seat.belief = _prior(seat, beliefs, Random(where).gammavariate)
        seat.heard_talks()
        for offer in talks.history:
            if offer.proposer == seat.other:
                seat.belief.saw_offer(seat.valuation(offer.package))
        if kind == "propose":
            package = self._proposal(seat)
            return ("walk", None) if package is None else ("propose", package)
        on_table = talks.on_table
        return self._answer(seat, on_table.package, on_table.worth[self.party]), None

    def _proposal(self, seat: Seat) -> tuple[float, ...] | None:
        reservation = self.model.world.reservation[self.party][seat.track.id]
        path = seat.path
        if path.top < reservation - EPS:
            return None
        least = reservation + seat.breaking  # a side deal pays for breaking ranks too
        aim = self.policies[seat.track.id].aspiration(seat, seat.round)
        return path.package(aim if aim > least else least)

    def _answer(
        self, seat: Seat, package: tuple[float, ...], worth: float
    ) -> Literal["accept", "reject"]:
        track = seat.track.id
        world = self.model.world
        keeps = worth >= world.reservation[self.party][track] - EPS and world.limits[
            (self.party, track)
        ].allow(package)
        if keeps and self.policies[track].accepts(seat, worth):
            return "accept"
        return "accept" if self._breaks_ranks(seat, package, worth) else "reject"

    def _breaks_ranks(self, seat: Seat, package: tuple[float, ...], worth: float) -> bool:
        """Whether the party, bound by a parity pact, should take a package the pact rules
        out: it keeps the party's own limits from before the pact, and its policy would
        take it at its worth less what breaking the pact costs
        (``consultation.defection_cost``)."""
        track = seat.track.id
        channel = self.model.channel
        limits = channel.unbound(self.party, track) if channel is not None else None
        if limits is None or not limits.allow(package):
            return False
        if self.model.world.limits[(self.party, track)].allow(package):
            return False  # the pact does not rule it out: the policy already said no
        net = worth - channel.config.defection_cost
        return net >= self.model.world.reservation[self.party][track] - EPS and self.policies[
            track
        ].accepts(seat, net)


_LADDER = 11
"""How many attainable levels a party's belief distinguishes."""

_CONCENTRATION = 2.0
"""How close to its shape a game's prior is drawn (a Dirichlet concentration)."""


def _prior(seat: Seat, beliefs: Beliefs, gamma: Callable[[float, float], float]) -> Belief:
    """A party's prior over what it can attain on a track.

    A ladder of shares of the way from its floor to its best, weighted around the middle of
    the zone of agreement its reading shows — between its floor and the best package the
    other side, as read, would still prefer to no deal — shifted by its ``optimism``,
    spread by its ``width``, and drawn at random for the game (``gamma``: a generator's
    ``gammavariate``).
    """
    model = seat.model
    rules = model.rules
    settings = rules.scenario.bargaining
    floor, path = seat.floor, seat.path
    other_no_deal = seat.reading(model.world.no_deal(seat.track))
    # The path was built for the seat's reading (``Rules.path`` is keyed by it), so it
    # stands for the reading in the key; the games of a batch share the shape.
    key = ("prior", path, floor, other_no_deal, beliefs.optimism, beliefs.width)
    shape = rules.derive(key, lambda: _prior_shape(seat, floor, other_no_deal, beliefs))
    draws = [gamma(_CONCENTRATION, 1.0) * weight for weight in shape]
    total = sum(draws) or 1.0
    probs = [d / total for d in draws]
    belief = Belief(_SHARES, probs, settings.sharpness, settings.refusal_weight)
    belief.place(floor, path.top)
    return belief


def _prior_shape(seat: Seat, floor: float, other_no_deal: float, beliefs: Beliefs) -> tuple:
    """The weight of each of ``_SHARES`` in a prior before the game's random draw."""
    path, reading = seat.path, seat.reading
    span = max(path.top - floor, 1e-9)
    steps = [floor + span * k / 20 for k in range(21)]
    reach = max((a for a in steps if reading(path.package(a)) >= other_no_deal), default=floor)
    centre = 0.5 * (reach - floor) / span + beliefs.optimism
    return tuple(exp(-(((s - centre) / beliefs.width) ** 2)) for s in _SHARES)


_SHARES = tuple(k / (_LADDER - 1) for k in range(_LADDER))
"""The attainable levels of every prior, as shares of the way from floor to best."""
