"""The rules a scenario compiles to, and the state of the world during one game.

``Rules`` is everything fixed by the scenario (issue spaces, value functions, limits,
beliefs) plus caches of what is derived from it; it is built once and shared by every
game played on the scenario, which keeps a batch of many games cheap. ``World`` is the
handful of numbers events may change during a game (status quo, escalation, patience,
reservation utilities, weights): a few dicts copied per game.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import repeat
from operator import truediv
from typing import TypeVar

from sim.concession import ConcessionPath
from sim.scenario import Effect, Event, Scenario
from sim.strategies import Policy, make_policy
from sim.utility import IssueSpace, Limits, Valuation, ValueFunction

T = TypeVar("T")

_KEPT = 4096
"""How many shared limits and derived results the rules keep (a bound on memory)."""


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
        self.tracks = tuple(
            TrackRules(
                t.id,
                t.name,
                t.parties,
                t.opener,
                ids := tuple(i.id for i in scenario.issues if i.track == t.id),
                tuple(self.spaces[i] for i in ids),
            )
            for t in scenario.tracks
            if t.kind == "bargaining"
        )
        self.track = {t.id: t for t in self.tracks}
        issues = {i.id: i for i in scenario.issues}
        self.values = {
            p.id: {i: ValueFunction.of(issues[i], pref) for i, pref in p.preferences.items()}
            for p in scenario.parties
        }
        self.limits = {
            (p.id, t.id): Limits.of(p.bottom_lines, t.spaces)
            for p in scenario.parties
            for t in self.tracks
        }
        self.beliefs = {
            (p.id, t.id): self._belief(t.other(p.id), t)
            for t in self.tracks
            for p in scenario.parties
            if p.id in t.parties
        }
        self.policies: dict[str, dict[str, Policy]] = {p.id: {} for p in scenario.parties}
        """Party → track → the policy its AI plays there."""
        self.unplayable: dict[tuple[str, str], str] = {}
        for p in scenario.parties:
            for t in self.tracks:
                if p.id in t.parties:
                    policy = make_policy(p.strategy.name, p.strategy.params)
                    self.policies[p.id][t.id] = policy
                    problem = policy.check(t)
                    if problem:
                        self.unplayable[(p.id, t.id)] = f"{p.id}: {problem}"
        self._positions = {i: n for t in self.tracks for n, i in enumerate(t.issue_ids)}
        self.signal_schedule: dict[int, list[tuple[str, str, str, str]]] = {}
        """Round → the signals AI parties send then: (party, kind, key, track or '')."""
        for p in scenario.parties:
            config = p.signals
            planned = [(t.round, "threat", t.id, t.track) for t in config.threats]
            planned += [(t.round, "tie_hands", t.track, t.track) for t in config.tie_hands]
            planned += [(o.round, "outside_option", o.id, "") for o in config.outside_options]
            for round_, kind, key, track in planned:
                if round_ is not None:
                    self.signal_schedule.setdefault(round_, []).append((p.id, kind, key, track))
        self._events = {}
        self._reporters: dict[bool, dict] = {}
        self._targets: dict[str, list[str]] = {}
        self.consult_answers = {p.id: p.consult.model_dump() for p in scenario.parties}
        """Party → what it agrees to in the consultation channel when the AI plays it."""
        self.start: World | None = None
        self.start = World(self)
        """The world as every game on this scenario begins (copied, never changed)."""
        self._valuations: dict[tuple, Valuation] = {}
        self._paths: dict[tuple, ConcessionPath] = {}
        self._limits: dict[Limits, Limits] = {}
        self._derived: dict[tuple, object] = {}

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
        every random one, each as (event, chance per round or None if scheduled, whether
        it can recur). Cached: events are checked every round of every game."""
        found = self._events.get(round_)
        if found is None:
            found = tuple(
                (e, None if e.round is not None else e.probability, e.repeat)
                for e in self.scenario.events
                if e.round is None or e.round == round_
            )
            self._events[round_] = found
        return found

    def target(self, path: str) -> list[str]:
        """An effect's target path split into its parts (cached: effects recur every game)."""
        found = self._targets.get(path)
        if found is None:
            found = self._targets[path] = path.split(".")
        return found

    def position(self, issue: str) -> int:
        """Where an issue sits in its track's packages."""
        return self._positions[issue]

    def direction(self, party: str, issue: str) -> int:
        """+1 if the party wants the issue high, -1 if low, 0 if it has an ideal or no view."""
        value = self.values[party].get(issue)
        if value is None or len(value.xs) != 2:
            return 0
        return 1 if value.ys[1] > value.ys[0] else -1

    def _belief(self, other: str, track: TrackRules) -> Valuation:
        """What a party believes the other side values: its issues, equally weighted.

        Which way each side wants an issue to go is public in trade talks; how much it
        cares is private, so the prior is flat.
        """
        cared = [i for i in track.issue_ids if i in self.values[other]]
        return Valuation.of({i: 1.0 for i in cared}, self.values[other], track.issue_ids)

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
        self, party: str, track: str, weights: tuple[tuple[str, float], ...], limits: Limits
    ) -> ConcessionPath:
        """A party's concession path on a track under given weights and limits, cached."""
        key = (party, track, weights, limits)
        found = self._paths.get(key)
        if found is None:
            found = ConcessionPath(
                self.valuation(party, track, weights),
                self.beliefs[(party, track)],
                limits,
                self.track[track].spaces,
            )
            self._paths[key] = found
        return found


