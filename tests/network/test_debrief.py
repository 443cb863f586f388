"""The class debrief, ``trilateral class``: a class of two tables played through
``Classroom``, debriefed in-process; the gradebook against each table's replayed game, the
Markdown, the charts, the all-AI batch, and the misuses."""

from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

from sim.classroom.debriefing import timeline
from sim.classroom.game import Game
from sim.classroom.saves import GameSetup
from sim.engine.model import NegotiationModel
from sim.engine.moves import entry_from_dict
from sim.engine.rules import Rules
from sim.network.codes import printed
from sim.network.debrief import headline_issues, percentile, read_class, reference
from sim.network.ledger import Ledger
from sim.network.tables import GAME_ENTRIES, Classroom, Client
from sim.network.view import snapshot
from sim.results.analysis import analyse, party_result
from sim.scenario.loading import load_scenario
from tests.factories import CLASSROOM
from tests.network.conftest import PARTIES, code_of, decide, new_class
from tests.network.test_refusals import seated
from tui.cli import build_cli

runner = CliRunner()
RUNS = 12
SEED = 5
PNG = b"\x89PNG\r\n\x1a\n"


def yielding(view: dict) -> dict:
    """A team that proposes its draft and accepts whatever it is offered."""
    request = view["request"]
    if request["kind"] == "propose":
        return decide(view)
    return {"track": request["track"], "kind": "accept"}


def play(room, number: int, policy) -> None:
    """Seat every team at a table and play it to the end, each move through ``receive``."""
    clients = {}
    for party in PARTIES:
        client = Client()
        hello = {"v": 1, "type": "hello", "code": code_of(room.ledger, number, party)}
        reply, *_ = room.receive(client, json.dumps(hello))  # others are told who joined
        assert reply[1]["type"] == "welcome"
        clients[party] = client
    game = room.tables[number].game
    while not game.finished:
        party = game.request.party
        view = snapshot(game, party)
        move = {"v": 1, "type": "move", "version": view["version"], **policy(view)}
        replies = room.receive(clients[party], json.dumps(move))
        assert replies[0][1]["type"] == "ack", replies[0][1]


@pytest.fixture(scope="module")
def played(tmp_path_factory):
    """A class of two tables played two ways, and the debrief written of it."""
    folder = tmp_path_factory.mktemp("class")
    db = folder / "class.db"
    ledger, room = new_class(db, tables=2, seed=SEED)
    play(room, 1, decide)
    play(room, 2, yielding)
    ledger.close()
    out = folder / "debrief"
    result = runner.invoke(build_cli(), ["class", str(db), "-o", str(out), "--runs", str(RUNS)])
    assert result.exit_code == 0, result.output
    return db, out, result


def replayed(db, number: int) -> Game:
    """A table's game rebuilt here from its log, independently of the debrief."""
    ledger = Ledger.open(db)
    try:
        log = [entry_from_dict(e.data) for e in ledger.entries(number) if e.kind in GAME_ENTRIES]
        setup = ledger.setup
        seed = ledger.tables[number]
        codes = {s.party: s.code for s in ledger.seats.values() if s.table == number}
    finally:
        ledger.close()
    scenario = load_scenario(CLASSROOM, setup.overrides)
    game = Game(GameSetup(CLASSROOM, seed, PARTIES, setup.overrides), scenario, tuple(log), keep=id)
    return game, codes


def test_the_gradebook_is_each_teams_result_in_the_replayed_game(played):
    db, out, _ = played
    with (out / "gradebook.csv").open(newline="") as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0]) == ["table", "party", "code", "score", "undiscounted", "bottom_lines_kept"]
    expected = []
    for number in (1, 2):
        game, codes = replayed(db, number)
        assert game.finished
        for party in PARTIES:
            result = party_result(game.model.world, game.model.talks, party)
            expected.append((str(number), game.name(party), printed(codes[party]), result))
    assert len(rows) == len(expected) == 6
    for row, (number, name, code, result) in zip(rows, expected, strict=True):
        assert (row["table"], row["party"], row["code"]) == (number, name, code)
        assert float(row["score"]) == pytest.approx(result.score, abs=0.006)
        assert float(row["undiscounted"]) == pytest.approx(result.undiscounted, abs=0.006)
        assert row["bottom_lines_kept"] == ("yes" if result.bottom_lines_kept else "no")
    # The two tables were played two ways: the gradebook tells them apart.
    assert [r["score"] for r in rows[:3]] != [r["score"] for r in rows[3:]]


def test_the_markdown_sets_the_tables_side_by_side_and_against_the_batch(played):
    db, out, result = played
    text = (out / "class.md").read_text(encoding="utf-8")
    assert text.startswith("# Class debrief: Classroom test")
    for heading in ("## Scores", "## Deals", "## Against the all-AI batch", "## Timelines"):
        assert f"\n{heading}\n" in text
    assert "| party | table 1 | table 2 | batch mean |" in text
    games = [replayed(db, n)[0] for n in (1, 2)]
    analyses = [analyse(game.model) for game in games]
    for n, track in enumerate(games[0].rules.tracks):
        outcomes = [analysis.tracks[n] for analysis in analyses]
        section = text[text.index(f"### {track.name}") :]
        rounds = [str(o.deal_round) if o.deal_round else "—" for o in outcomes]
        assert f"| deal round | {' | '.join(rounds)} |" in section
        assert f"| status | {' | '.join(o.status for o in outcomes)} |" in section
    for game, analysis in zip(games, analyses, strict=True):
        for party in analysis.parties:
            assert f"{party.score:.0f} ({party.undiscounted:.0f})" in text
        # The timeline is the table's own, line by line.
        assert "\n".join(timeline(game)) in text
    # The headline issues, each with its batch's count of deals and both tables' values.
    scenario = load_scenario(CLASSROOM)
    for headline in headline_issues(scenario):
        name = next(i.name for i in scenario.issues if i.id == headline.issue)
        (line,) = [
            row for row in text.splitlines() if row.startswith(f"| {name} |") and "of 12" in row
        ]
        assert line.count("|") == 7
    assert "![issues](issues.png)" in text and "![frontiers](frontiers.png)" in text
    assert "table 1:" in result.output and "table 2:" in result.output
    assert "Wrote" in result.output


