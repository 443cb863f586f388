"""Alliance politics as a team sees it: the channel's options and both allies' answers."""

from __future__ import annotations

from sim.classroom.game import Game
from sim.classroom.politics import politics
from sim.classroom.saves import GameSetup
from sim.engine.moves import Move
from tests.factories import trio


def test_an_ally_sees_its_partners_standing_answer_beside_its_own():
    game = Game(GameSetup("trio", 0, ("a", "b")), trio())
    game.model.submit(Move("b", "a-b", "consult", {"option": "share_bottom_lines", "agree": True}))
    seen = politics(game, "a")
    share = next(o for o in seen.options if o.id == "share_bottom_lines")
    assert (share.answer, share.partner, seen.partner) == (False, True, "B")
    assert politics(game, "b").partner == "A"
    us = politics(game, "us")
    assert us.partner == "" and all(o.answer is o.partner is None for o in us.options)
