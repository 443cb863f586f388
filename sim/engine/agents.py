"""The countries at the table, as Mesa agents.

A ``CountryAgent`` plays one party: on each bargaining track it sits on, a policy chooses
its aspiration and the agent enforces the party's bottom lines around it, so that no AI
policy — built in or from a third party — proposes or accepts beyond them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import mesa

from sim.engine.strategies import Policy, Seat
from sim.engine.utility import EPS

if TYPE_CHECKING:
    from sim.engine.model import NegotiationModel
    from sim.engine.talks import Talks
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
        self.seats = {track: Seat(model, party.id, model.talks[track]) for track in self.policies}

    def propose(self, talks: Talks) -> tuple[float, ...] | None:
        """The package this party proposes, or None to walk away.

        The package comes from the concession path at the policy's aspiration, never
        below the reservation utility, so it keeps every bottom line. The party walks away
        only when no package within its issue limits reaches its reservation utility.
        """
        seat = self.seats[talks.track.id]
        reservation = self.model.world.reservation[self.party][seat.track.id]
        path = seat.path
        if path.top < reservation - EPS:
            return None
        aim = self.policies[seat.track.id].aspiration(seat, seat.round)
        return path.package(aim if aim > reservation else reservation)

    def respond(
        self, talks: Talks, package: tuple[float, ...], worth: float
    ) -> Literal["accept", "reject"]:
        """Accept the package on the table if the policy likes it and it keeps the bottom lines."""
        track = talks.track.id
        keeps = worth >= self.model.world.reservation[self.party][
            track
        ] - EPS and self.model.world.limits[(self.party, track)].allow(package)
        if keeps and self.policies[track].accepts(self.seats[track], worth):
            return "accept"
        return "reject"
