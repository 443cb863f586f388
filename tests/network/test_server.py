"""A whole table played over the network by three scripted teams, against the same game
played locally; what a team receives; reconnecting; refusals that leave the game as it was."""

from __future__ import annotations

import asyncio
import json

import pytest

from sim.classroom.game import Game
from sim.classroom.saves import GameSetup
from sim.engine.moves import Move
from sim.network.server import ClassServer, port_of, serving
from sim.network.view import snapshot
from sim.results.transcript import game_record
from sim.scenario.loading import load_scenario
from tests.factories import CLASSROOM
from tests.network.conftest import PARTIES, Team, code_of, new_class

pytestmark = pytest.mark.asyncio


async def test_a_table_played_over_the_network_is_the_game_played_locally(tmp_path, saves):
    ledger, room = new_class(tmp_path / "class.db", tables=2, seed=11)
    async with serving(ClassServer(room)) as listening:
        url = f"ws://127.0.0.1:{port_of(listening)}"
        teams = [Team(url, code_of(ledger, 2, party)) for party in PARTIES]
        for team in teams:
            await team.__aenter__()
        await asyncio.gather(*(team.play() for team in teams))
        for team in teams:
            await team.__aexit__()
    played = sorted(move for team in teams for move in team.acked)
    assert len(played) > 5 and not saves.exists()  # the server keeps no JSON saves
    # The same seed (table 2: the base seed + 1) and the same moves, played at one keyboard.
    local = Game.start(GameSetup(CLASSROOM, 12, PARTIES), load_scenario(CLASSROOM))
    for version, move in played:
        local.submit(Move(local.request.party, move["track"], move["kind"], move.get("package")))
        assert len(local.model.log) == version  # each acknowledged at the log it left
    served = room.tables[2].game
    assert served.model.log == local.model.log
    assert game_record(served.model) == game_record(local.model)
    for team in teams:  # what each team saw last is what it sees of the local game
        assert team.view == json.loads(json.dumps(snapshot(local, team.party)))
    untouched = Game(GameSetup(CLASSROOM, 11, PARTIES), load_scenario(CLASSROOM), keep=print)
    assert room.tables[1].game.model.log == untouched.model.log  # table 1 waits, as it was
    ledger.close()
