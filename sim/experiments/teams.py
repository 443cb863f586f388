"""Scripted teams: how the approaches a class might take fare against the AI.

A teacher's question — does it pay to hold firm, to concede, to mirror the other side? —
is answered by playing the same seeds with one party in the hands of a *scripted team*
and comparing the scores (common random numbers, as in ``sim.experiments.study``). A team
plays as a human team does, through the engine's public moves (``NegotiationModel.advance``
and ``submit``), and sees only what a team sees at the table: its own numbers (its
utility of a package, its floor, its bottom lines), the deadline, and the offers it has
received. It does not know the other side's weights, limits or beliefs; what it assumes
of the other side is what the role sheet says is public — which way each party wants
each issue to go — with every such issue counted alike (``public_reading``).

Every team asks for and accepts by one number, its *aim*: a share of the way from its
floor (the least it should settle for: its reservation utility or no deal) to the best
package its own bottom lines allow. It proposes the package of its own concession path
(``sim.engine.concession``) worth that much, so its offers never cross its bottom lines,
and accepts an offer that keeps its bottom lines and is worth at least its aim. It never
walks away and sends no signals; one team, ``coordinate``, says yes from the start to
every option of the allies' channel, the others make no consultation moves. The teams
differ only in that and in how the aim moves during the talks (``TEAMS``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sim.engine.model import NegotiationModel
from sim.engine.moves import DecisionRequest, Move
from sim.engine.red_lines import RedLines
from sim.engine.rules import Rules, TrackRules
from sim.engine.talks import Talks
from sim.engine.utility import EPS, Limits, Valuation, ValueFunction
from sim.results.analysis import party_result
from sim.results.stats import mean_interval


class TeamsError(ValueError):
    """A team study that cannot be played: the message says why, for the command line."""


@dataclass(frozen=True, slots=True)
class Seen:
    """What a team has in front of it when it decides on a track."""

    round: int
    rounds: int
    """The deadline: the last round of the talks."""
    received: tuple[float, ...]
    """Each offer the other side has made on the track, oldest first, as a share of the
    way from the team's floor (0) to its best (1) — negative if below the floor."""

    @property
    def time(self) -> float:
        """How far the talks are: 0 in round 1, 1 in the last round."""
        return 1.0 if self.rounds <= 1 else min((self.round - 1) / (self.rounds - 1), 1.0)


@dataclass(frozen=True, slots=True)
class Team:
    """A scripted team: a name, what it does in a teacher's words, and how it aims."""

    name: str
    summary: str
    aim: Callable[[Seen], float]
    """The share of the way from floor to best the team asks for and accepts now."""
    consults: bool = False
    """Whether it says yes, from the start, to every option of the allies' channel (a
    party outside the channel has none)."""


def _capitulate(seen: Seen) -> float:
    return 0.0


def _steady(seen: Seen) -> float:
    return 0.7 * (1.0 - seen.time)


def _firm_then_concede(seen: Seen) -> float:
    return 0.6 if seen.round <= seen.rounds // 3 else 0.35


def _mirror(seen: Seen) -> float:
    received = seen.received
    conceded = received[-1] - received[0] if len(received) > 1 else 0.0
    return 0.6 - max(conceded, 0.0)


def _split_difference(seen: Seen) -> float:
    received = seen.received
    return 0.5 if not received else (0.5 + max(received[-1], 0.0)) / 2


def _halfway(seen: Seen) -> float:
    return 0.5


def _last_round(seen: Seen) -> float:
    return 0.7 if seen.round < seen.rounds - 1 else 0.0


def _stonewall(seen: Seen) -> float:
    return 0.9


