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


def test_a_team_reads_names_not_ids_at_the_table_and_in_the_debrief():
    from sim.classroom.debriefing import outcome_markdown
    from sim.classroom.politics import politics
    from sim.classroom.record import history
    from tests.factories import raw_ids

    scenario = load_scenario("baseline-2025")
    japan = Game.start(GameSetup("baseline-2025", 3, ("japan",)), scenario)
    labels = [label for _, _, label in politics(japan, "japan").signals]
    assert any(label.startswith("Tie your hands on US–Japan talks (") for label in labels)
    assert not [raw_ids(scenario, label) for label in labels if raw_ids(scenario, label)]
    game = Game.start(GameSetup("baseline-2025", 3, ("us",)), scenario)
    while not game.finished:  # the US asks for the status quo twice, then walks away
        request = game.request
        if request.kind == "respond":
            game.submit(Move("us", request.track, "reject", None, request.round))
        elif request.round > 2:
            game.submit(Move("us", request.track, "walk", None, request.round))
        else:
            issues = (i for i in scenario.issues if i.track == request.track)
            package = {i.id: i.status_quo for i in issues}
            game.submit(Move("us", request.track, "propose", package, request.round))
    details = [entry.detail for entry in history(game, "us") if entry.detail]
    assert details and not [raw_ids(scenario, d) for d in details if raw_ids(scenario, d)]
    outcome = outcome_markdown(game)
    assert "United States' line" in outcome and "States's" not in outcome