class World:
    """The numbers of one game that events, signals and politics can change."""

    def __init__(self, rules: Rules) -> None:
        """The world at the start of a game: the scenario's numbers.

        Every game on a scenario starts from the same numbers, so after the first they
        are copied from ``rules.start`` (a world built once) rather than recomputed.
        """
        self.rules = rules
        start = rules.start
        if start is not None:
            self._copy(start)
            return
        scenario = rules.scenario
        self.status_quo = {i.id: rules.spaces[i.id].encode(i.status_quo) for i in scenario.issues}
        self.escalation = {
            i.id: rules.spaces[i.id].encode(i.escalation)
            for i in scenario.issues
            if i.escalation is not None
        }
        self.patience = {p.id: p.patience for p in scenario.parties}
        self.reservation = {
            p.id: {t.id: p.reservation.get(t.id, 0.0) for t in rules.tracks}
            for p in scenario.parties
        }
        self.bonus = {p.id: {t.id: 0.0 for t in rules.tracks} for p in scenario.parties}
        """Party → track → what outside options add to its no-deal utility."""
        self.approval = {p.id: p.ratification.approval for p in scenario.parties}
        self.credibility = {p.id: p.signals.credibility for p in scenario.parties}
        channel = scenario.consultation
        self.trust = channel.trust if channel else 0.0
        self.sentiment = channel.sentiment if channel else 0.0
        self.threat = scenario.security.threat
        self.limits = dict(rules.limits)
        """(party, track) → the party's current hard limits (joint floors and precedents
        tighten them during a game)."""
        self.raw_weights = {
            p.id: {i: pref.weight for i, pref in p.preferences.items()} for p in scenario.parties
        }
        self._sensitivity = {p.id: p.security for p in scenario.parties}
        self.weights = {p: self._effective(p) for p in self.raw_weights}
        self._valuations: dict[tuple[str, str], Valuation] = {}
        self._paths: dict[tuple[str, str], ConcessionPath] = {}
        self._no_deal: dict[str, tuple[float, ...]] = {}
        self._floors: dict[tuple[str, str], float] = {}

    def _copy(self, start: World) -> None:
        """Take the starting numbers of another, untouched world (copying what can change)."""
        self.status_quo = dict(start.status_quo)
        self.escalation = dict(start.escalation)
        self.patience = dict(start.patience)
        self.reservation = {p: dict(r) for p, r in start.reservation.items()}
        self.bonus = {p: dict(b) for p, b in start.bonus.items()}
        self.approval = dict(start.approval)
        self.credibility = dict(start.credibility)
        self.trust, self.sentiment, self.threat = start.trust, start.sentiment, start.threat
        self.limits = dict(start.limits)
        self.raw_weights = {p: dict(w) for p, w in start.raw_weights.items()}
        self._sensitivity = start._sensitivity
        self.weights = dict(start.weights)
        self._valuations = dict(start._valuations)
        self._paths = dict(start._paths)
        self._no_deal = dict(start._no_deal)
        self._floors = dict(start._floors)

    def _effective(self, party: str) -> tuple[tuple[str, float], ...]:
        """Normalised weights, each grown by the party's sensitivity to the security threat."""
        sensitivity, threat = self._sensitivity[party], self.threat
        raw = self.raw_weights[party]
        if sensitivity and threat:
            grown = [w * (1.0 + sensitivity.get(i, 0.0) * threat) for i, w in raw.items()]
        else:
            grown = list(raw.values())
        return tuple(zip(raw, map(truediv, grown, repeat(sum(grown))), strict=True))

    def _reweigh(self, parties) -> None:
        for party in parties:
            self.refresh(party=party)
            self.weights[party] = self._effective(party)
        self._valuations = {k: v for k, v in self._valuations.items() if k[0] not in parties}
        self._paths = {k: v for k, v in self._paths.items() if k[0] not in parties}

    def apply(self, effect: Effect) -> None:
        """Change one number as an effect says (the scenario checked the path)."""
        parts = self.rules.target(effect.target)
        if parts[0] == "issues":
            table = self.status_quo if parts[2] == "status_quo" else self.escalation
            space = self.rules.spaces[parts[1]]
            old = table.get(parts[1], self.status_quo[parts[1]])
            table[parts[1]] = min(max(_changed(old, effect), space.lo), space.hi)
            self.refresh(track=self.rules.issue_track[parts[1]])
        elif parts[0] == "alliance":
            setattr(self, parts[1], _share(_changed(getattr(self, parts[1]), effect)))
        elif parts[0] == "security":
            self.threat = _share(_changed(self.threat, effect))
            self._reweigh([p for p, s in self._sensitivity.items() if s])
        elif parts[2] == "patience":
            self.patience[parts[1]] = min(max(_changed(self.patience[parts[1]], effect), 1e-6), 1)
        elif parts[2] in ("approval", "credibility"):
            table = getattr(self, parts[2])
            table[parts[1]] = _share(_changed(table[parts[1]], effect))
        elif parts[2] in ("reservation", "batna"):
            table = (self.reservation if parts[2] == "reservation" else self.bonus)[parts[1]]
            table[parts[3]] = _share(_changed(table[parts[3]], effect))
            self.refresh(party=parts[1])
        else:
            raw = self.raw_weights[parts[1]]
            raw[parts[3]] = max(_changed(raw[parts[3]], effect), 1e-9)
            self._reweigh([parts[1]])

    def refresh(self, track: str | None = None, party: str | None = None) -> None:
        """Forget derived no-deal values and floors after the numbers behind them changed:
        on one track (status quo, escalation), for one party (reservation, outside
        options, weights), or everywhere when neither is named."""
        if track is not None:
            self._no_deal.pop(track, None)
        elif party is None:
            self._no_deal.clear()
        self._floors.clear()  # a handful, cheaper to recompute than to pick out

    def tighten(self, party: str, track: str, limits: Limits) -> None:
        """Replace a party's limits on a track (a joint floor or a precedent tightened them)."""
        self.limits[(party, track)] = limits
        self._paths.pop((party, track), None)

    def no_deal(self, track: TrackRules) -> tuple[float, ...]:
        """The package that holds if the track ends without a deal: escalations, else status quo."""
        found = self._no_deal.get(track.id)
        if found is None:
            values = self.status_quo | self.escalation
            found = self._no_deal[track.id] = tuple(map(values.__getitem__, track.issue_ids))
        return found

    def no_deal_utility(self, party: str, track: TrackRules) -> float:
        """A party's utility of no deal on a track: the no-deal package plus outside options."""
        return self.valuation(party, track.id)(self.no_deal(track)) + self.bonus[party][track.id]

    def floor(self, party: str, track: TrackRules) -> float:
        """The least a party should settle for on a track: reservation or no-deal utility."""
        found = self._floors.get((party, track.id))
        if found is None:
            found = max(self.reservation[party][track.id], self.no_deal_utility(party, track))
            self._floors[(party, track.id)] = found
        return found

    def valuation(self, party: str, track: str) -> Valuation:
        """A party's current valuation of a track."""
        found = self._valuations.get((party, track))
        if found is None:
            found = self.rules.valuation(party, track, self.weights[party])
            self._valuations[(party, track)] = found
        return found

    def path(self, party: str, track: str) -> ConcessionPath:
        """A party's current concession path on a track."""
        found = self._paths.get((party, track))
        if found is None:
            limits = self.limits[(party, track)]
            found = self.rules.path(party, track, self.weights[party], limits)
            self._paths[(party, track)] = found
        return found


def _share(x: float) -> float:
    return min(max(x, 0.0), 1.0)


def _changed(old: float, effect: Effect) -> float:
    return effect.set if effect.set is not None else old + effect.add
