"""What a scenario schedules after its last round is noted by validate, not refused."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from sim.cli.app import build_app
from sim.scenario.loading import bundled_scenarios, load_scenario
from sim.scenario.schedule import after_the_end


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_everything_a_bundled_scenario_schedules_can_happen(name):
    assert after_the_end(load_scenario(name)) == []


def test_a_shorter_game_names_each_thing_it_cuts_off_by_its_path():
    scenario = load_scenario("baseline-2025", ["rounds=6"])
    assert after_the_end(scenario) == [
        "events.apec-gyeongju.round: round 11 is after the last round (6): it never fires",
        "parties.us.signals.threats.troop-review-korea.deadline: round 9 is after the last "
        "round (6): it never comes due",
        "parties.japan.signals.outside_options.ftaap-japan.round: round 8 is after the last "
        "round (6): it is never pursued",
        "parties.korea.signals.outside_options.cptpp-korea.delay: round 8 is after the last "
        "round (6): it never pays off",
    ]


def test_validate_notes_what_never_happens_and_still_passes():
    overrides = ["--set", "rounds=10", "--set", "parties.japan.signals.tie_hands.0.round=11"]
    result = CliRunner().invoke(build_app(), ["validate", "baseline-2025", *overrides])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "baseline-2025: note: events.apec-gyeongju.round: round 11 is after the last round "
        "(10): it never fires",
        "baseline-2025: note: parties.japan.signals.tie_hands.0.round: round 11 is after the "
        "last round (10): it is never made",
        "baseline-2025: note: parties.japan.signals.outside_options.ftaap-japan.delay: round 11 "
        "is after the last round (10): it never pays off",
        "baseline-2025: ok",
    ]
