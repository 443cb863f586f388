"""The teacher's acts on a table: pause and resume (moves refused, the clock stopped and
given its full time again) and undo of the table's last move (an entry in the log, so that
replay and a restart give the same game)."""

from __future__ import annotations

import pytest

from sim.classroom.game import Game
from sim.classroom.saves import GameSetup
from sim.network.protocol import Intervene, parse
from sim.network.tables import Classroom, Client
from sim.scenario.loading import load_scenario
from tests.factories import CLASSROOM
from tests.network.conftest import PARTIES, code_of, decide, new_class
from tests.network.test_refusals import only_refusal, say, seated
from tests.network.test_timer import Clock


def act(room, teacher, table: int, kind: str, **fields):
    """The teacher's act at a table, on its current version: the replies."""
    version = room.tables[table].version
    return say(
        room, teacher, type="intervene", table=table, version=version, act=fields | {"kind": kind}
    )


def pending(room, table: int):
    """The team whose decision is pending at a table, its client and its current view."""
    party = room.tables[table].game.request.party
    client, _ = seated(room, table, party)
    return client, room.tables[table].view(client.seat)


def play_one(room, table: int) -> dict:
    """The pending team at ``table`` plays its scripted move; the move it sent."""
    client, view = pending(room, table)
    move = decide(view)
    (ack, *_) = say(room, client, type="move", version=view["version"], **move)
    assert ack[1]["type"] == "ack", ack
    return move


def test_a_paused_table_refuses_moves_says_it_is_paused_and_plays_on_when_resumed(classroom):
    teacher, _ = seated(classroom, None, None)
    client, view = pending(classroom, 1)
    replies = act(classroom, teacher, 1, "pause")
    assert replies[0][1]["type"] == "ack"
    views = [m["view"] for _, m in replies[1:]]
    assert views and all(v["paused"] for v in views)
    assert [e.kind for e in classroom.ledger.entries(1)][-1] == "pause"
    refused = say(classroom, client, type="move", version=view["version"], **decide(view))
    only_refusal(refused, client, "paused")
    assert not classroom.tables[2].paused  # the other table plays on
    only_refusal(act(classroom, teacher, 1, "pause"), teacher, "paused already")
    assert act(classroom, teacher, 1, "resume")[0][1]["type"] == "ack"
    assert not classroom.tables[1].view(client.seat)["paused"]
    (ack, *_) = say(classroom, client, type="move", version=view["version"], **decide(view))
    assert ack[1]["type"] == "ack"
    only_refusal(act(classroom, teacher, 1, "resume"), teacher, "not paused")


def test_a_team_cannot_pause_and_a_consultation_answer_waits_too(classroom):
    japan, _ = seated(classroom, 1, "japan")
    refused = say(classroom, japan, type="intervene", table=1, version=0, act={"kind": "pause"})
    only_refusal(refused, japan, "only the teacher")
    teacher, _ = seated(classroom, None, None)
    act(classroom, teacher, 1, "pause")
    refused = say(classroom, japan, type="consult", option="parity_pact", agree=True)
    only_refusal(refused, japan, "paused")


def test_pausing_stops_the_clock_and_resuming_gives_the_decision_its_full_time(tmp_path):
    ledger, _ = new_class(tmp_path / "class.db")
    clock = Clock()
    room = Classroom(ledger, load_scenario(CLASSROOM), round_seconds=30.0, clock=clock)
    for party in PARTIES:
        seated(room, 1, party)
    teacher, _ = seated(room, None, None)
    table = room.tables[1]
    clock.now += 20
    act(room, teacher, 1, "pause")
    assert table.deadline is None and table.view(teacher.seat)["seconds_left"] is None
    clock.now += 1000
    assert room.expire() == [] and room.seconds_to_deadline() is None
    act(room, teacher, 1, "resume")
    assert table.deadline == clock.now + 30
    ledger.close()


