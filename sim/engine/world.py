"""The state of the world during one game.

``World`` is the handful of numbers events, signals and politics may change during a game
(status quo, escalation, patience, reservation utilities, weights, trust …) and what the
engine derives from them (no-deal packages, floors, valuations), cached
because they are read in every exchange. The world is the only writer of its numbers: each
change goes through one of its methods, which forgets exactly the derived values the
change makes stale, so no phase has to remember to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.engine.rules import Rules, TrackRules
    from sim.engine.utility import Limits, Valuation
    from sim.scenario.effects import Effect, Target

NUMBERS: dict[str, int] = {
    "status_quo": 1,
    "escalation": 1,
    "patience": 1,
    "reservation": 2,
    "bonus": 2,
    "paid": 2,
    "approval": 1,
    "credibility": 1,
    "trust": 0,
    "sentiment": 0,
    "threat": 0,
    "limits": 1,
    "bottom_lines": 1,
    "raw_weights": 2,
    "weights": 1,
}
"""Every number of the world (a field of ``World``) and how deep a game copies it from the
starting world: 0 for a float, 1 for a dict of values, 2 for a dict of dicts. The weights
follow from the raw weights and the threat but are kept, not recomputed every game."""


class World:
    """The numbers of one game that events, signals and politics can change.

    Read the numbers freely (``world.approval["japan"]``); change them only through the
    methods, which keep the derived values right.
    """

    def __init__(self, rules: Rules) -> None:
        """The world at the start of a game: the scenario's numbers.

        Every game on a scenario starts from the same numbers, so after the first they
        are copied from ``rules.start`` (a world built once) rather than recomputed.
        """
        self.rules = rules
        start = rules.start
        if start is None:
            self._read(rules)
        else:
            # With setattr, in the order ``_read`` sets them, never through ``vars()``: a
            # world keeps CPython's compact attribute layout, several times faster to read.
            for name, depth in NUMBERS.items():
                value = getattr(start, name)
                if depth == 1:
                    value = value.copy()
                elif depth == 2:
                    value = {key: table.copy() for key, table in value.items()}
                setattr(self, name, value)
        self._valuations: dict[tuple[str, str], Valuation] = {}
        self._no_deal: dict[str, tuple[float, ...]] = {}
        self._floors: dict[tuple[str, str], float] = {}
        self._version = 0

    def _read(self, rules: Rules) -> None:
        """Take the numbers from the scenario (once per scenario: later games copy them)."""
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
        self.paid = {p.id: {t.id: 0.0 for t in rules.tracks} for p in scenario.parties}
        """Party → track → the utility it gave up there for breaking a commitment."""
        self.approval = {p.id: p.ratification.approval for p in scenario.parties}
        self.credibility = {p.id: p.signals.credibility for p in scenario.parties}
        channel = scenario.consultation
        self.trust = channel.trust if channel else 0.0
        self.sentiment = channel.sentiment if channel else 0.0
        self.threat = scenario.security.threat
        self.limits = dict(rules.limits)
        """(party, track) → the party's current hard limits (joint floors and precedents
        tighten them during a game)."""
        self.bottom_lines = dict(rules.limits)
        """(party, track) → the party's own bottom lines in this game, as its role sheet
        gives them and its deals are judged against (``limits`` starts from them)."""
        self.raw_weights = {
            p.id: {i: pref.weight for i, pref in p.preferences.items()} for p in scenario.parties
        }
        self.weights = {
            p: rules.weights(p, self.raw_weights[p], self.threat) for p in rules.party_ids
        }
        """Party → its issue weights now (``Rules.weights`` of its raw weights and the threat)."""

    @property
    def version(self) -> int:
        """Counts the changes that can move a party's floor, no-deal utility, valuation or
        limits, so that what a seat reads off them can be kept until the next one."""
        return self._version

    # -- changing the numbers -------------------------------------------------------------

    def apply(self, effect: Effect) -> None:
        """Change one number as an event's effect says (the scenario checked its target)."""
        target = effect.parsed_target
        match target.kind:
            case "status_quo" | "escalation":
                self._move_issue(target, effect)
            case "trust":
                self.trust = _share(_changed(self.trust, effect))
            case "sentiment":
                self.sentiment = _share(_changed(self.sentiment, effect))
            case "threat":
                self.threat = _share(_changed(self.threat, effect))
                self._reweigh([p for p, s in self.rules.sensitivity.items() if s])
            case "patience":
                old = self.patience[target.party]
                self.patience[target.party] = min(max(_changed(old, effect), 1e-6), 1)
            case "approval":
                self.approval[target.party] = _share(_changed(self.approval[target.party], effect))
            case "credibility":
                old = self.credibility[target.party]
                self.credibility[target.party] = _share(_changed(old, effect))
            case "reservation" | "batna":
                table = self.reservation if target.kind == "reservation" else self.bonus
                mine = table[target.party]
                mine[target.track] = _share(_changed(mine[target.track], effect))
                self._refresh()
            case "weight":
                raw = self.raw_weights[target.party]
                raw[target.issue] = max(_changed(raw[target.issue], effect), 1e-9)
                self._reweigh([target.party])

    def _move_issue(self, target: Target, effect: Effect) -> None:
        """An issue's status quo or no-deal value moves, within the issue's range."""
        issue = target.issue
        table = self.status_quo if target.kind == "status_quo" else self.escalation
        space = self.rules.spaces[issue]
        old = table.get(issue, self.status_quo[issue])
        table[issue] = min(max(_changed(old, effect), space.lo), space.hi)
        self._refresh(self.rules.issue_track[issue])

    def set_escalation(self, issue: str, value: float | None) -> None:
        """A threat sets an issue's no-deal value; None takes it back to the status quo."""
        if value is None:
            self.escalation.pop(issue, None)
        else:
            self.escalation[issue] = value
        self._refresh(self.rules.issue_track[issue])

    def carry_out(self, issue: str, value: float) -> None:
        """A threat carried out: the threatened value holds now, deal or no deal."""
        self.status_quo[issue] = value
        self.set_escalation(issue, value)

    def lose_credibility(self, party: str, loss: float) -> None:
        """An empty threat costs a party credibility (never below 0)."""
        self.credibility[party] = max(self.credibility[party] - loss, 0.0)

    def set_approval(self, party: str, approval: float) -> None:
        """A ratified deal sets a government's approval to its vote (kept within 0..1)."""
        self.approval[party] = min(max(approval, 0.0), 1.0)

    def lose_approval(self, party: str, loss: float) -> None:
        """A failed vote or an audience cost lowers a government's approval (never below 0)."""
        self.approval[party] = max(self.approval[party] - loss, 0.0)

    def build_trust(self, trust: float, sentiment: float) -> None:
        """A round of agreement in the allies' channel raises trust and sentiment (at most 1)."""
        self.trust = min(self.trust + trust, 1.0)
        self.sentiment = min(self.sentiment + sentiment, 1.0)

    def lose_trust(self, trust: float, sentiment: float) -> None:
        """A broken pact costs the allies trust and sentiment (never below 0)."""
        self.trust = max(self.trust - trust, 0.0)
        self.sentiment = max(self.sentiment - sentiment, 0.0)

    def pay(self, party: str, track: str, cost: float) -> None:
        """A party broke a commitment on a track (a parity pact): its deal there is worth
        ``cost`` less to it."""
        self.paid[party][track] += cost

    def tied_floor(self, party: str, track: TrackRules, rise: float) -> float:
        """The floor a commitment (tied hands) would set: ``rise`` above the current one, at
        most 1; asked before the commitment too, so a team sees its price first."""
        return min(self.floor(party, track) + rise, 1.0)

    def raise_reservation(self, party: str, track: TrackRules, rise: float) -> None:
        """A commitment (tied hands) lifts a party's reservation utility on a track to its
        ``tied_floor``; never lowers it."""
        mine = self.reservation[party]
        mine[track.id] = max(mine[track.id], self.tied_floor(party, track, rise))
        self._refresh()

    def give_room(self, party: str, room: int) -> None:
        """Set the party's bottom lines for this game to room level ``room`` of
        ``Rules.rooms``: how far its government can go is its own, drawn per game."""
        for track, limits in self.rules.rooms[party][room].items():
            self.limits[(party, track)] = self.bottom_lines[(party, track)] = limits
        self._version += 1

    def tighten(self, party: str, track: str, limits: Limits) -> None:
        """Replace a party's limits on a track (a joint floor or a precedent tightened them)."""
        self.limits[(party, track)] = limits
        self._version += 1

    # -- keeping the derived values right --------------------------------------------------

    def _refresh(self, track: str | None = None) -> None:
        """Forget the floors, and the no-deal package of ``track`` if its issues moved: every
        change that moves a floor, a no-deal utility or a valuation comes through here, so it
        counts one ``version`` (limits count theirs where they change)."""
        if track is not None:
            self._no_deal.pop(track, None)
        self._floors.clear()  # a handful, cheaper to recompute than to pick out
        self._version += 1

    def _reweigh(self, parties: list[str]) -> None:
        """Weigh ``parties`` anew and forget what their old weights shaped: valuations and
        floors."""
        for party in parties:
            self.weights[party] = self.rules.weights(party, self.raw_weights[party], self.threat)
        self._valuations = {k: v for k, v in self._valuations.items() if k[0] not in parties}
        self._refresh()

    # -- reading what follows from the numbers ---------------------------------------------

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


def _share(x: float) -> float:
    return min(max(x, 0.0), 1.0)


def _changed(old: float, effect: Effect) -> float:
    return effect.set if effect.set is not None else old + effect.add
