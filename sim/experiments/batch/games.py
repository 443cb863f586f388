"""What a worker does with a chunk of a batch: play its games and return them as rows.

Each run becomes one row of the *runs* table: its index, cell, seed and parameter values,
then the outcome columns that ``outcome_columns`` lists — per track its status, deal round,
each party's track utility, the agreed package issue by issue (``TRACK.deal.ISSUE``) and
the votes it failed at home; per party its discounted utility, its score and the score of
the terms alone, whether it kept its bottom lines and its final approval; the consultation
options ever agreed, the final trust, sentiment and threat, and the threats carried out.
A column is a name, an Arrow type and how to read it from a finished game, so a new number
of the world is one more entry there; the distribution of terms can be studied without
replaying a game.

Rows come straight from the finished model and ``sim.results.analysis.party_result`` (its
frontiers are cached, so a batch computes each once); the Nash analysis is left to
``trilateral run``. With ``per_round`` the DataCollector's model variables of every round go to a
second, *rounds* table, keyed by run index.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import pyarrow as pa

from sim.engine.model import NegotiationModel
from sim.engine.rules import Rules
from sim.experiments.batch.plan import BatchPlan, BatchScenario, compiled, run_seed
from sim.results.analysis import PartyResult, party_result


class Game(NamedTuple):
    """A finished game and its parties' results, as the outcome columns read them."""

    model: NegotiationModel
    parties: dict[str, PartyResult]


@dataclass(frozen=True)
class Column:
    """One outcome column of the runs table."""

    name: str
    type: pa.DataType
    read: Callable[[Game], Any]


def outcome_columns(rules: Rules) -> list[Column]:
    """The outcome columns of a batch on these rules, in table order."""
    columns = [Column("rounds", pa.int16(), lambda g: g.model.round)]
    for track in rules.tracks:
        t = track.id
        columns += [
            Column(f"{t}.status", pa.string(), lambda g, t=t: g.model.talks[t].status),
            Column(f"{t}.deal_round", pa.int16(), lambda g, t=t: _deal_round(g, t)),
            *(
                Column(f"{t}.utility.{p}", pa.float64(), lambda g, t=t, p=p: _utility(g, t, p))
                for p in track.parties
            ),
            *(
                Column(f"{t}.deal.{i}", _deal_type(s), lambda g, t=t, n=n: _deal_term(g, t, n))
                for n, (i, s) in enumerate(zip(track.issue_ids, track.spaces, strict=True))
            ),
            Column(f"{t}.failed_votes", pa.int16(), lambda g, t=t: g.model.talks[t].failed_votes),
        ]
    for p in rules.party_ids:
        columns += [
            Column(f"{p}.utility", pa.float64(), lambda g, p=p: g.parties[p].utility),
            Column(f"{p}.score", pa.float64(), lambda g, p=p: g.parties[p].score),
            Column(
                f"{p}.score_undiscounted", pa.float64(), lambda g, p=p: g.parties[p].undiscounted
            ),
            Column(
                f"{p}.bottom_lines_kept", pa.bool_(), lambda g, p=p: g.parties[p].bottom_lines_kept
            ),
            Column(f"{p}.approval", pa.float64(), lambda g, p=p: g.model.world.approval[p]),
        ]
    if rules.scenario.consultation is not None:
        columns += [
            *(
                Column(f"agreed.{o}", pa.bool_(), lambda g, o=o: o in g.model.channel.ever)
                for o in ("share_bottom_lines", "parity_pact", "joint_purchase")
            ),
            Column("trust", pa.float64(), lambda g: g.model.world.trust),
            Column("sentiment", pa.float64(), lambda g: g.model.world.sentiment),
        ]
    columns.append(Column("threat", pa.float64(), lambda g: g.model.world.threat))
    columns.append(
        Column("threats_carried_out", pa.int16(), lambda g: len(g.model.signals.carried_out))
    )
    return columns


def _deal_type(space) -> pa.DataType:
    """A deal's term as its issue's values are written: a number or an option's name."""
    return pa.string() if space.choices is not None else pa.float64()


def _deal_term(game: Game, track: str, pos: int):
    """One issue of a track's deal, as people write it (None without a deal)."""
    talks = game.model.talks[track]
    if talks.status != "agreed":
        return None
    space = talks.track.spaces[pos]
    value = space.decode(talks.deal.package[pos])
    return str(value).lower() if isinstance(value, bool) else value


def _deal_round(game: Game, track: str) -> int | None:
    talks = game.model.talks[track]
    return talks.deal.round if talks.status == "agreed" else None