TEAMS = {
    team.name: team
    for team in (
        Team(
            "capitulate",
            "Takes the first offer that keeps its bottom lines; offers all it can give.",
            _capitulate,
        ),
        Team(
            "steady",
            "Opens at 70% of the way from its floor to its best and concedes a little every "
            "round, reaching its floor at the deadline.",
            _steady,
        ),
        Team(
            "firm-then-concede",
            "Holds at 60% for the first third of the rounds, then settles for 35%.",
            _firm_then_concede,
        ),
        Team(
            "mirror",
            "Opens at 60% and gives up as much as the other side's offers have given it.",
            _mirror,
        ),
        Team(
            "split-difference",
            "Opens at half the way from its floor to its best, then asks for the midpoint "
            "between that and the other side's latest offer.",
            _split_difference,
        ),
        Team(
            "halfway",
            "Asks for half the way from its floor to its best from the start and holds there, "
            "taking any offer at least as good.",
            _halfway,
        ),
        Team(
            "coordinate",
            "Plays as halfway, and from the start agrees with its partner to share bottom "
            "lines, a parity pact and a joint purchase.",
            _halfway,
            consults=True,
        ),
        Team(
            "last-round",
            "Holds at 70% until the last two rounds, then takes anything that keeps its "
            "bottom lines.",
            _last_round,
        ),
        Team("stonewall", "Never moves from 90%.", _stonewall),
    )
}
"""Every scripted team by name, from quickest to give way to most stubborn."""


def public_reading(rules: Rules, party: str, track: TrackRules) -> Valuation:
    """What a team may assume the other side at ``track`` values: only what is public.

    The role sheet tells each team which way the others want each issue to go (higher,
    lower, near a value, options in order), not how much they care: so every issue the
    other side wants counted alike, numeric ones straight from worst to best, options
    evenly spaced by their rank. Made once per scenario and kept in the rules.
    """
    other = track.other(party)

    def make() -> Valuation:
        prefs = rules.parties[other].preferences
        issues = {i.id: i for i in rules.scenario.issues}
        values: dict[str, ValueFunction] = {}
        for issue_id in track.issue_ids:
            pref = prefs.get(issue_id)
            if pref is None:
                continue
            if pref.values is None:
                values[issue_id] = ValueFunction.of(
                    issues[issue_id], pref.model_copy(update={"curve": 1.0})
                )
                continue
            choices = issues[issue_id].choices
            ranked = sorted(choices, key=lambda c: -pref.values[c])
            top = max(len(choices) - 1, 1)
            ys = tuple((top - ranked.index(c)) / top for c in choices)
            values[issue_id] = ValueFunction(tuple(float(n) for n in range(len(choices))), ys)
        return Valuation.of(dict.fromkeys(values, 1.0), values, track.issue_ids)

    return rules.derive(("public reading", party, track.id), make)


class Player:
    """A team at the table for one party in one game: answers the engine's requests."""

    def __init__(self, team: Team, party: str) -> None:
        self.team = team
        self.party = party
        self.red_lines: dict[str, RedLines] = {}
        """Track → what the red lines the other side named there taught the team."""
        self._seen: dict[str, int] = {}
        """Track → how many of the offers made there the team has taken in."""

    def decide(self, model: NegotiationModel, request: DecisionRequest) -> Move:
        """The team's move for a pending request, from what it sees at the table."""
        party, world, rules = self.party, model.world, model.rules
        track = rules.track[request.track]
        valuation = world.valuation(party, track.id)
        limits = world.limits[(party, track.id)]
        path = rules.path(
            party, track.id, world.weights[party], limits, public_reading(rules, party, track)
        )
        bounds = self._hear(model.talks[track.id], limits)
        if bounds:
            path = path.within(bounds)
        floor = world.floor(party, track)
        span = max(path.top - floor, 0.0)

        def share(package: tuple[float, ...]) -> float:
            return (valuation(package) - floor) / span if span > EPS else 0.0

        received = tuple(map(share, model.talks[track.id].received(party)))
        aim = min(max(self.team.aim(Seen(request.round, model.rounds, received)), 0.0), 1.0)
        target = floor + aim * span
        if request.kind == "respond":
            package = track.encode(request.on_table)
            worth = valuation(package)
            if limits.allow(package) and worth >= floor - EPS and worth >= target - EPS:
                return Move(party, track.id, "accept")
            return Move(party, track.id, "reject")
        return Move(party, track.id, "propose", track.decode(path.package(target)))

    def _hear(self, talks: Talks, limits: Limits) -> dict[int, tuple[float, float]]:
        """Take in the moves on the track since the team last looked, learning from the
        red lines the other side named as an AI proposer does (``RedLines``); the ranges
        the team keeps its offers in."""
        track = talks.track
        lines = self.red_lines.setdefault(track.id, RedLines(track.spaces))
        seen = self._seen.get(track.id, 0)
        lines.replay(talks.history[seen:], talks.red_lines, self.party, limits.bounds)
        self._seen[track.id] = len(talks.history)
        return lines.bounds