def test_the_charts_are_written_as_png(played):
    _, out, _ = played
    for name in ("issues.png", "frontiers.png"):
        assert (out / name).read_bytes().startswith(PNG)


def test_the_batch_is_the_all_ai_game_on_the_class_seeds(played):
    db, _, _ = played
    record = read_class(db)
    batch = reference(record.scenario, 3, SEED)
    rules = Rules(record.scenario)
    for k, outcome in enumerate(batch.outcomes):
        model = NegotiationModel(rules, seed=SEED + k, collect=False)
        model.run()
        for party in PARTIES:
            assert outcome.parties[party] == party_result(model.world, model.talks, party)
        for track, talks in model.talks.items():
            assert outcome.tracks[track].status == talks.status


def test_a_debrief_leaves_the_class_database_as_it_was(played):
    db, _, _ = played
    ledger = Ledger.open(db)
    before = [ledger.entries(n) for n in (0, 1, 2)]
    ledger.close()
    file = db.read_bytes(), db.stat().st_mtime_ns
    read_class(db)
    assert (db.read_bytes(), db.stat().st_mtime_ns) == file
    ledger = Ledger.open(db)
    assert [ledger.entries(n) for n in (0, 1, 2)] == before
    ledger.close()


def test_headline_issues_are_what_each_side_weighs_most():
    found = {(h.track, h.issue): h.parties for h in headline_issues(load_scenario(CLASSROOM))}
    assert found == {
        ("us-japan", "jp_investment"): ("us",),
        ("us-japan", "jp_autos"): ("japan",),
        ("us-korea", "kr_investment"): ("us",),
        ("us-korea", "kr_autos"): ("korea",),
    }


def test_a_percentile_counts_half_the_ties():
    assert percentile(5, [1, 2, 3, 4]) == 100
    assert percentile(0, [1, 2, 3, 4]) == 0
    assert percentile(2, [1, 2, 3, 4]) == 37.5
    assert percentile(3, [3, 3]) == 50
    assert percentile(1, []) is None


def one_line_refusal(result, start: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(start), result.output
    assert "Traceback" not in result.output


def test_misuses_are_one_line_and_exit_status_2(tmp_path, played):
    db, _, _ = played
    app = build_cli()
    missing = tmp_path / "none.db"
    one_line_refusal(runner.invoke(app, ["class", str(missing)]), f"{missing}: no such class")
    text = tmp_path / "notes.db"
    text.write_text("not a database\n")
    one_line_refusal(runner.invoke(app, ["class", str(text)]), f"{text}: not a class database")
    one_line_refusal(
        runner.invoke(app, ["class", str(db), "-o", str(text)]), f"cannot write '{text}'"
    )
    one_line_refusal(
        runner.invoke(app, ["class", str(db), "-o", "/proc/debrief"]), "cannot write '/proc"
    )
    assert not list(tmp_path.glob("*-debrief"))


def test_a_class_still_playing_is_debriefed_as_it_stands(tmp_path):
    db = tmp_path / "class.db"
    ledger, _ = new_class(db, tables=1, seed=SEED)
    ledger.close()
    result = runner.invoke(build_cli(), ["class", str(db), "--runs", "2"])
    assert result.exit_code == 0, result.output
    assert "still playing" in result.output
    text = (tmp_path / "class-debrief" / "class.md").read_text(encoding="utf-8")
    assert "Still playing: table 1 (an open track counts as no deal)." in text
    assert "| status | open |" in text


def test_the_moves_the_timer_played_are_told_and_no_deal_has_no_distance(tmp_path):
    """The timeline tells a timer's move as the team's: the debrief says it was its AI's.
    An open track has no deal, so no distance to the frontier (it used to show one)."""
    db = tmp_path / "class.db"
    ledger, _ = new_class(db, tables=1, seed=SEED)
    now = [100.0]
    room = Classroom(ledger, load_scenario(CLASSROOM), round_seconds=30.0, clock=lambda: now[0])
    for party in PARTIES:
        seated(room, 1, party)
    request = room.tables[1].game.request
    now[0] += 30
    assert room.expire()
    ledger.close()
    result = runner.invoke(build_cli(), ["class", str(db), "--runs", "2"])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "class-debrief" / "class.md").read_text(encoding="utf-8")
    track = load_scenario(CLASSROOM).tracks
    name = next(t.name for t in track if t.id == request.track)
    assert (
        f"The timer played for the team (its AI's move): round 1, United States on {name} "
        f"({request.kind})."
    ) in text
    assert "| distance to the frontier | no deal |" in text
