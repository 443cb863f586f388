"""A batch's plan: the scenario all its games share, its cells, runs, seeds and chunks.

Every cell is compiled once before any game is played, so a bad sweep value or an
unknown key stops the batch with the loader's own located message. Seeds follow
``numpy.random.SeedSequence``: run ``r`` of cell ``c`` plays with the ``r``-th child of the
``c``-th child of ``SeedSequence(seed)`` — independent streams that depend only on the base
seed, the cell and the run, never on the executor, the chunking or what ran before.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pyarrow as pa
from pydantic import ValidationError

from sim.engine.rules import Rules
from sim.engine.strategies import spec_problem
from sim.experiments.batch import BatchError
from sim.experiments.batch.design import Design, parameter_value
from sim.scenario.loading import (
    OVERRIDE,
    ScenarioError,
    apply_overrides,
    load_scenario,
    read_scenario,
)
from sim.scenario.models import Scenario

FORMAT = 1
"""Version of the results files' layout, stored in their metadata."""

PARAMETER = "param."
"""The prefix of the results columns that hold the varied keys' values."""

_SEED_BITS = (1 << 63) - 1  # seeds fit a signed 64-bit column and `trilateral run --seed`


@dataclass(frozen=True)
class BatchScenario:
    """The scenario every game of a batch shares: its data with the fixed ``--set`` overrides.

    Each cell of the batch's design is this scenario with the cell's own overrides
    (``for_cell``). Equal ones compare and hash by ``fingerprint`` alone, so a worker
    recognises the scenario of every chunk it receives and reuses the cells it compiled.
    """

    fingerprint: str
    """SHA-256 of the data: a changed scenario file cannot resume an old batch."""
    source: str = field(compare=False)
    fixed: tuple[str, ...] = field(compare=False)
    data: dict = field(compare=False, repr=False)

    @classmethod
    def load(cls, source: str, fixed: Sequence[str] = ()) -> BatchScenario:
        """Read a scenario file (or bundled name) and apply the fixed overrides.

        Raises:
            ScenarioError: if the file cannot be read or an override leads nowhere.
        """
        data = apply_overrides(read_scenario(source)[0], fixed)
        text = json.dumps(data, sort_keys=True, default=str)
        return cls(hashlib.sha256(text.encode()).hexdigest(), source, tuple(fixed), data)

    def for_cell(self, overrides: Sequence[str] = ()) -> Scenario:
        """The scenario of a cell: this one with the cell's overrides applied.

        Raises:
            ScenarioError: every problem of the cell, located and worded by the loader.
        """
        data = apply_overrides(self.data, overrides)
        try:
            return Scenario.model_validate(data, context={"strategies": spec_problem})
        except ValidationError:
            # Only a broken cell gets here: let the loader locate and word its problems.
            load_scenario(self.source, (*self.fixed, *overrides), spec_problem)
            raise


@lru_cache(maxsize=8)
def compiled(scenario: BatchScenario, overrides: tuple[str, ...]) -> Rules:
    """A cell's compiled scenario, built once per process and shared by its games.

    Cells arrive in order, so a few entries serve a whole batch.
    """
    return Rules(scenario.for_cell(overrides))


def run_seed(seed: int, cell: int, run: int) -> int:
    """The seed of run ``run`` of cell ``cell`` in a batch with base seed ``seed``."""
    state = np.random.SeedSequence(seed, spawn_key=(cell, run)).generate_state(1, np.uint64)
    return int(state[0]) & _SEED_BITS


@dataclass(frozen=True)
class BatchPlan:
    """Everything that decides a batch's results; the executor and chunking do not."""

    scenario: BatchScenario
    design: Design
    runs: int
    """Seeded runs per cell."""
    seed: int
    per_round: bool
    title: str
    parties: tuple[str, ...]
    tracks: dict[str, tuple[str, str]]
    """Bargaining track id → its two parties."""
    parameters: tuple[pa.Field, ...] = field(repr=False)
    """A results column per varied key, typed by all the values the key takes."""
    values: tuple[tuple[Any, ...], ...] = field(repr=False)
    """Per cell, the value of each varied key as the games read it (as written, if the
    key's values are not all numbers or all booleans)."""

    @property
    def total(self) -> int:
        """How many games the batch plays."""
        return len(self.design.cells) * self.runs

    def spec(self) -> dict:
        """The plan as JSON-ready data: stored with the results, compared on resume."""
        return {
            "format": FORMAT,
            "source": self.scenario.source,
            "fixed": list(self.scenario.fixed),
            "fingerprint": self.scenario.fingerprint,
            "design": self.design.to_dict(),
            "runs": self.runs,
            "seed": self.seed,
            "per_round": self.per_round,
        }


def plan_batch(
    scenario: BatchScenario, design: Design, runs: int, seed: int = 0, per_round: bool = False
) -> BatchPlan:
    """Check every cell of a batch and plan it.

    Raises:
        BatchError: naming the first cell that is not a playable scenario and why, or a
            cell whose parties or tracks differ from the others'.
    """
    if runs < 1:
        raise BatchError(f"--runs must be at least 1, got {runs}")
    if seed < 0:
        raise BatchError(f"--seed must be 0 or more, got {seed}")
    title, parties, tracks = _check_cells(scenario, design)
    fields, columns = [], []
    for k, key in enumerate(design.keys):
        texts = [cell[k] for cell in design.cells]
        values = [parameter_value(text) for text in texts]
        kind = _arrow_type(values)
        fields.append(pa.field(PARAMETER + key, kind))
        columns.append(
            [text.partition("=")[2] for text in texts] if kind == pa.string() else values
        )
    values = tuple(tuple(column[c] for column in columns) for c in range(len(design.cells)))
    return BatchPlan(
        scenario, design, runs, seed, per_round, title, parties, tracks, tuple(fields), values
    )


def _check_cells(scenario: BatchScenario, design: Design) -> tuple[str, tuple[str, ...], dict]:
    """Compile every cell; the scenario's title, parties and tracks (the same in all)."""
    shape = None
    for cell in design.cells:
        try:
            rules = Rules(scenario.for_cell(cell))
        except ScenarioError as error:
            problems = [
                # The cell's own values are named in the heading: no "--set:0:0" needed.
                f"{p.path}: {p.message}" if p.file == OVERRIDE else str(p)
                for p in error.problems
            ]
            raise BatchError(_cell_problem(cell, "\n".join(problems))) from None
        except ValueError as error:
            raise BatchError(_cell_problem(cell, str(error))) from None
        if rules.unplayable:
            raise BatchError(_cell_problem(cell, "\n".join(rules.unplayable.values())))
        tracks = {t.id: t.parties for t in rules.tracks}
        # The results columns follow the parties, the tracks and whether there is a channel.
        found = (rules.party_ids, tracks, rules.scenario.consultation is None)
        if shape is None:
            shape, title = found, rules.scenario.title
        elif found != shape:
            raise BatchError(
                _cell_problem(cell, "its parties, tracks or consultation differ from the others'")
            )
    return title, *shape[:2]


def _cell_problem(cell: tuple[str, ...], problem: str) -> str:
    where = f"the cell {' '.join(cell)}" if cell else "the scenario"
    return f"{where} cannot be played:\n{problem}"


def _arrow_type(values: list[Any]) -> pa.DataType:
    """int64, float64 or bool if every value is such a number or flag; else string."""
    try:
        kind = pa.array(values).type
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.string()
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_boolean(kind):
        return kind
    return pa.string()
