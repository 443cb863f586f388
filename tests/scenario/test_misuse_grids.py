"""Misuse, class 3: grids that explode and numbers that break the arithmetic.

A scenario states how much work a game is (each issue's values, each track's packages) and
the numbers its utilities are made of; the schema bounds both, naming the limit, so a game
never hangs and every utility stays in [0, 1]. The analysis bounds its own work too.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from typer.testing import CliRunner

from sim.engine.model import NegotiationModel
from sim.engine.rules import Rules
from sim.engine.world import World
from sim.results.analysis import FRONTIER_POINTS, analyse, pareto_frontier
from sim.scenario.base import ISSUE_VALUES, MAGNITUDE, SENSITIVITY, TRACK_PACKAGES, WEIGHT
from sim.scenario.loading import ScenarioError, bundled_scenarios, load_scenario
from tests.factories import bilateral
from tui.cli import build_cli


def problems(overrides: list[str], scenario: str = "baseline-2025") -> str:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(scenario, overrides)
    return str(caught.value)


@pytest.mark.parametrize(
    ("overrides", "limit"),
    [
        (["issues.jp_investment.step=0.001"], f"at most {ISSUE_VALUES:,}"),
        (["issues.jp_investment.step=1e-320"], f"at most {ISSUE_VALUES:,}"),
        (["issues.jp_lng.max=3e301"], "at most 1e+12"),
        (
            ["issues.jp_lng.max=1e308", "issues.jp_lng.min=-1e308", "issues.jp_lng.step=null"],
            "1e+12",
        ),
        (["parties.korea.security.kr_troops=1e308"], f"at most {SENSITIVITY:g}"),
        (["parties.korea.security.kr_troops=-20"], "at least 0"),
        (["parties.us.preferences.jp_tariff.weight=1e308"], f"at most {WEIGHT:.0f}"),
        (["events.steel-50.effects.0.set=1e308"], "at most 1e+12"),
    ],
)
def test_a_number_past_a_limit_is_refused_naming_the_limit(overrides, limit):
    text = problems(overrides)
    assert limit in text, text
    assert all(re.search(r"at (most|least) ", line) for line in text.splitlines()), text


def test_a_track_of_fifty_issues_of_a_thousand_values_is_refused():
    issues = [{"id": f"x{n}", "min": 0, "max": 1000, "step": 1, "status_quo": 0} for n in range(50)]
    rising = {i["id"]: {"weight": 1, "shape": "rising"} for i in issues}
    falling = {i["id"]: {"weight": 1, "shape": "falling"} for i in issues}
    with pytest.raises(
        ValidationError, match=re.escape(f"a track may offer at most {TRACK_PACKAGES:.0e}")
    ):
        bilateral(
            issues,
            {"patience": 0.9, "preferences": rising},
            {"patience": 0.9, "preferences": falling},
        )


def test_run_refuses_an_exploding_grid_at_once_in_one_line():
    result = CliRunner().invoke(
        build_cli(), ["run", "baseline-2025", "--set", "issues.jp_investment.step=0.001"]
    )
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "at most 10,001" in result.output


def test_every_bundled_scenario_is_well_inside_the_limits():
    for name in bundled_scenarios():
        scenario = load_scenario(name)
        packages = dict.fromkeys((t.id for t in scenario.tracks), 1.0)
        for issue in scenario.issues:
            assert issue.value_count * 10 <= ISSUE_VALUES, (name, issue.id)
            assert abs(issue.min or 0) < MAGNITUDE and abs(issue.max or 0) < MAGNITUDE
            packages[issue.track] *= issue.value_count
        assert max(packages.values()) * 100 <= TRACK_PACKAGES, name


def test_the_frontier_of_a_huge_track_is_bounded_and_keeps_each_sides_best():
    size = 5_001  # two issues of 5,001 values, wanted in opposite directions
    issues = [{"id": f"x{n}", "min": 0, "max": 5000, "step": 1, "status_quo": 0} for n in range(2)]
    a = {
        "x0": {"weight": 1, "shape": "rising", "curve": 0.5},
        "x1": {"weight": 2, "shape": "rising"},
    }
    b = {
        "x0": {"weight": 3, "shape": "falling"},
        "x1": {"weight": 1, "shape": "falling", "curve": 0.7},
    }
    scenario = bilateral(
        issues, {"patience": 0.9, "preferences": a}, {"patience": 0.9, "preferences": b}
    )
    assert all(issue.value_count == size for issue in scenario.issues)
    rules = Rules(scenario)
    world = World(rules)
    track = rules.tracks[0]
    va, vb = (world.valuation(p, track.id) for p in track.parties)
    frontier = pareto_frontier(va, vb, track.spaces)
    assert len(frontier.ua) <= FRONTIER_POINTS
    assert frontier.ua.max() == pytest.approx(1.0) and frontier.ub.max() == pytest.approx(1.0)
    for k in (0, len(frontier.ua) // 2, len(frontier.ua) - 1):
        package = frontier.package(k)
        assert (va(package), vb(package)) == pytest.approx((frontier.ua[k], frontier.ub[k]))


@settings(max_examples=10, deadline=None)
@given(
    weights=st.lists(st.floats(1e-300, WEIGHT), min_size=3, max_size=3),
    sensitivities=st.lists(st.floats(0, SENSITIVITY), min_size=3, max_size=3),
    threat=st.floats(0, 1),
)
def test_utilities_stay_in_0_1_for_any_weights_and_sensitivities_the_schema_allows(
    weights, sensitivities, threat
):
    issues = ["jp_tariff", "jp_autos", "jp_steel"]
    overrides = [f"security.threat={threat!r}"]
    for party in ("us", "japan"):
        for issue, weight, s in zip(issues, weights, sensitivities, strict=True):
            overrides.append(f"parties.{party}.preferences.{issue}.weight={weight!r}")
            overrides.append(f"parties.{party}.security.{issue}={s!r}")
    model = NegotiationModel(load_scenario("baseline-2025", overrides), seed=1)
    model.run()
    outcome = analyse(model).to_dict()
    for party in outcome["parties"].values():
        assert 0 <= party["utility"] <= 1 and 0 <= party["batna"] <= 1
        assert party["score"] <= 100
    for track in outcome["tracks"].values():
        assert all(0 <= u <= 1 for u in track["utility"].values())
