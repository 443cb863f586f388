"""Batch runs: the same rows on every executor, resume after an interrupt, designs, errors.

Batches here are small (tens of games) and cut into small chunks so that chunks cross
cell boundaries and an interrupt lands between chunks.
"""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from sim.cli.app import build_app
from sim.engine.model import NegotiationModel
from sim.engine.rules import Rules
from sim.experiments.batch import BatchError
from sim.experiments.batch.design import make_design
from sim.experiments.batch.plan import BatchScenario, plan_batch, run_seed
from sim.experiments.batch.runner import run_batch
from sim.experiments.batch.store import read_metadata, rounds_path
from sim.results.analysis import analyse, party_result
from sim.scenario.loading import bundled_scenarios, load_scenario

runner = CliRunner()
app = build_app()
SWEEP = "parties.korea.patience=0.8,0.95"


def small_plan(runs: int = 12, per_round: bool = True, sweep: str = SWEEP, seed: int = 3):
    """Two cells of a baseline sweep: 24 games by default."""
    return plan_batch(
        BatchScenario.load("baseline-2025"),
        make_design([sweep]),
        runs,
        seed=seed,
        per_round=per_round,
    )


def tables(out: Path) -> tuple:
    """The runs table and, if written, the rounds table of a results file."""
    rounds = rounds_path(out)
    return pq.read_table(out), pq.read_table(rounds) if rounds.exists() else None


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple:
    """The small plan played serially in this process, in chunks of 5."""
    out = tmp_path_factory.mktemp("reference") / "serial.parquet"
    run_batch(small_plan(), out, jobs=1, chunk_size=5)
    return tables(out)


