"""Paired studies: arms share seeds and report what the mechanics produce."""

from __future__ import annotations

from typer.testing import CliRunner

from sim.cli.app import build_app
from sim.experiments.study import arms_for, run_study
from sim.scenario.loading import load_scenario

app = build_app()


def test_arms_follow_what_the_scenario_can_switch():
    names = [a.name for a in arms_for(load_scenario("baseline-2025"))]
    assert names == ["as written", "no consultation", "no parity pact", "hands tied"]
    bare = load_scenario("benchmarks/bilateral-3x11.yaml")
    assert [a.name for a in arms_for(bare)] == ["as written"]


def test_paired_arms_share_seeds_and_differ_only_by_their_switch():
    results = run_study("baseline-2025", runs=6, seed=10)
    plain, no_consult = results[0], results[1]
    assert len(plain.games.utility["us"]) == 6
    again = run_study("baseline-2025", runs=6, seed=10)
    assert again[0].games.utility == plain.games.utility
    assert no_consult.games.utility != plain.games.utility  # consultation changes the US's deals


def test_study_command_prints_its_tables():
    result = CliRunner().invoke(
        app, ["study", "baseline-2025", "--runs", "5"], env={"COLUMNS": "220"}
    )
    assert result.exit_code == 0, result.output
    for text in (
        "as written",
        "no consultation",
        "no parity pact",
        "hands tied",
        "Paired difference",
        "utility (95% CI)",
    ):
        assert text in result.output
    bad = CliRunner().invoke(
        app, ["study", "baseline-2025", "--runs", "5", "--set", "consultation.trust=7"]
    )
    assert bad.exit_code == 2 and "Traceback" not in bad.output
