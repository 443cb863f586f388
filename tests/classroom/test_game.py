"""The UI-free layer under the screens: saves, resume, undo, what a team may see, ``play``."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sim.classroom import record, views
from sim.classroom.game import Game
from sim.classroom.saves import GameSetup, SaveError, find_save, list_saves, read_save
from sim.engine.moves import InvalidMove, Move
from sim.scenario.loading import bundled_scenarios, load_scenario
from tests.factories import CLASSROOM, bilateral
from tui.cli import build_cli

SCENARIO = load_scenario(CLASSROOM)


def counter_until_done(game: Game, moves: int | None = None) -> None:
    """Japan counters with the package last on the table (tariff 20) until the end."""
    made = 0
    while not game.finished and (moves is None or made < moves):
        request = game.request
        package = dict(
            game.rules.track[request.track].decode(
                game.model.talks[request.track].history[-1].package
            )
        )
        package["jp_tariff"] = 0
        kind = "propose" if request.kind == "propose" else "reject"
        game.submit(Move("japan", request.track, kind, package, request.round))
        made += 1


def test_every_move_is_saved_atomically_and_resume_replays_it(saves):
    game = Game.start(GameSetup(CLASSROOM, 4, ("japan",)), SCENARIO)
    assert read_save(game.save_path).log  # saved before the first human move
    counter_until_done(game, moves=2)
    assert not [p for p in saves.iterdir() if p.suffix == ".tmp"]
    resumed = Game.resume(find_save(None))
    assert [m.to_dict() for m in resumed.model.log] == [m.to_dict() for m in game.model.log]
    assert resumed.request == game.request and resumed.save_path == game.save_path
    counter_until_done(game)
    counter_until_done(resumed)
    assert [m.to_dict() for m in resumed.model.log] == [m.to_dict() for m in game.model.log]
    assert read_save(game.save_path).finished


def test_undo_replays_the_log_without_the_last_human_move():
    game = Game.start(GameSetup(CLASSROOM, 4, ("japan",)), SCENARIO)
    first = game.request
    with pytest.raises(InvalidMove, match="no move to take back"):
        game.undo()
    counter_until_done(game, moves=2)
    undone = game.undo()
    assert undone.move.party == "japan" and len(game.human_moves()) == 1
    game.undo()
    assert game.request == first and game.human_moves() == []


def test_in_hot_seat_a_team_takes_back_its_own_move_and_names_the_teams_it_overrides():
    game = Game.start(GameSetup(CLASSROOM, 2, ("japan", "korea")), SCENARIO)
    with pytest.raises(InvalidMove, match="Japan has no move to take back yet"):
        game.undoing("japan")
    request = game.request
    package = dict(game.rules.track[request.track].decode(request_package(game)))
    package["jp_tariff"] = 0
    game.submit(Move("japan", request.track, "reject", package, request.round))
    korea_decides = game.request
    game.submit(Move("korea", korea_decides.track, "walk", None, korea_decides.round))
    assert game.request.party == "japan"
    # Japan's own last move came before Korea's: Korea's walk would go with it.
    ahead = game.undoing("japan")
    assert ahead.move.party == "japan" and ahead.others == ("korea",)
    assert game.undoing("korea").others == ()
    assert len(game.human_moves()) == 2  # asking changed nothing
    undone = game.undo("korea")
    assert undone.move.kind == "walk" and game.request == korea_decides
    assert [m.party for m in game.human_moves()] == ["japan"]
    assert [e.get("party") for e in read_save(game.save_path).log].count("korea") == 0


def request_package(game: Game) -> tuple[float, ...]:
    """The package on the table at the pending decision (encoded)."""
    return game.model.talks[game.request.track].history[-1].package


def test_offer_lines_carry_each_sides_latest_offer_forward_round_by_round():
    game = Game.start(GameSetup(CLASSROOM, 4, ("japan",)), SCENARIO)
    counter_until_done(game, moves=3)
    talks = game.model.talks["us-japan"]
    (lines,) = views.offer_lines(game, "japan")  # Japan sits at one table only
    assert (lines.track, lines.party, lines.other) == ("US–Japan talks", "Japan", "United States")
    world = game.model.world
    assert lines.floor == world.reservation["japan"]["us-japan"]
    assert lines.no_deal == world.no_deal_utility("japan", game.rules.track["us-japan"])
    for proposer, points in (("japan", lines.own), ("us", lines.theirs)):
        offers = [o for o in talks.history if o.proposer == proposer]
        rounds = [r for r, _ in points]
        # One point a round, from the side's first offer to the round the talks closed in.
        end = talks.closed_round or min(game.model.round, game.model.rounds)
        assert rounds == list(range(offers[0].round, end + 1))
        for round_, worth in points:
            latest = [o for o in offers if o.round <= round_][-1]
            assert worth == latest.worth["japan"]
    # Two tracks for the United States, each from its own side: no zig-zag between sides.
    us = views.offer_lines(game, "us")
    assert [u.track for u in us] == ["US–Japan talks", "US–Korea talks"]
    japan_first = next(o for o in talks.history if o.proposer == "japan")
    assert us[0].theirs[0] == (japan_first.round, japan_first.worth["us"])
    assert len({w for _, w in lines.own}) < len({o.worth["japan"] for o in talks.history})


def test_offer_lines_are_empty_before_anyone_offers_and_stop_when_talks_close():
    game = Game.start(GameSetup(CLASSROOM, 4, ("japan",)), SCENARIO)
    (lines,) = views.offer_lines(game, "japan")
    assert lines.own == ()
    request = game.request
    game.submit(Move("japan", request.track, "walk", None, request.round))
    (lines,) = views.offer_lines(game, "japan")
    closed = game.model.talks["us-japan"].closed_round
    assert lines.own == () and lines.theirs and lines.theirs[-1][0] == closed


def test_bad_saves_are_refused_in_plain_words(saves, tmp_path):
    with pytest.raises(SaveError, match="there is no saved game"):
        find_save(None)
    with pytest.raises(SaveError, match="no saved game 'nope'"):
        find_save("nope")
    junk = tmp_path / "junk.json"
    junk.write_text("{not json")
    with pytest.raises(SaveError, match="not JSON"):
        read_save(junk)
    junk.write_text(json.dumps({"format": "trilateral-save", "version": 1}))
    with pytest.raises(SaveError, match="damaged"):
        read_save(junk)
    game = Game.start(GameSetup(CLASSROOM, 4, ("japan",)), SCENARIO)
    data = json.loads(game.save_path.read_text())
    data["log"].append({"party": "japan", "track": "us-japan", "kind": "accept", "round": 9})
    game.save_path.write_text(json.dumps(data))
    with pytest.raises(SaveError, match="edited since the game wrote it"):
        Game.resume(game.save_path)
    del data["check"]  # as a save written before saves carried a check
    game.save_path.write_text(json.dumps(data))
    with pytest.raises(SaveError, match="no longer fit"):
        Game.resume(game.save_path)
    assert list_saves() == [game.save_path]


def test_a_team_sees_its_own_numbers_and_only_the_public_record_of_others():
    game = Game.start(GameSetup(CLASSROOM, 4, ("japan", "korea")), SCENARIO)
    rows = views.issue_rows(game, "japan", "us-japan")
    assert [r.bottom_line for r in rows] == ["≤ 25", "≤ 17.5", "≤ 600"]
    assert [r.ideal for r in rows] == ["0", "0", "300"]
    counter_until_done(game, moves=1)
    history = record.history(game, "korea")
    assert any(e.who == "Japan" for e in history)
    assert all(e.detail == "" for e in history if e.track == "US–Japan talks")
    meters = {m.id: m for m in views.meters(game, "korea")}
    assert not meters["us-japan"].seated and meters["us-korea"].seated


def test_a_draft_starts_from_the_teams_opening_then_from_its_own_last_offer():
    """Never from the other side's package: before the team has offered, its best within
    its bottom lines on the issue it weighs and the value nearest today's its bottom lines
    allow on the other; then the package it offered last on the track."""
    scenario = bilateral(
        [
            {"id": "x", "min": 0, "max": 10, "step": 1, "status_quo": 3},
            {"id": "y", "min": 0, "max": 10, "step": 1, "status_quo": 7},
        ],
        {"patience": 0.9, "preferences": {"y": {"weight": 1, "shape": "rising"}}},
        {
            "patience": 0.9,
            "preferences": {"x": {"weight": 1, "shape": "rising"}},
            "bottom_lines": {"x": {"max": 8}, "y": {"max": 5}},
        },
    )
    game = Game(GameSetup("bilateral.yaml", 1, ("b",)), scenario)
    request = game.request
    assert request.party == "b" and request.kind == "respond"

    def drafts() -> list[str]:
        return [row.draft for row in views.issue_rows(game, "b", "a-b")]

    assert [row.on_table for row in views.issue_rows(game, "b", "a-b")] == ["10", "10"]
    assert drafts() == ["8", "5"]
    game.submit(Move("b", "a-b", "reject", {"x": 6, "y": 4}, request.round))
    assert game.request.party == "b"
    assert game.model.talks["a-b"].history[-1].proposer == "a"  # a has offered since
    assert drafts() == ["6", "4"]


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_every_teams_opening_keeps_its_bottom_lines_and_is_its_best_within_them(name):
    scenario = load_scenario(name)
    game = Game(GameSetup(name, 1, tuple(p.id for p in scenario.parties)), scenario)
    world = game.model.world
    for track in game.rules.tracks:
        for party in track.parties:
            package = views.opening(game, party, track.id)
            limits = world.limits[(party, track.id)]
            valuation = world.valuation(party, track.id)
            assert limits.allow(package), (party, track.id, package)
            assert (
                valuation(package)
                >= world.rules.path(party, track.id, world.weights[party], limits, valuation).top
                - 1e-9
            )
            texts = {
                space.id: views.draft_text(space, x)
                for space, x in zip(track.spaces, package, strict=True)
            }
            assert views.read_draft(track, texts)[1] == {}  # a package the engine takes


def test_a_draft_is_read_as_the_engine_will_read_it():
    track = Game.start(GameSetup(CLASSROOM, 1, ("japan",)), SCENARIO).rules.track
    texts = {"jp_tariff": "15%", "jp_autos": "12.5", "jp_investment": "300"}
    assert views.read_draft(track["us-japan"], texts) == (
        {"jp_tariff": 15.0, "jp_autos": 12.5, "jp_investment": 300.0},
        {},
    )
    values, problems = views.read_draft(track["us-japan"], {"jp_tariff": "nan", "jp_autos": "12.5"})
    assert values == {"jp_autos": 12.5}
    assert problems == {
        "jp_tariff": "Reciprocal tariff on Japan: 'nan' is not a number",
        "jp_investment": "Japan's investment pledge: fill in a value",
    }


def test_the_play_command_checks_its_arguments(monkeypatch):
    runner, cli = CliRunner(), build_cli()
    started = []
    monkeypatch.setattr("tui.app.TrilateralApp.run", lambda self: started.append(self))
    result = runner.invoke(
        cli, ["play", CLASSROOM, "--as", "korea", "--as", "japan", "--seed", "3"]
    )
    assert result.exit_code == 0, result.output
    assert started[0].choice.humans == ("japan", "korea") and started[0].choice.seed == 3
    result = runner.invoke(cli, ["play", CLASSROOM, "--as", "china"])
    assert result.exit_code == 2 and "no such party" in result.output
    result = runner.invoke(cli, ["play", "no-such-scenario"])
    assert result.exit_code == 2 and "neither a file nor a bundled scenario" in result.output
    result = runner.invoke(cli, ["play", "--resume"])
    assert result.exit_code == 2 and "there is no saved game" in result.output
    result = runner.invoke(cli, ["play", "--as", "japan"])
    assert result.exit_code == 2 and "--as needs a SCENARIO" in result.output
    result = runner.invoke(cli, ["play", CLASSROOM, "--set", "rounds=0", "--as", "japan"])
    assert result.exit_code == 2 and "rounds" in result.output
    Game.start(GameSetup(CLASSROOM, 4, ("japan",)), SCENARIO)
    result = runner.invoke(cli, ["play", "--resume"])
    assert result.exit_code == 0 and started[-1].resume_path == list_saves()[0]


def test_talks_that_broke_down_read_in_words_at_the_table_and_in_the_debrief(saves):
    """A refusal may end the talks (the risk of breakdown): every screen a class reads says
    so in words (this once ended the game with a KeyError on the debrief)."""
    from sim.classroom.debriefing import outcome_markdown
    from sim.results.transcript import transcript

    scenario = load_scenario(CLASSROOM, ["bargaining.breakdown=1"])
    game = Game.start(
        GameSetup(CLASSROOM, 4, ("japan",), overrides=("bargaining.breakdown=1",)), scenario
    )
    counter_until_done(game)
    broke = [t for t in game.model.talks.values() if t.status == "broke-down"]
    assert broke
    for talks in broke:
        assert "broke down" in views.status_text(game, talks)
    assert "talks broke down after a refusal" in outcome_markdown(game)
    assert any("break down" in line for line in transcript(game.model))


def concede_everything(game: Game) -> None:
    """Japan asks for the United States' best terms and accepts whatever it is offered."""
    while not game.finished:
        request = game.request
        if request.kind == "propose":
            package = {"jp_tariff": 50, "jp_autos": 25, "jp_investment": 1000}
            game.submit(Move("japan", request.track, "propose", package, request.round))
        else:
            game.submit(Move("japan", request.track, "accept", None, request.round))


