"""Every command of the README's table, misused once: exit status 2 and a short message,
never a traceback (the robustness issue's last check, kept as a test so it stays true)."""

from __future__ import annotations

import shlex

import pytest
from typer.testing import CliRunner

from tui.cli import build_cli

runner = CliRunner()

MISUSES = [
    "play nope",
    "play baseline-2025 --as mars",
    "play --resume zzz",
    "play --resume " + "a" * 5000,
    "play baseline-2025 --seed x",
    "saves extra",
    "run",
    "run nope",
    "run baseline-2025 --set foo",
    "run baseline-2025 --set parties.us.patience=abc",
    "run baseline-2025 --json /proc/x.json",
    "run baseline-2025 --json ''",
    "validate",
    "validate /nonexistent.yaml",
    "validate /etc/passwd",
    "scenarios extra",
    "study baseline-2025 --runs 1",
    "study nope",
    "teams baseline-2025 --party mars",
    "teams baseline-2025 --team nope",
    "check baseline-2025 --runs 1",
    "check baseline-2025 --json /proc/x",
    "batch baseline-2025",
    "batch baseline-2025 -o /tmp",
    "batch baseline-2025 -o OUT.parquet --runs 0",
    "batch baseline-2025 -o OUT.parquet --sweep foo",
    "batch baseline-2025 -o OUT.parquet --sweep parties.us.patience=a,b",
    "batch baseline-2025 -o OUT.parquet --design sobol",
    "batch baseline-2025 -o OUT.parquet --jobs 0",
    "batch baseline-2025 -o OUT.parquet --scheduler garbage",
    "batch baseline-2025 -o OUT.parquet --range foo",
    "report /nonexistent.parquet",
    "report /etc/passwd",
    "new",
    "new 'bad name'",
    "new x --extends nope",
    "new x -o /proc",
    "brief baseline-2025",
    "brief baseline-2025 --party mars",
    "brief baseline-2025 --all -o /proc/x",
    "schema -o /proc/x",
    "host --db .",
    "host --round-seconds nan",
    "join ws://127.0.0.1:99999 ABCD-EFGH",
    "join ws://127.0.0.1:0 ABCD-EFGH",
    "class .",
]


@pytest.mark.parametrize("line", MISUSES)
def test_a_misused_command_exits_2_with_a_short_message(line, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(build_cli(), shlex.split(line))
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert 0 < len(result.output.strip().splitlines()) <= 6
    assert list(tmp_path.iterdir()) == []  # nothing written, nothing half-made
