"""The class database and its join codes: append-only, on disk when appended, unguessable."""

from __future__ import annotations

import os
import sqlite3

import pytest

from sim.network import codes
from sim.network.ledger import ClassSetup, Ledger, LedgerError, table_seed

SETUP = ClassSetup("baseline-2025", ("rounds=8",), 41, "f" * 64)


def new_ledger(path, tables=2):
    return Ledger.create(path, SETUP, tables, codes.seat_codes(tables, ("us", "japan", "korea")))


def test_codes_are_random_distinct_and_read_back_as_typed():
    drawn = codes.seat_codes(7, ("us", "japan", "korea", "china"))
    assert len(drawn) == 7 * 4 + 1
    assert list(drawn.values()).count(None) == 1  # one teacher
    teacher = next(code for code, seat in drawn.items() if seat is None)
    assert len(teacher) == codes.TEACHER_LENGTH
    assert all(len(c) == codes.TEAM_LENGTH for c, seat in drawn.items() if seat is not None)
    assert set("".join(drawn)) <= set(codes.ALPHABET)
    again = codes.seat_codes(7, ("us", "japan", "korea", "china"))
    assert not set(drawn) & set(again)  # from secrets: a new class never repeats a code
    code = next(iter(again))
    assert codes.normal(f" {codes.printed(code).lower()} ") == code


def test_a_class_is_created_and_read_back_with_its_tables_seats_and_log(tmp_path):
    path = tmp_path / "class.db"
    ledger = new_ledger(path)
    ledger.append(1, [("join", "japan", {}), ("move", "us", {"party": "us", "kind": "walk"})])
    ledger.append(2, [("join", "korea", {})])
    ledger.close()
    again = Ledger.open(path)
    assert again.setup == SETUP
    assert again.tables == {1: table_seed(41, 1), 2: table_seed(41, 2)} == {1: 41, 2: 42}
    assert sorted((s.table or 0, s.party or "") for s in again.seats.values()) == [
        (0, ""),
        *sorted((t, p) for t in (1, 2) for p in ("us", "japan", "korea")),
    ]
    assert [(e.n, e.kind, e.party, e.data) for e in again.entries(1)] == [
        (1, "join", "japan", {}),
        (2, "move", "us", {"party": "us", "kind": "walk"}),
    ]
    assert [e.n for e in again.entries(2)] == [1]
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_the_log_cannot_be_rewritten(tmp_path):
    path = tmp_path / "class.db"
    new_ledger(path).append(1, [("join", "us", {})])
    db = sqlite3.connect(path)
    for statement in ("UPDATE log SET kind = 'move'", "DELETE FROM log"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute(statement)


def test_an_entry_that_cannot_be_written_leaves_the_log_as_it_was(tmp_path):
    ledger = new_ledger(tmp_path / "class.db")
    ledger.append(1, [("join", "us", {})])
    with pytest.raises(LedgerError):
        ledger.append(1, [("join", "japan", {}), ("move", "japan", {"x": float("nan")})])
    assert [e.party for e in ledger.entries(1)] == ["us"]


def test_a_class_is_never_created_over_a_file_and_only_a_class_database_opens(tmp_path):
    path = tmp_path / "class.db"
    new_ledger(path)
    with pytest.raises(LedgerError, match="already exists"):
        new_ledger(path)
    with pytest.raises(LedgerError, match="no such class database"):
        Ledger.open(tmp_path / "missing.db")
    (tmp_path / "notes.txt").write_text("not a database at all, but long enough " * 40)
    with pytest.raises(LedgerError, match="class database"):
        Ledger.open(tmp_path / "notes.txt")
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE class (key TEXT, value TEXT)")
    with pytest.raises(LedgerError, match="not a class database"):
        Ledger.open(other)


def test_a_class_read_is_never_written(tmp_path):
    """Opened to read (as a debrief does), the database refuses every write and stays as
    it was, byte for byte."""
    path = tmp_path / "class.db"
    new_ledger(path).close()
    before = path.read_bytes(), path.stat().st_mtime_ns
    ledger = Ledger.open(path)
    with pytest.raises(LedgerError, match="readonly"):
        ledger.append(1, [("join", "us", {})])
    with pytest.raises(LedgerError, match="readonly"):
        ledger.time_rounds(30.0)
    ledger.close()
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(os.listdir(tmp_path)) == ["class.db"]  # no empty -wal or -shm left


def test_a_class_a_server_has_open_is_read_as_it_stands(tmp_path):
    """While a server writes the class (its -wal beside the file), a debrief reads what it
    has committed so far, and leaves the server's files to it."""
    path = tmp_path / "class.db"
    new_ledger(path).close()
    server = Ledger.open(path, write=True)
    server.append(1, [("join", "us", {})])
    assert (tmp_path / "class.db-wal").exists()
    reader = Ledger.open(path)
    assert [entry.kind for entry in reader.entries(1)][-1:] == ["join"]
    reader.close()
    server.append(1, [("join", "japan", {})])
    server.close()
    assert sorted(os.listdir(tmp_path)) == ["class.db"]


@pytest.mark.parametrize("write", [False, True])
def test_a_file_that_holds_no_class_is_refused_as_it_was(tmp_path, write):
    """To read or to write, nothing touches a file before it is read as a class: opening
    used to make an empty file a database and switch another program's to WAL."""
    files = [tmp_path / name for name in ("empty.db", "notes.txt", "other.db")]
    files[0].touch()
    files[1].write_text("not a database at all, but long enough " * 40)
    other = sqlite3.connect(files[2])
    other.execute("CREATE TABLE notes (text TEXT)")
    other.close()
    for path in files:
        before = path.read_bytes(), path.stat().st_mtime_ns
        with pytest.raises(LedgerError, match="not a class database"):
            Ledger.open(path, write=write)
        assert (path.read_bytes(), path.stat().st_mtime_ns) == before, path.name
    assert sorted(tmp_path.iterdir()) == sorted(files)  # no -wal or -shm beside them


def test_a_class_keeps_its_round_timer_and_a_new_one_replaces_it(tmp_path):
    path = tmp_path / "class.db"
    setup = ClassSetup(SETUP.source, SETUP.overrides, SETUP.seed, SETUP.fingerprint, 45.0)
    Ledger.create(path, setup, 1, codes.seat_codes(1, ("us",))).close()
    ledger = Ledger.open(path, write=True)
    assert ledger.setup == setup
    ledger.time_rounds(0.5)
    ledger.close()
    for where, seconds in ((path, 0.5), (tmp_path / "untimed.db", None)):
        if not where.exists():
            new_ledger(where).close()
        again = Ledger.open(where)
        assert again.setup.round_seconds == seconds
        again.close()
