"""Driving a batch: chunks through an executor into the store, with progress and resume.

The runner keeps a few chunks per worker in flight — enough to keep every worker busy,
few enough that an interrupt loses little and results never pile up in memory — and
saves each chunk as it finishes, in whatever order they finish; the store puts them back
in run order at the end. Chunks hold ``chunk_size`` runs: large enough that sending a
chunk costs little next to playing it (a game takes about half a millisecond).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass
from pathlib import Path

from sim.experiments.batch import BatchError
from sim.experiments.batch.executors import InProcess, open_executor
from sim.experiments.batch.games import Chunk, play_chunk
from sim.experiments.batch.plan import BatchPlan
from sim.experiments.batch.store import Interrupted, ResultStore

MAX_CHUNK = 1000
"""Runs per chunk at most by default: about half a second of play."""
MIN_CHUNK = 20
IN_FLIGHT = 2
"""Chunks submitted per worker at a time: one playing, one waiting to start."""


@dataclass(frozen=True)
class BatchRun:
    """What a call of ``run_batch`` did."""

    total: int
    """Runs in the batch."""
    resumed: int
    """Runs found already done, from an interrupted batch."""
    chunks: int
    chunk_size: int
    damaged: tuple[str, ...] = ()
    """Chunk files of an interrupted batch that were damaged: their chunks are played again."""


def run_batch(
    plan: BatchPlan,
    out: Path,
    *,
    jobs: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    chunk_size: int | None = None,
    on_start: Callable[[BatchRun], None] | None = None,
    on_chunk: Callable[[int], None] | None = None,
) -> BatchRun:
    """Play a batch and write its results to ``out`` (and ``OUT.rounds.parquet``).

    Args:
        plan: The checked plan.
        out: The results file.
        jobs: Local worker processes (None: every core; 1: in this process).
        scheduler: A Dask scheduler's address; wins over ``jobs``.
        resume: Continue an interrupted batch of the same plan writing to ``out``.
        chunk_size: Runs per chunk of a new batch; by default a few chunks per worker,
            between 20 and 1,000 runs.
        on_start: Called once the store is ready, with what is done and to do.
        on_chunk: Called with the number of runs of each chunk saved.

    Raises:
        BatchError: if the store or the executor cannot be used as asked.
        KeyboardInterrupt: after saving every chunk that had finished; ``resume``
            continues from there.
    """
    store = ResultStore(out)
    spec = plan.spec()
    if resume and store.complete(spec):
        done = BatchRun(plan.total, plan.total, 0, 0)
        if on_start:
            on_start(done)
        return done
    with store.claim(spec, plan.total, resume) as found:
        try:
            with open_executor(jobs, scheduler) as (executor, workers):
                if found is None:
                    size = chunk_size or min(
                        max(-(-plan.total // (4 * workers)), MIN_CHUNK), MAX_CHUNK
                    )
                    store.start(spec, size)
                    found = Interrupted(size, frozenset(), ())
                batch = _play(plan, store, executor, workers, found, on_start, on_chunk)
        except BatchError as error:
            if found is None:
                raise
            raise BatchError(
                f"{error}. The chunks finished so far are kept in {store.parts}: "
                "run the same command with --resume to finish the batch"
            ) from None
        metadata = {
            "spec": spec,
            "title": plan.title,
            "parties": plan.parties,
            "tracks": plan.tracks,
        }
        store.finish(batch.chunks, metadata)
    return batch


def _play(
    plan: BatchPlan,
    store: ResultStore,
    executor: Executor,
    workers: int,
    found: Interrupted,
    on_start: Callable[[BatchRun], None] | None,
    on_chunk: Callable[[int], None] | None,
) -> BatchRun:
    """Play the chunks not yet done, saving each as it finishes."""
    size = found.chunk_size
    count = -(-plan.total // size)
    todo = [k for k in range(count) if k not in found.done]
    resumed = plan.total - sum(_runs(plan, size, k) for k in todo)
    batch = BatchRun(plan.total, resumed, count, size, found.damaged)
    if on_start:
        on_start(batch)
    chunks = (Chunk.of(plan, k, size) for k in todo)
    # In this process a chunk is played as it is submitted: save each one at once.
    window = 1 if isinstance(executor, InProcess) else IN_FLIGHT * workers
    running: set[Future] = set()
    try:
        while True:
            for chunk in chunks:
                running.add(executor.submit(play_chunk, chunk))
                if len(running) >= window:
                    break
            if not running:
                break
            finished_now, running = wait(running, return_when=FIRST_COMPLETED)
            for future in finished_now:
                result = future.result()
                store.save(result.index, result.runs, result.rounds)
                if on_chunk:
                    on_chunk(result.runs.num_rows)
    finally:
        for future in running:
            future.cancel()
    return batch


def _runs(plan: BatchPlan, size: int, index: int) -> int:
    return min(size, plan.total - index * size)
