"""Bad input at the class server: refused with a reason, and nothing written that did not
happen. Driven through ``Classroom.receive``, the server without the network."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.network.ledger import CLASS, LedgerError
from sim.network.tables import GAME_ENTRIES, Classroom, Client
from sim.scenario.loading import load_scenario
from tests.factories import CLASSROOM
from tests.network.conftest import code_of, decide, new_class


def say(room, client, **message):
    return room.receive(client, json.dumps({"v": 1, **message}))


def seated(room, table, party):
    client = Client()
    reply = say(room, client, type="hello", code=code_of(room.ledger, table, party))[0]
    assert reply[1]["type"] == "welcome"
    return client, reply[1]["views"].get(str(table), reply[1]["views"])


def game_entries(room, table):
    return [e for e in room.ledger.entries(table) if e.kind in GAME_ENTRIES]


def only_refusal(replies, client, match):
    assert len(replies) == 1, replies
    target, message = replies[0]
    assert target is client and message["type"] == "refused", message
    assert match in message["reason"], message["reason"]


def test_a_seat_is_taken_only_with_its_code_and_only_once(classroom):
    client = Client()
    only_refusal(say(classroom, client, type="move", version=0, kind="walk"), client, "hello")
    only_refusal(say(classroom, client, type="hello", code="ABCDE-FGHJK"), client, "no seat")
    assert client.wrong_codes == 1 and client.seat is None
    code = code_of(classroom.ledger, 1, "japan")
    replies = say(classroom, client, type="hello", code=f"{code[:5].lower()} {code[5:]}", id="h")
    assert (
        replies[0][1]["seat"] == {"table": 1, "party": "japan", "teacher": False}
        and replies[0][1]["re"] == "h"
    )
    only_refusal(say(classroom, client, type="hello", code=code), client, "already")
    assert [(e.kind, e.party) for e in classroom.ledger.entries(1)][-1] == ("join", "japan")


def test_a_team_moves_only_for_its_own_party_at_its_own_table(classroom):
    us, view = seated(classroom, 1, "us")
    japan, _ = seated(classroom, 1, "japan")
    before = game_entries(classroom, 1), game_entries(classroom, 2)
    move = {"type": "move", "version": view["version"], **decide(view)}
    only_refusal(say(classroom, japan, **move), japan, "it is us's turn")
    only_refusal(say(classroom, japan, **move, party="us"), japan, "you play Japan")
    only_refusal(say(classroom, us, **move, table=2), us, "you sit at table 1")
    teacher, _ = seated(classroom, None, None)
    only_refusal(say(classroom, teacher, **move), teacher, "the teacher does not move")
    act = {"type": "intervene", "table": 1, "version": view["version"], "act": {"kind": "extend"}}
    only_refusal(say(classroom, us, **act), us, "only the teacher")
    assert (game_entries(classroom, 1), game_entries(classroom, 2)) == before
    replies = say(classroom, us, **move, id="m1")
    assert replies[0] == (
        us,
        {"v": 1, "type": "ack", "re": "m1", "version": replies[0][1]["version"]},
    )
    assert {id(c) for c, m in replies[1:] if m["type"] == "view"} == {
        id(us),
        id(japan),
        id(teacher),
    }


def test_a_move_sent_again_or_on_an_old_view_is_refused_not_played_twice(classroom):
    us, view = seated(classroom, 1, "us")
    move = {"type": "move", "version": view["version"], **decide(view)}
    assert say(classroom, us, **move)[0][1]["type"] == "ack"
    kept = game_entries(classroom, 1)
    replies = say(classroom, us, **move)
    assert replies[0][1]["type"] == "refused" and "has changed" in replies[0][1]["reason"]
    assert replies[1][1]["type"] == "view"  # the view it should have answered comes with it
    assert game_entries(classroom, 1) == kept


def test_the_teachers_act_is_logged_and_seen_at_the_table(classroom):
    us, view = seated(classroom, 1, "us")
    teacher, _ = seated(classroom, None, None)
    assert classroom.ledger.entries(CLASS)[-1].kind == "join"
    act = {"type": "intervene", "table": 1, "version": view["version"]}
    only_refusal(
        say(classroom, teacher, **act, act={"kind": "extend", "rounds": 0}), teacher, "1 to 100"
    )
    only_refusal(
        say(classroom, teacher, **{**act, "table": 9}, act={"kind": "extend"}),
        teacher,
        "no table 9",
    )
    replies = say(classroom, teacher, **act, act={"kind": "extend", "rounds": 2})
    assert replies[0][1]["type"] == "ack"
    seen = next(m for c, m in replies if c is us)
    assert seen["view"]["deadline"] == view["deadline"] + 2
    assert game_entries(classroom, 1)[-1].data["intervention"] == "extend"


FRAMES = st.one_of(
    st.text(max_size=300),
    st.binary(max_size=100),
    st.recursive(
        st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "v",
                        "type",
                        "code",
                        "kind",
                        "version",
                        "track",
                        "package",
                        "round",
                        "party",
                        "table",
                        "act",
                        "id",
                        "news",
                        "rounds",
                    ]
                ),
                inner,
                max_size=6,
            )
        ),
        max_leaves=20,
    ).map(lambda data: json.dumps(data)),
    st.fixed_dictionaries(
        {
            "v": st.just(1),
            "type": st.sampled_from(["move", "intervene"]),
            "version": st.integers(-1, 40),
            "kind": st.sampled_from(
                ["propose", "accept", "reject", "walk", "signal", "consult", "x"]
            ),
            "track": st.sampled_from(["us-japan", "us-korea", "japan-korea", "nowhere"]),
            "package": st.dictionaries(
                st.sampled_from(
                    [
                        "jp_tariff",
                        "jp_autos",
                        "jp_investment",
                        "signal",
                        "id",
                        "option",
                        "agree",
                        "x",
                    ]
                ),
                st.floats(allow_nan=False) | st.booleans() | st.text(max_size=12),
                max_size=4,
            ),
            "table": st.integers(0, 3),
            "act": st.fixed_dictionaries({"kind": st.sampled_from(["fire", "custom", "extend"])}),
        }
    ).map(json.dumps),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(frames=st.lists(FRAMES, min_size=1, max_size=8))
def test_malformed_messages_never_break_the_server_nor_reach_the_log(classroom, frames):
    team, _ = seated(classroom, 1, "japan")
    teacher, _ = seated(classroom, None, None)
    for frame in frames:
        for client in (Client(), team, teacher):
            before = game_entries(classroom, 1)
            replies = classroom.receive(client, frame)
            kinds = [message["type"] for _, message in replies]
            assert kinds and kinds[0] in ("refused", "ack", "welcome"), kinds
            json.dumps([m for _, m in replies], allow_nan=False)
            assert all("a bug" not in m.get("reason", "") for _, m in replies)
            grown = game_entries(classroom, 1)
            assert grown == before or (kinds[0] == "ack" and grown[: len(before)] == before)
    classroom.leave(team)
    classroom.leave(teacher)


def test_a_class_is_not_rebuilt_on_another_scenario_or_a_log_that_does_not_replay(tmp_path):
    ledger, room = new_class(tmp_path / "class.db")
    with pytest.raises(LedgerError, match="has changed since the class started"):
        Classroom(ledger, load_scenario(CLASSROOM, ("rounds=9",)))
    turn = room.tables[1].game.request
    ledger.append(1, [("move", "japan", {"party": "japan", "track": turn.track, "kind": "walk"})])
    with pytest.raises(LedgerError, match="table 1: its moves no longer fit the scenario"):
        Classroom(ledger, room.scenario)
    ledger.close()


def test_a_message_that_breaks_a_table_is_refused_and_the_table_rebuilt_from_its_log(
    classroom, monkeypatch, caplog
):
    us, view = seated(classroom, 1, "us")
    game = classroom.tables[1].game
    move = {"type": "move", "version": view["version"], **decide(view)}

    def broken(move):
        game.model.round += 5  # half a change, then a crash: as a bug would leave it
        raise RuntimeError("a bug")

    monkeypatch.setattr(game, "submit", broken)
    replies = say(classroom, us, **move)
    assert "a bug: tell the teacher" in replies[0][1]["reason"] and "a bug" in caplog.text
    assert replies[1][1]["view"]["round"] == view["round"]  # rebuilt as the log has it
    assert classroom.tables[1].game is not game
    assert say(classroom, us, **move)[0][1]["type"] == "ack"  # and it plays on
