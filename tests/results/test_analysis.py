"""The analysis: exact Pareto frontiers and Nash solutions, checked against brute force.

Small tracks are enumerated package by package (``itertools.product`` over every issue's
grid) and valued through ``Valuation.__call__``, an independent path from the frontier's
vectorised one; the frontier and the Nash solution must agree with that enumeration.
"""

import json
from itertools import product
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from sim.engine.model import NegotiationModel
from sim.engine.rules import Rules
from sim.engine.talks import Offer
from sim.engine.utility import EPS, IssueSpace, Valuation, ValueFunction
from sim.engine.world import World
from sim.results.analysis import (
    SCREENED,
    _pruned,
    _undominated,
    analyse,
    distance_to_frontier,
    nash_solution,
    pareto_frontier,
    party_result,
)
from sim.scenario.loading import load_scenario
from sim.scenario.models import Issue, Preference, Scenario

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "baseline-2025.yaml"
TOL = 1e-9


def two_party(issues: list[dict], alpha: dict, beta: dict, **alpha_extra) -> Scenario:
    """A one-track scenario: alpha and beta bargain over ``issues`` with these preferences."""
    for issue in issues:
        issue.setdefault("track", "a-b")
        issue.setdefault("name", issue["id"].title())
    return Scenario.model_validate(
        {
            "title": "Test",
            "rounds": 10,
            "parties": [
                {
                    "id": "alpha",
                    "name": "Alpha",
                    "patience": 0.9,
                    "preferences": alpha,
                    **alpha_extra,
                },
                {"id": "beta", "name": "Beta", "patience": 0.8, "preferences": beta},
            ],
            "tracks": [{"id": "a-b", "name": "Alpha–Beta", "parties": ["alpha", "beta"]}],
            "issues": issues,
        }
    )


LOGROLL = two_party(
    [
        {"id": "tariff", "min": 0, "max": 25, "step": 2.5, "status_quo": 10},
        {"id": "quota", "min": 0, "max": 100, "step": 10, "status_quo": 50},
    ],
    {"tariff": {"weight": 2, "shape": "falling"}, "quota": {"weight": 1, "shape": "rising"}},
    {"tariff": {"weight": 1, "shape": "rising"}, "quota": {"weight": 3, "shape": "falling"}},
)
PEAKED = two_party(
    [
        {"id": "defense", "min": 1, "max": 5, "step": 0.1, "status_quo": 1.8},
        {"id": "troops", "min": 20, "max": 30, "step": 0.5, "status_quo": 28},
        {"id": "lng", "min": 0, "max": 30, "step": 2.5, "status_quo": 5},
    ],
    {
        "defense": {"weight": 3, "shape": "peaked", "ideal": 2.25},
        "troops": {"weight": 2, "shape": "rising"},
        "lng": {"weight": 1, "shape": "peaked", "ideal": 12},
    },
    {
        "defense": {"weight": 2, "shape": "rising"},
        "troops": {"weight": 1, "shape": "falling"},
        "lng": {"weight": 2, "shape": "rising"},
    },
)
OPTIONS = two_party(
    [
        {
            "id": "venue",
            "kind": "categorical",
            "options": ["tokyo", "seoul", "dc"],
            "status_quo": "dc",
        },
        {"id": "pact", "kind": "boolean", "status_quo": False},
        {"id": "quota", "min": 0, "max": 100, "status_quo": 50},  # continuous
    ],
    {
        "venue": {"weight": 1, "values": {"tokyo": 1, "seoul": 0.6, "dc": 0}},
        "pact": {"weight": 2, "values": {"true": 1, "false": 0.2}},
        "quota": {"weight": 2, "shape": "rising"},
    },
    {
        "venue": {"weight": 2, "values": {"tokyo": 0, "seoul": 0.7, "dc": 1}},
        "quota": {"weight": 3, "shape": "falling"},
    },
)
HAND_MADE = {"logroll": LOGROLL, "peaked": PEAKED, "options": OPTIONS}
POINTS = 9  # grid points standing for a continuous issue: keeps brute force small


def track_of(scenario: Scenario):
    """The track, both valuations and the no-deal utilities of a one-track scenario."""
    rules = Rules(scenario)
    world = World(rules)
    track = rules.tracks[0]
    a, b = (world.valuation(p, track.id) for p in track.parties)
    no_deal = world.no_deal(track)
    return track, a, b, (a(no_deal), b(no_deal))