@pytest.mark.parametrize("cost", [10.0, 25.0])
def test_a_broken_bottom_line_costs_the_score_what_the_briefing_says(cost):
    """The same human moves with breaches free and with breaches priced: the score falls by
    exactly the stated cost per breach, and the debrief shows the points and the deduction."""
    from sim.classroom.debriefing import outcome_markdown
    from sim.results.analysis import analyse
    from sim.results.briefing import role_sheet

    def played(overrides: tuple[str, ...]) -> Game:
        # Japan's public would reject such deals; here they must pass to be scored.
        overrides = ("parties.japan.ratification.threshold=0", *overrides)
        scenario = load_scenario(CLASSROOM, list(overrides))
        game = Game.start(GameSetup(CLASSROOM, 4, ("japan",), overrides=overrides), scenario)
        concede_everything(game)
        return game

    free = played(("scoring.breach=0",))
    priced = played(() if cost == 10 else (f"scoring.breach={cost:g}",))
    assert [m.to_dict() for m in priced.model.log] == [m.to_dict() for m in free.model.log]
    sheet = role_sheet(priced.scenario, "japan")
    assert f"Each bottom line you break costs {cost:g} points of your score" in sheet
    before = analyse(free.model).parties[1]
    after = analyse(priced.model).parties[1]
    assert after.party == "japan" and not after.bottom_lines_kept
    breaches = len(after.breaches)
    assert breaches >= 2  # the tariff and the pledge beyond Japan's limits
    assert [b.text for b in after.breaches] == [b.text for b in before.breaches]
    assert after.score == pytest.approx(before.score - cost * breaches)
    assert after.undiscounted == pytest.approx(before.undiscounted - cost * breaches)
    us_before, us_after = analyse(free.model).parties[0], analyse(priced.model).parties[0]
    assert us_after.score == us_before.score  # the AI kept its own bottom lines

    debrief = outcome_markdown(priced)
    points = debrief.split("## Points")[1].split("\n## ")[0]
    japan = points.split("### Japan")[1].split("###")[0]
    assert "| issue | agreed | points | no deal |" in japan
    assert "| Reciprocal tariff on Japan | 50% | 0.0 | 18.2 |" in japan
    assert f"both after {cost * breaches:g} points off for {breaches} broken bottom lines" in japan
    assert "| Japan | 0.18 | 0.18 |" in debrief and f"broken (−{cost * breaches:g}): " in debrief


def test_a_track_accepted_mid_round_says_so_until_the_votes_at_the_rounds_end():
    game = Game.start(GameSetup(CLASSROOM, 4, ("japan", "korea")), SCENARIO)
    assert game.request.party == "japan" and game.request.kind == "respond"
    game.submit(Move("japan", "us-japan", "accept", None, game.request.round))
    assert game.request.party == "korea" and game.request.round == 1  # the round goes on
    talks = game.model.talks["us-japan"]
    assert views.status_text(game, talks) == "accepted: the publics vote when the round ends"
    korea = game.rules.track["us-korea"]
    package = dict(korea.decode(game.model.talks["us-korea"].history[-1].package))
    game.submit(Move("korea", "us-korea", "reject", package, 1))
    assert game.model.round == 2  # the votes are in: a deal, or the talks go on
    assert talks.status == "agreed" or talks.failed_votes == 1
    assert not views.status_text(game, talks).startswith("accepted")
