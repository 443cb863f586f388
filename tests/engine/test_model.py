"""The game engine: rounds, deadlines, human moves, replay, bottom lines, determinism."""

from __future__ import annotations

import contextlib
import gc
import random
import weakref
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.engine.model import NegotiationModel, replay
from sim.engine.moves import Intervention, InvalidMove, Move, entry_from_dict
from sim.engine.rules import Rules
from sim.engine.utility import EPS
from sim.scenario.loading import ScenarioError, load_scenario
from tests.factories import bilateral

BASELINE = Rules(load_scenario("baseline-2025"))


def fingerprint(model: NegotiationModel):
    """Everything observable about a game, for comparing two games."""
    return (
        [m.to_dict() for m in model.moves],
        {t: (k.status, k.closed_round, k.deal and k.deal.package) for t, k in model.talks.items()},
        {k: list(v) for k, v in model.datacollector.model_vars.items()},
        [(r, e.id) for r, e in model.news],
    )


def test_same_seed_same_game_and_seeds_differ():
    games = []
    for seed in (1, 1, 2):
        model = NegotiationModel(BASELINE, seed=seed)
        model.run()
        games.append(fingerprint(model))
    assert games[0] == games[1]
    assert any(fingerprint_differs for fingerprint_differs in (games[0] != games[2],))


def test_a_round_is_one_mesa_step():
    model = NegotiationModel(BASELINE, seed=3)
    model.step()
    assert model.round == 1
    assert model.steps == 1
    assert len(model.datacollector.model_vars["round"]) == 2  # at start and after round 1
    assert [e.id for _, e in model.news][:1] == ["steel-50"]


def test_scheduled_event_changes_the_world():
    model = NegotiationModel(BASELINE, seed=0)
    assert model.world.status_quo["jp_steel"] == 25
    model.step()
    assert model.world.status_quo["jp_steel"] == 50
    assert model.world.status_quo["kr_steel"] == 50


def test_an_event_due_in_a_round_with_a_chance_fires_then_or_never():
    """The upper-house election is due in round 4 and lost in about half the games: the
    scenario holds the election without writing in its result."""
    fired = []
    for seed in range(200):
        model = NegotiationModel(BASELINE, seed=seed, collect=False)
        model.run()
        fired += [r for r, e in model.news if e.id == "upper-house-election"]
    assert set(fired) == {4}
    assert 0.35 < len(fired) / 200 < 0.65


def test_an_event_with_a_round_cannot_repeat():
    with pytest.raises(ScenarioError, match="happens once"):
        load_scenario("baseline-2025", ["events.upper-house-election.repeat=true"])


def test_a_changed_event_leaves_the_luck_of_the_rest_of_the_game_alone(tmp_path):
    """Common random numbers: making one random event certain changes no other event's
    draws, so paired studies compare like with like (sim/engine/draws.py)."""
    certain = tmp_path / "certain.yaml"
    certain.write_text(
        "extends: baseline-2025\n"
        "remove: [events.north-korea-test.probability, events.north-korea-test.repeat]\n"
        "events:\n  - {id: north-korea-test, round: 1}\n"
    )
    made_certain = Rules(load_scenario(str(certain)))
    for seed in range(20):
        games = [NegotiationModel(r, seed=seed, collect=False) for r in (BASELINE, made_certain)]
        for game in games:
            game.run()
        both = min(g.round for g in games)  # a game ends when its last track closes
        news = [
            [(r, e.id) for r, e in g.news if e.id != "north-korea-test" and r <= both]
            for g in games
        ]
        assert news[0] == news[1]


def test_deadline_ends_open_tracks_with_the_escalation():
    scenario = bilateral(
        [{"id": "tariff", "min": 0, "max": 50, "step": 1, "status_quo": 20, "escalation": 40}],
        {
            "patience": 0.9,
            "strategy": {"name": "hardliner"},
            "preferences": {"tariff": {"weight": 1, "shape": "rising"}},
        },
        {
            "patience": 0.9,
            "strategy": {"name": "hardliner"},
            "preferences": {"tariff": {"weight": 1, "shape": "falling"}},
        },
        rounds=4,
    )
    model = NegotiationModel(scenario)
    model.run()
    talks = model.talks["a-b"]
    assert (talks.status, talks.closed_round, talks.deal) == ("no-deal", 4, None)
    assert model.world.no_deal(talks.track) == (40.0,)
    assert model.round == 4


