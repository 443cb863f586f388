"""The robustness issue's smaller cases (class 9): each a misuse that once ended in a
traceback, a wrong hint or a scenario that failed only later; now exit 2 and one clear line."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from sim.cli.app import build_app
from sim.engine import MAX_SEED
from sim.scenario.loading import load_scenario
from tui.cli import build_cli

runner = CliRunner()
EQUILIBRIUM = [
    "--set",
    "parties.us.strategy.name=equilibrium",
    "--set",
    "parties.us.strategy.params={}",
]


@pytest.mark.parametrize(
    "args",
    [
        ["study", "baseline-2025", "--seed", "-5"],
        ["teams", "baseline-2025", "--seed", "-1"],
        ["check", "baseline-2025", "--seed", "-1"],
        ["run", "baseline-2025", "--seed", "-1"],
        ["run", "baseline-2025", "--seed", str(MAX_SEED + 1)],
        ["batch", "baseline-2025", "-o", "x.parquet", "--seed", str(MAX_SEED + 1)],
        ["play", "baseline-2025", "--seed", "-3"],
    ],
)
def test_a_seed_out_of_range_is_refused_before_any_game(args):
    result = runner.invoke(build_cli(), args)
    assert result.exit_code == 2, result.output
    assert "--seed" in result.output and result.exception.__class__ is SystemExit


@pytest.mark.parametrize("key", ["remove", "extends"])
def test_a_file_header_key_in_set_says_where_it_belongs(key):
    result = runner.invoke(build_app(), ["run", "baseline-2025", "--set", f"{key}=x"])
    assert result.exit_code == 2
    assert "write it in the file, not in --set" in result.output
    assert "did you mean" not in result.output


def test_validate_refuses_a_strategy_that_cannot_play_its_track():
    result = runner.invoke(build_app(), ["validate", "baseline-2025", *EQUILIBRIUM])
    assert result.exit_code == 2
    assert "equilibrium plays single-issue numeric tracks only; us-japan has more" in result.output
    single = runner.invoke(build_app(), ["validate", "benchmarks/bilateral-3x11.yaml"])
    assert single.exit_code == 0, single.output


def test_a_game_that_crashes_exits_non_zero_and_says_where_its_save_is(monkeypatch):
    from sim.classroom.game import Game
    from sim.classroom.saves import GameSetup, save_name
    from tui.app import TrilateralApp
    from tui.screens.table import TableScreen

    game = Game.start(GameSetup("baseline-2025", 3, ("japan",)), load_scenario("baseline-2025"))
    run = TrilateralApp.run
    monkeypatch.setattr(TrilateralApp, "run", lambda self: run(self, headless=True))

    def crash(self):
        raise RuntimeError("a bug at the table")

    monkeypatch.setattr(TableScreen, "on_mount", crash)
    result = runner.invoke(build_cli(), ["play", "--resume", save_name(game.save_path)])
    assert result.exit_code == 1
    assert "The game stopped on an error; every move is saved in" in result.output
    assert f"trilateral play --resume {save_name(game.save_path)}" in result.output


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("parties.us.strategy.params.exponent=0", "exponent must be greater than 0"),
        ("parties.us.strategy.params.nope=1", "has no parameter 'nope'"),
    ],
)
def test_a_bad_strategy_parameter_set_by_override_is_blamed_on_the_override(override, message):
    result = runner.invoke(build_app(), ["validate", "baseline-2025", "--set", override])
    assert result.exit_code == 2
    key = override.partition("=")[0]
    assert result.output.startswith(f"--set:0:0: {key}: ") and message in result.output
