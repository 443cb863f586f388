"""Ratification: a deal takes effect only if each side's public approves it.

Putnam's two-level game (1988): a negotiator's deal must be ratified at home, so what a
government can accept depends on how its public will judge it. A party's vote is its
current approval, plus what the deal gains over the least the government said it would
settle for (its floor: its reservation, raised by tied hands, or no deal),
minus how far the deal trails what its partner ally got on paired issues (parity), plus
a random swing; the deal passes when the vote reaches the party's threshold. A failed
vote costs approval and reopens the track, and tells the other side that its terms were
more than this public would take. All numbers are the scenario's ``ratification`` settings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.engine.phases.alliance import parity_gap

if TYPE_CHECKING:
    from sim.engine.model import NegotiationModel
    from sim.engine.talks import Offer


def vote(model: NegotiationModel, party: str, offer: Offer) -> float:
    """The approval a deal would have at home: ratified if it reaches the threshold."""
    settings = model.rules.parties[party].ratification
    track = model.rules.track[offer.track]
    gain = offer.worth[party] - model.world.floor(party, track)
    result = model.world.approval[party] + settings.utility_weight * gain
    if settings.parity_weight:
        result -= settings.parity_weight * parity_gap(model, party, offer.track, offer.package)
    if settings.noise:
        result += model.draws(f"vote:{party}").gauss(0.0, settings.noise)
    return result


def ratify(model: NegotiationModel, offer: Offer) -> tuple[str, ...]:
    """Phase 5: put an accepted package to both sides' publics; the parties whose public
    rejected it (none: the deal is ratified).

    A passed vote sets each side's approval to its vote; a failed one costs the failing
    side ``failure_cost`` of approval.
    """
    parties = model.rules.track[offer.track].parties
    votes = {p: vote(model, p, offer) for p in parties}
    rejected = []
    for party, result in votes.items():
        settings = model.rules.parties[party].ratification
        ok = result >= settings.threshold
        if not ok:
            rejected.append(party)
        verdict = "ratified" if ok else "rejected"
        model.record(
            "ratification",
            offer.track,
            f"{verdict}: {result:.2f} against {settings.threshold:.2f}",
            party,
        )
    for party, result in votes.items():
        if not rejected:
            model.world.set_approval(party, result)
        elif party in rejected:
            model.world.lose_approval(party, model.rules.parties[party].ratification.failure_cost)
    return tuple(rejected)