def test_unknown_human_party_is_refused():
    with pytest.raises(ValueError, match="unknown party 'mars'"):
        NegotiationModel(BASELINE, humans=["mars"])


def test_human_moves_and_invalid_ones_change_nothing():
    model = NegotiationModel(BASELINE, seed=1, humans=["japan"])
    request = model.advance()
    assert (request.party, request.track, request.kind) == ("japan", "us-japan", "respond")
    assert set(request.on_table) == set(BASELINE.track["us-japan"].issue_ids)
    before = fingerprint(model)
    bad_moves = [
        (Move("korea", "us-japan", "accept"), "japan's turn"),
        (Move("japan", "us-japan", "propose", {}), "not possible now"),
        (Move("japan", "us-japan", "accept", {"jp_tariff": 1}), "takes no package"),
        (Move("japan", "us-japan", "reject", {"jp_tariff": 10}), "leaves out"),
        (Move("japan", "us-japan", "reject", {**request.on_table, "jp_tariff": 99}), "outside"),
        (Move("japan", "us-japan", "reject", {**request.on_table, "jp_autos": 3}), "multiple"),
        (Move("japan", "us-japan", "reject", {**request.on_table, "jp_tariff": "low"}), "number"),
        (Move("japan", "us-japan", "reject", {**request.on_table, "x": 1}), "not an issue"),
        (Move("japan", "us-japan", "accept", round=7), "round 7"),
    ]
    for move, reason in bad_moves:
        with pytest.raises(InvalidMove, match=reason):
            model.submit(move)
        assert fingerprint(model) == before
        assert model.pending == request
    counter = {**request.on_table, "jp_tariff": 10, "jp_autos": 0}
    request = model.submit(Move("japan", "us-japan", "reject", counter))
    # the counter is proposed automatically in round 2; the US rejects it and proposes again
    japans = [o for o in model.talks["us-japan"].history if o.proposer == "japan"]
    assert [(o.round, o.package) for o in japans] == [
        (2, BASELINE.track["us-japan"].encode(counter))
    ]
    assert (request.kind, request.round) == ("respond", 3)


def test_walking_away_ends_the_track():
    model = NegotiationModel(BASELINE, seed=1, humans=["korea"])
    request = model.advance()
    assert request.party == "korea"
    model.submit(Move("korea", "us-korea", "walk"))
    assert model.talks["us-korea"].status == "walked"
    assert model.finished
    assert model.talks["us-japan"].status != "open"


def test_all_ai_game_refuses_submit():
    model = NegotiationModel(BASELINE, seed=1)
    model.run()
    with pytest.raises(InvalidMove, match="game is over"):
        model.submit(Move("us", "us-japan", "accept"))


def _random_move(request, model, rng: random.Random) -> Move:
    track = model.rules.track[request.track]
    roll = rng.random()
    if request.kind == "respond" and roll < 0.3:
        return Move(request.party, request.track, "accept")
    if roll < 0.05:
        return Move(request.party, request.track, "walk")
    package = {s.id: s.decode(rng.choice(s.grid(11))) for s in track.spaces}
    if request.kind == "respond":
        return Move(request.party, request.track, "reject", package if roll < 0.7 else None)
    return Move(request.party, request.track, "propose", package)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**31),
    humans=st.sets(st.sampled_from(["us", "japan", "korea"])),
    choices=st.integers(0, 2**31),
)
def test_replaying_the_move_log_reproduces_the_game(seed, humans, choices):
    rng = random.Random(choices)
    model = NegotiationModel(BASELINE, seed=seed, humans=humans)
    request = model.advance()
    while request is not None:
        request = model.submit(_random_move(request, model, rng))
    again = replay(BASELINE, seed, humans, model.moves)
    assert again.finished
    assert fingerprint(again) == fingerprint(model)
    as_data = [Move.from_dict(m.to_dict()) for m in model.moves]
    assert fingerprint(replay(BASELINE, seed, humans, as_data)) == fingerprint(model)


def test_the_log_read_as_the_game_goes_is_the_log_of_the_whole_game():
    humans = {"us", "japan"}
    rng = random.Random(3)
    model = NegotiationModel(BASELINE, seed=3, humans=humans)
    request = model.advance()
    read = []
    while request is not None:
        read.append(model.log)  # decoded once and kept: each read must see the new entries
        read[-1].append("a caller's own list")
        request = model.submit(_random_move(request, model, rng))
    whole = replay(BASELINE, 3, humans, [e for e in model.log if isinstance(e, Move)]).log
    assert model.log == whole
    for earlier, later in pairwise(read):
        assert len(earlier) < len(later) and earlier[:-1] == whole[: len(earlier) - 1]


