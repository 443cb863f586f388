"""Engine throughput: median microseconds per game, on one core, data collection on.

Two figures from docs/benchmarks.md:

- a full all-AI game of the bundled ``baseline-2025`` scenario (goal ≤ 1,000 µs, aim
  500 µs);
- a bilateral negotiation of 3 issues × 11 values, 100 rounds, Boulware against
  Conceder (``benchmarks/bilateral-3x11.yaml``; goal ≤ 1,100 µs).

Each figure is the median of several repetitions of many games with different seeds.
The scenario is compiled once (``Rules``) and each game is closed when done, as a batch
run does, and the process is pinned to one core where the platform allows it. Run from a checkout:

    python benchmarks/bench_engine.py [--games 2000] [--repeats 7]
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from sim.engine.model import NegotiationModel  # noqa: E402
from sim.engine.rules import Rules  # noqa: E402
from sim.scenario.loading import load_scenario  # noqa: E402


def play(rules: Rules, seed: int) -> None:
    """One game as a batch plays it: built, run to the end, closed."""
    model = NegotiationModel(rules, seed=seed)
    model.run()
    model.close()


def per_game_us(rules: Rules, games: int, repeats: int) -> list[float]:
    """Microseconds per game for each repetition (seeds differ across games)."""
    for seed in range(min(games, 200)):  # warm the shared caches, as a batch would
        play(rules, seed)
    gc.collect()
    gc.freeze()  # the compiled scenario lives for the whole batch: keep it out of GC scans
    figures = []
    for repeat in range(repeats):
        start = time.perf_counter()
        for seed in range(repeat * games, (repeat + 1) * games):
            play(rules, seed)
        figures.append((time.perf_counter() - start) / games * 1e6)
    gc.unfreeze()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", type=int, default=2000, help="games per repetition")
    parser.add_argument("--repeats", type=int, default=7, help="repetitions (median reported)")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    cases = [
        ("baseline-2025, full all-AI game", "baseline-2025", "≤ 1,000, aim 500", args.games),
        (
            "bilateral 3x11, 100 rounds, boulware vs conceder",
            str(HERE / "bilateral-3x11.yaml"),
            "≤ 1,100",
            max(args.games // 4, 50),
        ),
    ]
    for label, source, goal, games in cases:
        figures = per_game_us(Rules(load_scenario(source)), games, args.repeats)
        median = statistics.median(figures)
        print(
            f"{label}: median {median:,.0f} µs per game "
            f"(goal {goal}; runs {', '.join(f'{f:,.0f}' for f in figures)}; "
            f"{games} games per run)"
        )


if __name__ == "__main__":
    main()
