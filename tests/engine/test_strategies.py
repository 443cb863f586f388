"""The AI policies against the theory they come from."""

from __future__ import annotations

import pytest

from sim.engine.model import NegotiationModel
from sim.engine.strategies import concession_curve, make_policy
from tests.factories import bilateral, split


@pytest.mark.parametrize(("d1", "d2"), [(0.9, 0.8), (0.8, 0.9), (0.95, 0.5), (0.6, 0.6)])
def test_equilibrium_gives_the_first_proposer_rubinsteins_share(d1, d2):
    model = NegotiationModel(split(d1, d2), seed=0)
    model.run()
    talks = model.talks["a-b"]
    assert talks.status == "agreed"
    assert talks.deal.round == 1
    assert talks.deal.package[0] == pytest.approx((1 - d2) / (1 - d1 * d2), abs=1e-6)


def test_equilibrium_refuses_a_multi_issue_track():
    scenario = bilateral(
        [
            {"id": "x", "min": 0, "max": 1, "status_quo": 0},
            {"id": "y", "min": 0, "max": 1, "status_quo": 0},
        ],
        {
            "patience": 0.9,
            "strategy": {"name": "equilibrium"},
            "preferences": {"x": {"weight": 1, "shape": "rising"}},
        },
        {"patience": 0.9, "preferences": {"y": {"weight": 1, "shape": "rising"}}},
    )
    with pytest.raises(ValueError, match="single-issue"):
        NegotiationModel(scenario)


@pytest.mark.parametrize("exponent", [0.2, 0.5, 1.0, 3.0, 5.0])
@pytest.mark.parametrize("k", [0.0, 0.1])
def test_concession_curve_is_faratins_formula(exponent, k):
    for n in range(11):
        t = n / 10
        alpha = k + (1 - k) * t ** (1 / exponent)
        expected = 0.25 + (1 - alpha) * (0.9 - 0.25)
        assert concession_curve(t, 0.25, 0.9, exponent, k) == pytest.approx(expected, abs=1e-12)


def one_share(name: str, other: str = "hardliner", rounds: int = 11, status_quo: float = 0.2):
    """a (playing ``name``) wants a large share of one continuous issue, b a small one."""
    return bilateral(
        [{"id": "share", "min": 0, "max": 1, "status_quo": status_quo}],
        {
            "patience": 1.0,
            "strategy": {"name": name},
            "preferences": {"share": {"weight": 1, "shape": "rising"}},
        },
        {
            "patience": 1.0,
            "strategy": {"name": other},
            "preferences": {"share": {"weight": 1, "shape": "falling"}},
        },
        rounds=rounds,
    )


def proposals_with_their_terms(scenario, party: str = "a"):
    """Play a game, noting at each of ``party``'s proposals its opening and priced ask."""
    model = NegotiationModel(scenario, seed=0)
    agent = model.countries[party]
    noted = []
    propose = agent.propose

    def noting(talks):
        seat = agent.seats[talks.track.id]
        noted.append((seat.round, seat.ask(seat.round), seat.top))
        return propose(talks)

    agent.propose = noting
    model.run()
    offers = [o for o in model.talks["a-b"].history if o.proposer == party]
    return model, list(zip(offers, noted, strict=True))


@pytest.mark.parametrize("name", ["boulware", "linear", "conceder"])
def test_time_dependent_proposals_follow_the_curve(name):
    """On a continuous issue, every proposal sits on Faratin's curve from the party's
    opening down to its priced ask."""
    exponent = make_policy(name, {}).params["exponent"]
    model, proposals = proposals_with_their_terms(one_share(name))
    assert len(proposals) >= 2
    for offer, (round_, ask, top) in proposals:
        t = (round_ - 1) / (model.rounds - 1)
        expected = ask + (1 - t ** (1 / exponent)) * (max(top, ask) - ask)
        assert offer.worth["a"] == pytest.approx(expected, abs=1e-9)


def test_boulware_holds_out_longer_than_a_conceder():
    """Same seed, same beliefs: round by round a Boulware party asks at least as much as a
    conceder, and more at some point."""

    def asks(name):
        model = NegotiationModel(one_share(name, rounds=21), seed=3)
        model.run()
        return [o.worth["a"] for o in model.talks["a-b"].history if o.proposer == "a"]

    boulware, conceder = asks("boulware"), asks("conceder")
    pairs = list(zip(boulware, conceder, strict=False))
    assert all(b >= c - 1e-9 for b, c in pairs)
    assert any(b > c + 1e-3 for b, c in pairs)


def test_tit_for_tat_mirrors_the_other_sides_concessions():
    """Tit-for-tat concedes more to a side that concedes than to one that never does."""

    def tft_offers(opponent):
        scenario = bilateral(
            [
                {"id": "share", "min": 0, "max": 1, "status_quo": 0.5},
                {"id": "trade", "min": 0, "max": 1, "status_quo": 0},
            ],
            {
                "patience": 1.0,
                "strategy": {"name": "tit-for-tat"},
                "preferences": {
                    "share": {"weight": 1, "shape": "rising"},
                    "trade": {"weight": 1, "shape": "rising"},
                },
            },
            {
                "patience": 1.0,
                "strategy": {"name": opponent},
                "preferences": {
                    "share": {"weight": 1, "shape": "falling"},
                    "trade": {"weight": 1, "shape": "rising"},
                },
            },
            rounds=12,
        )
        model = NegotiationModel(scenario, seed=0)
        model.run()
        return [o.worth["a"] for o in model.talks["a-b"].history if o.proposer == "a"]

    against_hardliner = tft_offers("hardliner")
    against_linear = tft_offers("linear")
    gave_hardliner = against_hardliner[0] - min(against_hardliner)
    gave_linear = against_linear[0] - min(against_linear)
    assert gave_linear > gave_hardliner
