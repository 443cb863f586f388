"""The round summary: what happened since a team last moved, as that team may see it.

When play comes back to a team, several things may have happened while it was away: the
other side answered, events fired, the allies' channel agreed or let an option lapse,
threats fell due, publics voted on deals, a closed deal set a precedent. Some of them moved
the team's own numbers — its floor (reservation utility), its bottom lines, what no deal
means — and a team should hear each change with its cause, not find it in a table.

The summary compares the game *now* with where the team stood at its last move
(``Standing``): noted as the move was made, or for a game rebuilt from its log since, the
same game replayed up to that move (``sim.engine.model.replay``; same scenario, seed and
moves ⇒ the same game). Noting it saves a replay of the whole game for every view. What
is new in the log, the news and the politics notes is what happened; the team's own
numbers then and now are what changed. Privacy is that of ``record`` and ``views``:
packages only on the team's own tracks, vote margins only of its own public, and never
another party's bottom lines, beliefs or utilities.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.classroom import record
from sim.classroom.game import SIDE_MOVES, Game, Standing
from sim.classroom.views import bottom_line_text
from sim.engine.model import NegotiationModel, replay
from sim.engine.moves import Move
from sim.engine.rules import TrackRules
from sim.results.briefing import possessive
from sim.results.transcript import politics_rows
from sim.scenario.effects import TargetKind
from sim.scenario.models import Event
from sim.scenario.politics import OPTION_NAMES

NO_DEAL_KINDS: frozenset[TargetKind] = frozenset({"status_quo", "escalation"})
"""Effects on an issue that move what no deal means on its track."""
WORTH_KINDS: frozenset[TargetKind] = frozenset({"batna", "weight", "threat"})
"""Effects that change what no deal is worth to a party without moving the package."""


@dataclass(frozen=True, slots=True)
class Summary:
    """What happened since a team's last move, and each change to its own numbers."""

    party: str
    """The team's party."""
    since: int
    """The round of the team's last move (0: it has not moved yet)."""
    round: int
    """The round the game is in now."""
    moves: tuple[str, ...]
    """The moves since on the team's own tracks and in its channel, and the facilitator's
    (as the history shows them)."""
    news: tuple[str, ...]
    """The news since (as the news feed shows it)."""
    notes: tuple[str, ...]
    """Consultation, signals, ratification votes and precedent since, in order."""
    changes: tuple[str, ...]
    """Each change to the team's floor, bottom lines and no deal, with its cause."""

    @property
    def title(self) -> str:
        """ "What happened since your last move (round 3)", or "so far" before the first."""
        when = f"since your last move (round {self.since})" if self.since else "so far"
        return f"What happened {when}"

    @property
    def empty(self) -> bool:
        """Whether nothing happened that the team has not seen."""
        return not (self.moves or self.news or self.notes or self.changes)

    def lines(self) -> tuple[str, ...]:
        """The summary as lines of text: the changes to the team's numbers first."""
        return self.changes + self.moves + self.news + self.notes


def summary(game: Game, viewer: str) -> Summary:
    """What ``viewer``'s team may read of everything since its last move.

    After a decision (a proposal, an answer) what follows from it is news to the team —
    the vote on the deal it accepted, say — so the game is compared with the moment the
    team decided. A signal or a consultation answer takes effect at once, where the team
    sees it, so the game is compared with the moment after it.
    """
    log = game.model.log
    last = next(
        (
            n
            for n in range(len(log) - 1, -1, -1)
            if isinstance(log[n], Move) and log[n].party == viewer
        ),
        None,
    )
    if last is None:
        # Before its first move, a team compares with the scenario it was briefed on.
        model = NegotiationModel(game.rules, game.setup.seed, game.setup.humans)
        before, since = Standing.of(model, viewer), 0
    else:
        before, since = _standing(game, viewer, last), log[last].round
    first_new = 0 if last is None else last + 1
    # Moves at tables the team does not sit at are public but not its news: the history
    # pane has them.
    elsewhere = {t.name for t in game.rules.tracks if viewer not in t.parties}
    notes = politics_rows(game.model)[before.notes :]
    news = game.model.news[before.news :]
    causes = _Causes(game, viewer, notes, [item for _, item in news if isinstance(item, Event)])
    changes = [
        line
        for track in game.rules.tracks
        if viewer in track.parties
        for line in _changes(game, before, viewer, track, causes)
    ]
    return Summary(
        viewer,
        since,
        game.model.round,
        tuple(
            _entry_text(entry)
            for entry in record.history(game, viewer)[first_new:]
            if entry.track not in elsewhere and entry.what != "signals"  # signals are notes
        ),
        tuple(f"News (round {r}): {item.name} — {item.news}" for r, item in news),
        tuple(text for note in notes if (text := _note_text(game, viewer, note))),
        tuple(changes),
    )