@dataclass
class TeamResult:
    """The games one team played, reduced to what the study reports (seed order)."""

    team: Team
    score: list[float] = field(default_factory=list)
    """The party's score in each game: 0 no deal, 100 the best deal there was."""
    undiscounted: list[float] = field(default_factory=list)
    """The score of the terms alone, as if every deal were struck in round 1."""
    agreed: list[bool] = field(default_factory=list)
    """Whether each of the party's tracks ended in a deal, game by game."""
    deal_rounds: list[int] = field(default_factory=list)
    """The round of each deal made."""
    kept: list[bool] = field(default_factory=list)
    """Whether the party kept its bottom lines in each game."""

    def summary(self) -> dict:
        """The figures reported for the team, as plain data (what ``--json`` prints)."""
        mean, half = mean_interval(self.score)
        rounds = self.deal_rounds
        return {
            "team": self.team.name,
            "summary": self.team.summary,
            "games": len(self.score),
            "score": mean,
            "score_ci95": float(half),
            "undiscounted": sum(self.undiscounted) / len(self.undiscounted),
            "deal_rate": sum(self.agreed) / len(self.agreed),
            "deal_round": sum(rounds) / len(rounds) if rounds else None,
            "bottom_lines_kept": sum(self.kept),
        }


def team_names(names: Sequence[str] = ()) -> list[str]:
    """The teams to play: ``names`` in the order given, or every team.

    Raises:
        TeamsError: a name is not a team's; the message lists the teams.
    """
    unknown = [n for n in names if n not in TEAMS]
    if unknown:
        raise TeamsError(f"unknown team {unknown[0]!r} (teams: {', '.join(TEAMS)})")
    return list(dict.fromkeys(names)) or list(TEAMS)


def seated_tracks(rules: Rules, party: str) -> list[str]:
    """The bargaining tracks ``party`` sits at, checked.

    Raises:
        TeamsError: ``party`` is not a party of the scenario, or sits at no bargaining track.
    """
    if party not in rules.party_ids:
        raise TeamsError(f"unknown party {party!r} (parties: {', '.join(rules.party_ids)})")
    tracks = [t.id for t in rules.tracks if party in t.parties]
    if not tracks:
        raise TeamsError(
            f"{party} sits at no bargaining track: there is nothing for a team to play"
        )
    return tracks


def play(rules: Rules, team: Team, party: str, seed: int) -> NegotiationModel:
    """One game with ``team`` playing ``party`` and the AI the rest; the model is closed."""
    model = NegotiationModel(rules, seed=seed, humans=[party], collect=False)
    player = Player(team, party)
    request = model.advance()
    channel = model.channel
    if team.consults and channel is not None and party in channel.allies:
        for option, _ in channel.options:
            answer = {"option": option, "agree": True}
            request = model.submit(Move(party, channel.config.channel, "consult", answer))
    while request is not None:
        request = model.submit(player.decide(model, request))
    model.close()
    return model


def run_teams(
    rules: Rules,
    party: str,
    runs: int,
    seed: int = 0,
    teams: Sequence[str] = (),
    progress: Callable[[int], None] | None = None,
) -> list[TeamResult]:
    """Play ``runs`` games per team on seeds ``seed .. seed+runs-1``, ``party`` scripted.

    Args:
        rules: The scenario, compiled for play.
        party: The party the teams play.
        runs: Games per team (the same seeds for every team).
        seed: The first seed.
        teams: The teams' names, in the order to report them; every team if empty.
        progress: Called with 1 after each game.

    Raises:
        TeamsError: the party or a team name is not known, or the party sits at no track.
    """
    names = team_names(teams)
    tracks = seated_tracks(rules, party)
    results = []
    for name in names:
        result = TeamResult(TEAMS[name])
        for n in range(runs):
            model = play(rules, result.team, party, seed + n)
            outcome = party_result(model.world, model.talks, party)
            result.score.append(outcome.score)
            result.undiscounted.append(outcome.undiscounted)
            result.kept.append(outcome.bottom_lines_kept)
            for track in tracks:
                talks = model.talks[track]
                result.agreed.append(talks.status == "agreed")
                if talks.status == "agreed":
                    result.deal_rounds.append(talks.deal.round)
            if progress:
                progress(1)
        results.append(result)
    return results
