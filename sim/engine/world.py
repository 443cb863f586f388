"""The state of the world during one game.

``World`` is the handful of numbers events may change during a game (status quo,
escalation, patience, reservation utilities, weights): a few dicts copied per game from
the world every game on the scenario starts from.
"""

from __future__ import annotations

from itertools import repeat
from operator import truediv
from typing import TYPE_CHECKING

from sim.scenario.models import Effect

if TYPE_CHECKING:
    from sim.engine.concession import ConcessionPath
    from sim.engine.rules import Rules, TrackRules
    from sim.engine.utility import Limits, Valuation


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
