"""Misuse class 6, Dask: a scheduler address that is wrong, silent, or goes away mid-batch.

Each ends in one line and exit status 2 within Dask's connect timeout, and a batch that
had started is left to ``--resume``.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import dask
import distributed  # noqa: F401  (its config defaults must exist before dask.config.set)
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from sim.cli.app import build_app
from sim.experiments.batch import BatchError
from sim.experiments.batch.design import make_design
from sim.experiments.batch.executors import CONNECT_TIMEOUT
from sim.experiments.batch.plan import BatchScenario, plan_batch
from sim.experiments.batch.runner import run_batch

runner = CliRunner()
app = build_app()
SWEEP = "parties.korea.patience=0.8,0.95"


def command(out: Path, *extra: str) -> list[str]:
    args = ["batch", "baseline-2025", "--runs", "6", "--sweep", SWEEP, "--chunk-size", "5"]
    return [*args, "-o", str(out), *extra]


def refused(args: list[str], message: str) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert message in result.output.splitlines()[-1]  # the one line that says what is wrong
    return result.output


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts connections (the kernel's backlog) and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


def test_a_scheduler_that_never_answers_times_out_with_a_message(silent_port, tmp_path):
    out = tmp_path / "out.parquet"
    with dask.config.set({CONNECT_TIMEOUT: "1s"}):
        output = refused(
            command(out, "--scheduler", f"tcp://127.0.0.1:{silent_port}"),
            f"cannot reach the Dask scheduler at tcp://127.0.0.1:{silent_port}: "
            "no answer within 1 s",
        )
    assert output.endswith(f"(Dask's {CONNECT_TIMEOUT} sets how long to wait)\n")
    assert len(output.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []  # nothing was started, so nothing is left


@pytest.mark.parametrize("address", ["garbage", "http://127.0.0.1:8786", "tcp://", "a b"])
def test_an_address_that_is_not_a_schedulers_is_refused(address, tmp_path):
    refused(
        command(tmp_path / "out.parquet", "--scheduler", address),
        f"--scheduler {address!r} is not a Dask scheduler's address",
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("address", ["tls://127.0.0.1:8786", "ucx://127.0.0.1:8786"])
def test_a_scheme_dask_is_not_set_up_for_is_refused(address, tmp_path):
    refused(
        command(tmp_path / "out.parquet", "--scheduler", address),
        f"--scheduler {address!r}: Dask cannot connect there as it is set up",
    )
    assert list(tmp_path.iterdir()) == []


def test_the_scheduler_named_by_the_environment_is_shown(tmp_path, monkeypatch):
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "garbage")
    output = refused(command(tmp_path / "out.parquet"), "is not a Dask scheduler's address")
    assert "Playing on the Dask scheduler at garbage (from $DASK_SCHEDULER_ADDRESS)." in output
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS")
    result = runner.invoke(app, command(tmp_path / "local.parquet", "--jobs", "1"))
    assert result.exit_code == 0 and "Dask" not in result.output


def test_a_scheduler_lost_mid_batch_leaves_a_batch_to_resume(tmp_path, capfd):
    from distributed import LocalCluster

    plan = plan_batch(BatchScenario.load("baseline-2025"), make_design([SWEEP]), 30)
    out = tmp_path / "out.parquet"
    cluster = LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    )
    saved = []

    def lose_the_scheduler(runs: int) -> None:
        saved.append(runs)
        if len(saved) == 2:
            cluster.close()

    with pytest.raises(BatchError) as lost:
        run_batch(
            plan,
            out,
            scheduler=cluster.scheduler_address,
            chunk_size=5,
            on_chunk=lose_the_scheduler,
        )
    message = str(lost.value)
    assert message.startswith(f"lost the Dask scheduler at {cluster.scheduler_address}")
    assert "run the same command with --resume" in message
    assert "Traceback" not in capfd.readouterr().err  # distributed's own logs are kept quiet
    done = run_batch(plan, out, jobs=1, resume=True)
    assert done.resumed >= 10
    whole = tmp_path / "whole.parquet"
    run_batch(plan, whole, jobs=1, chunk_size=5)
    assert pq.read_table(out).equals(pq.read_table(whole))


def test_ctrl_c_while_reaching_the_scheduler_leaves_nothing(tmp_path, monkeypatch):
    from sim.experiments.batch import executors

    def interrupted(address: str, seconds: float) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(executors, "_greet", interrupted)
    result = runner.invoke(app, command(tmp_path / "out.parquet", "--scheduler", "tcp://x:1"))
    assert result.exit_code == 130
    assert "Interrupted before the batch began: nothing was written." in result.output
    assert list(tmp_path.iterdir()) == []
