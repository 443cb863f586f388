"""Mutants of every bundled scenario, through ``validate`` then ``run``: never a traceback.

A few seeded mutants of each scenario run on every test run, and hypothesis draws more,
its random choices shrinking to the smallest change that breaks; a larger seeded set is
marked slow, and ``benchmarks/fuzz.py`` runs thousands (docs/benchmarks.md). A mutant that
``validate`` passes must also play: a file is either refused up front or a game.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.mutants import mutate, trees, try_file, write_mutant, write_yaml

TREES = trees()
SEEDS = 8
"""Seeded mutants of each scenario on every test run."""
SLOW_SEEDS = 100
"""Seeded mutants of each scenario in the slow test."""


def assert_refused_or_played(path: Path, changes: list[str]) -> None:
    outcome = try_file(path)
    assert outcome.error is None, f"{'; '.join(changes)}\n{outcome.error}"
    assert outcome.kind in ("invalid", "played"), (changes, outcome)
    assert outcome.validated in (0, 2), (changes, outcome)


def test_every_bundled_scenario_is_mutated():
    assert set(TREES) >= {"baseline-2025", "troop-drawdown", "coalition-path"}
    for name, tree in TREES.items():
        mutant, changes = mutate(tree, random.Random(0))
        assert changes and mutant != tree, name


def test_an_exception_that_escapes_a_command_is_caught_as_a_traceback(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the engine broke")

    monkeypatch.setattr("sim.cli.scenarios.Rules", broken)
    path = tmp_path / "mutant.yaml"
    write_yaml(TREES["baseline-2025"], path)
    outcome = try_file(path)
    assert outcome.kind == "traceback" and "the engine broke" in outcome.error


def test_an_unchanged_scenario_is_played(tmp_path):
    path = tmp_path / "mutant.yaml"
    write_yaml(TREES["baseline-2025"], path)
    outcome = try_file(path)
    assert (outcome.kind, outcome.validated, outcome.ran) == ("played", 0, 0)


@pytest.mark.parametrize("name", sorted(TREES))
@pytest.mark.parametrize("seed", range(SEEDS))
def test_a_seeded_mutant_is_refused_or_played(name, seed, tmp_path):
    assert_refused_or_played(*write_mutant(TREES[name], seed, tmp_path, f"mutant-{name}"))


@settings(
    max_examples=16, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.sampled_from(sorted(TREES)), rng=st.randoms(use_true_random=False))
def test_a_drawn_mutant_is_refused_or_played(name, rng, tmp_path):
    mutant, changes = mutate(TREES[name], rng)
    path = tmp_path / f"mutant-{name}.yaml"
    write_yaml(mutant, path)
    assert_refused_or_played(path, changes)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(TREES))
def test_many_seeded_mutants_are_refused_or_played(name, tmp_path):
    for seed in range(SEEDS, SEEDS + SLOW_SEEDS):
        assert_refused_or_played(*write_mutant(TREES[name], seed, tmp_path, f"mutant-{name}"))
