"""Fuzz the scenario loader and the engine with many mutants of the bundled scenarios.

Each mutant is one bundled scenario with one to three nodes of its YAML tree changed
(``tests/fuzz/mutants.py``, the mutator the test suite uses too), written to a file and
run through ``trilateral validate`` then, if valid, ``trilateral run --quiet``, in process.
The bar: no traceback, and no mutant that takes more than ``--slow`` seconds. It prints
the count of each outcome, the share that validated, the slowest mutants and every
traceback; each traceback's or slow mutant's file is saved to ``--keep`` to reproduce it:

    python benchmarks/fuzz.py --mutants 2000 [--seed 0] [--keep fuzz-failures]

Exit status 1 if any mutant ended in a traceback or was slow.
"""

from __future__ import annotations

import argparse
import collections
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.fuzz.mutants import Outcome, trees, try_file, write_mutant  # noqa: E402

SLOWEST = 5
"""How many of the slowest mutants to print."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=int, default=2000, help="mutants in all")
    parser.add_argument("--seed", type=int, default=0, help="seed of the first mutant")
    parser.add_argument("--slow", type=float, default=10.0, help="seconds that count as slow")
    parser.add_argument(
        "--keep", type=Path, default=Path("fuzz-failures"), help="folder for failing mutants"
    )
    args = parser.parse_args()
    scenarios = list(trees().items())
    outcomes: list[tuple[Outcome, str, list[str]]] = []
    # A stopped command (twice --slow) counts as a traceback and saves its mutant.
    timeout = 2 * args.slow
    with tempfile.TemporaryDirectory() as folder:
        for number in range(args.mutants):
            seed = args.seed + number
            name, tree = scenarios[number % len(scenarios)]
            label = f"mutant-{name}-{seed}"
            path, changes = write_mutant(tree, seed, Path(folder), label)
            outcome = try_file(path, timeout)
            outcomes.append((outcome, label, changes))
            if outcome.error is not None or outcome.seconds > args.slow:
                args.keep.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, args.keep / path.name)
            print(f"\r{number + 1}/{args.mutants}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    report(outcomes, args)


def report(outcomes: list[tuple[Outcome, str, list[str]]], args: argparse.Namespace) -> None:
    """Print the counts, the slowest mutants and the tracebacks; exit 1 on a failure."""
    counts = collections.Counter(outcome.kind for outcome, _, _ in outcomes)
    valid = sum(outcome.validated == 0 for outcome, _, _ in outcomes)
    slow = [item for item in outcomes if item[0].seconds > args.slow]
    print(f"mutants {len(outcomes)} (seeds {args.seed}..{args.seed + len(outcomes) - 1})")
    for kind in ("invalid", "played", "refused", "traceback"):
        print(f"  {kind:<10} {counts[kind]:>6}")
    print(f"valid share {valid / max(len(outcomes), 1):.1%}")
    print(f"over {args.slow:g} s: {len(slow)}")
    print("slowest:")
    for outcome, label, _ in sorted(outcomes, key=lambda item: -item[0].seconds)[:SLOWEST]:
        print(f"  {outcome.seconds:7.3f} s  {label}  ({outcome.kind})")
    failures = [item for item in outcomes if item[0].error is not None]
    for outcome, label, changes in failures:
        print(f"\n{label}: {'; '.join(changes)}\n{outcome.error}")
    if failures or slow:
        print(f"mutants saved in {args.keep}/")
        sys.exit(1)


if __name__ == "__main__":
    main()
