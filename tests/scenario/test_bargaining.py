"""The decision model's numbers in a scenario: curve, the bargaining section, beliefs.

The engine reads them; here only what a file may say is checked — bounds, the curve of
numeric issues only, the defaults an omitted section takes — and that baseline-2025 spells
its judgments out.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sim.scenario.bargaining import Bargaining, Beliefs
from sim.scenario.loading import ScenarioError, load_scenario, read_yaml, resolve
from tests.factories import BAD_SCENARIOS, bilateral

BASE = BAD_SCENARIOS / "base.yaml"
NUMERIC = {"id": "tariff", "min": 0, "max": 20, "status_quo": 10}
BOOLEAN = {"id": "deal", "kind": "boolean", "status_quo": False}
CATEGORICAL = {"id": "venue", "kind": "categorical", "options": ["north", "south"]}


def two_parties(a: dict, b: dict, issues: tuple[dict, ...] = ()):
    """A bilateral game over a numeric tariff and ``issues``; ``a`` and ``b`` are preferences."""
    return bilateral(
        [NUMERIC, *issues], {"patience": 0.9, "preferences": a}, {"patience": 0.9, "preferences": b}
    )


RISING = {"weight": 1, "shape": "rising"}
FALLING = {"weight": 1, "shape": "falling"}


@pytest.mark.parametrize(
    ("issue", "values"),
    [
        (BOOLEAN, {"true": 1, "false": 0}),
        ({**CATEGORICAL, "status_quo": "north"}, {"north": 1, "south": 0}),
    ],
)
def test_curve_bends_numeric_issues_only(issue, values):
    kind = issue["kind"]

    def scenario(curve: float):
        valued = {"weight": 1, "values": values, "curve": curve}
        return two_parties({"tariff": RISING, issue["id"]: valued}, {"tariff": FALLING}, (issue,))

    with pytest.raises(ValidationError) as caught:
        scenario(0.5)
    [error] = caught.value.errors()
    assert error["loc"] == ("parties", 0, "preferences", issue["id"], "curve")
    assert error["msg"] == f"issue {issue['id']!r} is {kind}: curve applies to numeric issues only"
    assert scenario(1).party("a").preferences[issue["id"]].curve == 1


@pytest.mark.parametrize("shape", ["rising", "falling"])
def test_curve_is_a_number_of_each_numeric_preference(shape):
    scenario = two_parties(
        {"tariff": {"weight": 2, "shape": shape, "curve": 0.4}}, {"tariff": FALLING}
    )
    assert scenario.party("a").preferences["tariff"].curve == 0.4
    assert scenario.party("b").preferences["tariff"].curve == 1, "linear unless bent"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("parties.alpha.preferences.tariff.curve=0", "must be greater than 0, got 0"),
        ("parties.alpha.preferences.tariff.curve=1.5", "must be at most 1, got 1.5"),
        ("bargaining.breakdown=1.2", "must be at most 1, got 1.2"),
        ("bargaining.threat_breakdown=-0.1", "must be at least 0, got -0.1"),
        ("bargaining.sharpness=0", "must be greater than 0, got 0"),
        ("bargaining.refusal_weight=2", "must be at most 1, got 2"),
        ("parties.alpha.beliefs.reading=4", "must be at most 3, got 4"),
        ("parties.alpha.beliefs.optimism=-2", "must be at least -1, got -2"),
        ("parties.alpha.beliefs.width=0", "must be greater than 0, got 0"),
        ("bargaining.brekdown=0.1", "unknown key 'brekdown' — did you mean 'breakdown'?"),
    ],
)
def test_numbers_out_of_bounds_are_refused_where_they_are_set(override, message):
    with pytest.raises(ScenarioError) as caught:
        load_scenario(BASE, [override])
    [problem] = caught.value.problems
    assert (problem.file, problem.path) == ("--set", override.partition("=")[0])
    assert problem.message == message


def test_a_scenario_without_the_sections_takes_the_defaults():
    scenario = load_scenario(BASE)
    assert scenario.bargaining == Bargaining()
    assert scenario.bargaining.breakdown == 0 and scenario.bargaining.threat_breakdown == 0
    assert all(party.beliefs == Beliefs() for party in scenario.parties)
    assert {pref.curve for party in scenario.parties for pref in party.preferences.values()} == {1}


def test_the_baseline_writes_its_judgments_out():
    """Authors copy the baseline: every number of the decision model is spelt out in it."""
    data, _ = read_yaml(resolve("baseline-2025"))
    assert set(data["bargaining"]) == set(Bargaining.model_fields)
    for party in data["parties"]:
        assert set(party["beliefs"]) == set(Beliefs.model_fields), party["id"]
        for issue, preference in party["preferences"].items():
            assert 0.4 <= preference["curve"] <= 0.8, (party["id"], issue)
    scenario = load_scenario("baseline-2025")
    assert 0 < scenario.bargaining.breakdown < scenario.bargaining.threat_breakdown
