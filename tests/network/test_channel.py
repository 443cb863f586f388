"""The allies' private channel: Japan's and Korea's teams say free text and answer
consultation options to each other; the teacher reads it, the US team never sees it; bad or
repeated messages are refused with nothing written; a restart keeps it all. Driven through
``Classroom.receive``."""

from __future__ import annotations

from sim.network.tables import Classroom
from tests.network.test_refusals import game_entries, only_refusal, say, seated


def channel_entries(room, table=1):
    return [e for e in room.ledger.entries(table) if e.kind == "message"]


def test_a_line_said_reaches_the_partner_and_the_teacher_and_never_the_us(classroom):
    us, _ = seated(classroom, 1, "us")
    japan, _ = seated(classroom, 1, "japan")
    korea, _ = seated(classroom, 1, "korea")
    teacher, _ = seated(classroom, None, None)
    other_table, _ = seated(classroom, 2, "korea")
    replies = say(classroom, japan, type="say", text="Hold at 15% on autos?", id="s1")
    assert replies[0][0] is japan and replies[0][1]["type"] == "ack" and replies[0][1]["re"] == "s1"
    got = {id(c): m for c, m in replies[1:]}
    assert set(got) == {id(japan), id(korea), id(teacher)}
    line = {"round": 1, "party": "japan", "name": "Japan", "kind": "say"}
    for message in got.values():
        assert message["view"]["channel"] == [{**line, "text": "Hold at 15% on autos?"}]
    assert [(e.party, e.data) for e in channel_entries(classroom)] == [
        ("japan", {"text": "Hold at 15% on autos?", "round": 1})
    ]
    assert classroom.tables[1].view(us.seat)["channel"] is None
    assert classroom.tables[2].view(other_table.seat)["channel"] == []


def test_a_proposal_is_accepted_or_declined_as_consultation_moves_of_the_game(classroom):
    japan, _ = seated(classroom, 1, "japan")
    korea, _ = seated(classroom, 1, "korea")
    us, _ = seated(classroom, 1, "us")
    model = classroom.tables[1].game.model
    version = classroom.tables[1].version
    for who, option, agree in [
        (japan, "parity_pact", True),
        (korea, "parity_pact", True),
        (korea, "share_bottom_lines", True),
        (japan, "share_bottom_lines", False),
        (korea, "share_bottom_lines", False),
    ]:
        replies = say(classroom, who, type="consult", option=option, agree=agree)
        assert replies[0][1]["type"] == "ack", replies[0]
        assert id(us) in {id(c) for c, _ in replies}  # the table moved on: everyone's version
    says = [(e["party"], e["option"], e["says"]) for e in classroom.tables[1].channel]
    assert says == [
        ("japan", "parity_pact", "proposes"),
        ("korea", "parity_pact", "accepts"),
        ("korea", "share_bottom_lines", "proposes"),
        ("japan", "share_bottom_lines", "declines"),
        ("korea", "share_bottom_lines", "withdraws"),
    ]
    assert model.channel.offers["japan"] == {"parity_pact": True, "share_bottom_lines": False}
    consults = [e.data for e in game_entries(classroom, 1) if e.data.get("kind") == "consult"]
    assert len(consults) == 5 and classroom.tables[1].version == version + 5
    assert classroom.tables[1].view(us.seat)["channel"] is None


def test_what_may_not_be_said_is_refused_and_nothing_is_written(classroom):
    us, _ = seated(classroom, 1, "us")
    japan, _ = seated(classroom, 1, "japan")
    teacher, _ = seated(classroom, None, None)
    say(classroom, japan, type="say", text="hello")
    say(classroom, japan, type="consult", option="parity_pact", agree=True)
    before = classroom.ledger.entries(1)
    only_refusal(say(classroom, us, type="say", text="hi"), us, "only Japan and South Korea")
    only_refusal(
        say(classroom, us, type="consult", option="parity_pact", agree=True), us, "only Japan"
    )
    only_refusal(say(classroom, teacher, type="say", text="hi"), teacher, "teacher reads")
    only_refusal(say(classroom, japan, type="say", text="\x1b[2Jhi"), japan, "U+001B")
    only_refusal(say(classroom, japan, type="say", text=" \n "), japan, "empty")
    only_refusal(say(classroom, japan, type="say", text=""), japan, "at least 1")
    only_refusal(say(classroom, japan, type="say", text="x" * 501), japan, "at most 500")
    only_refusal(say(classroom, japan, type="say", text="hello"), japan, "said that already")
    only_refusal(
        say(classroom, japan, type="consult", option="parity_pact", agree=True),
        japan,
        "already",
    )
    only_refusal(
        say(classroom, japan, type="consult", option="joint_purchase", agree=True),
        japan,
        "not on offer",
    )
    only_refusal(
        say(classroom, japan, type="consult", option="alliance", agree=True), japan, "option"
    )
    assert classroom.ledger.entries(1) == before


def test_a_restart_keeps_the_channel_as_it_was(classroom):
    japan, _ = seated(classroom, 1, "japan")
    korea, _ = seated(classroom, 1, "korea")
    say(classroom, japan, type="say", text="Pact?")
    say(classroom, japan, type="consult", option="parity_pact", agree=True)
    say(classroom, korea, type="say", text="Yes.")
    say(classroom, korea, type="consult", option="parity_pact", agree=True)
    channel = classroom.tables[1].channel
    assert [e["kind"] for e in channel] == ["say", "consult", "say", "consult"]
    again = Classroom(classroom.ledger, classroom.scenario)
    assert again.tables[1].channel == channel
    assert (
        again.tables[1].game.model.channel.offers == classroom.tables[1].game.model.channel.offers
    )
    back, _ = seated(again, 1, "korea")
    only_refusal(
        say(again, back, type="consult", option="parity_pact", agree=True), back, "already"
    )
