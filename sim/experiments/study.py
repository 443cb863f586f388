"""Paired studies of the commentary's argument: does coordination help Japan and Korea?

A study plays the same seeds under several *arms*, each the scenario with a few
``--set`` overrides: consultation allowed or not, a parity pact possible or not, hands
tied or not. Because arms share seeds, random events line up and the differences come
from the mechanism switched (common random numbers). For each arm it reports each
party's mean discounted utility with a 95% confidence interval, the agreement rate and
the rounds to agreement per track, plus the paired difference from the first arm (both
intervals from ``sim.results.stats``). It reports whatever the mechanics produce.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sim.engine.strategies import spec_problem
from sim.experiments.paired import Games, play_games
from sim.scenario.loading import load_scenario
from sim.scenario.models import Scenario


@dataclass(frozen=True)
class Arm:
    """One condition of a study: a name and the overrides that make it."""

    name: str
    overrides: tuple[str, ...]


@dataclass(frozen=True)
class ArmResult:
    """The games of one arm, in seed order."""

    arm: Arm
    games: Games


def arms_for(scenario: Scenario) -> list[Arm]:
    """The standard arms a scenario supports: what it can switch, it compares."""
    arms = [Arm("as written", ())]
    if scenario.consultation is not None:
        arms.append(Arm("no consultation", ("consultation.enabled=false",)))
        arms.append(Arm("no parity pact", ("consultation.parity_pact.enabled=false",)))
    ties = tuple(
        f"parties.{p.id}.signals.tie_hands.{k}.round=1"
        for p in scenario.parties
        for k, _ in enumerate(p.signals.tie_hands)
    )
    if ties:
        arms.append(Arm("hands tied", ties))
    return arms


def run_study(
    source: str,
    runs: int,
    overrides: Sequence[str] = (),
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
) -> list[ArmResult]:
    """Play ``runs`` games per arm on seeds ``seed .. seed+runs-1``.

    Raises:
        ScenarioError: the scenario or an arm's overrides are not valid.
    """
    base = load_scenario(source, overrides, spec_problem)
    return [
        ArmResult(
            arm,
            play_games(
                load_scenario(source, (*overrides, *arm.overrides), spec_problem),
                runs,
                seed,
                progress,
            ),
        )
        for arm in arms_for(base)
    ]