def test_serial_batch_has_one_row_per_run_in_run_order(reference):
    runs, rounds = reference
    assert runs["run"].to_pylist() == list(range(24))
    assert runs["cell"].to_pylist() == [0] * 12 + [1] * 12
    assert runs["param.parties.korea.patience"].to_pylist() == [0.8] * 12 + [0.95] * 12
    assert runs["seed"].to_pylist() == [run_seed(3, r // 12, r % 12) for r in range(24)]
    for column in ("us-japan.status", "us-korea.deal_round", "korea.score", "japan.approval"):
        assert column in runs.column_names
    assert set(rounds["run"].to_pylist()) == set(range(24))
    assert rounds.num_rows == sum(r + 1 for r in runs["rounds"].to_pylist())  # round 0 too


def test_rows_agree_with_the_analysis_of_the_same_game(reference):
    runs, _ = reference
    for row in runs.slice(10, 4).to_pylist():
        patience = row["param.parties.korea.patience"]
        scenario = load_scenario("baseline-2025", [f"parties.korea.patience={patience}"])
        model = NegotiationModel(scenario, seed=row["seed"], collect=False)
        model.run()
        result = analyse(model)
        for party in result.parties:
            assert row[f"{party.party}.utility"] == pytest.approx(party.utility, abs=1e-12)
            assert row[f"{party.party}.score"] == pytest.approx(party.score, abs=1e-9)
            assert row[f"{party.party}.bottom_lines_kept"] == party.bottom_lines_kept
        for track in result.tracks:
            assert row[f"{track.track}.status"] == track.status
            assert row[f"{track.track}.deal_round"] == track.deal_round


def test_process_pool_and_other_chunkings_give_identical_rows(reference, tmp_path):
    out = tmp_path / "pool.parquet"
    run_batch(small_plan(), out, jobs=2, chunk_size=7)
    runs, rounds = tables(out)
    assert runs.equals(reference[0])
    assert rounds.equals(reference[1])
    serial = tmp_path / "one-chunk.parquet"
    run_batch(small_plan(), serial, jobs=1, chunk_size=100)
    assert tables(serial)[0].equals(reference[0])


def test_dask_cluster_gives_identical_rows(reference, tmp_path):
    from distributed import LocalCluster

    out = tmp_path / "dask.parquet"
    # In-process workers talk over inproc://: nothing listens on the network.
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        run_batch(small_plan(), out, scheduler=cluster.scheduler_address, chunk_size=6)
    runs, rounds = tables(out)
    assert runs.equals(reference[0])
    assert rounds.equals(reference[1])


def test_an_interrupted_batch_resumes_to_the_same_rows(reference, tmp_path):
    out = tmp_path / "resumed.parquet"
    saved = []

    def interrupt_after_two_chunks(runs_done: int) -> None:
        saved.append(runs_done)
        if len(saved) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch(small_plan(), out, jobs=1, chunk_size=5, on_chunk=interrupt_after_two_chunks)
    partial = out.with_name(out.name + ".partial")
    assert sorted(p.name for p in partial.glob("runs-*.parquet")) == [
        "runs-0.parquet",
        "runs-1.parquet",
    ]
    assert not out.exists()
    with pytest.raises(BatchError, match="--resume"):
        run_batch(small_plan(), out, jobs=1)
    with pytest.raises(BatchError, match="runs"):
        run_batch(small_plan(runs=13), out, jobs=1, resume=True)
    done = run_batch(small_plan(), out, jobs=2, resume=True)
    assert (done.resumed, done.chunk_size) == (10, 5)
    assert not partial.exists()
    runs, rounds = tables(out)
    assert runs.equals(reference[0]) and rounds.equals(reference[1])
    again = run_batch(small_plan(), out, jobs=1, resume=True)
    assert again.resumed == again.total == 24  # finished: nothing to play


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGINT], ids=["killed", "ctrl-c"])
def test_a_killed_or_interrupted_batch_process_resumes(stop, tmp_path):
    out = tmp_path / "killed.parquet"
    args = ["batch", "baseline-2025", "--runs", "300", "--sweep", SWEEP, "--per-round"]
    args += ["--jobs", "1", "--chunk-size", "20", "-o", str(out)]
    process = subprocess.Popen(
        [sys.executable, "-c", "from sim.cli.app import build_app; build_app()()", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path.cwd())},
    )
    partial = out.with_name(out.name + ".partial")
    deadline = time.monotonic() + 60
    while len(list(partial.glob("runs-*.parquet"))) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(stop)
    _, stderr = process.communicate(timeout=60)
    if stop == signal.SIGINT:
        assert process.returncode == 130, stderr
        assert "--resume" in stderr and "Traceback" not in stderr
    else:
        assert process.returncode == -signal.SIGKILL
    saved = len(list(partial.glob("runs-*.parquet")))
    assert 3 <= saved < 30, "the batch must stop midway"
    result = runner.invoke(app, [*args, "--resume"])
    assert result.exit_code == 0, result.output
    assert f"Resuming: {saved * 20:,} of 600 runs were already done." in result.output
    whole = tmp_path / "whole.parquet"
    result = runner.invoke(app, [*args[:-1], str(whole)])
    assert result.exit_code == 0, result.output
    assert pq.read_table(out).equals(pq.read_table(whole))
    assert pq.read_table(rounds_path(out)).equals(pq.read_table(rounds_path(whole)))


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_a_closed_game_leaves_no_cycles_to_collect(name):
    # Why batch workers may collect young objects rarely (games.py, ``_settle_collector``).
    rules = Rules(load_scenario(name))
    gc.collect()
    gc.disable()
    try:
        model = NegotiationModel(rules, seed=5)
        model.run()
        results = [party_result(model.world, model.talks, p) for p in rules.party_ids]
        model.close()
        del model, results
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_seeds_depend_on_base_seed_cell_and_run_only():
    seeds = {run_seed(0, cell, run) for cell in range(20) for run in range(50)}
    assert len(seeds) == 1000
    assert run_seed(0, 3, 4) == run_seed(0, 3, 4) != run_seed(1, 3, 4)
    assert all(0 <= s < 2**63 for s in seeds)
    # The r-th grandchild through the c-th child of SeedSequence(base), as spawn() gives.
    spawned = np.random.SeedSequence(7).spawn(4)[3].spawn(6)[5]
    assert run_seed(7, 3, 5) == int(spawned.generate_state(1, np.uint64)[0]) & (2**63 - 1)


