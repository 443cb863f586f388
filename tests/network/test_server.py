"""A whole table played over the network by three scripted teams, against the same game
played locally; what a team receives; reconnecting; refusals that leave the game as it was."""

from __future__ import annotations

import asyncio
import json

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from sim.classroom.game import Game
from sim.classroom.saves import GameSetup
from sim.engine.moves import Move
from sim.network.ledger import Ledger, LedgerError
from sim.network.protocol import MAX_FRAME
from sim.network.server import (
    BURST,
    FLOOD,
    MAX_SIZE,
    POLICY,
    TRY_AGAIN,
    WRONG_CODES,
    ClassServer,
    port_of,
    serving,
)
from sim.network.tables import Client
from sim.network.view import snapshot
from sim.results.transcript import game_record
from sim.scenario.loading import load_scenario
from tests.factories import CLASSROOM
from tests.network.conftest import PARTIES, Team, code_of, decide, new_class

pytestmark = pytest.mark.asyncio


async def test_tables_played_over_the_network_are_the_games_played_locally(tmp_path, saves):
    ledger, room = new_class(tmp_path / "class.db", tables=3, seed=11)
    async with serving(ClassServer(room)) as listening:
        url = f"ws://127.0.0.1:{port_of(listening)}"
        tables = {n: [Team(url, code_of(ledger, n, party)) for party in PARTIES] for n in (1, 3)}
        teams = [team for seated in tables.values() for team in seated]
        for team in teams:
            await team.__aenter__()
        await asyncio.gather(*(team.play() for team in teams))  # two tables at once
        for team in teams:
            await team.__aexit__()
    assert not saves.exists()  # the server keeps no JSON saves
    for number, seated in tables.items():
        played = sorted(move for team in seated for move in team.acked)
        assert len(played) > 5
        # The table's seed (the base seed + its number - 1) and its moves, at one keyboard.
        local = Game.start(GameSetup(CLASSROOM, 10 + number, PARTIES), load_scenario(CLASSROOM))
        for version, move in played:
            request = local.request
            local.submit(Move(request.party, move["track"], move["kind"], move.get("package")))
            assert len(local.model.log) == version  # each acknowledged at the log it left
        served = room.tables[number].game
        assert served.model.log == local.model.log
        assert game_record(served.model) == game_record(local.model)
        for team in seated:  # what each team saw last is what it sees of the local game
            assert team.view == json.loads(json.dumps(snapshot(local, team.party)))
    untouched = Game(
        GameSetup(CLASSROOM, 12, PARTIES), load_scenario(CLASSROOM), keep=lambda game: None
    )
    assert room.tables[2].game.model.log == untouched.model.log  # table 2 waits, as it was
    ledger.close()


async def test_floods_and_oversized_frames_are_refused_and_the_table_plays_on(tmp_path):
    ledger, room = new_class(tmp_path / "class.db")
    frozen = ClassServer(room, clock=lambda: 0.0)  # no time passes: the burst is all there is
    async with serving(frozen) as listening:
        url = f"ws://127.0.0.1:{port_of(listening)}"
        async with connect(url) as flooder:
            move = json.dumps({"v": 1, "type": "move", "version": 0, "kind": "walk"})
            for _ in range(BURST + FLOOD + 5):
                await flooder.send(move)
            replies = []
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    replies.append(json.loads(await flooder.recv())["reason"])
            assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (
                POLICY,
                "too many messages",
            )
            assert replies == [
                *["say hello with your join code first"] * BURST,
                *["too many messages: wait a moment, then send again"] * FLOOD,
            ]
        async with Team(url, code_of(ledger, 1, "korea")) as korea:
            await korea.ws.send(b"\x00binary")
            await korea.ws.send("x" * (MAX_FRAME + 1))
            assert [(await korea.next())["reason"] for _ in range(2)] == [
                "send each message as a text frame of JSON, not binary",
                f"a message is at most {MAX_FRAME} characters",
            ]
            await korea.ws.send("x" * (MAX_SIZE + 1))
            with pytest.raises(ConnectionClosed) as closed:
                await korea.next()
            assert closed.value.rcvd.code == 1009  # websockets: message too big
        async with Team(url, code_of(ledger, 1, "us")) as us:  # the server serves on
            move = {"type": "move", "version": us.view["version"], **decide(us.view)}
            await us.send(move)
            assert (await us.next())["type"] == "ack"
    ledger.close()


