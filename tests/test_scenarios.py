"""The bundled library: every scenario validates, runs, plays and briefs, and says what it is.

Each variation is checked for the change it promises, read from the merged scenario, so a
library file cannot quietly stop doing what its summary says.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from sim.cli.app import build_app
from sim.engine.model import NegotiationModel
from sim.engine.moves import DecisionRequest
from sim.engine.rules import Rules
from sim.results.briefing import facilitator_sheet, role_sheet
from sim.scenario.loading import bundled_scenarios, load_scenario, read_yaml

NAMES = list(bundled_scenarios())
VARIATIONS = [name for name in NAMES if name != "baseline-2025"]
HEADER = {"extends", "title", "summary", "teaches"}
runner = CliRunner()
app = build_app()


def test_the_library_holds_the_baseline_and_seven_variations():
    assert set(NAMES) == {
        "baseline-2025",
        "jp-kr-front",
        "grievance-flare-up",
        "troop-drawdown",
        "trade-war-35",
        "security-shock",
        "us-trilateral",
        "coalition-path",
    }


@pytest.mark.parametrize("name", NAMES)
def test_a_bundled_file_points_editors_at_the_schema_and_validates(name):
    path = bundled_scenarios()[name]
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=schema.json"
    assert runner.invoke(app, ["validate", name]).exit_code == 0


@pytest.mark.parametrize("name", VARIATIONS)
def test_a_variation_is_short_extends_the_baseline_and_says_what_it_teaches(name):
    path = bundled_scenarios()[name]
    text = path.read_text(encoding="utf-8")
    data, _ = read_yaml(path)
    assert data["extends"] == "baseline-2025"
    assert len(text.splitlines()) <= 50
    header = text.partition("\nextends:")[0]
    assert "Every number below is judgment" in " ".join(header.replace("#", "").split())
    scenario = load_scenario(name)
    assert len(scenario.summary.split()) >= 30 and len(scenario.teaches.split()) >= 20


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", [1, 2])
def test_a_bundled_scenario_runs(name, seed):
    result = runner.invoke(app, ["run", name, "--seed", str(seed), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "Parties" in result.output


@pytest.mark.parametrize("name", NAMES)
def test_a_bundled_scenario_plays_with_humans_and_briefs_every_party(name):
    rules = Rules(load_scenario(name))
    model = NegotiationModel(rules, seed=1, humans=rules.party_ids)
    assert isinstance(model.advance(), DecisionRequest)
    for party in rules.party_ids:
        sheet = role_sheet(rules, party)
        assert sheet.startswith(f"# {rules.parties[party].name}: confidential role sheet")
    sheet = facilitator_sheet(rules)
    assert all(f"`{event.id}`" in sheet for event in rules.scenario.events)


def test_three_changed_values_are_three_lines_plus_the_header():
    path = bundled_scenarios()["troop-drawdown"]
    data, _ = read_yaml(path)
    changes = [key for key in data if key not in HEADER]
    assert len(changes) == 3 and all("." in key for key in changes)
    body = [line for line in path.read_text().splitlines() if line.split(":")[0] in changes]
    assert len(body) == 3


def test_each_variation_makes_the_change_it_promises():
    base = load_scenario("baseline-2025")
    get = {name: load_scenario(name) for name in VARIATIONS}

    front = get["jp-kr-front"].consultation
    assert front.trust > front.parity_pact.trust > base.consultation.trust
    assert {e.add for e in front.joint_purchase.effects} == {4}

    grievance = get["grievance-flare-up"]
    flare = next(e for e in grievance.events if e.id == "grievance-flare-up")
    assert (flare.round, flare.probability) == (2, None)
    assert grievance.consultation.trust < grievance.consultation.share_bottom_lines.trust

    troops = get["troop-drawdown"].party("us").signals
    review = next(t for t in troops.threats if t.id == "troop-review-korea")
    assert troops.credibility == 0.9 and (review.round, review.resolve) == (3, 0.9)

    war = get["trade-war-35"]
    assert war.issue("jp_tariff").escalation == war.issue("kr_tariff").escalation == 35
    assert all(t.value == 35 for t in war.party("us").signals.threats if "tariff" in t.id)

    shock = get["security-shock"]
    assert shock.security.threat > base.security.threat
    assert next(e for e in shock.events if e.id == "nk-nuclear-test").round == 2
    assert next(e for e in shock.events if e.id == "russia-nk-transfer").round == 3

    friendly = get["us-trilateral"].party("us")
    assert friendly.patience > base.party("us").patience
    assert friendly.preferences["kr_troops"].shape == "rising"
    assert (
        friendly.preferences["kr_tariff"].weight < base.party("us").preferences["kr_tariff"].weight
    )
    assert "troop-review-korea" not in {t.id for t in friendly.signals.threats}
    assert len(friendly.signals.threats) == 2  # the other threats are inherited

    coalition = get["coalition-path"]
    for party in ("japan", "korea"):
        options = coalition.party(party).signals.outside_options
        assert all(o.round is not None and o.round <= 2 for o in options)


def test_the_scenarios_command_lists_the_library():
    result = runner.invoke(app, ["scenarios"])
    assert result.exit_code == 0
    assert all(name in result.output for name in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_each_claim_of_a_bundled_scenario_says_why(name):
    lines = bundled_scenarios()[name].read_text(encoding="utf-8").splitlines()
    if "expectations:" not in lines:
        return
    why = False
    for line in lines[lines.index("expectations:") :]:
        if line.lstrip().startswith("# judgment:"):
            why = True
        elif line.lstrip().startswith("- {measure:"):
            assert why or "# judgment:" in line, f"{name}: a claim without a judgment: {line}"
