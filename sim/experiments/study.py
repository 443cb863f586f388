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
from dataclasses import dataclass, field

from sim.engine.model import NegotiationModel
from sim.engine.rules import Rules
from sim.engine.strategies import spec_problem
from sim.results.analysis import party_result
from sim.scenario.loading import load_scenario
from sim.scenario.models import Scenario


@dataclass(frozen=True)
class Arm:
    """One condition of a study: a name and the overrides that make it."""

    name: str
    overrides: tuple[str, ...]


@dataclass
class ArmResult:
    """The games of one arm, reduced to what the study reports."""

    arm: Arm
    utility: dict[str, list[float]] = field(default_factory=dict)
    """Party → its discounted utility in each game (seed order)."""
    agreed: dict[str, list[bool]] = field(default_factory=dict)
    """Track → whether each game ended with a deal on it."""
    rounds: dict[str, list[int]] = field(default_factory=dict)
    """Track → the round of each deal made."""


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
    results = []
    for arm in arms_for(base):
        rules = Rules(load_scenario(source, (*overrides, *arm.overrides), spec_problem))
        result = ArmResult(arm)
        for n in range(runs):
            model = NegotiationModel(rules, seed=seed + n, collect=False)
            model.run()
            for party in rules.party_ids:
                outcome = party_result(model.world, model.talks, party)
                result.utility.setdefault(party, []).append(outcome.utility)
            for track, talks in model.talks.items():
                result.agreed.setdefault(track, []).append(talks.status == "agreed")
                if talks.status == "agreed":
                    result.rounds.setdefault(track, []).append(talks.closed_round)
            model.close()
            if progress:
                progress(1)
        results.append(result)
    return results
