"""The client's model of a table (``RemoteTable``) gives the screens the same plain data the
local table reads from a ``Game``: whatever a screen shows of a networked table, the
server's view carried."""

from __future__ import annotations

import json

from sim.classroom import record, views
from sim.classroom.politics import politics
from sim.classroom.summary import summary
from sim.engine.moves import Move
from sim.network import protocol
from sim.network.client import RemoteTable
from sim.network.view import briefing, snapshot
from tests.network.conftest import new_class, package_of


def remote(game, party: str) -> RemoteTable:
    """The table as a client of ``party`` reads it from the server's welcome, over JSON."""
    seat = {"table": 1, "party": party, "teacher": False}
    welcome = protocol.welcome(seat, {"1": snapshot(game, party)}, None, briefing(game, party))
    return RemoteTable(json.loads(json.dumps(welcome)))


def test_the_client_reads_the_view_as_the_local_table_reads_the_game(tmp_path):
    ledger, room = new_class(tmp_path / "class.db", seed=2)
    game = room.tables[1].game
    for _ in range(3):  # a few moves in, so there are offers, history and news to read
        request = game.request
        issues = snapshot(game, request.party)["tracks"]
        track = next(t for t in issues if t["id"] == request.track)
        kind = "propose" if request.kind == "propose" else "reject"
        game.submit(Move(request.party, request.track, kind, package_of(track["issues"]), 0))
    request = game.request
    for party in game.rules.party_ids:
        table = remote(game, party)
        assert table.meters() == tuple(views.meters(game, party))
        assert table.history() == tuple(record.history(game, party))
        assert table.news() == tuple(record.news(game))
        assert table.politics() == politics(game, party)
        for track in game.rules.tracks:
            if party in track.parties:
                assert table.rows(track.id) == tuple(views.issue_rows(game, party, track.id))
        if party == request.party:
            assert table.decision.track == request.track
            assert table.summary() == summary(game, party)
            move = table.move("accept")
            assert (move["track"], move["round"], move["version"]) == (
                request.track,
                request.round,
                len(game.model.log),
            )
        else:
            assert table.decision is None and table.summary() is None
            assert table.waiting_for.startswith(game.name(request.party))
    ledger.close()
