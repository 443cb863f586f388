"""The class debrief: every table of a class side by side, and against an all-AI batch.

After a class the teacher wants to compare the tables: what each one agreed, track by track
and issue by issue, what each party scored and whether it kept its bottom lines, and how
the game went. And to say whether a table did well, its outcome is set against what the
AI alone makes of the same scenario (and overrides): a batch of all-AI games on seeds from
the class's base seed, judged by the same measures (``sim.results.analysis``). The first
games of that batch play the tables' own seeds, so the all-AI game of table n is among them.

This module reads and computes, and draws nothing: ``trilateral class`` writes its Markdown,
CSV and charts, and the teacher's console will show the same numbers. Each table is rebuilt
the one way a table is rebuilt, ``sim.network.tables.Classroom`` replaying its log; the
database is only read (a finished table gains no entries by being rebuilt).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.classroom.debriefing import timeline
from sim.classroom.game import Game
from sim.engine.model import NegotiationModel
from sim.engine.rules import Rules
from sim.network.ledger import Ledger, table_seed
from sim.network.tables import Classroom
from sim.results.analysis import PartyResult, TrackAnalysis, analyse
from sim.scenario.models import Scenario

RUNS = 200
"""All-AI games in the reference batch unless the teacher asks for another number."""


@dataclass(frozen=True, slots=True)
class TrackOutcome:
    """How one track ended, without its frontier: what a batch keeps of each game."""

    status: str
    """``agreed``, ``walked``, ``broke-down``, ``no-deal`` or ``open`` (a table still playing)."""
    deal_round: int | None
    package: dict | None
    """The deal as people read it (issue id → value), or None without a deal."""
    utility: dict[str, float]
    """Each side's undiscounted track utility of the outcome (the deal, else no deal)."""
    distance_to_frontier: float
    """How far the outcome lies from the track's Pareto frontier (0: on it)."""

    @classmethod
    def of(cls, track: TrackAnalysis) -> TrackOutcome:
        """The outcome part of a track's analysis."""
        return cls(
            track.status,
            track.deal_round,
            track.package,
            track.utility,
            track.distance_to_frontier,
        )


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one game came to: each track's outcome and each party's result."""

    tracks: dict[str, TrackOutcome]
    parties: dict[str, PartyResult]

    def value(self, track: str, issue: str) -> float | None:
        """An issue's agreed value, or None if its track ended without a deal."""
        package = self.tracks[track].package
        return None if package is None else package[issue]


@dataclass(frozen=True)
class TableDebrief:
    """One table of the class, rebuilt from its log and analysed."""

    number: int
    seed: int
    game: Game
    outcome: Outcome
    frontiers: dict[str, list[list[float]]]
    """Track → its Pareto frontier at this table as ``[ua, ub]`` pairs (the track's party
    order): bottom lines are drawn per game, so every table has frontiers of its own."""
    codes: dict[str, str]
    """Party → the join code of the team that played it."""
    timeline: list[str]
    """The game round by round, as the transcript tells it."""
    timed: list[dict]
    """The moves the round timer played for a team (its AI's), oldest first: each one's
    ``party``, ``track``, ``kind`` and ``round``, as the table's views list them."""

    @property
    def finished(self) -> bool:
        """Whether the table's game is over (else its open tracks count as no deal)."""
        return self.game.finished


@dataclass(frozen=True, slots=True)
class Headline:
    """A headline issue: the numeric issue a party weighs most on a track it sits at."""

    issue: str
    track: str
    parties: tuple[str, ...]
    """Who weighs it most on the track: one side, or both."""


@dataclass(frozen=True)
class ClassRecord:
    """A class read back from its database: its scenario and every table, analysed."""

    path: Path
    source: str
    overrides: tuple[str, ...]
    seed: int
    """The class's base seed."""
    scenario: Scenario
    tables: list[TableDebrief]


