"""The rules a scenario compiles to: fixed for every game played on it.

``Rules`` is everything fixed by the scenario (issue spaces, value functions, limits,
beliefs) plus caches of what is derived from it; it is built once and shared by every
game played on the scenario, which keeps a batch of many games cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import pairwise, repeat
from math import exp
from operator import truediv
from random import Random
from statistics import NormalDist
from typing import TypeVar

from sim.engine.concession import ConcessionPath
from sim.engine.strategies import Policy, make_policy
from sim.engine.utility import IssueSpace, Limits, Valuation, ValueFunction
from sim.engine.world import World
from sim.scenario.models import Event, Scenario

T = TypeVar("T")

ROOMS = (-1.0, 0.0, 1.0)
"""The levels of political room a game may give a party (``Limits.of``'s ``room``), drawn
with equal chances: its bottom lines a ``spread`` tighter, as written, or a ``spread``
looser. Three, so the games of a batch share their paths and frontiers (five levels cost
half as much time again per game)."""

_KEPT = 16384
"""How many shared limits, paths and derived results the rules keep: a bound on memory (about
250 MB a process), large enough for the variety of bottom lines the games of a batch draw."""


@dataclass(frozen=True, slots=True)
class TrackRules:
    """A bargaining track as the engine uses it."""

    id: str
    name: str
    parties: tuple[str, str]
    opener: str
    issue_ids: tuple[str, ...]
    spaces: tuple[IssueSpace, ...]

    def other(self, party: str) -> str:
        """The party across the table from ``party``."""
        return self.parties[1] if party == self.parties[0] else self.parties[0]

    def encode(self, values: dict) -> tuple[float, ...]:
        """A package tuple from issue id → value as people write it."""
        return tuple(s.encode(values[s.id]) for s in self.spaces)

    def decode(self, package: tuple[float, ...]) -> dict:
        """Issue id → value as people read it."""
        return {s.id: s.decode(x) for s, x in zip(self.spaces, package, strict=True)}


class Rules:
    """A scenario compiled for play; shared, read-only, with caches of derived objects."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.party_ids = tuple(p.id for p in scenario.parties)
        self.parties = {p.id: p for p in scenario.parties}
        """Party id → its scenario settings (a dict: looked up on the hot path)."""
        self.issue_track = {i.id: i.track for i in scenario.issues}
        self.spaces = {i.id: IssueSpace.of(i) for i in scenario.issues}
        self.tracks = self._bargaining_tracks()
        self.track = {t.id: t for t in self.tracks}
        self._positions = {i: n for t in self.tracks for n, i in enumerate(t.issue_ids)}
        self.values = _value_functions(scenario)
        self.limits = {
            (p.id, t.id): Limits.of(p.bottom_lines, t.spaces)
            for p in scenario.parties
            for t in self.tracks
        }
        self.rooms = {
            p.id: tuple(
                {t.id: Limits.of(p.bottom_lines, t.spaces, room) for t in self.tracks}
                for room in ROOMS
            )
            for p in scenario.parties
            if any(line.spread for line in p.bottom_lines.values())
        }
        """Party → for each level of ``ROOMS``, track → its bottom lines at that level: only
        parties with a bottom line that has a ``spread`` (the others' are as written)."""
        self.readings = {
            (party, t.id): self._readings(party, t.other(party), t) for t, party in self._seats()
        }
        self.sensitivity = {p.id: p.security for p in scenario.parties}
        """Party → issue → how much its weight grows with the security threat."""
        self.policies: dict[str, dict[str, Policy]] = {p.id: {} for p in scenario.parties}
        """Party → track → the policy its AI plays there."""
        self.unplayable: dict[tuple[str, str], str] = {}
        """(party, track) → why the party's strategy cannot play the track."""
        self._make_policies()
        self.signal_schedule = _signal_schedule(scenario)
        """Round → the signals AI parties send then: (party, kind, key, track or '')."""
        self.consult_answers = {p.id: p.consult.model_dump() for p in scenario.parties}
        """Party → what it agrees to in the consultation channel when the AI plays it."""
        self._events: dict[int, tuple[tuple[Event, float | None, bool], ...]] = {}
        self._reporters: dict[bool, dict] = {}
        self._valuations: dict[tuple, Valuation] = {}
        self._paths: dict[tuple, ConcessionPath] = {}
        self._limits: dict[Limits, Limits] = {}
        self._derived: dict[tuple, object] = {}
        self.start: World | None = None
        self.start = World(self)
        """The world as every game on this scenario begins (copied, never changed)."""

    def _bargaining_tracks(self) -> tuple[TrackRules, ...]:
        """The scenario's bargaining tracks, each with its issues in scenario order."""
        issues = self.scenario.issues
        return tuple(
            TrackRules(
                t.id,
                t.name,
                t.parties,
                t.opener,
                ids := tuple(i.id for i in issues if i.track == t.id),
                tuple(self.spaces[i] for i in ids),
            )
            for t in self.scenario.tracks
            if t.kind == "bargaining"
        )

    def _seats(self) -> Iterator[tuple[TrackRules, str]]:
        """Every (track, party) where the party sits at the track, party by party."""
        for party in self.party_ids:
            for track in self.tracks:
                if party in track.parties:
                    yield track, party

    def _make_policies(self) -> None:
        """Give each party a policy per track it sits at, noting the ones that cannot play."""
        for track, party in self._seats():
            strategy = self.parties[party].strategy
            policy = make_policy(strategy.name, strategy.params)
            self.policies[party][track.id] = policy
            problem = policy.check(track)
            if problem:
                self.unplayable[(party, track.id)] = f"{party}: {problem}"

    def draw_rooms(self, rng: Random) -> dict[str, int]:
        """Each party's level of ``ROOMS`` for a game, drawn from the game's generator first
        of all (so a briefing can draw the same ones from ``Random(seed)`` before the game
        is built): party → the level its bottom lines are at."""
        return {party: rng.randrange(len(levels)) for party, levels in self.rooms.items()}

    def shared(self, limits: Limits) -> Limits:
        """An equal ``Limits`` made earlier, if any, else this one: games that tighten a
        party's limits alike then share one object, and what it has learnt about packages."""
        if len(self._limits) >= _KEPT:
            self._limits.clear()
        return self._limits.setdefault(limits, limits)

    def derive(self, key: tuple, make: Callable[[], T]) -> T:
        """The result of a game mechanic that depends only on its inputs (``key``), such as
        the joint floor of given limits: made once, kept for the games that meet the same
        inputs again."""
        found = self._derived.get(key)
        if found is None:
            if len(self._derived) >= _KEPT:
                self._derived.clear()
            found = self._derived[key] = make()
        return found

    def reporters(self, channel: bool) -> dict:
        """The DataCollector's model reporters (column → function of the model), built once."""
        found = self._reporters.get(channel)
        if found is None:
            found = {"round": lambda m: m.round}
            for track in self.tracks:
                found[f"status:{track.id}"] = lambda m, t=track.id: m.talks[t].status
                for party in track.parties:
                    found[f"worth:{track.id}:{party}"] = lambda m, t=track.id, p=party: m.talks[
                        t
                    ].worth_on_table(p)
            for party in self.party_ids:
                found[f"approval:{party}"] = lambda m, p=party: m.world.approval[p]
            if channel:
                found["trust"] = lambda m: m.world.trust
                found["sentiment"] = lambda m: m.world.sentiment
            found["threat"] = lambda m: m.world.threat
            self._reporters[channel] = found
        return found

    def round_row(self, model) -> list:
        """Every reporter's value for the round, in column order, in one pass (fast path)."""
        row = [model.round]
        for talks in model.talks.values():  # in track order, like the columns
            on_table = talks.on_table
            if on_table is None:
                row += (talks.status, None, None)
            else:
                row.append(talks.status)
                row += map(on_table.worth.__getitem__, talks.track.parties)
        world = model.world
        row += map(world.approval.__getitem__, self.party_ids)
        if model.channel is not None:
            row += [world.trust, world.sentiment]
        row.append(world.threat)
        return row

    def events_in(self, round_: int) -> tuple[tuple[Event, float | None, bool], ...]:
        """The events that may fire in a round, in scenario order: its scheduled ones and
        every random one, each as (event, its chance or None if certain, whether it can
        recur). Cached: events are checked every round of every game."""
        found = self._events.get(round_)
        if found is None:
            found = tuple(
                (e, e.probability, e.repeat)
                for e in self.scenario.events
                if e.round is None or e.round == round_
            )
            self._events[round_] = found
        return found

    def position(self, issue: str) -> int:
        """Where an issue sits in its track's packages."""
        return self._positions[issue]

    def direction(self, party: str, issue: str) -> int:
        """+1 if the party wants the issue high, -1 if low, 0 if it has an ideal or no view."""
        value = self.values[party].get(issue)
        if value is None:
            return 0
        steps = [b - a for a, b in pairwise(value.ys)]
        if all(s >= 0 for s in steps) and value.ys[-1] > value.ys[0]:
            return 1
        if all(s <= 0 for s in steps) and value.ys[-1] < value.ys[0]:
            return -1
        return 0

    def _readings(self, party: str, other: str, track: TrackRules) -> tuple[Valuation, ...]:
        """The readings a party may have of what the other side values on a track.

        Which way each side wants an issue to go is public in trade talks; how much it
        cares is not, but each side reads the other's priorities from its statements,
        roughly: a reading multiplies each of the other's weights by ``exp(σ·z)``, with
        ``σ`` the party's ``beliefs.reading`` and ``z`` from a quasi-random (Halton) normal
        sequence, so the readings cover the spread evenly and are the same in every game
        (their paths are shared across games); each game draws one.
        """
        cared = [i for i in track.issue_ids if i in self.values[other]]
        weights = self.parties[other].preferences
        spread = self.parties[party].beliefs.reading
        normal = NormalDist()
        readings = []
        for n in range(1, _READINGS + 1):
            read = {
                i: weights[i].weight * exp(spread * normal.inv_cdf(_quasi(n, k)))
                for k, i in enumerate(cared)
            }
            readings.append(Valuation.of(read, self.values[other], track.issue_ids))
        return tuple(readings)

    def weights(
        self, party: str, raw: dict[str, float], threat: float
    ) -> tuple[tuple[str, float], ...]:
        """A party's issue weights given its raw weights and the security threat: each grown
        by the party's sensitivity to the threat, then normalised."""
        sensitivity = self.sensitivity[party]
        if sensitivity and threat:
            grown = [w * (1.0 + sensitivity.get(i, 0.0) * threat) for i, w in raw.items()]
        else:
            grown = list(raw.values())
        return tuple(zip(raw, map(truediv, grown, repeat(sum(grown))), strict=True))

    def valuation(
        self, party: str, track: str, weights: tuple[tuple[str, float], ...]
    ) -> Valuation:
        """A party's valuation of a track under given (normalised) weights, cached."""
        key = (party, track, weights)
        found = self._valuations.get(key)
        if found is None:
            found = Valuation.of(dict(weights), self.values[party], self.track[track].issue_ids)
            self._valuations[key] = found
        return found

    def path(
        self,
        party: str,
        track: str,
        weights: tuple[tuple[str, float], ...],
        limits: Limits,
        reading: Valuation,
    ) -> ConcessionPath:
        """A party's concession path on a track under given weights, limits and reading of
        the other side, cached (readings come from a fixed pool, so games share paths)."""
        key = (party, track, weights, limits, reading)
        found = self._paths.get(key)
        if found is None:
            if len(self._paths) >= _KEPT:
                self._paths.clear()
            found = ConcessionPath(
                self.valuation(party, track, weights),
                reading,
                limits,
                self.track[track].spaces,
            )
            self._paths[key] = found
        return found


def _value_functions(scenario: Scenario) -> dict[str, dict[str, ValueFunction]]:
    """Party → issue → the party's value function on the issue."""
    issues = {i.id: i for i in scenario.issues}
    return {
        p.id: {i: ValueFunction.of(issues[i], pref) for i, pref in p.preferences.items()}
        for p in scenario.parties
    }


def _signal_schedule(scenario: Scenario) -> dict[int, list[tuple[str, str, str, str]]]:
    """Round → the signals AI parties send then: (party, kind, key, track or '')."""
    schedule: dict[int, list[tuple[str, str, str, str]]] = {}
    for p in scenario.parties:
        config = p.signals
        planned = [(t.round, "threat", t.id, t.track) for t in config.threats]
        planned += [(t.round, "tie_hands", t.track, t.track) for t in config.tie_hands]
        planned += [(o.round, "outside_option", o.id, "") for o in config.outside_options]
        for round_, kind, key, track in planned:
            if round_ is not None:
                schedule.setdefault(round_, []).append((p.id, kind, key, track))
    return schedule


_READINGS = 8
"""How many readings of the other side each party may draw (a pool shared by all games)."""

_PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79)
"""Bases of the Halton sequences, one per issue of a track."""


def _quasi(n: int, k: int) -> float:
    """The n-th point (n ≥ 1) of a Halton sequence, coordinate ``k``: in (0, 1)."""
    base = _PRIMES[k % len(_PRIMES)]
    n += (k // len(_PRIMES)) * 1000  # beyond the primes, a far part of the sequence
    x, f = 0.0, 1.0 / base
    while n:
        x += f * (n % base)
        n //= base
        f /= base
    return x
