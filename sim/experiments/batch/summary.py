"""What a batch found, in a few numbers: agreement rates and mean payoffs.

Computed from the results file (reading only the columns it needs, with Arrow's group-by),
overall and per cell of the batch's factors — the swept keys, and the ranges of a grid
design. Both ``trilateral batch`` (its closing table) and ``trilateral report`` use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from sim.experiments.batch.plan import PARAMETER
from sim.experiments.batch.store import read_metadata


@dataclass(frozen=True)
class Group:
    """The outcomes of the runs that share some parameter values."""

    values: dict[str, Any]
    """Factor key → its value in this group (empty for all runs)."""
    runs: int
    agreement: dict[str, float]
    """Track → the share of runs that ended in a deal on it."""
    utility: dict[str, float]
    """Party → its mean discounted utility."""
    score: dict[str, float]
    """Party → its mean score."""


@dataclass(frozen=True)
class Summary:
    """A batch's results file, summarised."""

    metadata: dict
    """The batch metadata stored in the file (its plan, title, parties and tracks)."""
    overall: Group
    groups: tuple[Group, ...]
    """One group per combination of factor values, in order; empty without factors."""

    @property
    def factors(self) -> list[str]:
        """The factor keys the groups are formed by."""
        return list(self.metadata["spec"]["design"]["factors"])


def summarise(path: Path) -> Summary:
    """Summarise a batch's results file.

    Raises:
        BatchError: if the file is not a batch's results file.
    """
    metadata = read_metadata(path)
    tracks, parties = list(metadata["tracks"]), metadata["parties"]
    factors = [PARAMETER + key for key in metadata["spec"]["design"]["factors"]]
    payoffs = [f"{p}.{what}" for p in parties for what in ("utility", "score")]
    table = pq.read_table(path, columns=factors + [f"{t}.status" for t in tracks] + payoffs)
    measures = {
        **{column: table[column] for column in factors + payoffs},
        **{
            f"{t}.agreed": pc.cast(pc.equal(table[f"{t}.status"], "agreed"), pa.float64())
            for t in tracks
        },
    }
    derived = pa.table(measures)
    aggregations = [(name, "mean") for name in measures if name not in factors]
    aggregations.append((f"{tracks[0]}.agreed", "count"))

    def groups(by: list[str]) -> list[Group]:
        found = derived.group_by(by).aggregate(aggregations)
        if by:
            found = found.sort_by([(column, "ascending") for column in by])
        return [
            Group(
                {column.removeprefix(PARAMETER): row[column] for column in by},
                row[f"{tracks[0]}.agreed_count"],
                {t: row[f"{t}.agreed_mean"] for t in tracks},
                {p: row[f"{p}.utility_mean"] for p in parties},
                {p: row[f"{p}.score_mean"] for p in parties},
            )
            for row in found.to_pylist()
        ]

    return Summary(metadata, groups([])[0], tuple(groups(factors)) if factors else ())
