"""``benchmarks/bench_server.py`` run tiny: it plays a class to the end against a real server,
prints its figures and ends by itself, even when its time bound is too short to start the
server. No figure is checked against a goal: timings depend on the machine."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_server.py"


def bench(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=120
    )


def test_two_tables_are_played_to_the_end_and_the_figures_printed():
    done = bench("--tables", "2", "--seconds", "60", "--seed", "3", "--repeats", "2")
    assert done.returncode == 0, done.stderr
    runs = re.findall(r"^([\d,]+) moves in .*, (\d) of 2 tables finished", done.stdout, re.M)
    assert len(runs) == 2 and all(int(moves) > 5 and ends == "2" for moves, ends in runs)
    assert len(re.findall(r"round trip p50 [\d.]+ ms, p99 [\d.]+ ms", done.stdout)) == 2
    assert len(re.findall(r"server peak RSS [1-9]\d* MB", done.stdout)) == 2
    assert "median of 2 runs: p50 ms" in done.stdout


def test_a_time_bound_too_short_to_start_the_server_ends_the_run():
    done = bench("--tables", "2", "--seconds", "0.01")
    assert done.returncode == 1
    assert "the server did not listen within 0.01 s" in done.stderr
