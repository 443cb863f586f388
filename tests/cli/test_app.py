"""How the command line is put together: fresh apps, every command listed, a light start,
and one clear line when the ``batch`` extra is missing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli.app import COMMANDS, build_app, help_text
from tui.cli import build_cli

runner = CliRunner()
HEAVY = ("mesa", "pandas", "numpy", "pyarrow", "dask", "distributed", "matplotlib", "SALib")
HEAVY += ("scipy", "textual")
"""What a headless command must not load unless it uses it."""


@pytest.mark.parametrize("build", [build_app, build_cli])
def test_each_build_makes_an_app_of_its_own(build):
    first, second = build(), build()
    first.command("extra")(lambda: None)
    assert runner.invoke(first, ["extra"]).exit_code == 0
    result = runner.invoke(second, ["extra"])
    assert result.exit_code == 2 and "No such command 'extra'" in result.output
    assert "extra" not in runner.invoke(build(), ["--help"]).output


def test_the_engine_app_has_no_play_and_the_cli_adds_it():
    assert runner.invoke(build_app(), ["play"]).exit_code == 2
    assert "Play the game in the terminal" in runner.invoke(build_cli(), ["play", "--help"]).output


@pytest.mark.parametrize("build", [build_app, build_cli])
def test_each_commands_help_is_its_docstring_in_unbroken_paragraphs(build):
    helps = {c.name: c.help for c in build().registered_commands}
    assert helps["check"].startswith("Test a scenario's expectations")
    assert helps["check"].count("\n") == 2  # its two paragraphs, nothing else broken
    assert all(help_text(c.callback) == helps[c.name] for c in build().registered_commands)
    assert all("\n" not in p for h in helps.values() for p in h.split("\n\n"))


def test_help_lists_every_command_in_order():
    result = subprocess.run(
        [sys.executable, "-c", "from tui.cli import main; main()", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={"COLUMNS": "200", "PATH": "", "PYTHONPATH": str(Path.cwd())},
    )
    names = [*COMMANDS, "play"]
    places = [result.stdout.find(f"│ {name} ") for name in names]
    assert -1 not in places and places == sorted(places), result.stdout


LOADED = """
import json, sys
from tui.cli import build_cli
try:
    build_cli()(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(set(sys.modules) & set(json.loads(sys.stdin.read())))))
"""


@pytest.mark.parametrize("args", [["--help"], ["validate", "baseline-2025"], ["scenarios"]])
def test_headless_commands_leave_the_engine_and_the_ui_unloaded(args):
    result = subprocess.run(
        [sys.executable, "-c", LOADED, *args],
        input=json.dumps(HEAVY),
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "", "PYTHONPATH": str(Path.cwd())},
    )
    assert json.loads(result.stdout.splitlines()[-1]) == []


@pytest.mark.parametrize(
    ("args", "missing"),
    [
        (["batch", "baseline-2025", "-o", "out.parquet"], ["pyarrow"]),
        (["batch", "baseline-2025", "-o", "out.parquet"], ["dask", "SALib"]),
        (["report", "out.parquet"], ["matplotlib"]),
        (["study", "baseline-2025", "--runs", "2"], ["scipy"]),
    ],
)
def test_a_missing_batch_extra_is_one_line_and_exit_2(monkeypatch, tmp_path, args, missing):
    monkeypatch.chdir(tmp_path)
    for name in missing:
        monkeypatch.setitem(sys.modules, name, None)  # as if not installed: import fails
    result = runner.invoke(build_app(), args)
    assert result.exit_code == 2
    # the one line is all that is printed (click < 8.2 mixes stderr into the output)
    assert result.output == (
        f"trilateral {args[0]} needs the batch extra: pip install 'trilateral[batch]' "
        f"(missing: {', '.join(missing)})\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_no_help_text_holds_brackets_that_rich_would_swallow():
    """Typer renders help as Rich markup, where ``[default: …]`` is a tag and vanishes: a
    help text that said "(default: print it)" in brackets showed "to this file ." instead."""
    import typer.main

    def commands(command):
        yield command
        for sub in getattr(command, "commands", {}).values():
            yield from commands(sub)

    texts = [
        (command.name, param.name, param.help or "")
        for command in commands(typer.main.get_command(build_cli()))
        for param in command.params
    ]
    assert texts
    assert [t for t in texts if "[" in t[2]] == []


def test_version_prints_the_installed_version_before_any_command():
    from importlib.metadata import version

    result = runner.invoke(build_cli(), ["--version", "run"])
    assert result.exit_code == 0
    assert result.output == f"trilateral {version('trilateral')}\n"
