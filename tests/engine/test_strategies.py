"""The AI policies against the theory they come from."""

from __future__ import annotations

import pytest

from sim.engine.model import NegotiationModel
from sim.engine.strategies import BUILT_IN, concession_curve, make_policy, spec_problem
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


@pytest.mark.parametrize("name", ["boulware", "linear", "conceder"])
def test_time_dependent_proposals_follow_the_curve(name):
    """On a continuous issue against a hardliner, every proposal sits on the curve."""
    rounds = 11
    scenario = bilateral(
        [{"id": "share", "min": 0, "max": 1, "status_quo": 0.2}],
        {
            "patience": 1.0,
            "strategy": {"name": name},
            "preferences": {"share": {"weight": 1, "shape": "rising"}},
        },
        {
            "patience": 1.0,
            "strategy": {"name": "hardliner"},
            "preferences": {"share": {"weight": 1, "shape": "falling"}},
        },
        rounds=rounds,
    )
    model = NegotiationModel(scenario, seed=0)
    model.run()
    exponent = make_policy(name, {}).params["exponent"]
    floor = 0.2  # a's no-deal utility: the status quo share
    proposals = [o for o in model.talks["a-b"].history if o.proposer == "a"]
    assert len(proposals) == (rounds + 1) // 2
    for offer in proposals:
        t = (offer.round - 1) / (rounds - 1)
        expected = floor + (1 - t ** (1 / exponent)) * (1 - floor)
        assert offer.worth["a"] == pytest.approx(expected, abs=1e-9)


def test_boulware_holds_out_longer_than_a_conceder():
    def first_offer_below(name, level):
        scenario = bilateral(
            [{"id": "share", "min": 0, "max": 1, "status_quo": 0}],
            {
                "patience": 1.0,
                "strategy": {"name": name},
                "preferences": {"share": {"weight": 1, "shape": "rising"}},
            },
            {
                "patience": 1.0,
                "strategy": {"name": "hardliner"},
                "preferences": {"share": {"weight": 1, "shape": "falling"}},
            },
            rounds=21,
        )
        model = NegotiationModel(scenario)
        model.run()
        return next(
            o.round
            for o in model.talks["a-b"].history
            if o.proposer == "a" and o.worth["a"] < level
        )

    assert first_offer_below("boulware", 0.8) > first_offer_below("conceder", 0.8)


def test_tit_for_tat_mirrors_the_other_sides_concessions():
    """Against a linear conceder, tit-for-tat concedes; against a hardliner it does not."""

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
        model = NegotiationModel(scenario)
        model.run()
        return [o.worth["a"] for o in model.talks["a-b"].history if o.proposer == "a"]

    against_hardliner = tft_offers("hardliner")
    assert max(against_hardliner) - min(against_hardliner) < 1e-9
    against_linear = tft_offers("linear")
    assert against_linear[-1] < against_linear[0] - 0.05


def test_registry_and_parameter_checks():
    assert {"boulware", "linear", "conceder", "tit-for-tat", "hardliner", "equilibrium"} <= set(
        BUILT_IN
    )
    assert "unknown strategy 'greedy'" in spec_problem("greedy", {})
    assert "no parameter 'beta'" in spec_problem("linear", {"beta": 2})
    assert spec_problem("conceder", {"exponent": 3}) is None
    assert make_policy("conceder", {"exponent": 3}).params["exponent"] == 3
