"""``trilateral host``: a new class's database and printed codes, a restart, and each
mistake on the command line as one line and exit status 2 (serving itself is tested with a
real process in test_restart.py)."""

from __future__ import annotations

import stat

import pytest
from typer.testing import CliRunner

from sim.cli import host as host_command
from sim.network.codes import normal
from sim.network.ledger import Ledger
from tests.factories import CLASSROOM
from tui.cli import build_cli

runner = CliRunner()


@pytest.fixture
def served(monkeypatch):
    """The classes ``host`` would serve, served not at all."""
    classes = []
    monkeypatch.setattr(
        host_command,
        "_serve",
        lambda ledger, room, address, port, web_port: classes.append(
            (room, address, port, web_port)
        ),
    )
    return classes


def host(*args: str):
    return runner.invoke(build_cli(), ["host", *args])


def test_a_new_class_prints_and_writes_every_code_and_restarts_with_the_same(tmp_path, served):
    db = tmp_path / "class.db"
    started = host(CLASSROOM, "--tables", "3", "--seed", "4", "--db", str(db), "--public")
    assert started.exit_code == 0, started.output
    sheet = tmp_path / "class.codes.txt"
    assert sheet.read_text() in started.output
    assert stat.S_IMODE(sheet.stat().st_mode) == 0o600  # the teacher's code is on it
    ledger = Ledger.open(db)
    printed = {normal(word) for word in sheet.read_text().split() if "-" in word and word.isupper()}
    assert printed == set(ledger.seats) and len(printed) == 3 * 3 + 1
    assert ledger.tables == {1: 4, 2: 5, 3: 6}
    ledger.close()
    ((room, address, port, web_port),) = served
    assert (address, port, web_port, sorted(room.tables)) == ("0.0.0.0", 8765, None, [1, 2, 3])
    again = host("--db", str(db), "--port", "0", "--web")
    assert again.exit_code == 0, again.output
    assert "carries on where it stopped" in again.output and sheet.read_text() in again.output
    assert served[1][1:] == ("127.0.0.1", 0, 8000)  # --web: browsers on the default port


def test_round_seconds_give_every_table_of_a_new_or_restarted_class_its_timer(tmp_path, served):
    """The timer is the class's: a restart keeps it, and one given at a restart replaces it."""
    db = str(tmp_path / "class.db")
    assert host(CLASSROOM, "--tables", "2", "--db", db, "--round-seconds", "45").exit_code == 0
    assert host("--db", db).exit_code == 0
    assert host("--db", db, "--round-seconds", "0.5").exit_code == 0
    assert host("--db", db).exit_code == 0
    untimed = str(tmp_path / "untimed.db")
    assert host(CLASSROOM, "--db", untimed).exit_code == 0
    assert host("--db", untimed).exit_code == 0
    rooms = [room for room, _, _, _ in served]
    assert [room.round_seconds for room in rooms] == [45.0, 45.0, 0.5, 0.5, None, None]
    assert [t.round_seconds for t in rooms[3].tables.values()] == [0.5, 0.5]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "name a SCENARIO to start a class, or --db FILE to restart one"),
        (("--db", "{tmp}/none.db"), "none.db: no such class database"),
        (("nowhere.yaml", "--db", "{tmp}/new.db"), "neither a file nor a bundled scenario"),
        (("--db", "{tmp}/class.db", "--seed", "0"), "holds a class already: restart it with"),
        ((CLASSROOM, "--db", "{tmp}/class.db"), "(without SCENARIO), or give --db a new file"),
        (("--db", "{tmp}/notes.txt"), "notes.txt: not a class database"),
        ((CLASSROOM, "--db", "{tmp}/notes.txt"), "notes.txt: not a class database"),
        (("--db", "{tmp}"), "is a folder; name a file to write"),
        ((CLASSROOM, "--db", "{tmp}"), "is a folder; name a file to write"),
        ((CLASSROOM, "--db", "{tmp}/missing/class.db"), "cannot write"),
        ((CLASSROOM, "--tables", "0"), "Invalid value for '--tables'"),
        (("--db", "{tmp}/class.db", "--round-seconds", "0"), "Invalid value for '--round-sec"),
        (("--db", "{tmp}/class.db", "--round-seconds", "soon"), "Invalid value for '--round-sec"),
        (("--db", "{tmp}/class.db", "--round-seconds", "nan"), "'nan' is not a number of seconds"),
        (("--db", "{tmp}/class.db", "--round-seconds", "inf"), "'inf' is not a number of seconds"),
    ],
)
def test_each_mistake_is_one_line_and_exit_status_2(tmp_path, served, args, message):
    assert host(CLASSROOM, "--db", str(tmp_path / "class.db")).exit_code == 0
    (tmp_path / "notes.txt").write_text("no database " * 100)
    result = host(*(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert result.exit_code == 2
    assert message in " ".join(result.output.split()), result.output
    assert "Traceback" not in result.output
    assert len(served) == 1  # nothing served but the first class
