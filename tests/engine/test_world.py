"""The world of one game: each change keeps what follows from the numbers right, games never
share what they change, and nothing but the world writes its numbers."""

from __future__ import annotations

import ast
import copy
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine.rules import Rules
from sim.engine.utility import Limits
from sim.engine.world import NUMBERS, World
from sim.scenario.effects import Effect
from tests.factories import trio

SIM = Path(__file__).resolve().parents[2] / "sim"
RULES = Rules(
    trio(
        security={"threat": 0.3},
        a={"security": {"tariff_a": 1.0}, "bottom_lines": {"tariff_a": {"max": 30, "spread": 5}}},
    )
)
PARTIES = list(RULES.party_ids)
ISSUES = list(RULES.spaces)
SEATS = [(party, track) for track in RULES.tracks for party in track.parties]
TARGETS = [
    *(f"issues.{i}.{n}" for i in ISSUES for n in ("status_quo", "escalation")),
    *(f"parties.{p}.{n}" for p in PARTIES for n in ("patience", "approval", "credibility")),
    *(
        f"parties.{p}.{n}.{t.id}"
        for p in PARTIES
        for t in RULES.tracks
        for n in ("reservation", "batna")
    ),
    *(
        f"parties.{p.id}.preferences.{i}.weight"
        for p in RULES.scenario.parties
        for i in p.preferences
    ),
    "alliance.trust",
    "alliance.sentiment",
    "security.threat",
]
amounts = st.floats(-1, 1)
values = st.floats(0, 60)


def _apply(world, draw):
    target = draw(st.sampled_from(TARGETS))
    if draw(st.booleans()):
        world.apply(Effect(target=target, set=draw(values)))
    else:
        world.apply(Effect(target=target, add=draw(amounts)))


def _set_escalation(world, draw):
    world.set_escalation(draw(st.sampled_from(ISSUES)), draw(st.none() | values))


def _carry_out(world, draw):
    world.carry_out(draw(st.sampled_from(ISSUES)), draw(values))


def _lose_credibility(world, draw):
    world.lose_credibility(draw(st.sampled_from(PARTIES)), draw(amounts))


def _set_approval(world, draw):
    world.set_approval(draw(st.sampled_from(PARTIES)), draw(amounts))


def _lose_approval(world, draw):
    world.lose_approval(draw(st.sampled_from(PARTIES)), draw(amounts))


def _build_trust(world, draw):
    world.build_trust(draw(amounts), draw(amounts))


def _lose_trust(world, draw):
    world.lose_trust(draw(amounts), draw(amounts))


def _raise_reservation(world, draw):
    party, track = draw(st.sampled_from(SEATS))
    world.raise_reservation(party, track, draw(st.floats(0, 1)))


def _pay(world, draw):
    party, track = draw(st.sampled_from(SEATS))
    world.pay(party, track.id, draw(amounts))


def _give_room(world, draw):
    party = draw(st.sampled_from(sorted(RULES.rooms)))
    world.give_room(party, draw(st.integers(0, len(RULES.rooms[party]) - 1)))


def _tighten(world, draw):
    party, track = draw(st.sampled_from(SEATS))
    limits = world.limits[(party, track.id)]
    bounds = list(limits.bounds)
    pos = draw(st.integers(0, len(bounds) - 1))
    lo, hi = bounds[pos]
    new_lo = draw(st.floats(lo, hi))
    bounds[pos] = (new_lo, draw(st.floats(new_lo, hi)))
    world.tighten(party, track.id, Limits(tuple(bounds), limits.refused))


CHANGES = {
    "apply": _apply,
    "set_escalation": _set_escalation,
    "carry_out": _carry_out,
    "lose_credibility": _lose_credibility,
    "set_approval": _set_approval,
    "lose_approval": _lose_approval,
    "build_trust": _build_trust,
    "lose_trust": _lose_trust,
    "raise_reservation": _raise_reservation,
    "tighten": _tighten,
    "give_room": _give_room,
    "pay": _pay,
}
"""Every way to change a world, each drawing its arguments."""

READERS = {"no_deal", "no_deal_utility", "floor", "tied_floor", "valuation"}


def warm(world: World) -> None:
    """Fill every derived value, so that a change that forgets to drop one is caught."""
    for party, track in SEATS:
        world.floor(party, track)
        world.valuation(party, track.id)


def check_derived(world: World) -> None:
    """What the world derives equals what follows from its numbers afresh."""
    rules = world.rules
    weights = {p: rules.weights(p, world.raw_weights[p], world.threat) for p in PARTIES}
    assert world.weights == weights
    values = world.status_quo | world.escalation
    for party, track in SEATS:
        no_deal = tuple(values[i] for i in track.issue_ids)
        assert world.no_deal(track) == no_deal
        valuation = rules.valuation(party, track.id, weights[party])
        assert world.valuation(party, track.id) is valuation
        no_deal_utility = valuation(no_deal) + world.bonus[party][track.id]
        assert world.no_deal_utility(party, track) == no_deal_utility
        assert world.floor(party, track) == max(world.reservation[party][track.id], no_deal_utility)