def _standing(game: Game, viewer: str, last: int) -> Standing:
    """Where the team stood at its move ``last``: as the game noted it when the move was
    made, or else (a game rebuilt from its log since) the same game replayed up to it."""
    log = game.model.log
    noted = game.standings.get(last)
    if noted is not None and noted[0] == log[last]:
        return noted[1]
    side = log[last].kind in SIDE_MOVES
    model = replay(game.rules, game.setup.seed, game.setup.humans, log[: last + side])
    return Standing.of(model, viewer)


def _entry_text(entry: record.Entry) -> str:
    where = f"{entry.track}: " if entry.track else ""
    detail = f" — {entry.detail}" if entry.detail else ""
    return f"Round {entry.round}, {where}{entry.who} {entry.what}{detail}"


def _note_text(game: Game, viewer: str, note: dict) -> str:
    """A politics note in words, or "" for what the team may not read (another party's
    beliefs and bottom lines; the precedent's pull on the team's own limits is a change)."""
    phase, subject, outcome, party = note["phase"], note["subject"], note["outcome"], note["party"]
    who = game.name(party) if party else ""
    if phase == "consultation":
        if outcome.startswith("announced "):
            line = _announced(game, subject, outcome)
            return f"Consultation: the parity pact makes {possessive(who)} limit public: {line}"
        if subject == "parity_pact" and outcome != "agreed":
            return f"Consultation: {_pact_text(game, outcome)}"
        return f"Consultation: {OPTION_NAMES.get(subject, subject).lower()} {outcome}"
    if phase == "signals":
        label = _subject_name(game, subject)
        if outcome.startswith("threat"):
            return f"Signal: {who} threatens: {label}, {outcome.removeprefix('threat, ')}"
        if outcome.startswith("pursued"):
            return f"Signal: {who} pursues an outside option: {label}"
        if outcome == "hands tied":
            return f"Signal: {who} ties its hands on {label}"
        if outcome == "audience cost paid":
            return f"Signal: {who} pays at home for tying its hands on {label}"
        if outcome == "carried out":
            return f"Signal: {who} carries out the {label}"
        if outcome == "not carried out":
            return f"Signal: {who} does not carry out the {label}"
        return f"Signal: {possessive(who)} outside option pays off: {label}"
    if phase == "ratification":
        track = game.rules.track[subject].name
        verdict, margin = outcome.split(": ", 1)
        own = f" ({margin})" if party == viewer else ""
        return f"Vote: {possessive(who)} public {verdict} the deal on {track}{own}"
    if phase == "precedent" and party:
        track = game.rules.track[subject].name
        return f"Precedent: {who} now expects a deal on {track} like the one just closed"
    return ""


def _announced(game: Game, issue: str, outcome: str) -> str:
    """A limit the pact announced (``announced LO..HI``) in words: ``Tariff on Japan ≤ 20%``."""
    space = game.rules.spaces[issue]
    lo, hi = (float(x) for x in outcome.removeprefix("announced ").split(".."))
    return f"{space.name} {bottom_line_text(space, lo, hi, frozenset())}"


def _pact_text(game: Game, outcome: str) -> str:
    """The parity pact as a cause: agreed, lapsed, or broken by a party (named)."""
    if outcome.startswith("broken by "):
        return f"the parity pact was broken by {game.name(outcome.removeprefix('broken by '))}"
    return "the parity pact" if outcome == "agreed" else f"the parity pact {outcome}"


def _subject_name(game: Game, subject: str) -> str:
    """A signal's name (a threat, an outside option) or a track's, by its id."""
    for party in game.scenario.parties:
        for signal in (*party.signals.threats, *party.signals.outside_options):
            if signal.id == subject:
                return signal.name
    track = game.rules.track.get(subject)
    return track.name if track else subject


