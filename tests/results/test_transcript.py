"""The transcript a class reads on the debrief's timeline: the game's words, never its ids."""

from __future__ import annotations

import re

import pytest

from sim.engine.model import NegotiationModel
from sim.engine.rules import Rules
from sim.results.transcript import transcript
from sim.scenario.loading import load_scenario
from sim.scenario.politics import OPTION_NAMES

WORD = re.compile(r"(?<![\w-])[a-z][a-z0-9_-]*(?![\w-])")


def scenario_ids(rules: Rules) -> set[str]:
    """Every id a scenario gives its parties, tracks, issues, signals and options."""
    scenario = rules.scenario
    ids = {p.id for p in scenario.parties} | {t.id for t in scenario.tracks}
    ids |= {i.id for i in scenario.issues} | set(OPTION_NAMES)
    for party in scenario.parties:
        ids |= {t.id for t in party.signals.threats}
        ids |= {o.id for o in party.signals.outside_options}
    return ids


@pytest.mark.parametrize("seed", [3, 5])
def test_the_transcript_names_everything_it_reports(seed):
    rules = Rules(load_scenario("baseline-2025"))
    model = NegotiationModel(rules, seed=seed)
    model.run()
    lines = [line for line in transcript(model) if not line.lstrip().startswith("news:")]
    politics = [line for line in lines if re.match(r"\s+(consultation|signals|ratification)", line)]
    assert politics, "the game had no politics to name"
    ids = scenario_ids(rules)
    raw = [(line, word) for line in lines for word in WORD.findall(line) if word in ids]
    assert not raw
    assert any("Share bottom lines agreed" in line for line in politics)