def numbers(world: World) -> dict:
    return {name: copy.deepcopy(getattr(world, name)) for name in NUMBERS}


def test_every_way_to_change_the_world_is_tested():
    methods = {n for n, v in vars(World).items() if callable(v) and not n.startswith("_")}
    assert methods - READERS == CHANGES.keys()


def test_the_numbers_are_every_field_a_game_copies():
    for world in (RULES.start, World(RULES)):
        assert {n for n in vars(world) if not n.startswith("_")} == {"rules", *NUMBERS}


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(sorted(CHANGES)), min_size=1, max_size=8), st.data())
def test_every_change_keeps_what_follows_from_the_numbers_right(changes, data):
    start = numbers(World(RULES))
    world = World(RULES)
    check_derived(world)
    for change in changes:
        warm(world)
        CHANGES[change](world, data.draw)
        check_derived(world)
    assert numbers(World(RULES)) == start  # a game's changes never reach the next game


# -- nothing but the world writes its numbers ------------------------------------------------

_WRITES = {"pop", "clear", "update", "setdefault", "popitem", "__setitem__", "__delitem__"}


def world_writes(source: str) -> list[int]:
    """The lines of ``source`` that change a world's numbers, or reach into its private parts,
    other than through its methods: ``world.trust = …``, ``model.world.reservation[p][t] = …``,
    ``approval = world.approval`` then ``approval[p] = …``, ``world.escalation.pop(…)``,
    ``world._refresh()``, ``setattr(world, "threat", …)``."""
    found = []
    for scope in ast.walk(ast.parse(source)):
        if isinstance(scope, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef):
            found += _writes_in(scope)
    return sorted(set(found))


def _own(scope: ast.AST):
    """The nodes of a module or function, but not of the functions defined inside it (each
    is a scope of its own, with its own names)."""
    for child in ast.iter_child_nodes(scope):
        if not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            yield child
            yield from _own(child)


def _writes_in(scope: ast.AST) -> list[int]:
    worlds, tables = {"world"}, set()

    def is_world(node) -> bool:
        return (isinstance(node, ast.Name) and node.id in worlds) or (
            isinstance(node, ast.Attribute) and node.attr == "world"
        )

    def is_number(node) -> bool:
        if isinstance(node, ast.Subscript):
            return is_number(node.value)
        if isinstance(node, ast.Name):
            return node.id in tables
        return isinstance(node, ast.Attribute) and node.attr in NUMBERS and is_world(node.value)

    def pairs(target, value):
        if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple):
            for t, v in zip(target.elts, value.elts, strict=False):
                yield from pairs(t, v)
        else:
            yield target, value

    def targets(node):
        if isinstance(node, ast.Tuple | ast.List):
            for element in node.elts:
                yield from targets(element)
        else:
            yield node

    nodes = list(_own(scope))
    for node in nodes:  # names bound to a world, or to one of its tables
        if isinstance(node, ast.Assign):
            for target in node.targets:
                for name, value in pairs(target, node.value):
                    if isinstance(name, ast.Name):
                        (worlds if is_world(value) else tables if is_number(value) else set()).add(
                            name.id
                        )
    found = []
    for node in nodes:
        if isinstance(node, ast.Assign | ast.Delete):
            written = [t for target in getattr(node, "targets", []) for t in targets(target)]
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            written = [node.target]
        else:
            written = []
        for target in written:
            if isinstance(target, ast.Subscript | ast.Attribute) and is_number(target):
                found.append(node.lineno)
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and is_world(node.value):
            found.append(node.lineno)
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in _WRITES and is_number(func.value):
                found.append(node.lineno)
            if (
                isinstance(func, ast.Name)
                and func.id in ("setattr", "delattr")
                and node.args
                and is_world(node.args[0])
            ):
                found.append(node.lineno)
    return found


def test_the_writes_check_finds_each_way_around_the_world():
    source = """
def consult(self):
    world = self.model.world
    world.trust = min(world.trust + 0.1, 1.0)
    world._refresh()

def send(self, party, key):
    world, rules = self.model.world, self.model.rules
    world.reservation[party][key] = 0.5
    world.escalation.pop(key, None)
    self.model.world.credibility[party] -= 0.1

def ratify(model, party):
    approval = model.world.approval
    approval[party] = 1.0
    setattr(model.world, "threat", 1.0)
    del model.world.limits[(party, "t")]

def reads(model, party, limits):
    world = model.world
    kept = world.limits[(party, "t")]
    limits[party] = kept
    return world.approval[party], world.floor(party, "t")
"""
    lines = source.splitlines()
    assert [lines[n - 1].strip().split()[0] for n in world_writes(source)] == [
        "world.trust",
        "world._refresh()",
        "world.reservation[party][key]",
        "world.escalation.pop(key,",
        "self.model.world.credibility[party]",
        "approval[party]",
        "setattr(model.world,",
        "del",
    ]


def test_nothing_but_the_world_writes_its_numbers():
    writes = {
        str(path.relative_to(SIM)): lines
        for path in sorted(SIM.rglob("*.py"))
        if path.name != "world.py" and (lines := world_writes(path.read_text(encoding="utf-8")))
    }
    assert writes == {}
