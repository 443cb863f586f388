"""Batch throughput and memory: the docs/benchmarks.md figures for ``trilateral batch``.

- games per second on one core (``--jobs 1``) and on every core;
- a Dask ``LocalCluster`` (one single-threaded worker process per core, on 127.0.0.1)
  against local processes, on the same batch;
- wall time and peak memory of a 100,000-run baseline batch on every core (goal: ≤ 60 s
  and ≤ 1 GB on 2 cores).

Each figure is the median of several repetitions. A repetition runs ``trilateral batch``
as people do — a fresh process timed from start to exit, so interpreter start-up,
worker start-up and writing Parquet all count — except the Dask comparison, which times
``run_batch`` in this process against a cluster started beforehand (its start-up is
shown apart; the local processes' forkserver also outlives the first repetition).

Memory is sampled every 0.25 s over the batch process and all its descendants (the
forkserver and the workers) with psutil: the sum of their RSS, an upper bound that
counts twice the pages a forked worker shares with its parent, and the sum of their
PSS, which splits each shared page between its sharers — the memory the batch really
occupies. The largest single process's peak comes from getrusage(RUSAGE_CHILDREN).
Run from a checkout:

    python benchmarks/bench_batch.py [--runs 100000] [--games 10000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil  # installed with dask[distributed]
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from sim.experiments.batch.design import make_design  # noqa: E402
from sim.experiments.batch.executors import local_cores  # noqa: E402
from sim.experiments.batch.plan import BatchScenario, plan_batch  # noqa: E402
from sim.experiments.batch.runner import run_batch  # noqa: E402

SCENARIO = "baseline-2025"
MB = 1024 * 1024


@dataclass(frozen=True)
class Measured:
    """One ``trilateral batch`` process: wall time and peak memory of its process tree."""

    seconds: float
    rss: int
    """Peak of the summed RSS of the process and its descendants, bytes."""
    pss: int
    """Peak of the summed PSS, bytes."""


def batch_process(folder: Path, runs: int, jobs: int | None) -> Measured:
    """Run ``trilateral batch`` in a fresh process and measure it."""
    out = folder / f"batch-{runs}-{jobs}-{time.monotonic_ns()}.parquet"
    args = ["batch", SCENARIO, "--runs", str(runs), "-o", str(out)]
    args += ["--jobs", str(jobs)] if jobs else []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DASK_SCHEDULER_ADDRESS", None)
    command = [sys.executable, "-c", "from sim.cli.app import build_app; build_app()()", *args]
    start = time.perf_counter()
    # From the checkout: ``python -c`` looks in its working directory before PYTHONPATH.
    process = psutil.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT
    )
    peak_rss = peak_pss = 0
    while process.poll() is None:
        rss = pss = 0
        for member in [process, *process.children(recursive=True)]:
            try:
                info = member.memory_full_info()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            rss, pss = rss + info.rss, pss + info.pss
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(0.25)
    seconds = time.perf_counter() - start
    if process.returncode:
        sys.exit(f"batch failed:\n{process.stderr.read().decode()}")
    rows = pq.read_metadata(out).num_rows
    if rows != runs:
        sys.exit(f"batch wrote {rows} rows, expected {runs}")
    out.unlink()
    return Measured(seconds, peak_rss, peak_pss)


def in_process(folder: Path, runs: int, **executor) -> float:
    """Seconds for ``run_batch`` of the baseline in this process, on an executor."""
    plan = plan_batch(BatchScenario.load(SCENARIO), make_design(), runs)
    out = folder / f"inproc-{time.monotonic_ns()}.parquet"
    start = time.perf_counter()
    run_batch(plan, out, **executor)
    seconds = time.perf_counter() - start
    out.unlink()
    return seconds


def show(label: str, figures: list[float], unit: str, goal: str = "") -> None:
    """Print a median with every repetition."""
    runs = ", ".join(f"{f:,.1f}" for f in figures)
    goal = f" (goal {goal})" if goal else ""
    print(f"{label}: median {statistics.median(figures):,.1f} {unit}{goal}; runs {runs}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100_000, help="games in the big batch")
    parser.add_argument("--games", type=int, default=10_000, help="games per throughput batch")
    parser.add_argument("--repeats", type=int, default=3, help="repetitions (median shown)")
    args = parser.parse_args()
    cores = local_cores()
    print(f"{platform.python_implementation()} {platform.python_version()}, {cores} cores")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)

        for jobs, label in ((1, "1 core"), (cores, f"{cores} cores")):
            games = args.games if jobs == 1 else args.games * cores
            seconds = [batch_process(folder, games, jobs).seconds for _ in range(args.repeats)]
            show(
                f"games/s on {label} ({games:,} games, whole command)",
                [games / s for s in seconds],
                "games/s",
            )

        from distributed import LocalCluster

        games = args.games * cores
        start = time.perf_counter()
        with LocalCluster(
            n_workers=cores,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster:
            print(f"Dask LocalCluster start-up: {time.perf_counter() - start:.1f} s")
            dask = [
                games / in_process(folder, games, scheduler=cluster.scheduler_address)
                for _ in range(args.repeats)
            ]
        local = [games / in_process(folder, games, jobs=cores) for _ in range(args.repeats)]
        show(f"Dask LocalCluster, {cores} workers ({games:,} games)", dask, "games/s")
        show(f"local processes, {cores} workers ({games:,} games)", local, "games/s")

        big = [batch_process(folder, args.runs, None) for _ in range(args.repeats)]
        largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        show(
            f"{args.runs:,} games on {cores} cores, wall time",
            [m.seconds for m in big],
            "s",
            "≤ 60 s on 2 cores",
        )
        show("  peak memory, sum of PSS", [m.pss / MB for m in big], "MB", "≤ 1,024 MB")
        show("  peak memory, sum of RSS (upper bound)", [m.rss / MB for m in big], "MB")
        print(f"  largest single process (max RSS, any run above): {largest:,.0f} MB")


if __name__ == "__main__":
    main()