async def test_a_connection_that_keeps_trying_wrong_codes_is_closed(tmp_path):
    ledger, room = new_class(tmp_path / "class.db")
    async with serving(ClassServer(room)) as listening:
        guesser = await connect(f"ws://127.0.0.1:{port_of(listening)}")
        for n in range(WRONG_CODES):
            await guesser.send(json.dumps({"v": 1, "type": "hello", "code": f"GUESS{n}"}))
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                await guesser.recv()
        assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (
            POLICY,
            "too many wrong codes",
        )
    assert not [e for e in ledger.entries(1) if e.kind != "move"]  # nobody joined
    ledger.close()


async def test_a_client_too_far_behind_is_closed_to_reconnect_and_the_others_are_served(classroom):
    class Socket:
        closed_with = None

        async def close(self, code, reason):
            self.closed_with = (code, reason)

    server = ClassServer(classroom)
    slow, quick = Client(), Client()
    full, spare = asyncio.Queue(1), asyncio.Queue(1)
    full.put_nowait("an earlier view it has not taken")
    socket = Socket()
    server.outboxes = {slow: (full, socket), quick: (spare, Socket())}
    server._send([(slow, {"type": "view"}), (quick, {"type": "view"})])
    await asyncio.sleep(0)  # the replies go out at the end of the loop's round
    await asyncio.gather(*server._closing)
    assert socket.closed_with == (TRY_AGAIN, "too far behind")
    assert slow not in server.outboxes and json.loads(spare.get_nowait()) == {"type": "view"}


class Outbox:
    """A connection's socket in a test without the network: it keeps what it is sent."""

    async def close(self, code, reason):
        raise AssertionError(f"closed: {code} {reason}")


def frame(**message) -> str:
    return json.dumps({"v": 1, **message})


def openers(server: ClassServer, tables: list[int]) -> dict[int, tuple[Client, dict]]:
    """At each table, the team whose move it is, seated, with its view."""
    room, found = server.classroom, {}
    for number in tables:
        client = Client()
        party = room.tables[number].game.request.party
        welcome = room.receive(
            client, frame(type="hello", code=code_of(room.ledger, number, party))
        )
        room.ledger.commit()  # the hellos' join entries, before the test begins
        server.outboxes[client] = (asyncio.Queue(), Outbox())
        found[number] = (client, welcome[0][1]["views"][str(number)])
    return found


async def test_moves_that_arrive_together_share_one_commit_and_no_reply_precedes_it(classroom):
    server = ClassServer(classroom)
    seated = openers(server, [1, 2])
    commits = []
    commit = classroom.ledger.commit
    classroom.ledger.commit = lambda: (commits.append(1), commit())[1]
    for number, (client, view) in seated.items():
        move = decide(view)
        server._send(
            classroom.receive(
                client, frame(type="move", table=number, version=view["version"], **move)
            )
        )
    assert not commits and all(box.empty() for box, _ in server.outboxes.values())
    other = Ledger.open(classroom.ledger.path)  # what a crash would leave: nothing yet
    assert [e.kind for e in other.entries(1)] == ["join"]
    await asyncio.sleep(0)  # the loop's round ends: one commit, then the replies
    assert commits == [1]
    assert [e.kind for e in other.entries(1)] == ["join", "move"]
    other.close()
    for box, _ in server.outboxes.values():
        assert json.loads(box.get_nowait())["type"] == "ack"


async def test_a_commit_that_fails_plays_nothing_and_says_so_with_the_table_as_it_was(classroom):
    server = ClassServer(classroom)
    ((client, view),) = openers(server, [1]).values()
    before = classroom.tables[1].game.model.log

    def fails():
        classroom.ledger._db.rollback()
        raise LedgerError("disk full", frozenset({1}))

    classroom.ledger.commit = fails
    move = frame(type="move", table=1, version=view["version"], **decide(view))
    server._send(classroom.receive(client, move))
    await asyncio.sleep(0)
    box, _ = server.outboxes[client]
    replies = [json.loads(box.get_nowait()) for _ in range(box.qsize())]
    assert [r["type"] for r in replies] == ["refused", "view"]
    assert "cannot be written, so nothing was played" in replies[0]["reason"]
    assert replies[1]["view"]["version"] == view["version"]
    assert classroom.tables[1].game.model.log == before
    assert [e.kind for e in classroom.ledger.entries(1)] == ["join"]