def brute_force(a: Valuation, b: Valuation, spaces, points: int = POINTS):
    """Every package of a track and both utilities of each, by enumeration."""
    packages = list(product(*(space.grid(points) for space in spaces)))
    return packages, np.array([a(p) for p in packages]), np.array([b(p) for p in packages])


def best_nash_product(ua, ub, da, db) -> float | None:
    feasible = (ua >= da - EPS) & (ub >= db - EPS)
    if not feasible.any():
        return None
    return float(np.max((np.maximum(ua - da, 0) * np.maximum(ub - db, 0))[feasible]))


def check_nash(a, b, spaces, da, db) -> None:
    frontier = pareto_frontier(a, b, spaces, POINTS)
    _, ua, ub = brute_force(a, b, spaces)
    point = nash_solution(frontier, da, db)
    expected = best_nash_product(ua, ub, da, db)
    if expected is None:
        assert point is None
        return
    assert point is not None
    assert (point.ua - da) * (point.ub - db) == pytest.approx(expected, abs=TOL)
    assert a(point.package) == pytest.approx(point.ua, abs=TOL)
    assert b(point.package) == pytest.approx(point.ub, abs=TOL)
    for x, space in zip(point.package, spaces, strict=True):
        assert any(abs(x - g) < 1e-9 for g in space.grid(POINTS))


def check_frontier(a, b, spaces) -> None:
    frontier = pareto_frontier(a, b, spaces, POINTS)
    _, ua, ub = brute_force(a, b, spaces)
    fa, fb = frontier.ua[:, None], frontier.ub[:, None]
    assert np.all(np.diff(frontier.ua) > 0) and np.all(np.diff(frontier.ub) < 0)
    beaten = (ua >= fa - TOL) & (ub >= fb - TOL) & ((ua > fa + TOL) | (ub > fb + TOL))
    assert not beaten.any(), "a package dominates a frontier point"
    covered = ((fa >= ua - TOL) & (fb >= ub - TOL)).any(axis=0)
    assert covered.all(), "a package is not weakly dominated by the frontier"
    for k in range(len(frontier)):
        package = frontier.package(k)
        assert (a(package), b(package)) == pytest.approx((frontier.ua[k], frontier.ub[k]))


@pytest.mark.parametrize("name", sorted(HAND_MADE))
def test_frontier_matches_brute_force_on_hand_made_tracks(name):
    track, a, b, _ = track_of(HAND_MADE[name])
    check_frontier(a, b, track.spaces)


@pytest.mark.parametrize("name", sorted(HAND_MADE))
@pytest.mark.parametrize("disagreement", ["no-deal", (0.0, 0.0), (0.4, 0.3), (0.99, 0.99)])
def test_nash_matches_brute_force_on_hand_made_tracks(name, disagreement):
    track, a, b, no_deal = track_of(HAND_MADE[name])
    da, db = no_deal if disagreement == "no-deal" else disagreement
    check_nash(a, b, track.spaces, da, db)


def test_nash_of_the_logroll_gives_each_side_its_heavier_issue():
    track, a, b, no_deal = track_of(LOGROLL)
    point = nash_solution(pareto_frontier(a, b, track.spaces), *no_deal)
    assert track.decode(point.package) == {"tariff": 0.0, "quota": 0.0}


def test_no_zone_of_agreement_gives_no_nash_point():
    track, a, b, _ = track_of(LOGROLL)
    assert nash_solution(pareto_frontier(a, b, track.spaces), 0.9, 0.9) is None


@st.composite
def random_tracks(draw):
    """2–3 numeric issues with 3–7 grid values, random shapes and weights for two parties."""
    spaces, values, weights = [], ({}, {}), ({}, {})
    for n in range(draw(st.integers(2, 3))):
        step = draw(st.sampled_from([0.5, 1.0, 2.5]))
        lo = draw(st.sampled_from([0.0, 1.0, 10.0]))
        hi = lo + step * (draw(st.integers(3, 7)) - 1)
        issue = Issue(
            id=f"i{n}", name=f"Issue {n}", track="t", min=lo, max=hi, step=step, status_quo=lo
        )
        spaces.append(IssueSpace.of(issue))
        for side in (0, 1):
            shape = draw(st.sampled_from(["rising", "falling", "peaked"]))
            ideal = draw(st.floats(lo, hi)) if shape == "peaked" else None
            pref = Preference(weight=1.0, shape=shape, ideal=ideal)
            values[side][issue.id] = ValueFunction.of(issue, pref)
            weight = draw(st.one_of(st.just(0.0), st.floats(0.1, 10.0)))
            if weight:
                weights[side][issue.id] = weight
    ids = tuple(s.id for s in spaces)
    a, b = (Valuation.of(weights[s], values[s], ids) for s in (0, 1))
    return a, b, tuple(spaces)