@dataclass(frozen=True)
class Reference:
    """The all-AI batch of the class's scenario: one outcome per game, in seed order."""

    seed: int
    """The first seed; game k played ``table_seed(seed, k + 1)``."""
    outcomes: list[Outcome]

    def values(self, track: str, issue: str) -> list[float]:
        """An issue's agreed value in every game of the batch that made a deal on its track."""
        found = (o.value(track, issue) for o in self.outcomes)
        return [v for v in found if v is not None]

    def scores(self, party: str) -> list[float]:
        """A party's score in every game of the batch."""
        return [o.parties[party].score for o in self.outcomes]

    def distances(self, track: str) -> list[float]:
        """The distance of each batch game's deal on a track to its frontier (deals only)."""
        return [
            o.tracks[track].distance_to_frontier
            for o in self.outcomes
            if o.tracks[track].status == "agreed"
        ]


def read_class(path: Path) -> ClassRecord:
    """Read a class database and rebuild and analyse each of its tables.

    Args:
        path: The class database (``trilateral host --db``).

    Raises:
        LedgerError: no such file, not a class database, its scenario cannot be loaded or
            has changed, or a table's log does not replay.
    """
    ledger = Ledger.open(path)
    try:
        classroom = Classroom.open(ledger)
        setup = ledger.setup
        tables = [
            _table(number, table.game, table.timed, ledger)
            for number, table in sorted(classroom.tables.items())
        ]
    finally:
        ledger.close()
    return ClassRecord(path, setup.source, setup.overrides, setup.seed, classroom.scenario, tables)


def _table(number: int, game: Game, timed: list[dict], ledger: Ledger) -> TableDebrief:
    analysis = analyse(game.model)
    codes = {seat.party: seat.code for seat in ledger.seats.values() if seat.table == number}
    return TableDebrief(
        number,
        game.setup.seed,
        game,
        _outcome(analysis.tracks, analysis.parties),
        {track.track: track.frontier for track in analysis.tracks},
        codes,
        timeline(game),
        timed,
    )


def _outcome(tracks: tuple[TrackAnalysis, ...], parties: tuple[PartyResult, ...]) -> Outcome:
    return Outcome(
        {track.track: TrackOutcome.of(track) for track in tracks},
        {party.party: party for party in parties},
    )


def reference(
    scenario: Scenario,
    runs: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
) -> Reference:
    """Play the all-AI batch: ``runs`` games of the scenario on the class's seeds.

    Args:
        scenario: The class's scenario, with its overrides.
        runs: How many games.
        seed: The class's base seed: game k plays the seed table k would.
        progress: Called with 1 after each game.
    """
    rules = Rules(scenario)
    outcomes = []
    for k in range(1, runs + 1):
        model = NegotiationModel(rules, seed=table_seed(seed, k), collect=False)
        model.run()
        analysis = analyse(model)
        outcomes.append(_outcome(analysis.tracks, analysis.parties))
        model.close()
        if progress:
            progress(1)
    return Reference(seed, outcomes)


def headline_issues(scenario: Scenario) -> list[Headline]:
    """The headline issues: on each bargaining track, the numeric issue each of its two
    parties weighs most (by the scenario's weights), once if both weigh the same one most.
    """
    rules = Rules(scenario)
    found: list[Headline] = []
    for track in rules.tracks:
        numeric = [s.id for s in track.spaces if s.kind == "numeric"]
        most: dict[str, list[str]] = {}
        for party in track.parties:
            preferences = scenario.party(party).preferences
            weighed = [i for i in numeric if i in preferences]
            if weighed:
                top = max(weighed, key=lambda i: preferences[i].weight)
                most.setdefault(top, []).append(party)
        found += [Headline(issue, track.id, tuple(who)) for issue, who in most.items()]
    return found


def percentile(value: float, values: list[float]) -> float | None:
    """Where ``value`` stands among ``values``, in percent: the share below it plus half the
    share equal to it (so the batch's median is the 50th); None if there are no values."""
    if not values:
        return None
    y = np.asarray(values, dtype=float)
    below = np.count_nonzero(y < value - 1e-9)
    equal = np.count_nonzero(np.abs(y - value) <= 1e-9)
    return float(100.0 * (below + equal / 2) / y.size)
