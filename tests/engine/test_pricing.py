"""Pricing by backward induction (``Seat.plan``) against the induction written plainly.

The engine's loop keeps things between calls (each track's table of risks, the other
side's offers read so far, acceptance tables and ladders of asks shared across games):
at every decision of whole games it must give exactly what the plain induction gives.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.engine.model import NegotiationModel
from sim.engine.rules import Rules
from sim.engine.seat import Seat
from sim.engine.utility import EPS
from sim.scenario.loading import load_scenario


def plain_chances(seat: Seat, levels: tuple[float, ...]) -> tuple[float, ...]:
    """The believed chance that each ask is accepted, worked out from the belief afresh."""
    belief = seat.belief
    s = (np.asarray(levels) - belief.floor) / belief.span
    z = (np.asarray(belief.shares)[:, None] - s[None, :]) / belief.tau
    return tuple((np.asarray(belief.probs) @ (0.5 * (1.0 + np.tanh(0.5 * z)))).tolist())


def plain_plan(seat: Seat, round_: int) -> tuple[float, float, float]:
    """``Seat.plan`` as docs/mechanics.md writes it: every round's risk asked of the model,
    the whole history read for the other side's offers, every ask weighed in turn."""
    model = seat.model
    levels = seat.grid()
    no_deal, last, delta = seat.no_deal, model.rounds, seat.patience
    if round_ > last:
        return (no_deal, no_deal, no_deal)
    chances = plain_chances(seat, levels)
    go_on = {
        r: (1.0 - model.breakdown(seat.track.id, r)) * delta for r in range(round_ - 1, last + 1)
    }
    worths = [o.worth[seat.party] for o in seat.talks.history if o.proposer != seat.party]
    if worths:
        trend = max((worths[-1] - worths[0]) / (len(worths) - 1), 0.0) if len(worths) > 1 else 0.0

        def offer(r: int) -> float:
            return min(worths[-1] + trend * max(r - model.round, 0) / 2, seat.best)

    else:

        def offer(r: int) -> float:
            return no_deal

    later = ask = value = no_deal
    for r in range(last - (last - round_) % 2, round_ - 1, -2):
        if r == last:
            refused = no_deal
        else:
            again = later if r + 2 <= last else no_deal
            answer = max(offer(r + 1), no_deal + go_on[r + 1] * (again - no_deal))
            refused = no_deal + go_on[r] * (answer - no_deal)
        ask, value = levels[0], -1.0
        for a, q in zip(levels, chances, strict=True):
            v = q * a + (1.0 - q) * refused
            if v >= value - EPS:
                ask = a
                if v > value:
                    value = v
        later = value
    return (ask, value, no_deal + go_on[round_ - 1] * (value - no_deal))


def before_each_decision(model: NegotiationModel, check) -> None:
    """Call ``check(seat, kind)`` before every AI proposal and answer in ``model``."""

    def checking(agent, decide):
        def decision(talks, *args):
            check(agent.seats[talks.track.id], decide.__name__)
            return decide(talks, *args)

        return decision

    for agent in model.countries.values():
        agent.propose = checking(agent, agent.propose)
        agent.respond = checking(agent, agent.respond)


@pytest.mark.parametrize("seed", range(4))
def test_the_priced_asks_are_the_plain_backward_induction(seed):
    rules = Rules(
        load_scenario(
            "baseline-2025", ["bargaining.breakdown=0.05", "bargaining.threat_breakdown=0.3"]
        )
    )
    for warm in range(3):  # let the caches shared across games fill first
        NegotiationModel(rules, seed=100 + warm).run()
    model = NegotiationModel(rules, seed=seed)
    checked, raised = [], []

    def check(seat, kind):
        for round_ in (seat.round, seat.round + 1):
            assert seat.plan(round_) == plain_plan(seat, round_)
        checked.append(seat.round)
        risks = model.breakdowns(seat.track.id)
        raised.append(max(risks) > rules.scenario.bargaining.breakdown)

    before_each_decision(model, check)
    model.run()
    assert len(checked) > 10
    assert any(raised), "no threat raised the risk: the threats' part went unchecked"


BILATERAL = Path(__file__).resolve().parents[2] / "benchmarks" / "bilateral-3x11.yaml"


@pytest.mark.parametrize("seed", range(2))
def test_long_talks_price_as_the_plain_induction(seed):
    """100 rounds, where the induction reads the best ask off one line across many rounds."""
    model = NegotiationModel(Rules(load_scenario(str(BILATERAL))), seed=seed)

    def check(seat, kind):
        round_ = seat.round + (kind == "respond")
        assert seat.plan(round_) == plain_plan(seat, round_)

    before_each_decision(model, check)
    model.run()
    assert model.round > 50, "the talks ended early: the long induction went unchecked"


@pytest.mark.parametrize(
    ("source", "overrides"),
    [
        (str(BILATERAL), []),
        ("baseline-2025", ["bargaining.breakdown=0.05", "bargaining.threat_breakdown=0.3"]),
    ],
    ids=["bilateral", "baseline-with-threats"],
)
def test_what_going_on_is_surely_worth_is_a_lower_bound(source, overrides):
    """A responder refuses without the induction below ``least_going_on``: it must never
    exceed what the induction gives by more than rounding, at any decision."""
    model = NegotiationModel(Rules(load_scenario(source, overrides)), seed=3)
    gaps = []

    def check(seat, kind):
        for round_ in (seat.round, seat.round + 1):
            least, going_on = seat.least_going_on(round_), seat.going_on(round_)
            assert least <= going_on + 1e-12
            gaps.append(going_on - least)

    before_each_decision(model, check)
    model.run()
    assert any(0.0 <= gap < 0.05 for gap in gaps), "the bound was never close: unchecked"