SHAPES = st.sampled_from(["rising", "falling", "peaked"])
AI = ["boulware", "linear", "conceder", "tit-for-tat", "hardliner"]


@st.composite
def bargaining_problems(draw):
    """Random small bilateral scenarios with bottom lines and reservation utilities."""
    issues, prefs, lines = [], {"a": {}, "b": {}}, {"a": {}, "b": {}}
    for n in range(draw(st.integers(1, 3))):
        top = draw(st.sampled_from([1.0, 10.0, 50.0]))
        step = draw(st.sampled_from([None, top / 10, top / 4]))
        issue_id = f"i{n}"
        issues.append(
            {
                "id": issue_id,
                "min": 0,
                "max": top,
                "step": step,
                "status_quo": draw(st.sampled_from([0.0, top / 2, top])),
            }
        )
        for party in ("a", "b"):
            shape = draw(SHAPES)
            pref = {"weight": draw(st.floats(0.1, 5)), "shape": shape}
            if shape == "peaked":
                pref["ideal"] = draw(st.floats(0, top))
            prefs[party][issue_id] = pref
            if draw(st.booleans()):
                lo = draw(st.floats(0, top))
                hi = draw(st.floats(lo, top))
                lines[party][issue_id] = {"min": lo, "max": hi}

    def party(p):
        return {
            "patience": draw(st.floats(0.5, 1.0)),
            "strategy": {"name": draw(st.sampled_from(AI))},
            "preferences": prefs[p],
            "bottom_lines": lines[p],
            "reservation": {"a-b": draw(st.floats(0, 0.7))},
        }

    return bilateral(issues, party("a"), party("b"), rounds=draw(st.integers(1, 15)))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=bargaining_problems(), seed=st.integers(0, 1000))
def test_no_ai_strategy_crosses_its_bottom_lines(scenario, seed):
    model = NegotiationModel(scenario, seed=seed)
    model.run()
    rules, world = model.rules, model.world
    talks = model.talks["a-b"]
    spaces = talks.track.spaces

    def keeps(party, offer):
        return (
            rules.limits[(party, "a-b")].allow(offer.package)
            and offer.worth[party] >= world.reservation[party]["a-b"] - EPS
        )

    for offer in talks.history:
        assert keeps(offer.proposer, offer), (offer, rules.limits[(offer.proposer, "a-b")])
        assert len(offer.package) == len(spaces)
    if talks.status == "agreed":
        assert keeps("a", talks.deal) and keeps("b", talks.deal)


def test_facilitator_fires_events_and_extends_the_deadline():
    model = NegotiationModel(BASELINE, seed=1, humans=["japan"])
    request = model.advance()
    model.intervene(Intervention("fire", event="troop-cut-report"))
    assert model.world.escalation["kr_troops"] == 24
    assert model.news[-1] == (
        1,
        next(e for e in BASELINE.scenario.events if e.id == "troop-cut-report"),
    )
    model.intervene(
        Intervention(
            "custom",
            news="A typhoon closes Yokohama.",
            effects=({"target": "parties.japan.patience", "add": -0.1},),
        )
    )
    assert model.world.patience["japan"] == pytest.approx(0.8)
    model.intervene(Intervention("extend", rounds=3))
    assert model.rounds == 15
    assert model.pending == request
    bad = [
        (Intervention("fire", event="alien-landing"), "unknown event"),
        (Intervention("custom", news=" "), "needs a line of news"),
        (
            Intervention(
                "custom", news="x", effects=({"target": "issues.nope.status_quo", "set": 1},)
            ),
            "unknown issue",
        ),
        (
            Intervention("custom", news="x", effects=({"target": "parties.us.patience"},)),
            "exactly one of set, add",
        ),
        (Intervention("extend", rounds=0), "1 to 100"),
    ]
    log = model.log
    for act, reason in bad:
        with pytest.raises(InvalidMove, match=reason):
            model.intervene(act)
    assert model.log == log and model.rounds == 15
    for _ in range(9):
        model.intervene(Intervention("extend", rounds=100))
    assert model.rounds == 915
    with pytest.raises(InvalidMove, match="cannot pass round 1000"):
        model.intervene(Intervention("extend", rounds=100))
    assert model.rounds == 915


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**31), choices=st.integers(0, 2**31))
def test_replay_repeats_interventions(seed, choices):
    rng = random.Random(choices)
    model = NegotiationModel(BASELINE, seed=seed, humans=["korea"])
    request = model.advance()
    events = [e.id for e in BASELINE.scenario.events]
    while request is not None:
        roll = rng.random()
        if roll < 0.2:
            model.intervene(Intervention("fire", event=rng.choice(events)))
        elif roll < 0.3 and model.rounds < 30:
            model.intervene(Intervention("extend", rounds=rng.randint(1, 3)))
        request = model.submit(_random_move(request, model, rng))
    log = [entry_from_dict(e.to_dict()) for e in model.log]
    assert fingerprint(replay(BASELINE, seed, ["korea"], log)) == fingerprint(model)


