"""The round summary: what a team reads when play comes back to it."""

from __future__ import annotations

from sim.classroom.game import Game
from sim.classroom.saves import GameSetup
from sim.classroom.summary import summary
from sim.classroom.views import opening
from sim.engine.moves import Move
from sim.scenario.loading import load_scenario
from tests.factories import CONSULTATION, raw_ids, trio

PACT = {**CONSULTATION, "trust": 0.7}
THREAT = {
    "id": "tariff-a",
    "name": "Tariff threat against A",
    "track": "us-a",
    "issue": "tariff_a",
    "value": 45,
    "round": 1,
    "deadline": 1,
    "resolve": 1.0,
    "news": "The US says A could face a 45 tariff.",
}


def game_of(scenario, humans=("a",), seed=0) -> Game:
    return Game(GameSetup("trio", seed, humans), scenario)


def hold_out(game: Game) -> None:
    """The team at the pending decision answers with its opening (a counter, if it is
    answering), so the talks go on."""
    request = game.request
    track = game.rules.track[request.track]
    package = dict(track.decode(opening(game, request.party, request.track)))
    kind = "propose" if request.kind == "propose" else "reject"
    game.submit(Move(request.party, request.track, kind, package, request.round))


def test_before_its_first_move_a_team_hears_the_others_open():
    game = game_of(trio())
    seen = summary(game, "a")
    assert seen.since == 0
    assert any(line.startswith("Round 1, US–A: US proposes — ") for line in seen.lines())
    assert not any("US–B" in line for line in seen.moves)  # not its table


def test_a_threat_carried_out_names_the_new_no_deal_value():
    scenario = trio(us={"signals": {"credibility": 0.5, "threats": [THREAT]}})
    game = game_of(scenario)
    made = summary(game, "a")
    assert any("threatens: Tariff threat against A, deal by round 2" in x for x in made.lines())
    assert "No deal on US–A now means Tariff on a 35 (was 25): US threatens it" in made.changes[0]
    hold_out(game)
    assert game.request.party == "a" and game.request.round == 3  # the threat fell due in 2
    seen = summary(game, "a")
    assert seen.since == 1
    assert "No deal on US–A now means Tariff on a 45 (was 35): the threat was carried out" in (
        seen.changes
    )
    assert "Signal: US carries out the Tariff threat against A" in seen.lines()
    worth = next(x for x in seen.changes if "is now worth" in x)
    assert worth.endswith("the threat was carried out")


def test_a_parity_pact_names_the_floor_it_sets():
    game = game_of(trio(consultation=PACT))
    assert summary(game, "a").changes == ()  # a has not agreed to anything yet
    game.submit(Move("a", "a-b", "consult", {"option": "parity_pact", "agree": True}))
    assert summary(game, "a").empty  # its answer took effect where the team saw it
    hold_out(game)
    seen = summary(game, "a")
    assert "Consultation: parity pact agreed" in seen.lines()
    assert "Your Tariff on a limit is now ≤ 20 (was ≤ 30): the parity pact" in seen.changes


def test_a_us_team_reads_the_limits_an_ally_makes_public_citing_the_pact():
    def after_asking_past_the_floor(consultation) -> tuple[str, ...]:
        game = game_of(trio(consultation=consultation), humans=("us",))
        request = game.request
        package = dict(game.rules.track[request.track].decode(opening(game, "us", request.track)))
        game.submit(Move("us", request.track, "propose", {**package, "tariff_a": 25}, 1))
        return summary(game, "us").lines()

    lines = after_asking_past_the_floor(PACT)
    assert "Round 1, US–A: A rejects" in lines
    assert "Consultation: the parity pact makes A's limit public: Tariff on a ≤ 20" in lines
    assert "Consultation: the parity pact makes B's limit public: Tariff on b ≤ 20" in lines
    quiet = {**PACT, "parity_pact": {"trust": 0.6, "public": False}}
    assert not any("public" in x for x in after_asking_past_the_floor(quiet))


def test_shared_bottom_lines_are_named_and_the_team_sees_only_its_own_limits():
    game = game_of(trio(consultation=PACT), humans=("a", "b"))
    for party in ("a", "b"):
        for option in ("share_bottom_lines", "parity_pact"):
            agree = option == "share_bottom_lines"
            game.model.submit(Move(party, "a-b", "consult", {"option": option, "agree": agree}))
    while game.request.party != "a" or game.request.round < 2:
        hold_out(game)
    seen = summary(game, "a")
    assert any(
        line.startswith("Your Tariff on a limit is now ≤ 23 (was ≤ 30)")
        and line.endswith("you shared bottom lines with B")
        for line in seen.changes
    )
    assert not any("Tariff on b" in line for line in seen.lines())  # b's limit stays b's


def test_a_vote_shows_the_margin_of_the_teams_own_public_only():
    game = game_of(trio())
    while game.request.kind != "respond":
        hold_out(game)
    request = game.request
    game.submit(Move("a", request.track, "accept", None, request.round))
    votes = [line for line in summary(game, "a").notes if line.startswith("Vote:")]
    assert "Vote: US's public ratified the deal on US–A" in votes
    assert "Vote: US's public ratified the deal on US–B" in votes  # B's talks go on without A
    own = [line for line in votes if line.startswith("Vote: A's public ratified the deal")]
    assert len(own) == 1 and own[0].endswith(" against 0.00)")
    assert sum(" against " in line for line in votes) == 1


def test_a_summary_names_things_as_players_read_them_and_keeps_to_the_teams_numbers():
    scenario = load_scenario("baseline-2025")
    game = Game(GameSetup("baseline-2025", 3, ("japan",)), scenario)
    while not game.finished and game.model.round < 9:
        seen = summary(game, "japan")
        assert raw_ids(scenario, "\n".join(seen.lines())) == []
        assert not any("Korea talks" in line for line in seen.changes + seen.moves)
        hold_out(game)


def test_where_a_team_stood_as_noted_at_its_move_is_what_a_replay_finds():
    """The summary reads where the team stood from what ``Game.submit`` noted; a game
    rebuilt from its log has no notes and replays instead: both read alike, move after
    move, in a baseline game with every party a team (consultation, threats, votes)."""
    scenario = load_scenario("baseline-2025")
    humans = ("us", "japan", "korea")
    for seed in range(3):
        game = Game(GameSetup("baseline-2025", seed, humans), scenario)
        while game.request is not None and game.model.round <= 8:
            hold_out(game)
            rebuilt = Game(game.setup, scenario, tuple(game.model.log))
            assert not rebuilt.standings
            for party in humans:
                assert summary(game, party) == summary(rebuilt, party)
        assert game.standings


def test_the_counterparts_own_limit_moved_by_a_precedent_is_no_cause_of_the_teams():
    """A first deal moves the US's limit on the paired issue too (docs/mechanics.md,
    "Precedent"): that note is about the US's limit, private, and never explains why the
    ally's own limit moved."""
    from sim.classroom.summary import _Causes

    game = game_of(trio(consultation=PACT))
    theirs = {"phase": "precedent", "subject": "tariff_a", "outcome": "us now holds 20..50"}
    mine = {**theirs, "outcome": "a now holds 0..5"}
    for note in (theirs, mine):
        note["party"] = None
    assert _Causes(game, "a", [theirs], []).limits("tariff_a") == []
    assert _Causes(game, "a", [mine], []).limits("tariff_a") == [
        "the parity pact holds you to B's deal"
    ]