def test_designs_grid_lhs_and_sobol():
    grid = make_design([SWEEP], ["parties.us.patience=0.8:0.9"], "grid", 3)
    assert len(grid.cells) == 6 and grid.factors == (
        "parties.korea.patience",
        "parties.us.patience",
    )
    assert grid.cells[1] == ("parties.korea.patience=0.8", "parties.us.patience=0.85")
    whole = make_design([], ["rounds=4:9", "parties.us.patience=0:1"], "grid", 3)
    assert whole.cells[:3] == (
        ("rounds=4", "parties.us.patience=0"),
        ("rounds=4", "parties.us.patience=0.5"),
        ("rounds=4", "parties.us.patience=1"),
    )
    assert whole.cells[3][0] == "rounds=6.5"  # not whole: left for the scenario to refuse
    ranges = ["parties.us.patience=0.8:0.99", "parties.korea.patience=0.5:0.9"]
    lhs = make_design([], ranges, "lhs", 10, seed=1)
    assert len(lhs.cells) == 10 and lhs.factors == ()
    assert lhs == make_design([], ranges, "lhs", 10, seed=1) != make_design([], ranges, "lhs", 10)
    values = [float(cell[0].partition("=")[2]) for cell in lhs.cells]
    assert all(0.8 <= v <= 0.99 for v in values)
    assert len({int((v - 0.8) / 0.019) for v in values}) == 10  # one per stratum
    sobol = make_design([], ranges, "sobol", 8, seed=1)
    assert len(sobol.cells) == 8 * (2 + 2)
    assert sobol.problem == {
        "num_vars": 2,
        "names": ["parties.us.patience", "parties.korea.patience"],
        "bounds": [[0.8, 0.99], [0.5, 0.9]],
    }


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--sweep", "parties.korea.patiense=0.8,0.9"], "unknown key 'patiense'"),
        (["--sweep", "parties.mars.patience=0.8,0.9"], "no item with id 'mars'"),
        (["--sweep", "parties.korea.patience=0.8,1.5"], "parties.korea.patience=1.5"),
        (["--sweep", "parties.korea.patience=0.8,lots"], "expected a number, got 'lots'"),
        (["--sweep", "parties.korea.patience"], "write KEY=V1,V2"),
        (["--sweep", "parties.korea.patience=0.8,,0.9"], "a value is empty"),
        (["--sweep", "parties.korea.patience=0.8,0.80"], "0.80 repeats a value listed before"),
        (["--sweep", SWEEP, "--set", "parties.korea.patience=0.9"], "both fixed"),
        (["--range", "parties.korea.patience=0.9:0.8", "--samples", "4"], "below HI"),
        (["--range", "parties.korea.patience=0.8:0.9"], "needs --samples"),
        (
            ["--design", "sobol", "--range", "parties.korea.patience=0.8:0.9", "--samples", "6"],
            "power of two",
        ),
        (["--design", "lhs"], "needs at least one --range"),
        (
            ["--design", "lhs", "--range", "rounds=4:9", "--samples", "100000000000"],
            "100,000,000,000 cells; at most 1,000,000",
        ),
        (
            ["--range", "rounds=4:9", "--range", "parties.us.patience=0:1", "--samples", "9999"],
            "99,980,001 cells",
        ),
        (["--design", "halton"], "--design must be one of"),
        (["--set", "parties.korea.strategy.name=greedy"], "unknown strategy 'greedy'"),
    ],
)
def test_bad_sweeps_stop_before_any_game(options, message, tmp_path):
    out = tmp_path / "never.parquet"
    result = runner.invoke(app, ["batch", "baseline-2025", "--runs", "5", *options, "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert list(tmp_path.iterdir()) == []


def test_batch_command_prints_a_summary_and_writes_both_tables(tmp_path):
    out = tmp_path / "cli.parquet"
    args = ["batch", "baseline-2025", "--runs", "10", "--sweep", SWEEP, "--jobs", "1"]
    result = runner.invoke(app, [*args, "--per-round", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Deals per track" in result.output and "0.95" in result.output
    assert "playing: 20 of 20 games\n" in result.output  # off a terminal, no bar to draw
    assert f"Wrote {out}\nWrote {rounds_path(out)}" in result.output
    meta = read_metadata(out)
    assert meta["spec"]["runs"] == 10 and meta["parties"] == ["us", "japan", "korea"]
    assert pq.read_table(out).num_rows == 20
