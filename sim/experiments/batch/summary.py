"""What a batch found, in a few numbers: agreement rates and mean payoffs.

Computed from the results file (reading only the columns it needs, with Arrow's group-by),
overall and per cell of the batch's factors — the swept keys, and the ranges of a grid
design. Both ``trilateral batch`` (its closing table) and ``trilateral report`` use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from sim.experiments.batch import BatchError
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


def check_results(path: Path) -> dict:
    """The batch metadata of a results file, once the file holds what a summary reads.

    That is every column ``summarise`` and ``trilateral report`` read, of the kind of data
    they expect, and at least one run: a file that ``trilateral batch`` did not write is
    refused with what it lacks.

    Raises:
        BatchError: if the file is not a batch's results file, naming what is missing.
    """
    metadata = read_metadata(path)
    schema = pq.read_schema(path)
    missing, wrong = [], []
    for name, (kind, fits) in _columns(metadata).items():
        if name not in schema.names:
            missing.append(name)
        elif not fits(schema.field(name).type):
            wrong.append(f"{name} holds {schema.field(name).type}, not {kind}")
    if missing and "round" in schema.names:  # the per-round file batch writes beside them
        results = path.with_name(path.name.removesuffix(".rounds.parquet") + ".parquet")
        hint = f" ({results})" if results.is_file() else ""
        raise BatchError(f"{path}: a batch's per-round data; give its results file{hint}")
    if missing:
        more = len(missing) - 5
        shown = ", ".join(missing[:5]) + (f" and {more} more" if more > 0 else "")
        raise BatchError(f"{path}: not the results of `trilateral batch`: no column {shown}")
    if wrong:
        raise BatchError(f"{path}: not the results of `trilateral batch`: column {wrong[0]}")
    if pq.read_metadata(path).num_rows == 0:
        raise BatchError(f"{path}: holds no runs")
    return metadata


def _columns(metadata: dict) -> dict[str, tuple[str, Callable[[pa.DataType], bool]]]:
    """Column → what it must hold, for every column a summary or report reads."""
    numbers = ("numbers", lambda t: pa.types.is_integer(t) or pa.types.is_floating(t))
    # A column that is empty in every run (no deal, say) is written null-typed.
    maybe = ("numbers", lambda t: pa.types.is_null(t) or numbers[1](t))
    text = ("text", lambda t: pa.types.is_string(t) or pa.types.is_large_string(t))
    anything = ("values", lambda t: True)
    columns = {"cell": numbers, "rounds": numbers}
    design = metadata["spec"]["design"]
    columns |= {PARAMETER + key: anything for key in [*design["keys"], *design["factors"]]}
    for track, parties in metadata["tracks"].items():
        columns |= {f"{track}.status": text, f"{track}.deal_round": maybe}
        columns |= {f"{track}.utility.{party}": numbers for party in parties}
    for party in metadata["parties"]:
        columns |= {f"{party}.utility": numbers, f"{party}.score": numbers}
    return columns


def summarise(path: Path) -> Summary:
    """Summarise a batch's results file.

    Raises:
        BatchError: if the file is not a batch's results file.
    """
    metadata = check_results(path)
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
