"""Misuse: a standard output that takes no more ends a command without a traceback.

A full one (``> /dev/full``, a full disk) is said in one line on stderr, exit status 2; a
pipe whose reader has gone (``| head -1``) ends the command quietly, exit status 1. Each
case runs the entry point (``tui.cli.main``) in a process of its own, as a shell would.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from sim.scenario.loading import BUNDLED_DIR

FULL = ("cannot write to standard output: No space left on device\n", 2)
GONE = ("", 1)
VALIDATE = f"validate {BUNDLED_DIR / 'baseline-2025.yaml'}"


@pytest.mark.parametrize(
    ("line", "stdout", "expected"),
    [
        pytest.param("run baseline-2025", "/dev/full", FULL, id="run > /dev/full"),
        pytest.param("schema", "/dev/full", FULL, id="schema > /dev/full"),
        pytest.param("scenarios", "/dev/full", FULL, id="scenarios > /dev/full"),
        pytest.param(VALIDATE, "/dev/full", FULL, id="validate > /dev/full"),
        pytest.param(
            "brief baseline-2025 --party japan", "/dev/full", FULL, id="brief > /dev/full"
        ),
        pytest.param("--version", "/dev/full", FULL, id="--version > /dev/full"),
        pytest.param("--help", "/dev/full", FULL, id="--help > /dev/full"),
        pytest.param("", "/dev/full", FULL, id="no arguments (help) > /dev/full"),
        pytest.param("batch --help", "/dev/full", FULL, id="batch --help > /dev/full"),
        pytest.param("--help", "a closed pipe", GONE, id="--help | head"),
        pytest.param(  # what it has played is still said, on stderr, a line a tenth
            "teams baseline-2025 --runs 2 --team halfway --json",
            "/dev/full",
            ("playing: 1 of 2 games\nplaying: 2 of 2 games\n" + FULL[0], 2),
            id="teams --json > /dev/full",
        ),
        # The transcript goes through the results console, the schema through typer.echo.
        pytest.param("run baseline-2025", "a closed pipe", GONE, id="run | head"),
        pytest.param("schema", "a closed pipe", GONE, id="schema | head"),
    ],
)
def test_a_full_or_closed_standard_output_ends_without_a_traceback(line, stdout, expected):
    command = [sys.executable, "-c", "from tui.cli import main; main()", *line.split()]
    if stdout == "/dev/full":  # opened to write only: writing to it fails, and it stays
        target = os.open("/dev/full", os.O_WRONLY)
    else:
        reader, target = os.pipe()
        os.close(reader)  # gone before the command prints: its first write fails
    try:
        done = subprocess.run(command, stdout=target, stderr=subprocess.PIPE, text=True)
    finally:
        os.close(target)
    assert "Traceback" not in done.stderr
    assert (done.stderr, done.returncode) == expected
