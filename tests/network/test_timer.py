"""Timed rounds (``host --round-seconds``): when a team's time is up its party's AI makes
the move, the log says the timer played it, views count the seconds down, and a restart
rebuilds it all. Driven on a clock the test moves, then over loopback with real timers."""

from __future__ import annotations

import asyncio

import pytest

from sim.classroom.game import Game
from sim.classroom.saves import GameSetup
from sim.network.ledger import Ledger
from sim.network.server import ClassServer, port_of, serving
from sim.network.tables import Classroom, Client
from sim.scenario.loading import load_scenario
from tests.factories import CLASSROOM
from tests.network.conftest import PARTIES, Team, code_of, decide, new_class
from tests.network.test_refusals import game_entries, say, seated


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def timed(tmp_path):
    """A class of one table with 30 seconds a decision, on a hand-moved clock."""
    ledger, _ = new_class(tmp_path / "class.db")
    clock = Clock()
    room = Classroom(ledger, load_scenario(CLASSROOM), round_seconds=30.0, clock=clock)
    yield room, clock
    ledger.close()


def everyone(room) -> dict:
    """Every team of table 1 seated: party → its client and the view in its welcome."""
    return {party: seated(room, 1, party) for party in PARTIES}


def test_the_clock_starts_when_every_team_has_joined_and_they_are_told(timed):
    room, clock = timed
    us, view = seated(room, 1, "us")
    japan, _ = seated(room, 1, "japan")
    assert view["seconds_left"] is None and room.seconds_to_deadline() is None
    clock.now += 1000
    assert room.expire() == [] and room.tables[1].deadline is None
    korea = Client()
    (welcome, *told) = say(room, korea, type="hello", code=code_of(room.ledger, 1, "korea"))
    assert welcome[0] is korea and welcome[1]["views"]["1"]["seconds_left"] == 30.0
    assert {id(c) for c, _ in told} == {id(us), id(japan)}
    assert all(m["type"] == "view" and m["view"]["seconds_left"] == 30.0 for _, m in told)
    assert room.tables[1].deadline == clock.now + 30


def test_when_the_time_is_up_the_partys_ai_moves_and_the_log_says_the_timer_played_it(timed):
    room, clock = timed
    teams = everyone(room)
    view = teams["korea"][1]  # the last to join: the clock starts
    table = room.tables[1]
    assert (view["seconds_left"], view["round_seconds"], view["timed"]) == (30.0, 30.0, [])
    request = table.game.request
    expected = table.game.model.stand_in()
    clock.now += 29.5
    assert room.expire() == [] and room.seconds_to_deadline() == pytest.approx(0.5)
    before = len(room.ledger.entries(1))
    clock.now += 0.5
    sent = room.expire()
    assert {id(c) for c, _ in sent} == {id(c) for c, _ in teams.values()}
    assert {m["type"] for _, m in sent} == {"view"}
    timer, move = room.ledger.entries(1)[before : before + 2]
    assert (timer.kind, timer.party, timer.data) == (
        "timer",
        request.party,
        {"track": request.track, "kind": expected.kind, "round": request.round},
    )
    assert (move.kind, move.data) == ("move", expected.to_dict())
    assert sent[0][1]["view"]["timed"] == [{"party": request.party, **timer.data}]
    assert table.game.request is not request
    assert sent[0][1]["view"]["seconds_left"] == 30.0  # the next decision's own time


def test_a_team_that_moves_in_time_gives_the_next_decision_its_full_time(timed):
    room, clock = timed
    table = room.tables[1]
    team, view = everyone(room)[table.game.request.party]
    clock.now += 20
    assert room.tables[1].view(team.seat)["seconds_left"] == 10.0
    say(room, team, type="move", version=view["version"], **decide(view))
    assert table.deadline == clock.now + 30 and room.expire() == []
    assert not [e for e in room.ledger.entries(1) if e.kind == "timer"]


def test_a_consultation_answer_or_the_teachers_act_leaves_the_clock_running(timed):
    room, clock = timed
    table = room.tables[1]
    japan, _ = everyone(room)["japan"]
    teacher, _ = seated(room, None, None)
    deadline = table.deadline
    clock.now += 10
    say(room, japan, type="consult", option="parity_pact", agree=True)
    act = {"kind": "extend", "rounds": 1}
    say(room, teacher, type="intervene", table=1, version=table.version, act=act)
    assert table.deadline == deadline
    assert table.view(japan.seat)["seconds_left"] == 20.0


def test_a_class_the_timer_played_restarts_as_it_was_its_timer_afresh(timed):
    room, clock = timed
    everyone(room)
    for _ in range(5):
        clock.now += 30
        room.expire()
    table = room.tables[1]
    log, shown = table.game.model.log, table.timed
    assert len(shown) == 5
    clock.now += 12
    again = Classroom(room.ledger, room.scenario, round_seconds=30.0, clock=clock)
    assert again.tables[1].game.model.log == log and again.tables[1].timed == shown
    assert again.tables[1].deadline == clock.now + 30  # its teams joined: it runs at once
    setup = GameSetup(CLASSROOM, room.ledger.tables[1], PARTIES, ())
    assert Game(setup, room.scenario, tuple(log)).model.log == log  # a plain replay agrees


def test_without_a_timer_nothing_expires_and_views_count_nothing(classroom):
    _, view = seated(classroom, 1, "japan")
    assert (view["seconds_left"], view["round_seconds"]) == (None, None)
    before = game_entries(classroom, 1)
    assert classroom.expire() == [] and classroom.seconds_to_deadline() is None
    assert game_entries(classroom, 1) == before


@pytest.mark.asyncio
async def test_over_loopback_a_game_nobody_plays_is_played_to_the_end_by_the_timer(tmp_path):
    ledger, _ = new_class(tmp_path / "class.db", seed=8)
    room = Classroom(ledger, load_scenario(CLASSROOM), round_seconds=0.05)
    async with serving(ClassServer(room)) as listening:
        url = f"ws://127.0.0.1:{port_of(listening)}"
        async with (
            Team(url, code_of(ledger, 1, "us")),
            Team(url, code_of(ledger, 1, "japan")),
            Team(url, code_of(ledger, 1, "korea")) as korea,
        ):
            countdowns = []
            while not korea.view["finished"]:
                message = await asyncio.wait_for(korea.next(), 30)
                korea.view = message["view"]
                countdowns.append(korea.view["seconds_left"])
    entries = ledger.entries(1)
    moves = [e for e in entries if e.kind == "move" and e.party in PARTIES]
    timers = [n for n, e in enumerate(entries) if e.kind == "timer"]
    assert room.tables[1].game.finished and len(timers) == len(moves) > 5
    assert all(entries[n + 1].kind == "move" for n in timers)
    assert all(left is None or 0 <= left <= 0.05 for left in countdowns)
    assert korea.view["timed"] == [
        {"party": e.party, **e.data} for e in entries if e.kind == "timer"
    ]
    reopened = Classroom(Ledger.open(ledger.path), room.scenario)
    assert reopened.tables[1].game.model.log == room.tables[1].game.model.log
    reopened.ledger.close()
    ledger.close()
