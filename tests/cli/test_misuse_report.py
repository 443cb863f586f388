"""Misuse class 7, report: a Parquet file that `trilateral batch` did not write.

No batch metadata, metadata that is not JSON or not a batch's, the columns of another
table, no rows: each is refused in one line that says what is missing, with exit status 2.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sim.cli.app import build_app
from sim.experiments.batch.store import METADATA_KEY

runner = CliRunner()
app = build_app()


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    """A real batch's results: 4 runs of two cells."""
    out = tmp_path_factory.mktemp("batch") / "real.parquet"
    args = ["batch", "baseline-2025", "--runs", "2", "--jobs", "1", "-o", str(out)]
    result = runner.invoke(app, [*args, "--sweep", "parties.korea.patience=0.8,0.95"])
    assert result.exit_code == 0, result.output
    return out


def write(path: Path, table: pa.Table, metadata: bytes | None) -> Path:
    pq.write_table(
        table.replace_schema_metadata({} if metadata is None else {METADATA_KEY: metadata}), path
    )
    return path


def refused(path: Path, message: str) -> str:
    result = runner.invoke(app, ["report", str(path)])
    assert result.exit_code == 2, result.output
    assert message in result.output and str(path) in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert len(result.output.strip().splitlines()) == 1
    assert not path.with_name(f"{path.stem}-report").exists()
    return result.output


def real_metadata(batch: Path) -> dict:
    return json.loads(pq.read_schema(batch).metadata[METADATA_KEY])


def test_no_metadata(batch, tmp_path):
    path = write(tmp_path / "bare.parquet", pq.read_table(batch), None)
    refused(path, "not the results of `trilateral batch` (no batch metadata)")


@pytest.mark.parametrize("text", [b"{not json", b"", b"\xff\xfe", b'{"spec": '])
def test_metadata_that_is_not_json(text, batch, tmp_path):
    refused(write(tmp_path / "bad.parquet", pq.read_table(batch), text), "is not valid JSON")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: [m], "its batch metadata is not a JSON object"),
        (lambda m: {k: v for k, v in m.items() if k != "tracks"}, "tracks (field required)"),
        (lambda m: {**m, "parties": "us"}, "parties (input should be a valid list)"),
        (lambda m: {**m, "tracks": {}}, "tracks (dictionary should have at least 1 item"),
        (lambda m: {**m, "tracks": {"us-mars": ["us", "mars"]}}, "not in parties: mars"),
        (
            lambda m: {**m, "spec": {**m["spec"], "design": {**m["spec"]["design"], "cells": 3}}},
            "spec.design.cells (input should be a valid list)",
        ),
        (lambda m: {**m, "spec": {**m["spec"], "runs": "2"}}, "spec.runs (input should be"),
    ],
    ids=["a-list", "no-tracks", "parties-text", "no-track", "stranger", "cells", "runs-text"],
)
def test_metadata_that_is_not_a_batchs(change, message, batch, tmp_path):
    metadata = json.dumps(change(real_metadata(batch))).encode()
    refused(write(tmp_path / "odd.parquet", pq.read_table(batch), metadata), message)


def test_a_sobol_design_whose_problem_does_not_fit_its_keys(tmp_path):
    results = tmp_path / "sobol.parquet"
    args = ["batch", "baseline-2025", "--runs", "1", "--jobs", "1", "--design", "sobol"]
    args += ["--samples", "4", "--range", "parties.korea.patience=0.8:0.99", "-o", str(results)]
    assert runner.invoke(app, args).exit_code == 0
    metadata = real_metadata(results)
    for change in [{"names": []}, {"num_vars": 2}, {"bounds": []}]:
        problem = metadata["spec"]["design"]["problem"] | change
        design = metadata["spec"]["design"] | {"problem": problem}
        forged = json.dumps(metadata | {"spec": metadata["spec"] | {"design": design}})
        path = write(tmp_path / "forged.parquet", pq.read_table(results), forged.encode())
        refused(path, "spec.design (value error, a sobol design needs a problem over its keys)")


def test_a_report_folder_that_cannot_be_made(batch, tmp_path):
    (tmp_path / "taken").write_text("mine")
    result = runner.invoke(app, ["report", str(batch), "-o", str(tmp_path / "taken")])
    assert result.exit_code == 2
    assert result.output == f"cannot write '{tmp_path / 'taken'}': is a file, not a folder\n"
    assert (tmp_path / "taken").read_text() == "mine"


def test_the_columns_of_another_table(batch, tmp_path):
    metadata = pq.read_schema(batch).metadata[METADATA_KEY]
    path = write(tmp_path / "other.parquet", pa.table({"x": [1, 2]}), metadata)
    refused(path, "no column cell, rounds, param.parties.korea.patience, us-japan.status")


def test_a_missing_or_mistyped_column(batch, tmp_path):
    metadata = pq.read_schema(batch).metadata[METADATA_KEY]
    table = pq.read_table(batch)
    path = write(tmp_path / "short.parquet", table.drop_columns(["korea.score"]), metadata)
    refused(path, "no column korea.score")
    status = table.schema.get_field_index("us-korea.status")
    mistyped = table.set_column(status, "us-korea.status", pa.array([1] * table.num_rows))
    refused(
        write(tmp_path / "typed.parquet", mistyped, metadata),
        "column us-korea.status holds int64, not text",
    )


def test_no_rows(batch, tmp_path):
    metadata = pq.read_schema(batch).metadata[METADATA_KEY]
    path = write(tmp_path / "empty.parquet", pq.read_table(batch).slice(0, 0), metadata)
    refused(path, "holds no runs")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    metadata=st.binary(max_size=300)
    | st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.sampled_from(["title", "parties", "tracks", "spec", "design", "cells", "x"]),
                inner,
                max_size=5,
            )
        ),
        max_leaves=20,
    ).map(lambda value: json.dumps(value).encode())
)
def test_any_metadata_is_read_or_refused_in_one_line(metadata, batch, tmp_path_factory):
    path = tmp_path_factory.mktemp("any") / "any.parquet"
    write(path, pq.read_table(batch), metadata)
    refused(path, str(path))


def test_the_per_round_file_is_refused_with_the_results_file_named(tmp_path):
    out = tmp_path / "real.parquet"
    args = ["batch", "baseline-2025", "--runs", "2", "--jobs", "1", "--per-round", "-o", str(out)]
    assert runner.invoke(app, args).exit_code == 0
    said = refused(tmp_path / "real.rounds.parquet", "a batch's per-round data")
    assert said.endswith(f"give its results file ({out})\n")
