"""``trilateral check``: does a scenario still teach what it says? Its expectations, tested.

A scenario's ``expectations`` (``sim.scenario.expectations``) claim that a measure of its
outcome is higher or lower than in a reference scenario. The check plays both on the same
seeds (``sim.experiments.paired``), takes the game-by-game differences of each measure and
their mean with a 95 % Student-t interval (``sim.results.stats``). A claim *holds* when the
whole interval lies on its side of zero: above it for ``higher``, below for ``lower``. An
agreement is 1 or 0 per game, so its paired difference is −1, 0 or 1 and its mean the
difference of the agreement rates. A deal's round and agreed values are compared over the
games in which both scenarios made that deal; fewer than two such games hold nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sim.engine.strategies import spec_problem
from sim.experiments.paired import Games, play_games
from sim.results.plain import plain
from sim.results.stats import mean_interval, paired_difference
from sim.scenario.expectations import MEASURES, Claim
from sim.scenario.loading import load_with_reference
from sim.scenario.models import Scenario


@dataclass(frozen=True)
class Verdict:
    """One claim, measured on paired games."""

    claim: Claim
    pairs: int
    """Games in which both scenarios have the measure (all, but for ``round`` and ``deal``)."""
    mean: float
    """The measure's mean in the scenario, over those games (nan without any)."""
    reference: float
    """The measure's mean in the reference, over the same games (nan without any)."""
    difference: float
    """The mean paired difference, scenario − reference (nan without any)."""
    half_width: float
    """The half-width of the difference's 95 % interval (nan without two pairs)."""

    @property
    def held(self) -> bool:
        """Whether the whole 95 % interval of the difference lies on the claimed side of 0."""
        if self.pairs < 2:
            return False
        if self.claim.direction == "higher":
            return self.difference - self.half_width > 0
        return self.difference + self.half_width < 0


@dataclass(frozen=True)
class Check:
    """A scenario's claims against its reference, each judged."""

    scenario: Scenario
    reference: Scenario
    runs: int
    seed: int
    verdicts: tuple[Verdict, ...]

    @property
    def held(self) -> bool:
        """Whether every claim holds."""
        return all(v.held for v in self.verdicts)


def run_check(
    source: str,
    runs: int,
    overrides: Sequence[str] = (),
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
) -> Check | None:
    """Play ``runs`` paired games of the scenario and its reference and judge each claim.

    Args:
        source: A scenario file or a bundled scenario's name.
        runs: Games per scenario, on seeds ``seed .. seed+runs-1``.
        overrides: ``--set`` overrides of the scenario (and of a reference made by ``set``).
        seed: The first seed.
        progress: Called with 1 after each game (``2·runs`` in all).

    Returns:
        The verdicts, or None if the scenario states no expectations.

    Raises:
        ScenarioError: the scenario or its reference is not valid.
    """
    scenario, reference = load_with_reference(source, overrides, spec_problem)
    if reference is None:
        return None
    games = play_games(scenario, runs, seed, progress)
    base = play_games(reference, runs, seed, progress)
    verdicts = tuple(judge(claim, games, base) for claim in scenario.expectations.claims)
    return Check(scenario, reference, runs, seed, verdicts)


def judge(claim: Claim, games: Games, reference: Games) -> Verdict:
    """The claim measured on paired games of the scenario and of its reference."""
    pairs = [
        (a, b)
        for a, b in zip(_values(claim, games), _values(claim, reference), strict=True)
        if a is not None and b is not None
    ]
    if not pairs:
        nan = float("nan")
        return Verdict(claim, 0, nan, nan, nan, nan)
    ours, theirs = zip(*pairs, strict=True)
    difference, half = paired_difference(ours, theirs)
    if len(pairs) < 2:
        half = float("nan")
    return Verdict(
        claim, len(pairs), mean_interval(ours)[0], mean_interval(theirs)[0], difference, half
    )


def _values(claim: Claim, games: Games) -> list[float | None]:
    """The claim's measure in each game, None where the game has none."""
    if claim.measure == "agreement":
        return [float(agreed) for agreed in games.agreed[claim.track]]
    if claim.measure == "round":
        return games.round[claim.track]
    if claim.measure == "deal":
        return games.deal[claim.issue]
    return getattr(games, claim.measure)[claim.party]


def check_record(check: Check) -> dict:
    """The check as JSON-ready data: its games, and each claim with its figures and verdict.

    A figure that could not be measured (no paired deals) is None.
    """

    def number(x: float) -> float | None:
        return None if math.isnan(x) else x

    claims = [
        {
            "measure": v.claim.measure,
            MEASURES[v.claim.measure]: v.claim.subject,
            "is": v.claim.direction,
            "pairs": v.pairs,
            "mean": number(v.mean),
            "reference": number(v.reference),
            "difference": number(v.difference),
            "half_width": number(v.half_width),
            "held": v.held,
        }
        for v in check.verdicts
    ]
    return plain(
        {
            "scenario": check.scenario.title,
            "reference": check.reference.title,
            "runs": check.runs,
            "seed": check.seed,
            "claims": claims,
            "held": check.held,
        }
    )