@settings(max_examples=60, deadline=None)
@given(random_tracks(), st.data())
def test_nash_matches_brute_force_on_random_tracks(track, data):
    a, b, spaces = track
    if data.draw(st.booleans()):
        da, db = data.draw(st.floats(0, 1)), data.draw(st.floats(0, 1))
    else:  # the utilities of some package: always a zone of agreement
        package = tuple(data.draw(st.sampled_from(s.grid())) for s in spaces)
        da, db = a(package), b(package)
    check_nash(a, b, spaces, da, db)


@settings(max_examples=60, deadline=None)
@given(random_tracks())
def test_frontier_matches_brute_force_on_random_tracks(track):
    check_frontier(*track)


@st.composite
def merges(draw) -> tuple[np.ndarray, np.ndarray]:
    """The candidates of a frontier step too big to sort whole: a frontier so far plus each
    value of an issue, on coarse grids (exact ties) or opposed with float-error noise."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n, m = draw(st.integers(50, 400)), draw(st.integers(SCREENED // 50 + 1, 200))
    if draw(st.booleans()):
        levels = draw(st.integers(2, 60))
        fa, fb, ca, cb = (rng.integers(0, levels, k) / levels for k in (n, n, m, m))
    else:
        noise = draw(st.sampled_from([0.0, 1e-13, 1e-12, 1e-10]))
        fa, ca = rng.random(n), rng.random(m)
        fb, cb = 1 - fa + rng.normal(0, noise, n), -ca + rng.normal(0, noise, m)
    return (fa[:, None] + ca).ravel(), (fb[:, None] + cb).ravel()


@settings(max_examples=40, deadline=None)
@given(merges())
def test_screening_a_big_merge_keeps_what_sorting_all_of_it_keeps(merge):
    ua, ub = merge
    assert len(ua) > SCREENED
    assert np.array_equal(_undominated(ua, ub), _pruned(ua, ub))


def test_distance_to_frontier():
    track, a, b, no_deal = track_of(PEAKED)
    frontier = pareto_frontier(a, b, track.spaces)
    for k in range(0, len(frontier), 7):
        assert distance_to_frontier(frontier, frontier.ua[k], frontier.ub[k]) == 0.0
    assert distance_to_frontier(frontier, 2.0, 2.0) == 0.0  # beyond the frontier
    middle = len(frontier) // 2
    inside = (frontier.ua[middle] - 0.05, frontier.ub[middle] - 0.05)
    assert 0 < distance_to_frontier(frontier, *inside) <= np.hypot(0.05, 0.05) + TOL
    assert distance_to_frontier(frontier, *no_deal) > 0


def test_frontiers_are_cached_by_value_and_read_only():
    track, a, b, _ = track_of(PEAKED)
    _, a2, b2, _ = track_of(PEAKED)  # equal valuations from another game's rules
    frontier = pareto_frontier(a, b, track.spaces)
    assert pareto_frontier(a2, b2, track.spaces) is frontier
    assert pareto_frontier(b, a, track.spaces) is not frontier
    with pytest.raises(ValueError):
        frontier.ua[0] = 1.0


@pytest.fixture(scope="module")
def baseline() -> Scenario:
    return Scenario.model_validate(YAML(typ="safe").load(BASELINE.read_text(encoding="utf-8")))


def test_analysis_of_a_baseline_game(baseline):
    model = NegotiationModel(Rules(baseline), seed=1)
    model.run()
    result = analyse(model)
    assert {t.track for t in result.tracks} == {"us-japan", "us-korea"}
    for party in result.parties:
        assert party.score <= 100 + TOL
        assert party.batna <= party.best + TOL
        assert party.score <= party.undiscounted + TOL  # a late deal scores less
        assert party.bottom_lines_kept and party.breaches == []  # every party is an AI
    for track in result.tracks:
        assert track.frontier and track.distance_to_frontier >= 0
        if track.nash_utility is not None:
            assert all(track.nash_utility[p] >= track.batna[p] - EPS for p in track.parties)
        if track.status == "agreed":
            assert track.deal_round is not None and set(track.package) == set(
                model.rules.track[track.track].issue_ids
            )
    text = json.dumps(result.to_dict(), allow_nan=False)
    again = NegotiationModel(Rules(baseline), seed=1)
    again.run()
    assert json.dumps(analyse(again).to_dict(), allow_nan=False) == text


def test_a_game_without_deals_scores_zero(baseline):
    result = analyse(NegotiationModel(Rules(baseline), seed=1))  # nothing played: all open
    for party in result.parties:
        assert party.utility == pytest.approx(party.batna) and party.score == pytest.approx(0)
    for track in result.tracks:
        assert track.package is None and track.deal_round is None
        assert track.utility == track.batna


def test_a_deal_is_discounted_and_checked_against_bottom_lines():
    scenario = two_party(
        LOGROLL.model_dump()["issues"],
        {"tariff": {"weight": 2, "shape": "falling"}, "quota": {"weight": 1, "shape": "rising"}},
        {"tariff": {"weight": 1, "shape": "rising"}, "quota": {"weight": 3, "shape": "falling"}},
        bottom_lines={"tariff": {"max": 20}},
        reservation={"a-b": 0.5},
    )
    model = NegotiationModel(Rules(scenario), seed=1)
    talks = model.talks["a-b"]
    package = (25.0, 0.0)  # beyond alpha's tariff limit, worth 0 to alpha
    worth = {p: model.world.valuation(p, "a-b")(package) for p in ("alpha", "beta")}
    talks.close("agreed", 3, Offer(3, "a-b", "beta", package, worth))
    alpha, beta = analyse(model).parties
    assert not alpha.bottom_lines_kept and len(alpha.breaches) == 2
    assert "Tariff 25 is above the bottom line 20" in alpha.breaches[0].text
    assert "reservation" in alpha.breaches[1].text
    # each breach costs the scenario's default 10 points, off both figures
    assert [b.cost for b in alpha.breaches] == [10.0, 10.0]
    raw = 100 * (alpha.utility - alpha.batna) / (alpha.best - alpha.batna)
    assert alpha.score == pytest.approx(raw - 20)
    assert beta.bottom_lines_kept
    # the no-deal world holds until round 3; the deal's gain over it is discounted by δ²
    assert beta.utility == pytest.approx(beta.batna + 0.8**2 * (worth["beta"] - beta.batna))
    # 100 is the best beta could get within alpha's bottom lines: its tariff limit and its
    # floor (reservation 0.5, or no deal if higher), found here by trying every package
    world, track = model.world, model.rules.track["a-b"]
    alpha_value, beta_value = world.valuation("alpha", "a-b"), world.valuation("beta", "a-b")
    alpha_floor = world.floor("alpha", track)
    best = max(
        beta_value((x, y))
        for x in track.spaces[0].grid()
        for y in track.spaces[1].grid()
        if x <= 20 and alpha_value((x, y)) >= alpha_floor - EPS
    )
    assert beta.best == pytest.approx(best)
    assert beta.score == pytest.approx(100 * (beta.utility - beta.batna) / (best - beta.batna))
    undiscounted = 100 * (worth["beta"] - beta.batna) / (best - beta.batna)
    assert beta.undiscounted == pytest.approx(undiscounted)


def test_a_deal_the_frontier_missed_is_the_best_there_was_not_a_score_past_100():
    """A security shock makes Japan's weights extreme: the frontier, built at the end's
    floors, then finds nothing better than no deal, while the deal Japan struck earlier kept
    the US's bottom lines and was worth more. That deal is what Japan could get: its score
    is in 0..100 (it read 0, "nothing to gain"; with other draws, 306)."""
    issues = ["jp_tariff", "jp_autos", "jp_steel"]
    overrides = ["security.threat=1.0"]
    for party in ("us", "japan"):
        for issue, weight, s in zip(issues, (33610.0, 1.0, 49404.0), (2.0, 0.0, 0.0), strict=True):
            overrides.append(f"parties.{party}.preferences.{issue}.weight={weight!r}")
            overrides.append(f"parties.{party}.security.{issue}={s!r}")
    model = NegotiationModel(load_scenario("baseline-2025", overrides), seed=4)
    model.run()
    talks = model.talks["us-japan"]
    assert talks.status == "agreed"
    result = party_result(model.world, model.talks, "japan")
    assert result.utility > result.batna
    assert result.best >= model.world.valuation("japan", "us-japan")(talks.deal.package) - EPS
    assert 0 < result.score <= 100 and result.undiscounted <= 100 + EPS
