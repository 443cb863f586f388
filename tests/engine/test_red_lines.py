"""Red lines: what a proposer learns from the issues a refusal names and the asks it hears."""

from __future__ import annotations

import pytest

from sim.engine.model import NegotiationModel
from sim.engine.moves import Move
from sim.engine.red_lines import RedLines, red_line_bounds
from sim.engine.rules import Rules
from sim.engine.utility import IssueSpace
from sim.experiments.teams import TEAMS, Player
from sim.scenario.loading import load_scenario
from sim.scenario.models import Issue

TROOPS = IssueSpace.of(
    Issue(id="troops", name="Troops", track="t", min=30, max=60, step=0.5, status_quo=54)
)
OWN = ((30, 60),)
"""The proposer's own limits: the whole range."""


@pytest.mark.parametrize(
    ("offered", "asked", "expected"),
    [(57, 55.5, (30, 55.5)), (60, 40, (30, 49.5)), (55.5, 57, (57, 60))],
)
def test_a_red_line_moves_the_next_offer_halfway_and_never_stalls_a_step_short(
    offered, asked, expected
):
    """Troops on a 0.5 grid, 30..60: the bisection's grid has steps of 1.5, so halving from
    57 toward an ask of 55.5 would land back on 57 and be refused again every round."""
    assert red_line_bounds(TROOPS, offered, asked, OWN[0]) == expected


def test_a_red_line_named_before_any_ask_waits_for_the_first_ask():
    lines = RedLines((TROOPS,))
    assert not lines.heard_red_line(0, 60, OWN) and lines.bounds == {}
    assert lines.heard_ask((40,), OWN)
    assert lines.bounds == {0: (30, 49.5)}  # halfway from 60 toward 40


def test_an_ask_held_twice_on_a_red_line_is_taken_as_the_limit_whichever_comes_last():
    heard_last = RedLines((TROOPS,))
    heard_last.heard_ask((40,), OWN)
    heard_last.heard_ask((40,), OWN)
    assert heard_last.heard_red_line(0, 60, OWN) and heard_last.bounds == {0: (30, 40)}
    asked_last = RedLines((TROOPS,))
    asked_last.heard_ask((40,), OWN)
    asked_last.heard_red_line(0, 60, OWN)
    assert asked_last.bounds == {0: (30, 49.5)}
    assert asked_last.heard_ask((40,), OWN) and asked_last.bounds == {0: (30, 40)}


def test_an_ask_that_moves_is_not_held_and_an_issue_never_named_teaches_nothing():
    lines = RedLines((TROOPS, TROOPS))
    lines.heard_ask((40, 35), OWN)
    lines.heard_red_line(0, 60, OWN)
    assert not lines.heard_ask((42, 35), OWN)  # 40 then 42: not held; issue 1 never named
    assert lines.bounds == {0: (30, 49.5)}


def test_the_ai_meets_a_team_that_holds_its_counter_on_the_issues_it_named():
    """A human Japan that counters with one package, round after round: once it has asked
    it twice, every US offer keeps Japan's bottom lines on the issues Japan's refusals named
    (unless Washington's own limits stop it there), where bisection alone took rounds."""
    rules = Rules(load_scenario("baseline-2025"))
    for seed in range(5):
        model = NegotiationModel(rules, seed=seed, humans=["japan"], collect=False)
        counter, request = None, model.advance()
        while request is not None:
            if request.kind == "propose":
                counter = counter or Player(TEAMS["stonewall"], "japan").decide(model, request)
                request = model.submit(counter)
            else:
                request = model.submit(Move("japan", request.track, "reject"))
        talks = model.talks["us-japan"]
        track = rules.track["us-japan"]
        ours = model.world.limits[("japan", track.id)]
        us = model.world.limits[("us", track.id)]
        asked = track.encode(counter.package)
        named: set[int] = set()
        asks = 0
        for offer in talks.history:
            if offer.proposer == "japan":
                asks += 1
                continue
            if asks >= 2:
                for pos in named:
                    lo, hi = us.bounds[pos]
                    if lo <= asked[pos] <= hi:
                        assert ours.crossed(offer.package).count(pos) == 0, (seed, pos)
            named |= set(ours.crossed(offer.package))


def test_an_ask_held_past_the_proposers_own_limit_takes_it_as_far_as_that_limit():
    """A side that holds out for more than the proposer may give gets the most it may give,
    not nothing learnt: the proposer's own limit here is 45."""
    lines = RedLines((TROOPS,))
    own = ((45, 60),)
    lines.heard_ask((35,), own)
    lines.heard_ask((35,), own)
    assert lines.heard_red_line(0, 60, own) and lines.bounds == {0: (45, 45)}
