"""Misuse of the networked class's commands, found by trying them: an address ``join``
cannot connect to, and a file ``class`` cannot debrief, are one line and exit status 2
before anything starts, and the file is left as it was (``host``'s are in
tests/network/test_host.py)."""

from __future__ import annotations

import sqlite3

import pytest
from typer.testing import CliRunner

from tui.cli import build_cli

runner = CliRunner()


def refused(args: list[str]) -> str:
    """The one line a refused command printed (exit status 2, no traceback)."""
    result = runner.invoke(build_cli(), args)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ws://127.0.0.1:99999", "Port out of range 0-65535"),
        ("ws://h:abc", "Port could not be cast to integer value as 'abc'"),
        ("ws://[::1", "Invalid IPv6 URL"),
        ("ws://", "hostname isn't provided"),
        ("http://h:8765", "it starts ws://, e.g. ws://HOST:8765"),
    ],
)
def test_an_address_join_cannot_connect_to_is_refused_before_the_client_starts(
    url, why, monkeypatch
):
    """The port and the host are read as the client would read them: a bad one used to be
    a ValueError's traceback from inside the client app."""
    monkeypatch.setattr("tui.join.JoinApp.run", lambda self: pytest.fail("the client started"))
    assert refused(["join", url, "ABCD-EFGH"]) == f"{url}: not a class server's address ({why})"


def empty(path):
    path.touch()


def text(path):
    path.write_text("notes, not a database\n" * 100)


def other_database(path):
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE notes (text TEXT)")
    db.close()


@pytest.mark.parametrize("make", [empty, text, other_database])
def test_a_file_that_holds_no_class_is_not_debriefed_nor_changed(make, tmp_path):
    """The debrief only reads: it used to make an empty file a database and switch another
    program's database to WAL before it said the file held no class."""
    path = tmp_path / "class.db"
    make(path)
    before = path.read_bytes(), path.stat().st_mtime_ns
    line = refused(["class", str(path)])
    assert line == f"{path}: not a class database (trilateral host --db writes one)"
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert list(tmp_path.iterdir()) == [path]  # no -wal, no -shm, no debrief folder
