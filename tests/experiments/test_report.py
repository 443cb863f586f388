"""`trilateral report`: Markdown and PNG charts from real (small) batches."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from sim.cli.app import build_app

runner = CliRunner()
app = build_app()
PNG = b"\x89PNG\r\n\x1a\n"


def batch(out: Path, *options: str) -> None:
    result = runner.invoke(app, ["batch", "baseline-2025", "--jobs", "1", *options, "-o", str(out)])
    assert result.exit_code == 0, result.output


def report(results: Path, *options: str) -> str:
    result = runner.invoke(app, ["report", str(results), *options])
    assert result.exit_code == 0, result.output
    return result.output


def test_report_of_a_sweep_writes_markdown_and_charts(tmp_path):
    results = tmp_path / "sweep.parquet"
    batch(results, "--runs", "15", "--sweep", "parties.korea.patience=0.8,0.95")
    output = report(results)
    folder = tmp_path / "sweep-report"
    charts = ["outcomes.png", "utilities.png", "agreement.png"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(["report.md", *charts])
    for chart in charts:
        assert (folder / chart).read_bytes().startswith(PNG)
        assert f"Wrote {folder / chart}" in output
    markdown = (folder / "report.md").read_text()
    assert markdown.startswith("# Baseline 2025")
    assert "30 runs — 2 cell(s) × 15 seeded runs" in markdown
    assert "| parties.korea.patience=0.8 | 15 |" in markdown
    assert "| parties.korea.patience=0.95 | 15 |" in markdown
    for chart in charts:
        assert f"![{chart}]({chart})" in markdown
    assert "Sobol" not in markdown


def test_report_of_a_sobol_design_has_sensitivity_indices(tmp_path):
    results = tmp_path / "sobol.parquet"
    ranges = [
        "--range",
        "parties.korea.patience=0.8:0.99",
        "--range",
        "parties.us.patience=0.85:0.99",
    ]
    batch(results, "--runs", "2", "--design", "sobol", "--samples", "8", *ranges)
    folder = tmp_path / "out"
    report(results, "-o", str(folder))
    assert (folder / "sensitivity.png").read_bytes().startswith(PNG)
    markdown = (folder / "report.md").read_text()
    assert "## Sensitivity (Sobol' indices)" in markdown
    assert "| korea utility | `parties.korea.patience` |" in markdown
    assert "| us score | `parties.us.patience` |" in markdown


def test_report_of_a_latin_hypercube_bins_the_parameter(tmp_path):
    results = tmp_path / "lhs.parquet"
    batch(
        results,
        "--runs",
        "1",
        "--design",
        "lhs",
        "--samples",
        "30",
        "--range",
        "parties.korea.patience=0.8:0.99",
    )
    report(results)
    markdown = (tmp_path / "lhs-report" / "report.md").read_text()
    assert "Design: **lhs** over `parties.korea.patience` (30 samples)." in markdown
    assert "### Per cell" not in markdown  # sampled keys are not factors


@pytest.mark.parametrize("content", ["not parquet", "plain parquet"])
def test_report_refuses_a_file_that_is_not_a_batch(content, tmp_path):
    path = tmp_path / "other.parquet"
    if content == "plain parquet":
        pq.write_table(pa.table({"x": [1, 2]}), path)
    else:
        path.write_text(content)
    result = runner.invoke(app, ["report", str(path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert str(path) in result.output
