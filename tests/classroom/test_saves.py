"""Saves as a class meets them: named by scenario, teams and time, listed by ``trilateral
saves``, and picked by ``trilateral play --resume`` by name, or by asking when there are several."""

from __future__ import annotations

import json
import os
from datetime import datetime

import pytest
from typer.testing import CliRunner

from sim.classroom.game import Game
from sim.classroom.record import last_move
from sim.classroom.saves import GameSetup, listing, new_save_path, read_save, save_name
from sim.scenario.loading import load_scenario
from tests.classroom.test_game import counter_until_done
from tests.factories import CLASSROOM
from tui.cli import build_cli

SCENARIO = load_scenario(CLASSROOM)


def started(humans: tuple[str, ...], age: int, moves: int = 0) -> Game:
    """A game for ``humans``, ``moves`` moves in, its save last written ``age`` minutes ago."""
    game = Game.start(GameSetup(CLASSROOM, 4, humans), SCENARIO)
    counter_until_done(game, moves)
    then = datetime.now().timestamp() - 60 * age
    os.utime(game.save_path, (then, then))
    return game


@pytest.fixture
def play(monkeypatch):
    """Run ``trilateral`` with ``play`` stopping before the UI; returns (invoke, apps started)."""
    apps = []
    monkeypatch.setattr("tui.app.TrilateralApp.run", lambda self: apps.append(self))
    runner, cli = CliRunner(), build_cli()
    return (lambda *args, **kw: runner.invoke(cli, list(args), **kw)), apps


def test_a_save_is_named_by_scenario_teams_and_the_minute_it_started(saves):
    setup = GameSetup(CLASSROOM, 4, ("japan", "korea"))
    now = datetime(2026, 12, 1, 13, 53, 5)
    path = new_save_path(setup, now)
    assert path == saves / "classroom-japan-korea-20261201-1353.json"
    assert new_save_path(setup, now).name == "classroom-japan-korea-20261201-1353-2.json"
    game = Game.start(GameSetup(CLASSROOM, 4, ("japan",)), SCENARIO)
    assert save_name(game.save_path).startswith("classroom-japan-2")
    saved = read_save(game.save_path)
    assert saved.teams == ("Japan",)
    assert saved.last_move == "United States proposes (US–Japan talks)"


def test_saves_says_when_the_saves_folder_is_a_file(saves, play):
    saves.write_text("notes\n")
    result = play[0]("saves")
    assert result.exit_code == 2
    assert result.output == f"{saves} is a file, not a folder of saves (TRILATERAL_SAVES)\n"


def test_saves_lists_each_game_newest_first_and_skips_what_is_not_a_save(saves, play):
    invoke, _ = play
    result = invoke("saves")
    assert result.exit_code == 0 and "No saved games" in result.output
    alone = started(("japan",), age=30, moves=2)
    pair = started(("japan", "korea"), age=5)
    (saves / "notes.json").write_text("{not json")
    result = invoke("saves")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.index(save_name(pair.save_path)) < text.index(save_name(alone.save_path))
    assert "classroom.yaml · Japan, South Korea · round 1" in text
    assert f"classroom.yaml · Japan · round {alone.model.round}" in text
    assert f"last move {datetime.now():%d %b}" in text
    words = last_move(alone)
    assert words.endswith("talks)") and f"{words}" in text
    assert "trilateral play --resume NAME" in text
    assert "skipped" in result.stderr and "notes.json" in result.stderr


def test_saves_written_before_names_and_moves_were_kept_still_list_and_resume(saves, play):
    game = started(("japan",), age=0, moves=1)
    data = json.loads(game.save_path.read_text())
    del data["teams"], data["last_move"]
    old = saves / "classroom-20250601-101500-seed4.json"
    old.write_text(json.dumps(data))
    game.save_path.unlink()
    [row], problems = listing()
    assert not problems and row.name == old.stem and row.teams == ("japan",)
    assert row.last_move == "" and row.round == game.model.round
    invoke, apps = play
    assert "last move" in invoke("saves").stdout
    resumed = Game.resume(old)
    assert [m.to_dict() for m in resumed.model.log] == [m.to_dict() for m in game.model.log]
    result = invoke("play", "--resume", old.stem)
    assert result.exit_code == 0, result.output
    assert apps[-1].resume_path == old


def test_resume_takes_a_name_from_the_list_or_the_start_of_one(play):
    invoke, apps = play
    alone = started(("japan",), age=30)
    pair = started(("japan", "korea"), age=5)
    for name in (save_name(alone.save_path), f"{save_name(alone.save_path)}.json"):
        result = invoke("play", "--resume", name)
        assert result.exit_code == 0, result.output
        assert apps[-1].resume_path == alone.save_path
    result = invoke("play", "--resume", "classroom-japan-korea")
    assert result.exit_code == 0 and apps[-1].resume_path == pair.save_path
    result = invoke("play", "--resume", "classroom-japan")
    assert result.exit_code == 2 and "could be any of 2 saved games" in result.output
    result = invoke("play", "--resume", "classroom-korea")
    assert result.exit_code == 2 and "trilateral saves lists them" in result.output
    assert len(apps) == 3


def test_resume_without_a_name_among_several_says_or_asks_which(play, monkeypatch):
    invoke, apps = play
    only = started(("japan",), age=30)
    result = invoke("play", "--resume")
    assert result.exit_code == 0 and apps[-1].resume_path == only.save_path
    assert "saved games" not in result.output  # one game: nothing to choose
    newest = started(("japan", "korea"), age=5)
    result = invoke("play", "--resume")
    assert result.exit_code == 0 and apps[-1].resume_path == newest.save_path
    assert f"continuing the most recent, {save_name(newest.save_path)}" in result.stderr

    monkeypatch.setattr("sim.cli.saves.interactive", lambda: True)
    result = invoke("play", "--resume", input="2\n")
    assert result.exit_code == 0 and apps[-1].resume_path == only.save_path
    assert "1. " + save_name(newest.save_path) in result.stderr
    result = invoke("play", "--resume", input="7\nclassroom-japan-korea\n")
    assert result.exit_code == 0 and apps[-1].resume_path == newest.save_path
    assert "no saved game '7'" in result.stderr
    result = invoke("play", "--resume", input="\n")
    assert result.exit_code == 0 and apps[-1].resume_path == newest.save_path


def test_a_resumed_game_keeps_its_name(saves):
    game = started(("japan",), age=1)
    resumed = Game.resume(game.save_path)
    counter_until_done(resumed, 1)
    assert [p.name for p in saves.iterdir()] == [game.save_path.name]
