"""An issue's short name: what the scenario says, or its id in words, and never a game's number."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sim.engine.model import NegotiationModel
from sim.results.transcript import transcript
from sim.scenario.json_schema import scenario_schema
from sim.scenario.loading import bundled_scenarios, load_scenario
from sim.scenario.models import Issue

AUTOS = {
    "id": "jp_autos",
    "name": "Section 232 tariff on Japanese autos and parts",
    "track": "us-japan",
    "unit": "%",
    "min": 0,
    "max": 25,
    "status_quo": 25,
}


def test_a_short_name_is_the_one_written_or_the_id_in_words():
    assert Issue.model_validate({**AUTOS, "short": "autos tariff"}).short_name == "autos tariff"
    assert Issue.model_validate(AUTOS).short_name == "jp autos"
    assert Issue.model_validate({**AUTOS, "id": "kr-chip_rules"}).short_name == "kr chip rules"


@pytest.mark.parametrize("short", ["", "a short name far too long for a column"])
def test_a_short_name_is_neither_blank_nor_long(short):
    with pytest.raises(ValidationError, match="short"):
        Issue.model_validate({**AUTOS, "short": short})


def test_the_schema_describes_the_short_name():
    short = scenario_schema()["$defs"]["Issue"]["properties"]["short"]
    assert "narrow columns" in short["description"] and "id in words" in short["description"]


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_every_bundled_issue_has_a_short_name_of_its_own_on_its_track(name):
    scenario = load_scenario(name)
    for track in scenario.tracks:
        issues = [i for i in scenario.issues if i.track == track.id]
        assert all(i.short for i in issues), f"{name}: an issue on {track.id} has no short name"
        shorts = [i.short for i in issues]
        assert len(set(shorts)) == len(shorts), f"{name}: two issues on {track.id} share one"


def test_autos_and_steel_read_differently_when_short():
    scenario = load_scenario("baseline-2025")
    assert scenario.issue("jp_autos").short_name == "autos tariff"
    assert scenario.issue("jp_steel").short_name == "steel tariff"


def played(overrides: tuple[str, ...]) -> list[str]:
    model = NegotiationModel(load_scenario("baseline-2025", overrides), seed=2)
    model.run()
    return list(transcript(model))


def test_short_names_change_no_game():
    renamed = ("issues.jp_autos.short=cars", "issues.kr_steel.short=metal")
    assert played(()) == played(renamed)
