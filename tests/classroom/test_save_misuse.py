"""Saves that are damaged, edited or raced: each is refused in plain words or kept apart,
never a traceback and never a silently different game (the robustness issue, class 4)."""

from __future__ import annotations

import contextlib
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.classroom.game import Game
from sim.classroom.saves import GameSetup, SaveError, listing, new_save_path, read_save
from sim.scenario.loading import load_scenario
from tests.classroom.test_game import counter_until_done
from tests.factories import CLASSROOM

SCENARIO = load_scenario(CLASSROOM)


@pytest.fixture
def saved(saves):
    """A game two moves in, and its save as data."""
    game = Game.start(GameSetup(CLASSROOM, 4, ("japan",)), SCENARIO)
    counter_until_done(game, 2)
    return game, json.loads(game.save_path.read_text())


def refused(path, match: str) -> None:
    """Resuming ``path`` is refused with ``match`` in the reason, and listing saves copes."""
    with pytest.raises(SaveError, match=match):
        Game.resume(path)
    listing()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"format": "trilateral-save", "version": 1, "seed": ' + "9" * 5000 + "}", "too long"),
    ],
)
def test_a_save_nested_or_numbered_beyond_reason_is_not_a_save(saves, text, reason):
    path = saves / "bad.json"
    saves.mkdir()
    path.write_text(text)
    refused(path, reason)


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("round", [], "round"),
        ("round", None, "round"),
        ("round", "3", "round"),
        ("log", "abc", "log"),
        ("log", 5, "log"),
        ("log", [[1, 2]], "log.0"),
        ("seed", 1e300, "seed"),
        ("seed", -5, "seed"),
        ("seed", "4", "seed"),
        ("humans", "japan", "humans"),
        ("teams", 5, "teams"),
        ("saved", [], "saved"),
    ],
)
def test_a_field_that_is_not_what_a_save_holds_is_named(saved, field, value, named):
    game, data = saved
    data[field] = value
    game.save_path.write_text(json.dumps(data))
    refused(game.save_path, rf"damaged \({named}\b")


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d.update(seed=d["seed"] + 1),
        lambda d: d.update(humans=["korea"]),
        lambda d: d["scenario"].update(overrides=["rounds=20"]),
        lambda d: d["log"].pop(),
    ],
    ids=["seed", "humans", "overrides", "log"],
)
def test_a_save_edited_by_hand_is_refused_not_replayed_as_another_game(saved, edit):
    game, data = saved
    edit(data)
    game.save_path.write_text(json.dumps(data))
    refused(game.save_path, "edited since the game wrote it")


def test_a_save_whose_scenario_changed_since_is_refused_with_the_reason(saves, tmp_path):
    scenario = tmp_path / "mine.yaml"
    scenario.write_text(f"extends: {CLASSROOM}\n")
    game = Game.start(GameSetup(str(scenario), 4, ("japan",)), load_scenario(str(scenario)))
    counter_until_done(game, 1)
    scenario.write_text(f"extends: {CLASSROOM}\nrounds: 9\n")
    refused(game.save_path, "has changed since the game was saved")
    scenario.write_text(f"extends: {CLASSROOM}\n")
    assert Game.resume(game.save_path).model.round == game.model.round


def test_a_scenario_file_is_saved_by_its_absolute_path(saves, tmp_path, monkeypatch):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "mine.yaml").write_text(f"extends: {CLASSROOM}\n")
    monkeypatch.chdir(folder)
    game = Game.start(GameSetup("mine.yaml", 4, ("japan",)), load_scenario("mine.yaml"))
    assert read_save(game.save_path).setup.source == str(folder / "mine.yaml")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "mine.yaml").write_text(f"extends: {CLASSROOM}\nrounds: 9\n")
    monkeypatch.chdir(elsewhere)
    assert Game.resume(game.save_path).scenario.rounds == SCENARIO.rounds


def test_games_started_in_the_same_minute_never_share_a_file(saves):
    setup, now = GameSetup(CLASSROOM, 4, ("japan",)), datetime(2026, 12, 1, 9, 0)
    with ThreadPoolExecutor(8) as pool:
        paths = list(pool.map(lambda _: new_save_path(setup, now), range(16)))
    assert len(set(paths)) == 16
    assert all(p.is_file() and not p.stat().st_size for p in paths)
    assert listing() == ([], [])  # claimed files are not saves until a game writes them


@settings(max_examples=60, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
        max_leaves=20,
    ),
    st.sampled_from(["scenario", "seed", "humans", "round", "log", "teams", "facilitator"]),
)
def test_any_value_in_any_field_is_resumed_or_refused_never_a_traceback(value, field):
    game = Game.start(GameSetup(CLASSROOM, 4, ("japan",)), SCENARIO)
    data = json.loads(game.save_path.read_text())
    data[field] = value
    del data["check"]  # reach the checks behind the digest, as an older save would
    game.save_path.write_text(json.dumps(data))
    with contextlib.suppress(SaveError):
        Game.resume(game.save_path)
    listing()


def test_a_temporary_left_by_a_killed_write_is_swept_at_the_next_save(saved):
    game, _ = saved
    folder = game.save_path.parent
    left = folder / f".{game.save_path.name}.dead0000.tmp"
    fresh = folder / f".{game.save_path.name}.beef0000.tmp"  # a write in progress elsewhere
    left.write_text("{half a save")
    fresh.write_text("{")
    old = time.time() - 3600
    os.utime(left, (old, old))
    game.save()
    assert not left.exists() and fresh.exists()
    assert listing()[1] == []