class _Causes:
    """Why a team's numbers moved, named from what happened since its last move."""

    def __init__(self, game: Game, viewer: str, notes: list[dict], events: list[Event]) -> None:
        self.game, self.viewer, self.notes, self.events = game, viewer, notes, events
        channel = game.model.channel
        allies = channel.allies if channel is not None else ()
        self.partner = next((game.name(p) for p in allies if p != viewer), "your partner")

    def limits(self, issue: str) -> list[str]:
        found = []
        mine = f"{self.viewer} now holds"  # not the counterpart's own limit, which it keeps
        for note in self.notes:
            subject, outcome = note["subject"], note["outcome"]
            if note["phase"] == "consultation" and subject == "share_bottom_lines":
                found.append(f"you shared bottom lines with {self.partner}")
            elif note["phase"] == "consultation" and subject == "parity_pact":
                found.append(_pact_text(self.game, outcome))
            elif note["phase"] == "precedent" and subject == issue and outcome.startswith(mine):
                found.append(f"the parity pact holds you to {possessive(self.partner)} deal")
        return found

    def no_deal(self, issue: str) -> list[str]:
        found = []
        for note in self.notes:
            threat = self._threat(note["subject"]) if note["phase"] == "signals" else None
            if threat is None or threat.issue != issue:
                continue
            if note["outcome"] == "carried out":
                found.append("the threat was carried out")
            elif note["outcome"] == "not carried out":
                found.append("the threat was not carried out")
            else:
                found.append(f"{self.game.name(note['party'])} threatens it ({threat.name})")
        return found + self._events(NO_DEAL_KINDS, issue=issue)

    def worth(self, moved: list[str]) -> list[str]:
        """Why no deal is worth more or less: what ``moved`` its package, and what changed
        the team's outside options or weights."""
        found = moved + self._events(WORTH_KINDS, party=self.viewer)
        for note in self.notes:
            if note["party"] == self.viewer and note["outcome"] == "paid off":
                found.append(f"your {_subject_name(self.game, note['subject'])} paid off")
        return list(dict.fromkeys(found))

    def reservation(self, track: TrackRules) -> list[str]:
        found = self._events(frozenset({"reservation"}), party=self.viewer, track=track.id)
        for note in self.notes:
            if (note["party"], note["subject"], note["outcome"]) == (
                self.viewer,
                track.id,
                "hands tied",
            ):
                found.append("you tied your hands")
        return found

    def _threat(self, ident: str):
        for party in self.game.scenario.parties:
            for threat in party.signals.threats:
                if threat.id == ident:
                    return threat
        return None

    def _events(self, kinds: frozenset[TargetKind], **ids: str) -> list[str]:
        """The events since whose effects change a number of these kinds (with these ids;
        an effect on a whole-game number such as the threat names none)."""
        found = []
        for event in self.events:
            for effect in event.effects:
                target = effect.parsed_target
                if target.kind in kinds and all(
                    getattr(target, key) in (None, value) for key, value in ids.items()
                ):
                    found.append(f"the event “{event.name}”")
                    break
        return found


def _changes(
    game: Game, before: Standing, viewer: str, track: TrackRules, causes: _Causes
) -> list[str]:
    """Each of the team's numbers on a track that moved, old and new, with its cause."""
    new = game.model.world
    lines = []
    was, now = before.floors[track.id], new.reservation[viewer][track.id]
    if abs(now - was) > 1e-9:
        lines.append(
            _line(
                f"your floor on {track.name} is now {now:.2f} (was {was:.2f})",
                causes.reservation(track),
            )
        )
    old_limits, new_limits = before.limits[track.id], new.limits[(viewer, track.id)]
    old_no_deal, new_no_deal = before.no_deal[track.id], new.no_deal(track)
    moved: list[str] = []
    for pos, space in enumerate(track.spaces):
        was_line = bottom_line_text(space, *old_limits.bounds[pos], old_limits.refused[pos])
        now_line = bottom_line_text(space, *new_limits.bounds[pos], new_limits.refused[pos])
        if was_line != now_line:
            lines.append(
                _line(
                    f"your {space.name} limit is now {now_line} (was {was_line})",
                    causes.limits(space.id),
                )
            )
        if abs(old_no_deal[pos] - new_no_deal[pos]) > 1e-9:
            why = causes.no_deal(space.id)
            moved += why
            lines.append(
                _line(
                    f"no deal on {track.name} now means {space.name} {space.show(new_no_deal[pos])}"
                    f" (was {space.show(old_no_deal[pos])})",
                    why,
                )
            )
    was, now = f"{before.worth[track.id]:.2f}", f"{new.no_deal_utility(viewer, track):.2f}"
    if was != now:  # a change too small to show is no news
        lines.append(
            _line(
                f"no deal on {track.name} is now worth {now} to you (was {was})",
                causes.worth(moved),
            )
        )
    return lines


def _line(change: str, causes: list[str]) -> str:
    """A change with its causes: "your floor is now 0.59 (was 0.50): the parity pact"."""
    text = change[0].upper() + change[1:]
    return f"{text}: {'; '.join(dict.fromkeys(causes))}" if causes else text
