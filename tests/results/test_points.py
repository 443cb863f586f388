"""Points per issue and the score sheet: what a team adds up to price a package."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine.rules import Rules
from sim.engine.world import World
from sim.results.points import issue_points, score_sheet
from sim.scenario.loading import load_scenario
from tests.factories import CLASSROOM

BASELINE = Rules(load_scenario("baseline-2025"))
SMALL = Rules(load_scenario(CLASSROOM))
SEATS = [
    (rules, track, party)
    for rules in (BASELINE, SMALL)
    for track in rules.tracks
    for party in track.parties
]


def seat_id(seat) -> str:
    rules, track, party = seat
    return f"{'baseline' if rules is BASELINE else 'small'}-{track.id}-{party}"


def sheet_of(rules: Rules, track, party: str):
    world = World(rules)
    status_quo = tuple(world.status_quo[i] for i in track.issue_ids)
    valuation = world.valuation(party, track.id)
    limits = rules.limits[(party, track.id)]
    return valuation, score_sheet(valuation, track.spaces, limits, status_quo, world.no_deal(track))


@st.composite
def packages(draw):
    """A seat and any package on its track's grid."""
    rules, track, party = draw(st.sampled_from(SEATS))
    package = tuple(draw(st.sampled_from(space.grid(21))) for space in track.spaces)
    return World(rules).valuation(party, track.id), package


@settings(max_examples=200, deadline=None)
@given(packages())
def test_a_packages_points_add_up_to_100_times_its_utility(case):
    valuation, package = case
    points = issue_points(valuation, package)
    assert sum(points) == pytest.approx(100 * valuation(package), abs=1e-9)
    most = [100 * weight for weight, _ in valuation.terms]
    assert all(-1e-9 <= p <= m + 1e-9 for p, m in zip(points, most, strict=True))


@pytest.mark.parametrize("seat", SEATS, ids=seat_id)
def test_the_sheet_runs_from_the_best_value_down_in_the_partys_direction(seat):
    rules, track, party = seat
    valuation, sheets = sheet_of(rules, track, party)
    weighed = [space.id for (w, _), space in zip(valuation.terms, track.spaces, strict=True) if w]
    assert sorted(s.space.id for s in sheets) == sorted(weighed)
    assert [s.most for s in sheets] == sorted((s.most for s in sheets), reverse=True)
    for sheet in sheets:
        points = [row.points for row in sheet.rows]
        assert points == sorted(points, reverse=True)
        assert sheet.rows[0].notes[0] == "your best"
        assert sheet.rows[0].points <= sheet.most + 1e-9
        preference = rules.parties[party].preferences[sheet.space.id]
        values = [row.value for row in sheet.rows]
        # Along the party's direction, fewer points the further the value goes.
        if preference.shape == "falling":
            assert values == sorted(values)
        elif preference.shape == "rising":
            assert values == sorted(values, reverse=True)
        notes = {note for row in sheet.rows for note in row.notes}
        assert {"today", "if no deal"} <= notes


def test_the_sheet_marks_the_bottom_line_today_and_no_deal():
    track = SMALL.track["us-japan"]
    _, sheets = sheet_of(SMALL, track, "japan")
    tariff = next(s for s in sheets if s.space.id == "jp_tariff")
    rows = {tariff.space.show(r.value): (round(r.points, 1), r.notes) for r in tariff.rows}
    assert rows["0%"] == (36.4, ("your best",))
    assert rows["24%"] == (18.9, ("today",))
    assert rows["25%"] == (18.2, ("your limit", "if no deal"))
    assert len(rows) == 5  # best, two between, today, the limit (no deal is the limit)
    pledge = next(s for s in sheets if s.space.id == "jp_investment")  # peaked at 300
    assert pledge.rows[0].value == 300 and pledge.space.show(pledge.rows[-1].value) == "0 $bn"
