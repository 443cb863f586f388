"""Misuse class 5, batch resume: a batch's chunk folder damaged, foreign, shared or misplaced.

Every case ends in one line and exit status 2 — or, for a damaged chunk of ours, in the
same results as an undisturbed batch — and no file of the user's is written to or removed.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sim.cli.app import build_app
from sim.experiments.batch import BatchError, store
from sim.experiments.batch.design import make_design
from sim.experiments.batch.plan import BatchScenario, plan_batch
from sim.experiments.batch.runner import run_batch

runner = CliRunner()
app = build_app()
SWEEP = "parties.korea.patience=0.8,0.95"


def command(out: Path, *extra: str) -> list[str]:
    """A batch of 12 games in chunks of 5, in this process."""
    args = ["batch", "baseline-2025", "--runs", "6", "--sweep", SWEEP, "--jobs", "1"]
    return [*args, "--chunk-size", "5", "-o", str(out), *extra]


def interrupted(out: Path) -> Path:
    """The chunk folder of ``command(out)`` stopped after two of its three chunks."""
    plan = plan_batch(BatchScenario.load("baseline-2025"), make_design([SWEEP]), 6)
    saved = []

    def stop_after_two(runs: int) -> None:
        saved.append(runs)
        if len(saved) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch(plan, out, jobs=1, chunk_size=5, on_chunk=stop_after_two)
    return out.with_name(out.name + ".partial")


def contents(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def refused(args: list[str], message: str, before_play: bool = True) -> str:
    """Exit status 2 and a last line that says why; nothing else if no game was played."""
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert message in result.output.splitlines()[-1]
    assert not before_play or len(result.output.splitlines()) == 1, result.output
    return result.output


@pytest.fixture(scope="module")
def whole(tmp_path_factory) -> Path:
    """The same batch played without interruption."""
    out = tmp_path_factory.mktemp("whole") / "whole.parquet"
    assert runner.invoke(app, command(out)).exit_code == 0
    return out


@pytest.mark.parametrize("chunk", ["runs-1.parquet", "runs-0.parquet"])
def test_a_truncated_chunk_is_played_again(chunk, whole, tmp_path):
    out = tmp_path / "out.parquet"
    partial = interrupted(out)
    damaged = partial / chunk
    damaged.write_bytes(damaged.read_bytes()[:100])
    result = runner.invoke(app, command(out, "--resume"))
    assert result.exit_code == 0, result.output
    assert f"({chunk}): their runs are played again" in result.output
    assert "Resuming: 5 of 12 runs were already done." in result.output
    assert pq.read_table(out).equals(pq.read_table(whole))
    assert not partial.exists()


@pytest.mark.parametrize(
    "manifest",
    [
        None,  # truncated: the first half of a real one
        "",
        "[]",
        '{"spec": {}, "chunk_size": 5}',
        '{"written_by": "trilateral batch", "spec": {}, "chunk_size": "5"}',
        '{"written_by": "trilateral batch", "spec": {}, "chunk_size": 0}',
    ],
    ids=["truncated", "empty", "a-list", "not-ours", "size-a-string", "size-zero"],
)
def test_a_truncated_or_wrong_manifest_is_refused_and_kept(manifest, tmp_path):
    out = tmp_path / "out.parquet"
    partial = interrupted(out)
    path = partial / "manifest.json"
    text = path.read_text()
    path.write_text(text[: len(text) // 2] if manifest is None else manifest)
    before = contents(partial)
    for extra in [("--resume",), ()]:
        refused(command(out, *extra), "is not a trilateral batch's chunk folder")
    assert contents(partial) == before
    assert not out.exists()


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(manifest=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_any_manifest_not_written_by_trilateral_is_refused(manifest, tmp_path_factory):
    folder = tmp_path_factory.mktemp("any")
    (folder / "out.parquet.partial").mkdir()
    (folder / "out.parquet.partial" / "manifest.json").write_bytes(manifest)
    plan = plan_batch(BatchScenario.load("baseline-2025"), make_design([SWEEP]), 1)
    with pytest.raises(BatchError, match="not a trilateral batch's chunk folder"):
        run_batch(plan, folder / "out.parquet", jobs=1, resume=True)
    assert contents(folder / "out.parquet.partial") == {"manifest.json": manifest}


@pytest.mark.parametrize("stray", ["notes.txt", "runs-abc.parquet", "runs-99.parquet"])
def test_a_stray_file_in_the_chunk_folder_is_named_and_kept(stray, tmp_path):
    out = tmp_path / "out.parquet"
    partial = interrupted(out)
    (partial / stray).write_text("mine")
    refused(command(out, "--resume"), f"holds files that are not this batch's ({stray})")
    assert (partial / stray).read_text() == "mine"


def test_the_leftover_of_a_killed_write_is_ours_and_removed(whole, tmp_path):
    out = tmp_path / "out.parquet"
    partial = interrupted(out)
    (partial / ".runs-2.parquet.0123abcd.tmp").write_bytes(b"PAR1 half")
    result = runner.invoke(app, command(out, "--resume"))
    assert result.exit_code == 0, result.output
    assert pq.read_table(out).equals(pq.read_table(whole))


def test_a_chunk_folder_that_cannot_be_written_ends_in_one_line(tmp_path, monkeypatch):
    # The tests run as root, whom chmod does not stop: the file system refuses instead.
    def read_only(path):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    out = tmp_path / "out.parquet"
    partial = interrupted(out)
    monkeypatch.setattr(store, "atomic_path", read_only)
    output = refused(
        command(out, "--resume"), "runs-2.parquet: cannot write: Read-only", before_play=False
    )
    assert f"kept in {partial}" in output and "--resume" in output
    monkeypatch.undo()
    assert runner.invoke(app, command(out, "--resume")).exit_code == 0


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_a_read_only_chunk_folder_ends_in_one_line(tmp_path):
    out = tmp_path / "out.parquet"
    partial = interrupted(out)
    partial.chmod(0o555)
    try:
        refused(command(out, "--resume"), "cannot")
    finally:
        partial.chmod(0o755)


def test_a_chunk_folder_that_is_a_symbolic_link_is_refused(tmp_path):
    out = tmp_path / "out.parquet"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "mine.txt").write_text("mine")
    out.with_name(out.name + ".partial").symlink_to(elsewhere)
    for extra in [(), ("--resume",)]:
        refused(command(out, *extra), "is a symbolic link")
    assert contents(elsewhere) == {"mine.txt": b"mine"}
    assert not out.exists()


def test_a_second_batch_on_the_same_folder_stops_at_once(whole, tmp_path):
    out = tmp_path / "out.parquet"
    partial = interrupted(out)
    before = contents(partial)
    handle = os.open(partial / "lock", os.O_RDWR)
    fcntl.flock(handle, fcntl.LOCK_EX)  # as the first `--resume` holds it
    try:
        for extra in [("--resume",), ()]:
            refused(command(out, *extra), "is in use by another `trilateral batch`")
        assert contents(partial) == before
    finally:
        os.close(handle)
    assert runner.invoke(app, command(out, "--resume")).exit_code == 0
    assert pq.read_table(out).equals(pq.read_table(whole))


def test_two_concurrent_resumes_one_plays_one_is_refused(whole, tmp_path):
    out = tmp_path / "out.parquet"
    interrupted(out)
    plan = plan_batch(BatchScenario.load("baseline-2025"), make_design([SWEEP]), 6)
    second: list[str] = []

    def resume_again(runs: int) -> None:
        with pytest.raises(BatchError) as refusal:
            run_batch(plan, out, jobs=1, resume=True)
        second.append(str(refusal.value))

    run_batch(plan, out, jobs=1, resume=True, on_chunk=resume_again)
    assert second and "in use by another" in second[0]
    assert pq.read_table(out).equals(pq.read_table(whole))


@pytest.mark.parametrize("resume", [False, True], ids=["new", "resume"])
def test_a_folder_of_the_users_named_like_the_chunks_is_never_touched(resume, tmp_path):
    out = tmp_path / "out.parquet"
    mine = out.with_name(out.name + ".partial")
    mine.mkdir()
    (mine / "thesis.txt").write_text("mine")
    (mine / "runs-0.parquet").write_text("mine too")
    refused(command(out, *(["--resume"] if resume else [])), "not a trilateral batch's chunk")
    assert contents(mine) == {"thesis.txt": b"mine", "runs-0.parquet": b"mine too"}
    assert not out.exists()


def test_an_empty_chunk_folder_is_used(whole, tmp_path):
    out = tmp_path / "out.parquet"
    out.with_name(out.name + ".partial").mkdir()
    assert runner.invoke(app, command(out)).exit_code == 0
    assert pq.read_table(out).equals(pq.read_table(whole))
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.parquet"]


def test_results_named_like_a_folder_stop_before_any_game(tmp_path):
    # `batch -o /tmp`: the results would replace a folder, the chunks would go beside it.
    folder = tmp_path / "results"
    folder.mkdir()
    refused(command(folder), f"cannot write '{folder}': is a folder; name a file to write")
    (tmp_path / "out.rounds.parquet").mkdir()
    refused(
        command(tmp_path / "out.parquet", "--per-round"),
        f"{tmp_path / 'out.rounds.parquet'} is a folder, in the way of the per-round results",
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.rounds.parquet", "results"]
    assert list(folder.iterdir()) == []


def test_a_chunk_folder_is_not_made_in_a_missing_folder(tmp_path):
    refused(command(tmp_path / "missing" / "out.parquet"), "missing does not exist")
    assert list(tmp_path.iterdir()) == []


def test_a_manifest_holds_who_wrote_it(tmp_path):
    partial = interrupted(tmp_path / "out.parquet")
    manifest = json.loads((partial / "manifest.json").read_text())
    assert manifest["written_by"] == "trilateral batch" and manifest["chunk_size"] == 5


def test_a_file_put_in_the_chunk_folder_during_the_batch_stays(whole, tmp_path):
    out = tmp_path / "out.parquet"
    partial = out.with_name(out.name + ".partial")
    plan = plan_batch(BatchScenario.load("baseline-2025"), make_design([SWEEP]), 6)

    def drop_a_note(runs: int) -> None:
        (partial / "notes.txt").write_text("mine")

    run_batch(plan, out, jobs=1, chunk_size=5, on_chunk=drop_a_note)
    assert pq.read_table(out).equals(pq.read_table(whole))
    assert contents(partial) == {"notes.txt": b"mine"}


def test_a_file_named_like_the_chunk_folder_is_refused(tmp_path):
    out = tmp_path / "out.parquet"
    out.with_name(out.name + ".partial").write_text("mine")
    refused(command(out), "is in the way (a file, not a batch's chunk folder)")
    assert out.with_name(out.name + ".partial").read_text() == "mine"
