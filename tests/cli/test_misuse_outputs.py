"""Misuse, class 2: output paths that cannot be written end in one line and exit status 2.

Every option that names a file or folder to write is checked as the command line is read,
before any game is played: a missing folder, a folder under a regular file or in ``/proc``
(which stop root too, unlike permission bits), a folder where a file is wanted, a file where
a folder is wanted, an empty name, and ``-`` (which is not standard output here). The
scenario a command reads is never its output. ``play`` checks the saves folder before a
game starts.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from sim.classroom.saves import saves_problem
from sim.cli.output import output_file
from sim.io import write_problem
from sim.scenario.loading import BUNDLED_DIR
from tui.cli import build_cli

runner = CliRunner()
app = build_cli()

FILE_WRITERS = {
    "run --json": ["run", "baseline-2025", "--quiet", "--json"],
    "check --json": ["check", "baseline-2025", "--runs", "2", "--json"],
    "batch -o": ["batch", "baseline-2025", "--runs", "1", "--jobs", "1", "-o"],
    "schema -o": ["schema", "-o"],
    "brief --party -o": ["brief", "baseline-2025", "--party", "japan", "-o"],
}
"""Each option that writes a file, with the arguments that reach it (the path goes last)."""
FOLDER_WRITERS = {
    "report -o": ["report", "results.parquet", "-o"],
    "new -o": ["new", "my-class", "-o"],
    "brief --all -o": ["brief", "baseline-2025", "--all", "-o"],
    "class -o": ["class", "class.db", "-o"],
}
"""Each option that writes files into a folder, likewise."""


@pytest.fixture
def regular_file(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_text("not a folder\n")
    return path


def bad_files(tmp_path: Path, regular_file: Path) -> dict[str, str]:
    return {
        "missing folder": str(tmp_path / "missing" / "out.json"),
        "under a file": str(regular_file / "out.json"),
        "in /proc": "/proc/out.json",
        "a folder": str(tmp_path),
        "empty": "",
        "standard output": "-",
    }


def bad_folders(tmp_path: Path, regular_file: Path) -> dict[str, str]:
    return {
        "missing parent": str(tmp_path / "missing" / "report"),
        "under a file": str(regular_file / "report"),
        "in /proc": "/proc/report",
        "a file": str(regular_file),
        "empty": "",
        "standard output": "-",
    }


def assert_one_line_refusal(result, start: str = "cannot write") -> None:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(start), result.output
    assert "Traceback" not in result.output and "Round 1" not in result.output


@pytest.mark.parametrize("writer", FILE_WRITERS)
@pytest.mark.parametrize(
    "case", ["missing folder", "under a file", "in /proc", "a folder", "empty", "standard output"]
)
def test_an_unwritable_file_is_refused_before_any_game(
    writer, case, tmp_path, regular_file, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    path = bad_files(tmp_path, regular_file)[case]
    assert_one_line_refusal(runner.invoke(app, [*FILE_WRITERS[writer], path]))
    assert not (tmp_path / "missing").exists() and not (tmp_path / "-").exists()


@pytest.mark.parametrize("writer", FOLDER_WRITERS)
@pytest.mark.parametrize(
    "case", ["missing parent", "under a file", "in /proc", "a file", "empty", "standard output"]
)
def test_an_unwritable_folder_is_refused(writer, case, tmp_path, regular_file, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = bad_folders(tmp_path, regular_file)[case]
    if writer == "brief --all -o" and case == "empty":
        path = str(regular_file)  # Path("") is the current folder by the time brief sees it
    assert_one_line_refusal(runner.invoke(app, [*FOLDER_WRITERS[writer], path]))
    assert not (tmp_path / "missing").exists() and not (tmp_path / "-").exists()


@pytest.mark.parametrize("writer", ["run --json", "check --json", "batch -o", "brief --party -o"])
@pytest.mark.parametrize("spelling", ["./myscen.yaml", "alias.yaml"])
def test_the_scenario_being_read_is_never_written_over(writer, spelling, tmp_path, monkeypatch):
    """The same file by another name (relative, or through a link) is still the scenario."""
    monkeypatch.chdir(tmp_path)
    scenario = tmp_path / "myscen.yaml"
    shutil.copy(BUNDLED_DIR / "baseline-2025.yaml", scenario)
    (tmp_path / "alias.yaml").symlink_to(scenario)
    text = scenario.read_text(encoding="utf-8")
    args = [str(scenario) if word == "baseline-2025" else word for word in FILE_WRITERS[writer]]
    result = runner.invoke(app, [*args, spelling])
    assert_one_line_refusal(result)
    assert result.output.endswith(": it is the scenario being read\n"), result.output
    assert scenario.read_text(encoding="utf-8") == text
    assert sorted(os.listdir(tmp_path)) == ["alias.yaml", "myscen.yaml"]  # nothing written


@pytest.mark.parametrize("writer", ["run --json", "check --json", "batch -o", "brief --party -o"])
def test_a_scenario_the_one_being_read_extends_is_never_written_over(writer, tmp_path):
    """``run child.yaml --json parent.yaml`` would lose the parent that the child needs."""
    parent = tmp_path / "parent.yaml"
    shutil.copy(BUNDLED_DIR / "baseline-2025.yaml", parent)
    child = tmp_path / "child.yaml"
    child.write_text("extends: parent.yaml\ntitle: Child\n", encoding="utf-8")
    text = parent.read_text(encoding="utf-8")
    args = [str(child) if word == "baseline-2025" else word for word in FILE_WRITERS[writer]]
    result = runner.invoke(app, [*args, str(parent)])
    assert_one_line_refusal(result)
    assert result.output.endswith(": it is a scenario the one being read extends\n"), result.output
    assert parent.read_text(encoding="utf-8") == text


def test_every_option_that_writes_is_checked():
    """A new command, or a new option that writes, must join the lists above (and so be
    parsed by ``output_file``/``output_folder``) before this passes."""
    writing = set()
    for name, command in typer.main.get_command(app).commands.items():
        for param in command.params:
            if {"--out", "--json"} & set(param.opts) and not getattr(param, "is_flag", False):
                writing.add(name)
    listed = {words[0] for words in [*FILE_WRITERS.values(), *FOLDER_WRITERS.values()]}
    assert writing == listed


def test_a_writable_file_and_a_new_folder_pass(tmp_path):
    assert write_problem(tmp_path / "out.json") is None
    assert write_problem(tmp_path / "report", folder=True) is None
    assert write_problem(tmp_path, folder=True) is None
    assert list(tmp_path.iterdir()) == []  # the probe leaves nothing behind


def test_a_device_a_fifo_and_a_link_to_a_file_pass(tmp_path):
    """A device or a FIFO is written as it is (no file is made beside it); a link, in the
    folder of the file it names."""
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "out.json").write_text("{}\n")
    (tmp_path / "link.json").symlink_to("real/out.json")
    for value in ["/dev/null", str(tmp_path / "pipe"), str(tmp_path / "link.json")]:
        assert output_file(value) == Path(value)


def test_a_device_that_is_not_writable_is_refused(monkeypatch):
    monkeypatch.setattr(os, "access", lambda path, mode: False)  # as it is for all but root
    assert write_problem(Path("/dev/null")) == "Permission denied"


def test_a_link_is_judged_by_the_folder_of_the_file_it_names(tmp_path):
    (tmp_path / "version").symlink_to("/proc/version")
    assert write_problem(tmp_path / "version") == "the folder /proc takes no new files"


def test_an_output_file_behind_a_link_is_written_and_the_link_kept(tmp_path):
    (tmp_path / "real").mkdir()
    link = tmp_path / "schema.json"
    link.symlink_to("real/schema.json")
    result = runner.invoke(app, ["schema", "-o", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and "$schema" in json.loads(link.read_text(encoding="utf-8"))


@pytest.mark.parametrize("resume", [False, True])
def test_play_refuses_a_saves_folder_it_cannot_write(resume, regular_file, monkeypatch):
    monkeypatch.setenv("TRILATERAL_SAVES", str(regular_file / "saves"))
    monkeypatch.setattr("tui.app.TrilateralApp.run", lambda self: pytest.fail("a game started"))
    args = ["play", "--resume"] if resume else ["play", "baseline-2025", "--as", "japan"]
    assert_one_line_refusal(runner.invoke(app, args), start="cannot save games in")


def test_a_missing_saves_folder_is_made_on_the_first_save(tmp_path, monkeypatch):
    monkeypatch.setenv("TRILATERAL_SAVES", str(tmp_path / "a" / "b" / "saves"))
    assert saves_problem() is None
    monkeypatch.setenv("TRILATERAL_SAVES", "/proc/saves")
    assert saves_problem().startswith("cannot save games in /proc/saves")