def _utility(game: Game, track: str, party: str) -> float:
    """A party's track utility of the outcome: the deal, else no deal (outside options in)."""
    world, talks = game.model.world, game.model.talks[track]
    if talks.status == "agreed":
        return world.valuation(party, track)(talks.deal.package)
    return world.no_deal_utility(party, talks.track)


YOUNG_OBJECTS = 10_000
"""How far a worker's count of tracked objects (made less freed) grows before the youngest
are collected (Python's default: 700)."""

KEYS = (pa.field("run", pa.int64()), pa.field("cell", pa.int32()), pa.field("seed", pa.int64()))
"""The columns that identify a run: its index in the batch, its cell and its seed."""


@dataclass(frozen=True)
class Chunk:
    """A contiguous range of a batch's run indices, played and saved as one piece.

    It carries only what its games need: the batch's scenario, and the overrides and
    parameter values of the cells it touches (its ``cells``, from ``start // runs``).
    """

    index: int
    start: int
    stop: int
    scenario: BatchScenario
    runs: int
    seed: int
    per_round: bool
    parameters: tuple[pa.Field, ...]
    cells: tuple[tuple[tuple[str, ...], tuple[Any, ...]], ...]
    """Per cell touched, in order: its override texts and its parameter values."""

    @classmethod
    def of(cls, plan: BatchPlan, index: int, size: int) -> Chunk:
        """Chunk ``index`` of a plan cut into chunks of ``size`` runs."""
        start, stop = index * size, min((index + 1) * size, plan.total)
        first, last = start // plan.runs, (stop - 1) // plan.runs
        cells = tuple((plan.design.cells[c], plan.values[c]) for c in range(first, last + 1))
        return cls(
            index,
            start,
            stop,
            plan.scenario,
            plan.runs,
            plan.seed,
            plan.per_round,
            plan.parameters,
            cells,
        )


@dataclass(frozen=True)
class ChunkResult:
    """The rows a chunk's games gave: one per run, and one per round if asked for."""

    index: int
    runs: pa.Table
    rounds: pa.Table | None


def play_chunk(chunk: Chunk) -> ChunkResult:
    """Play every game of a chunk, in run order.

    Runs in a worker: any process (or Dask worker thread) can play any chunk, and the
    rows depend on nothing but the chunk.
    """
    first_cell = chunk.start // chunk.runs
    columns = outcome_columns(compiled(chunk.scenario, chunk.cells[0][0]))
    _settle_collector()
    rows = []
    per_round: dict[str, list] = {"run": []}
    for index in range(chunk.start, chunk.stop):
        cell, run = divmod(index, chunk.runs)
        overrides, values = chunk.cells[cell - first_cell]
        seed = run_seed(chunk.seed, cell, run)
        rules = compiled(chunk.scenario, overrides)
        model = NegotiationModel(rules, seed=seed, collect=chunk.per_round)
        model.run()
        game = Game(model, {p: party_result(model.world, model.talks, p) for p in rules.party_ids})
        rows.append((index, cell, seed, *values, *(column.read(game) for column in columns)))
        if chunk.per_round:
            recorded = model.datacollector.model_vars
            per_round["run"] += [index] * len(recorded["round"])
            for name, series in recorded.items():
                per_round.setdefault(name, []).extend(series)
        model.close()
    fields = [*KEYS, *chunk.parameters, *(pa.field(c.name, c.type) for c in columns)]
    runs = pa.Table.from_arrays(
        [
            pa.array(values, f.type)
            for values, f in zip(zip(*rows, strict=True), fields, strict=True)
        ],
        schema=pa.schema(fields),
    )
    return ChunkResult(chunk.index, runs, pa.table(per_round) if chunk.per_round else None)


def _settle_collector() -> None:
    """Once per process, set the cyclic garbage collector for playing games.

    What was imported and compiled lives as long as the worker: it is kept out of the
    collector's scans (``gc.freeze``), which the games' short-lived objects would otherwise
    make walk it every time (a few per cent of a game). And a game leaves no cycles behind
    (``NegotiationModel.close`` breaks them), so collecting young objects every
    ``YOUNG_OBJECTS`` allocations, not every 700, loses no memory worth having: each
    collection found nothing and walked the live game and the caches it had filled, and
    every tenth of them set off an older one (about 8 % of a game in all; 3 % like this).
    """
    if not gc.get_freeze_count():
        gc.collect()
        gc.freeze()
        gc.set_threshold(YOUNG_OBJECTS, *gc.get_threshold()[1:])
