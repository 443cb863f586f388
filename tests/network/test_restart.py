"""Faults: a server killed with SIGKILL mid-game restarts from its database with no
acknowledged move lost, and a client that drops reconnects with its code to the table as
it was."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from pathlib import Path

import pytest

from sim.classroom.game import Game
from sim.classroom.saves import GameSetup
from sim.engine.moves import Move
from sim.network.ledger import Ledger
from sim.network.server import ClassServer, port_of, serving
from sim.network.view import snapshot
from sim.scenario.loading import load_scenario
from tests.factories import CLASSROOM
from tests.network.conftest import PARTIES, Team, code_of, hosting, new_class

pytestmark = pytest.mark.asyncio


async def host(*args: str) -> tuple[asyncio.subprocess.Process, int]:
    """``trilateral host ARGS --port 0`` in a process of its own, and the port it took."""
    process, found = await hosting(
        *args, "--port", "0", until=r"Listening on ws://127\.0\.0\.1:(\d+)"
    )
    return process, int(found.group(1))


async def seated(url: str, db: Path) -> list[Team]:
    ledger = Ledger.open(db)  # read beside the running server: WAL lets both at it
    teams = [Team(url, code_of(ledger, 1, party)) for party in PARTIES]
    ledger.close()
    for team in teams:
        await team.__aenter__()
    return teams


def killed(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        os.kill(process.pid, signal.SIGKILL)


async def test_a_server_killed_mid_game_carries_on_from_its_database(tmp_path):
    db = tmp_path / "class.db"
    process, port = await host(CLASSROOM, "--tables", "1", "--seed", "9", "--db", str(db))
    try:
        teams = await seated(f"ws://127.0.0.1:{port}", db)
        await asyncio.gather(*(team.play(until_version=8) for team in teams))
        before = sorted(move for team in teams for move in team.acked)
        last = max(version for version, _ in before)
        killed(process)  # no warning, no clean-up: mid-game, with the teams connected
        await process.wait()
    finally:
        killed(process)
    assert before and not [t for t in teams if t.view["finished"]]
    process, port = await host("--db", str(db))
    try:
        again = await seated(f"ws://127.0.0.1:{port}", db)  # each team reconnects with its code
        assert {team.view["version"] for team in again} == {last}
        for old, new in zip(teams, again, strict=True):
            assert new.view == old.view  # the table as it was when the server died
        await asyncio.gather(*(team.play() for team in again))
        after = sorted(move for team in again for move in team.acked)
        for team in again:
            await team.__aexit__()
    finally:
        killed(process)
        await process.wait()
    local = Game(GameSetup(CLASSROOM, 9, PARTIES), load_scenario(CLASSROOM), keep=lambda game: None)
    for version, move in before + after:
        local.submit(Move(local.request.party, move["track"], move["kind"], move.get("package")))
        assert len(local.model.log) == version
    assert local.finished
    for team in again:
        assert team.view == json.loads(json.dumps(snapshot(local, team.party)))
    ledger = Ledger.open(db)
    kept = [e.data for e in ledger.entries(1) if e.kind in ("move", "intervention")]
    assert kept == [entry.to_dict() for entry in local.model.log]
    assert [e.party for e in ledger.entries(1) if e.kind == "join"] == [*PARTIES, *PARTIES]
    ledger.close()


async def test_a_team_that_drops_reconnects_with_its_code_to_the_table_as_it_was(tmp_path):
    ledger, room = new_class(tmp_path / "class.db", seed=2)
    async with serving(ClassServer(room)) as listening:
        url = f"ws://127.0.0.1:{port_of(listening)}"
        us, japan, korea = await seated(url, ledger.path)
        await asyncio.gather(*(team.play(until_version=4) for team in (us, japan, korea)))
        await japan.ws.close()
        async with Team(url, code_of(ledger, None)) as teacher:  # the table moves on meanwhile
            version = us.view["version"]
            act = {"kind": "extend", "rounds": 1}
            await teacher.send({"type": "intervene", "table": 1, "version": version, "act": act})
            assert (await teacher.next())["type"] == "ack"
        async with Team(url, code_of(ledger, 1, "japan")) as back:
            assert back.view == json.loads(json.dumps(snapshot(room.tables[1].game, "japan")))
            assert back.view["version"] == version + 1
            assert back.view["deadline"] == japan.view["deadline"] + 1
            assert len(room.tables[1].clients) == 3  # the dropped connection is gone
            await asyncio.gather(*(team.play() for team in (us, back, korea)))
        assert room.tables[1].game.finished
        for team in (us, korea):
            await team.__aexit__()
    ledger.close()