def test_undo_takes_back_the_last_move_and_replay_and_a_restart_give_that_game(classroom):
    teacher, _ = seated(classroom, None, None)
    table = classroom.tables[1]
    play_one(classroom, 1)
    before = table.game.model.log
    version = table.version
    request = table.game.request
    play_one(classroom, 1)
    assert table.game.model.log != before
    replies = act(classroom, teacher, 1, "undo")
    assert replies[0][1] == {"v": 1, "type": "ack", "re": None, "version": version + 2}
    assert table.game.model.log == before and table.game.request == request
    entry = classroom.ledger.entries(1)[-1]
    assert entry.kind == "undo" and entry.data["keep"] == len(before)
    again = Classroom(classroom.ledger, classroom.scenario)
    assert again.tables[1].game.model.log == before and again.tables[1].version == version + 2
    setup = GameSetup(CLASSROOM, classroom.ledger.tables[1], PARTIES, ())
    assert Game(setup, classroom.scenario, tuple(before)).model.log == before
    play_one(classroom, 1)  # the table plays on from there
    assert len(table.game.model.log) == len(before) + 1


def test_a_move_made_on_the_view_before_an_undo_is_refused_as_old(classroom):
    teacher, _ = seated(classroom, None, None)
    play_one(classroom, 1)
    client, view = pending(classroom, 1)
    act(classroom, teacher, 1, "undo")
    refused = say(classroom, client, type="move", version=view["version"], **decide(view))
    assert refused[0][1]["type"] == "refused" and "has changed" in refused[0][1]["reason"]


def test_undo_takes_back_a_consultation_answer_from_the_channel_too(classroom):
    teacher, _ = seated(classroom, None, None)
    japan, _ = seated(classroom, 1, "japan")
    say(classroom, japan, type="say", text="Shall we?")
    say(classroom, japan, type="consult", option="parity_pact", agree=True)
    assert [e["kind"] for e in classroom.tables[1].channel] == ["say", "consult"]
    act(classroom, teacher, 1, "undo")
    table = classroom.tables[1]
    assert [e["kind"] for e in table.channel] == ["say"] and table.said(
        "japan", "parity_pact"
    ) is None
    (ack, *_) = say(classroom, japan, type="consult", option="parity_pact", agree=True)
    assert ack[1]["type"] == "ack"  # answered anew, not "already"


def test_undo_with_no_move_yet_is_refused_with_the_reason(classroom):
    teacher, _ = seated(classroom, None, None)
    only_refusal(act(classroom, teacher, 1, "undo"), teacher, "no move to take back")
    assert [e.kind for e in classroom.ledger.entries(1)] == []


def test_a_pause_is_kept_over_a_restart(classroom):
    teacher, _ = seated(classroom, None, None)
    act(classroom, teacher, 2, "pause")
    again = Classroom(classroom.ledger, classroom.scenario)
    assert again.tables[2].paused and not again.tables[1].paused


@pytest.mark.parametrize("kind", ["pause", "resume", "undo"])
def test_the_teachers_table_acts_are_messages_of_the_protocol(kind):
    frame = (
        f'{{"v": 1, "type": "intervene", "table": 1, "version": 0, "act": {{"kind": "{kind}"}}}}'
    )
    assert isinstance(parse(frame), Intervene)


def test_the_console_says_which_teams_a_table_still_waits_for_before_whose_turn_it_is(classroom):
    from sim.network.client import ClassBoard

    def board() -> ClassBoard:
        teacher = Client()
        welcome = say(classroom, teacher, type="hello", code=code_of(classroom.ledger, None))[0]
        return ClassBoard(welcome[1])

    assert board().waiting_for(1) == "United States, Japan, South Korea to join"
    seated(classroom, 1, "japan")
    assert board().waiting_for(1) == "United States, South Korea to join"
    seated(classroom, 1, "us")
    seated(classroom, 1, "korea")
    request = classroom.tables[1].game.request
    assert board().waiting_for(1).startswith(classroom.tables[1].game.name(request.party))
