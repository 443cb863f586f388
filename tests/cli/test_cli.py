"""The command line, used as a person would: outputs, exit codes, files written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli.app import build_app
from tests.factories import BAD_SCENARIOS

runner = CliRunner()
app = build_app()
BAD = BAD_SCENARIOS


def test_run_prints_a_transcript_and_results():
    result = runner.invoke(app, ["run", "baseline-2025", "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert "Round 1 of 12" in result.output
    assert "Washington doubles Section 232 tariffs" in result.output
    assert "United States proposes" in result.output
    assert "Tracks" in result.output and "Parties" in result.output
    assert "us-japan" in result.output and "score" in result.output


def test_same_seed_writes_byte_identical_json(tmp_path):
    files = [tmp_path / "a.json", tmp_path / "b.json", tmp_path / "c.json"]
    for path, seed in zip(files, (1, 1, 2), strict=True):
        result = runner.invoke(
            app, ["run", "baseline-2025", "--seed", str(seed), "--quiet", "--json", str(path)]
        )
        assert result.exit_code == 0, result.output
    assert files[0].read_bytes() == files[1].read_bytes()
    assert files[0].read_bytes() != files[2].read_bytes()
    record = json.loads(files[0].read_text())
    assert record["seed"] == 1 and record["finished"]
    assert set(record["outcome"]["tracks"]) == {"us-japan", "us-korea"}
    assert record["log"] and record["offers"] and record["per_round"]
    assert {"us", "japan", "korea"} == set(record["outcome"]["parties"])


def test_same_seed_same_json_in_separate_processes(tmp_path):
    outputs = []
    for n in range(2):
        path = tmp_path / f"{n}.json"
        subprocess.run(
            [
                sys.executable,
                "-c",
                "from sim.cli.app import build_app; build_app()()",
                "run",
                "baseline-2025",
                "--seed",
                "7",
                "--quiet",
                "--json",
                str(path),
            ],
            check=True,
            capture_output=True,
            env={"PYTHONHASHSEED": str(n), "PATH": "", "PYTHONPATH": str(Path.cwd())},
        )
        outputs.append(path.read_bytes())
    assert outputs[0] == outputs[1]


def test_set_overrides_change_the_game(tmp_path):
    path = tmp_path / "out.json"
    result = runner.invoke(
        app,
        [
            "run",
            "baseline-2025",
            "--quiet",
            "--json",
            str(path),
            "--set",
            "parties.us.strategy={name: hardliner}",
            "--set",
            "rounds=4",
        ],
    )
    assert result.exit_code == 0, result.output
    record = json.loads(path.read_text())
    assert record["rounds_played"] == 4
    assert record["scenario"]["overrides"] == ["parties.us.strategy={name: hardliner}", "rounds=4"]


@pytest.mark.parametrize(
    "args",
    [
        ["run", "no-such-scenario"],
        ["run", "baseline-2025", "--set", "parties.mars.patience=0.9"],
        ["run", "baseline-2025", "--set", "parties.us.patience=2"],
        ["run", "baseline-2025", "--set", "parties.korea.strategy.name=greedy"],
    ],
)
def test_bad_input_exits_2_without_a_traceback(args):
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_strategy_switch_that_keeps_the_old_params_is_refused_until_they_are_set():
    switch = ["run", "baseline-2025", "--quiet", "--set", "parties.us.strategy.name=conceder"]
    refused = runner.invoke(app, switch)
    assert refused.exit_code == 2
    assert refused.output == (
        "--set:0:0: parties.us.strategy.name: changing the strategy from 'boulware' to "
        "'conceder' keeps boulware's params {exponent: 0.5}; also set "
        "parties.us.strategy.params={} (or the params conceder should have)\n"
    )
    played = runner.invoke(app, [*switch, "--set", "parties.us.strategy.params={}"])
    assert played.exit_code == 0, played.output


def test_validate_accepts_good_files_and_rejects_bad_ones():
    result = runner.invoke(app, ["validate", "baseline-2025", "benchmarks/bilateral-3x11.yaml"])
    assert result.exit_code == 0, result.output
    bad = sorted(str(p) for p in BAD.glob("*.yaml") if p.name != "base.yaml")
    assert bad
    for path in bad:
        result = runner.invoke(app, ["validate", path])
        assert result.exit_code == 2, path
        assert "Traceback" not in result.output
        assert Path(path).name in result.output
    result = runner.invoke(app, ["validate", "baseline-2025", bad[0]])
    assert result.exit_code == 2 and "1 of 2 file(s) have problems" in result.output


def test_scenarios_lists_the_bundled_ones():
    result = runner.invoke(app, ["scenarios"])
    assert result.exit_code == 0
    assert "baseline-2025" in result.output


def test_progress_off_a_terminal_is_a_line_each_tenth_of_the_way(capsys):
    from sim.cli.output import progress

    with progress("playing", 25) as advance:
        for _ in range(25):
            advance(1)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 10
    assert lines[0] == "playing: 3 of 25 games" and lines[-1] == "playing: 25 of 25 games"
