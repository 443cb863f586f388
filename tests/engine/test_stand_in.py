"""The AI's move for a human party's pending decision (``NegotiationModel.stand_in``): what a
class server plays for a team whose time is up."""

from __future__ import annotations

import pytest

from sim.engine.model import NegotiationModel, replay
from sim.engine.moves import InvalidMove, Move
from sim.scenario.loading import load_scenario
from tests.factories import CLASSROOM

PARTIES = ("us", "japan", "korea")


def stood_in(seed: int, every: int) -> NegotiationModel:
    """A game of three human parties where every ``every``-th decision is the AI's."""
    model = NegotiationModel(load_scenario(CLASSROOM), seed=seed, humans=PARTIES)
    model.advance()
    n = 0
    while model.pending is not None:
        request = model.pending
        if n % every == 0:
            model.submit(model.stand_in())
        else:
            kind = "propose" if request.kind == "propose" else "reject"
            package = None
            if kind == "propose":
                track = model.rules.track[request.track]
                seat = model.countries[request.party].seats[track.id]
                package = track.decode(seat.path.package(seat.path.top))
            model.submit(Move(request.party, request.track, kind, package))
        n += 1
    return model


@pytest.mark.parametrize("seed", [1, 7])
def test_the_stand_in_move_changes_nothing_and_is_the_same_each_time(seed):
    model = NegotiationModel(load_scenario(CLASSROOM), seed=seed, humans=PARTIES)
    model.advance()
    for _ in range(6):
        state, log = model.random.getstate(), list(model.log)
        move = model.stand_in()
        assert move == model.stand_in()
        assert model.random.getstate() == state and model.log == log
        assert move.party == model.pending.party and move.kind in model.pending.allowed
        model.submit(move)


def test_a_game_the_stand_in_played_replays_into_the_same_game():
    model = stood_in(seed=3, every=2)
    again = replay(model.rules, 3, PARTIES, model.log)
    assert again.log == model.log
    assert {t: k.status for t, k in again.talks.items()} == {
        t: k.status for t, k in model.talks.items()
    }
    assert model.finished


def test_the_stand_in_keeps_the_partys_bottom_lines():
    model = NegotiationModel(load_scenario(CLASSROOM), seed=4, humans=PARTIES)
    model.advance()
    proposals = 0
    while model.pending is not None:
        move = model.stand_in()
        if move.kind == "propose":
            track = model.rules.track[move.track]
            assert model.world.limits[(move.party, track.id)].allow(track.encode(move.package))
            proposals += 1
        model.submit(move)
    assert proposals >= 2


def test_no_stand_in_when_no_decision_is_pending():
    model = stood_in(seed=2, every=1)
    with pytest.raises(InvalidMove, match="game is over"):
        model.stand_in()
