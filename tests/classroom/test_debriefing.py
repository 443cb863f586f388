"""The debrief's questions for the class: on the page of their own and in the export."""

from __future__ import annotations

from sim.classroom.debriefing import questions_markdown
from sim.classroom.export import export_game
from sim.classroom.game import Game
from sim.classroom.saves import GameSetup
from sim.engine.moves import Move
from sim.scenario.loading import load_scenario
from tests.factories import CLASSROOM

ASKED = ("debrief=[Who made the first deal?, Did it bind the other?]",)


def walked_out(overrides: tuple[str, ...] = ()) -> Game:
    """A short game on the classroom scenario: Japan walks away at its first turn to propose."""
    game = Game.start(
        GameSetup(CLASSROOM, 1, ("japan",), overrides=overrides),
        load_scenario(CLASSROOM, overrides),
    )
    while not game.finished:
        request = game.request
        kind = "walk" if request.kind == "propose" else "reject"
        game.submit(Move("japan", request.track, kind))
    return game


def test_the_questions_are_numbered_in_the_scenarios_order_and_exported(tmp_path):
    game = walked_out(ASKED)
    questions = questions_markdown(game)
    assert questions.splitlines() == [
        "## Questions for the class",
        "",
        "1. Who made the first deal?",
        "2. Did it bind the other?",
    ]
    export_game(game, tmp_path)
    transcript = (tmp_path / "transcript.md").read_text()
    assert questions in transcript
    assert transcript.index("## Questions") < transcript.index("## Timeline")


def test_a_scenario_without_questions_has_none_in_the_debrief(tmp_path):
    game = walked_out()
    assert questions_markdown(game) == ""
    export_game(game, tmp_path)
    assert "Questions" not in (tmp_path / "transcript.md").read_text()
