"""Each game's own bottom lines: a limit with a spread is drawn per game (a party's room)."""

from __future__ import annotations

import collections

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine.model import NegotiationModel
from sim.engine.rules import ROOMS, Rules
from sim.engine.utility import IssueSpace, Limits
from sim.results.briefing import role_sheet
from sim.scenario.loading import load_scenario
from sim.scenario.models import BottomLine, Issue
from tests.factories import bilateral

TARIFF = Issue(id="tariff", name="Tariff", track="t", min=0, max=50, step=1, status_quo=25)
SPACE = IssueSpace.of(TARIFF)
BASELINE = Rules(load_scenario("baseline-2025"))


def bounds(line: BottomLine, room: float) -> tuple[float, float]:
    return Limits.of({"tariff": line}, (SPACE,), room).bounds[0]


def test_room_moves_a_limit_by_its_spread_onto_the_grid_away_from_the_written_value():
    line = BottomLine(max=25, spread=3)
    assert [bounds(line, room)[1] for room in ROOMS] == [22, 25, 28]
    assert bounds(line, 0.5)[1] == 27  # half a spread, 26.5, rounds away from 25
    low = BottomLine(min=10, spread=3)
    assert [bounds(low, room)[0] for room in ROOMS] == [13, 10, 7]
    assert bounds(BottomLine(max=25), 1.0) == (0, 25)  # no spread: as written


def test_room_stays_inside_the_range_and_a_min_never_passes_its_max():
    assert bounds(BottomLine(max=48, spread=5), 1.0)[1] == 50
    lo, hi = bounds(BottomLine(min=20, max=22, spread=4), -1.0)
    assert lo == hi == 21


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32))
def test_a_game_draws_its_bottom_lines_from_its_seed_and_plays_inside_them(seed):
    model = NegotiationModel(BASELINE, seed=seed, collect=False)
    again = NegotiationModel(BASELINE, seed=seed, collect=False)
    assert model.rooms == again.rooms and set(model.rooms) == {"us", "japan", "korea"}
    for party, room in model.rooms.items():
        for track, limits in BASELINE.rooms[party][room].items():
            assert model.world.bottom_lines[(party, track)] == limits
    model.run()
    for talks in model.talks.values():
        for offer in talks.history:
            own = model.world.bottom_lines[(offer.proposer, talks.track.id)]
            assert own.allow(offer.package), (offer.proposer, offer)


def test_every_level_of_room_comes_up_about_as_often():
    drawn = collections.Counter(
        NegotiationModel(BASELINE, seed=seed, collect=False).rooms["japan"] for seed in range(500)
    )
    assert sorted(drawn) == list(range(len(ROOMS)))
    assert max(drawn.values()) < 2 * min(drawn.values())


def test_a_scenario_without_spreads_draws_nothing():
    scenario = bilateral(
        [{"id": "x", "min": 0, "max": 10, "status_quo": 5}],
        {"patience": 0.9, "preferences": {"x": {"weight": 1, "shape": "rising"}}},
        {"patience": 0.9, "preferences": {"x": {"weight": 1, "shape": "falling"}}},
    )
    model = NegotiationModel(scenario, seed=3)
    assert model.rooms == {} and model.world.bottom_lines == model.rules.limits


def test_the_role_sheet_of_a_game_gives_its_own_limit_and_a_sheet_for_no_game_the_range():
    rooms = next(
        NegotiationModel(BASELINE, seed=s, collect=False).rooms
        for s in range(50)
        if NegotiationModel(BASELINE, seed=s, collect=False).rooms["japan"] == 2
    )
    assert "| Japan's investment pledge in the US | at most 650 $bn |" in role_sheet(
        BASELINE, "japan", rooms
    )
    assert "| Japan's investment pledge in the US | at most 550 $bn to 650 $bn |" in role_sheet(
        BASELINE, "japan"
    )


def test_a_spread_needs_a_numeric_limit():
    from sim.scenario.loading import ScenarioError

    with pytest.raises(ScenarioError, match="a spread moves a min or a max"):
        load_scenario("baseline-2025", ["parties.japan.bottom_lines.jp_lng={spread: 2}"])


def test_a_briefing_draws_the_rooms_its_game_will_draw_from_the_seed_alone():
    """The briefing is shown while the game is built: it draws the rooms from
    ``Random(seed)``, which must be the model's generator's first draws."""
    from random import Random

    for seed in range(20):
        game = NegotiationModel(BASELINE, seed=seed, collect=False)
        assert BASELINE.draw_rooms(Random(seed)) == game.rooms
