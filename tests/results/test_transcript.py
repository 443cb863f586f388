"""The transcript a class reads on the debrief's timeline: the game's words, never its ids."""

from __future__ import annotations

import re

import pytest

from sim.engine.model import NegotiationModel
from sim.engine.rules import Rules
from sim.results.transcript import transcript
from sim.scenario.loading import load_scenario
from tests.factories import raw_ids


@pytest.mark.parametrize("seed", [3, 5])
def test_the_transcript_names_everything_it_reports(seed):
    rules = Rules(load_scenario("baseline-2025"))
    model = NegotiationModel(rules, seed=seed)
    model.run()
    lines = [line for line in transcript(model) if not line.lstrip().startswith("news:")]
    politics = [line for line in lines if re.match(r"\s+(consultation|signals|ratification)", line)]
    assert politics, "the game had no politics to name"
    assert [
        (line, raw_ids(rules.scenario, line)) for line in lines if raw_ids(rules.scenario, line)
    ] == []
    assert any("Share bottom lines agreed" in line for line in politics)
