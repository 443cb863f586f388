"""Signals: threats, tied hands and outside options (docs/mechanics.md, "Signals").

- A **threat** moves an issue's no-deal value toward the threatened value, as far as the
  threatener is credible (Schelling, *The Strategy of Conflict*, 1960). Its deadline is
  the last round to deal in: if the track is still open after it, the threat is carried
  out with the scenario's ``resolve`` chance — the value then holds at once — or dropped,
  which costs credibility (the audience cost of an empty threat, Fearon 1994).
- **Tying one's hands** is a public commitment: the party's reservation utility on the
  track rises, and if the track then ends without a deal the government pays in approval.
- An **outside option** (CPTPP accession, FTAAP at APEC, the WTO MPIA, G7 or NATO IP4
  partnership) costs something at once and pays off after a delay, e.g. a better no-deal
  value or more trust.

AI parties use the rounds written in the scenario; a human party sends the same signals
as moves. All chance comes from the model's seeded generator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from sim.scenario.politics import OutsideOption, Threat, TieHands

if TYPE_CHECKING:
    from sim.engine.model import NegotiationModel


class Headline(NamedTuple):
    """A line in the news feed that no scenario event wrote: a signal someone sent.

    It reads like an ``Event`` (``id``, ``name``, ``news``) so the feed treats both alike.
    """

    id: str
    name: str
    news: str


@dataclass(slots=True)
class PendingThreat:
    """A threat made and not yet carried out or dropped."""

    party: str
    threat: Threat
    due: int
    before: float | None
    """The issue's escalation value before the threat (None: none was set)."""


class SignalBoard:
    """The signals of one game: who threatened, committed or reached out, and what is due."""

    def __init__(self, model: NegotiationModel) -> None:
        self.model = model
        self.used: set[tuple[str, str, str]] = set()
        """(party, kind, id) of every signal sent; each can be sent once."""
        self.threats: list[PendingThreat] = []
        self.options: list[tuple[int, str, OutsideOption]] = []
        self.ties: dict[tuple[str, str], TieHands] = {}
        self.carried_out: list[str] = []
        """The ids of the threats carried out, in order."""

    def available(self, party: str) -> list[tuple[str, str, str]]:
        """The signals ``party`` can still send now, as (kind, id, label)."""
        config = self.model.rules.parties[party].signals
        found = []
        for threat in config.threats:
            if self._usable(party, "threat", threat.id, threat.track):
                found.append(("threat", threat.id, threat.name))
        for tie in config.tie_hands:
            if self._usable(party, "tie_hands", tie.track, tie.track):
                track = self.model.rules.track[tie.track]
                world = self.model.world
                floors = world.floor(party, track), world.tied_floor(party, track, tie.floor_rise)
                found.append(("tie_hands", tie.track, _tie_label(track.name, *floors, tie)))
        for option in config.outside_options:
            if (party, "outside_option", option.id) not in self.used:
                found.append(("outside_option", option.id, option.name))
        return found

    def _usable(self, party: str, kind: str, key: str, track: str) -> bool:
        return (party, kind, key) not in self.used and self.model.talks[track].open

    def play(self) -> None:
        """Phase 3: settle what is due, then send the AI parties' signals for this round."""
        if self.threats or self.options:
            self._settle_due()
        for party, kind, key, track in self.model.rules.signal_schedule.get(self.model.round, ()):
            if party in self.model.humans or (party, kind, key) in self.used:
                continue
            if not track or self.model.talks[track].open:
                self.send(party, kind, key)

    def send(self, party: str, kind: str, key: str) -> None:
        """Send a signal (the caller checked that it is available)."""
        self.used.add((party, kind, key))
        config = self.model.rules.parties[party].signals
        world = self.model.world
        if kind == "threat":
            threat = next(t for t in config.threats if t.id == key)
            status_quo = world.status_quo[threat.issue]
            before = world.escalation.get(threat.issue)
            start = status_quo if before is None else before
            credible = start + world.credibility[party] * (threat.value - start)
            world.set_escalation(threat.issue, credible)
            due = self.model.round + threat.deadline
            self.threats.append(PendingThreat(party, threat, due, before))
            self._news(threat.id, threat.name, threat.news)
            self.model.record("signals", threat.id, f"threat, deal by round {due}", party)
        elif kind == "tie_hands":
            tie = next(t for t in config.tie_hands if t.track == key)
            world.raise_reservation(party, self.model.rules.track[key], tie.floor_rise)
            self.ties[(party, key)] = tie
            name = self.model.countries[party].name
            self._news(
                f"tie-{party}",
                "Hands tied",
                f"{name} publicly rules out any deal below its terms on {key}.",
            )
            self.model.record("signals", key, "hands tied", party)
        else:
            option = next(o for o in config.outside_options if o.id == key)
            for effect in option.cost:
                world.apply(effect)
            self.options.append((self.model.round + option.delay, party, option))
            self._news(option.id, option.name, option.news)
            self.model.record("signals", option.id, f"pursued, pays off in {option.delay}", party)

    def _settle_due(self) -> None:
        """Settle the outside options due this round, and the threats due last round.

        A threat's deadline is the last round to deal in before it is carried out: its
        round's offers are made under it (and under its risk of breakdown, which every
        party prices), and only a track still open after them sees it settled.
        """
        round_, world = self.model.round, self.model.world
        for pending in [t for t in self.threats if t.due < round_]:
            self.threats.remove(pending)
            threat = pending.threat
            if not self.model.talks[threat.track].open:
                continue
            if self.model.draws(f"threat:{threat.id}").random() < threat.resolve:
                world.carry_out(threat.issue, threat.value)
                self.carried_out.append(threat.id)
                self.model.record("signals", threat.id, "carried out", pending.party)
            else:
                world.set_escalation(threat.issue, pending.before)
                party = pending.party
                signals = self.model.rules.parties[party].signals
                world.lose_credibility(party, signals.credibility_loss)
                self.model.record("signals", threat.id, "not carried out", party)
        for due in [o for o in self.options if o[0] <= round_]:
            self.options.remove(due)
            _, party, option = due
            for effect in option.effects:
                world.apply(effect)
            self.model.record("signals", option.id, "paid off", party)

    def _news(self, key: str, name: str, text: str) -> None:
        self.model.news.append((self.model.round, Headline(key, name, text)))

    def settle_audience_costs(self) -> None:
        """At the end: a party whose hands were tied on a failed track pays in approval."""
        world = self.model.world
        for (party, track), tie in self.ties.items():
            if self.model.talks[track].status != "agreed":
                world.lose_approval(party, tie.audience_cost)
                self.model.record("signals", track, "audience cost paid", party)


def _tie_label(track: str, floor: float, tied: float, tie: TieHands) -> str:
    """What tying one's hands does, in the words of the table: a team should see the price
    before it pays it (the floor it commits to and what failing then costs at home)."""
    return (
        f"Tie your hands on {track} (your floor {floor:.2f} → {tied:.2f};"
        f" no deal then costs {tie.audience_cost:.2f} approval)"
    )