def test_fast_collection_matches_the_reporters():
    for humans in ((), ("korea",)):
        model = NegotiationModel(BASELINE, seed=4, humans=humans)
        model.step()
        reporters = model.datacollector.model_reporters
        assert list(reporters) == list(model.datacollector.model_vars)
        assert model.rules.round_row(model) == [f(model) for f in reporters.values()]


def test_what_the_rules_keep_across_games_changes_no_game():
    """Caches, shared limits and kept joint floors: a game on rules warmed by other games is
    the game played on freshly compiled rules."""
    warm = Rules(load_scenario("baseline-2025"))
    for seed in range(30):
        NegotiationModel(warm, seed=seed).run()
    games = []
    for rules in (warm, Rules(load_scenario("baseline-2025"))):
        model = NegotiationModel(rules, seed=7)
        model.run()
        games.append((fingerprint(model), model.world.limits))
    assert games[0] == games[1]
    # Two games that drew the same bottom lines share what their first round tightened.
    tightened: dict[tuple, NegotiationModel] = {}
    for seed in range(300):
        second = NegotiationModel(warm, seed=seed)
        second.step()
        world = second.world
        if not any(v is not world.bottom_lines[k] for k, v in world.limits.items()):
            continue
        first = tightened.setdefault(tuple(second.rooms.items()), second)
        if first is not second:
            break
    assert first is not second, "no two games drew the same bottom lines"
    allies = [k for k, v in first.world.limits.items() if v is not first.world.bottom_lines[k]]
    assert allies and all(first.world.limits[k] is second.world.limits[k] for k in allies)


def test_rows_read_through_mesa_as_they_are_recorded():
    """Rows wait whole until read; Mesa's own readers see every row, in order, at any time."""
    model = NegotiationModel(BASELINE, seed=4)
    collector = model.datacollector
    model.step()
    assert len(collector.get_model_vars_dataframe()) == 2
    offers = len(collector.get_table_dataframe("offers"))
    model.run()
    frame = collector.get_model_vars_dataframe()
    assert list(frame["round"]) == list(range(model.round + 1))
    assert list(frame.columns) == list(collector.model_reporters)
    table = collector.get_table_dataframe("offers")
    assert len(table) > offers
    assert list(table["round"]) == sorted(table["round"])
    expected = [o.package for t in model.talks.values() for o in t.history]
    assert sorted(table["package"], key=str) == sorted(expected, key=str)
    collector.add_table_row(
        "politics", {"round": 99, "phase": "p", "party": None, "subject": "s", "outcome": "o"}
    )
    assert collector.get_table_dataframe("politics")["round"].iloc[-1] == 99


@contextlib.contextmanager
def cycle_collector_off():
    """Only reference counting frees objects inside the block."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def test_a_closed_game_is_freed_at_once_and_keeps_its_results():
    model = NegotiationModel(BASELINE, seed=4)
    model.run()
    before = fingerprint(model)
    model.close()
    assert fingerprint(model) == before
    assert model.talks["us-japan"].status != "open"
    with cycle_collector_off():
        alive = weakref.ref(model)
        del model
        assert alive() is None


def test_close_ends_an_open_game_and_frees_it():
    model = NegotiationModel(BASELINE, seed=4)
    model.step()
    model.close()
    assert model.finished and model.advance() is None
    with pytest.raises(InvalidMove, match="over"):
        model.submit(Move("us", "us-japan", "walk"))
    with cycle_collector_off():
        alive = weakref.ref(model)
        del model
        assert alive() is None


def test_an_unclosed_game_waits_for_the_cycle_collector():
    """The reason ``close`` exists: without it a finished game outlives its last name."""
    model = NegotiationModel(BASELINE, seed=4)
    model.run()
    with cycle_collector_off():
        alive = weakref.ref(model)
        del model
        assert alive() is not None
    gc.collect()
    assert alive() is None
