"""Games played on shared seeds, reduced to what a comparison reads, game by game.

``trilateral study`` compares arms of one scenario and ``trilateral check`` a scenario with
its reference; both play the same seeds under each condition (common random numbers), so
the n-th game of one pairs with the n-th of the other and the luck they share cancels out
of the difference. Every list here is in seed order; a measure that exists only when a
deal was made (its round, an issue's agreed value) is None in a game without that deal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sim.engine.model import NegotiationModel
from sim.engine.rules import Rules
from sim.results.analysis import party_result
from sim.scenario.models import Scenario


@dataclass
class Games:
    """The outcomes of games played on consecutive seeds, one entry per game."""

    utility: dict[str, list[float]] = field(default_factory=dict)
    """Party → its discounted utility."""
    score: dict[str, list[float]] = field(default_factory=dict)
    """Party → its score (0 no deal, 100 the best deal there was)."""
    agreed: dict[str, list[bool]] = field(default_factory=dict)
    """Track → whether the game ended with a deal on it."""
    round: dict[str, list[int | None]] = field(default_factory=dict)
    """Track → the round its deal was made in."""
    deal: dict[str, list[float | None]] = field(default_factory=dict)
    """Numeric issue → its agreed value."""


def play_games(
    scenario: Scenario,
    runs: int,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
) -> Games:
    """Play ``runs`` all-AI games of ``scenario`` on seeds ``seed .. seed+runs-1``.

    Args:
        scenario: The scenario, loaded and checked.
        runs: How many games.
        seed: The first seed.
        progress: Called with 1 after each game.
    """
    rules = Rules(scenario)
    numeric = {i.id for i in scenario.issues if i.kind == "numeric"}
    games = Games()
    for n in range(runs):
        model = NegotiationModel(rules, seed=seed + n, collect=False)
        model.run()
        for party in rules.party_ids:
            outcome = party_result(model.world, model.talks, party)
            games.utility.setdefault(party, []).append(outcome.utility)
            games.score.setdefault(party, []).append(outcome.score)
        for track, talks in model.talks.items():
            agreed = talks.status == "agreed"
            games.agreed.setdefault(track, []).append(agreed)
            games.round.setdefault(track, []).append(talks.closed_round if agreed else None)
            package = talks.track.decode(talks.deal.package) if agreed else {}
            for issue in talks.track.issue_ids:
                if issue in numeric:
                    games.deal.setdefault(issue, []).append(package.get(issue))
        model.close()
        if progress:
            progress(1)
    return games
