"""The class database: the class's setup, its seats and codes, and each table's log.

A class is kept in one SQLite file (stdlib ``sqlite3``). What it holds never changes once
written except by growing: the class's setup (scenario, overrides, base seed and the
scenario's fingerprint), its tables and their seeds, the join codes, and one append-only
log per table of what happened there — joins, moves (the AI's and the timer's too), the
teacher's interventions, pauses and undos, the timer's notes of the moves it played and
the allies' lines in their channel — each entry numbered in order. A table is rebuilt by
replaying its log (``sim.engine.model.replay``), so a class restarts where it stopped.

The file is in WAL mode with ``synchronous=FULL``: an entry is on disk when ``append``
returns, and the server acknowledges a move only after that, so killing the server (even
with SIGKILL) loses no acknowledged move. Triggers refuse any update or deletion of the
log, so nothing can be rewritten behind replay's back. A class is read (a debrief, a look
beside the running server) over a read-only connection, and nothing is written to a file
until it has been read as a class database: a file that is not one is left as it was.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

FORMAT = "trilateral-class"
VERSION = 1
CLASS = 0
"""The table number of entries about the class as a whole (the teacher's joins)."""

SCHEMA = """
CREATE TABLE class (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE tables (number INTEGER PRIMARY KEY, seed INTEGER NOT NULL);
CREATE TABLE seats (
    code TEXT PRIMARY KEY,
    table_number INTEGER REFERENCES tables (number),
    party TEXT
);
CREATE TABLE log (
    table_number INTEGER NOT NULL,
    n INTEGER NOT NULL,
    kind TEXT NOT NULL,
    party TEXT,
    data TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (table_number, n)
);
CREATE TRIGGER log_kept_1 BEFORE UPDATE ON log
    BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
CREATE TRIGGER log_kept_2 BEFORE DELETE ON log
    BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
"""


class LedgerError(Exception):
    """The class database cannot be created, read or written; the message says why."""

    def __init__(self, message: str, tables: frozenset[int] = frozenset()) -> None:
        super().__init__(message)
        self.tables = tables
        """The tables whose appends a failed commit lost (``Ledger.commit``)."""


@dataclass(frozen=True, slots=True)
class ClassSetup:
    """How a class was set up: everything besides its logs that rebuilding it needs."""

    source: str
    """The scenario: a bundled scenario's name or a scenario file's absolute path."""
    overrides: tuple[str, ...]
    """``--set KEY=VALUE`` overrides applied to the scenario."""
    seed: int
    """The base seed; table ``n`` plays seed ``table_seed(seed, n)``."""
    fingerprint: str
    """The scenario's ``Scenario.fingerprint``: a class is not rebuilt on an edited scenario."""
    round_seconds: float | None = None
    """The seconds each decision gets (``host --round-seconds``); None: no timer."""


@dataclass(frozen=True, slots=True)
class Seat:
    """Whom a code seats: a team (its table and party) or the teacher (both None)."""

    code: str
    table: int | None
    party: str | None

    @property
    def teacher(self) -> bool:
        """Whether the code is the teacher's, which sees every table."""
        return self.table is None


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of a table's log."""

    n: int
    """Its place in the table's log, from 1."""
    kind: str
    """``join``, ``move``, ``intervention``, ``timer`` (the next move was the timer's),
    ``message`` (a line said in the allies' channel), ``pause``, ``resume`` or ``undo``
    (the teacher took back the game's entries after its ``keep`` first)."""
    party: str | None
    """Who: a party, or None for the teacher."""
    data: dict
    """What, as plain data: a move's or an intervention's ``to_dict``, the decision a timer
    played (``track``, ``kind``, ``round``) or a line said (``text``, ``round``)."""
    at: str
    """When it was written, ISO 8601 UTC."""


def table_seed(seed: int, table: int) -> int:
    """Table ``table``'s seed, derived from the class's base seed: consecutive seeds, as a
    study plays them (``seed`` for table 1), wrapping below 2**63."""
    return (seed + table - 1) % (1 << 63)


class Ledger:
    """An open class database. Use ``create`` or ``open``, and ``close`` when done."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._db = connection
        self.deferring = False
        """Whether appends wait for ``commit``: the class server commits the messages that
        arrive together at once (one sync to disk for many moves), before it answers any."""
        self._touched: set[int] = set()
        """The tables appended to since the last commit, while deferring."""
        found = dict(connection.execute("SELECT key, value FROM class"))
        if found.get("format") != FORMAT:
            raise _not_a_class(path)
        if found.get("version") != str(VERSION):
            raise LedgerError(
                f"{path}: a class database of version {found.get('version')}; "
                f"this trilateral reads version {VERSION}"
            )
        self.setup = ClassSetup(
            found["source"],
            tuple(json.loads(found["overrides"])),
            int(found["seed"]),
            found["fingerprint"],
            float(found["round_seconds"]) if "round_seconds" in found else None,
        )
        self.tables: dict[int, int] = dict(
            connection.execute("SELECT number, seed FROM tables ORDER BY number")
        )
        self.seats: dict[str, Seat] = {
            code: Seat(code, table, party)
            for code, table, party in connection.execute(
                "SELECT code, table_number, party FROM seats"
            )
        }

    @classmethod
    def create(
        cls, path: Path, setup: ClassSetup, tables: int, codes: dict[str, tuple[int, str] | None]
    ) -> Ledger:
        """A new class database at ``path`` with its tables and codes, written at once.

        Args:
            path: Where; there must be no file there yet.
            setup: The class's setup.
            tables: How many tables, numbered from 1.
            codes: Each code → (table, party), or None for the teacher (``seat_codes``).

        Raises:
            LedgerError: a file is already there, or the database cannot be written.
        """
        if path.exists():
            raise LedgerError(f"{path}: already exists")
        try:
            connection = _connect(path, "rwc")
            _durable(connection)
        except sqlite3.Error as error:
            raise LedgerError(f"{path}: cannot write the class database: {error}") from None
        try:
            with connection:
                connection.executescript(SCHEMA)
                values = {
                    "format": FORMAT,
                    "version": str(VERSION),
                    "source": setup.source,
                    "overrides": json.dumps(list(setup.overrides)),
                    "seed": str(setup.seed),
                    "fingerprint": setup.fingerprint,
                    "created": _now(),
                }
                if setup.round_seconds is not None:
                    values["round_seconds"] = repr(setup.round_seconds)
                connection.executemany("INSERT INTO class VALUES (?, ?)", values.items())
                connection.executemany(
                    "INSERT INTO tables VALUES (?, ?)",
                    [(n, table_seed(setup.seed, n)) for n in range(1, tables + 1)],
                )
                connection.executemany(
                    "INSERT INTO seats VALUES (?, ?, ?)",
                    [(code, *(seat or (None, None))) for code, seat in codes.items()],
                )
            return cls(path, connection)
        except sqlite3.Error as error:
            connection.close()
            path.unlink(missing_ok=True)  # half a class is no class: start again cleanly
            raise LedgerError(f"{path}: cannot write the class database: {error}") from None

    @classmethod
    def open(cls, path: Path, *, write: bool = False) -> Ledger:
        """The class database at ``path``, to read, or with ``write`` to carry on where the
        class stopped.

        Read, it is opened read-only (SQLite's ``mode=ro``): a debrief never changes it, and
        leaves nothing beside it. A read-only connection to a WAL database would make the
        ``-wal`` and ``-shm`` files it cannot remove; so where there is no ``-wal`` (no server
        has the class open: the last connection to close removes it), the file is read as
        ``immutable``, which needs neither. With ``write``, WAL and ``synchronous=FULL`` are
        set only once the file has been read as a class database, so a file that is not one
        is left as it was either way.

        Raises:
            LedgerError: there is no such file, or it is not a class database this reads.
        """
        if not path.is_file():
            raise LedgerError(f"{path}: no such class database")
        try:
            if write:
                connection = _connect(path, "rw")
            elif path.with_name(f"{path.name}-wal").exists():
                connection = _connect(path, "ro")
            else:
                connection = _connect(path, "ro&immutable=1")
        except sqlite3.Error as error:
            raise LedgerError(f"{path}: cannot open the class database: {error}") from None
        try:
            ledger = cls(path, connection)
        except LedgerError:
            connection.close()
            raise
        except (sqlite3.Error, KeyError, ValueError):
            connection.close()
            raise _not_a_class(path) from None
        if write:
            try:
                _durable(connection)
            except sqlite3.Error as error:
                connection.close()
                raise LedgerError(f"{path}: cannot write the class database: {error}") from None
        return ledger

    def append(self, table: int, entries: Iterable[tuple[str, str | None, dict]]) -> None:
        """Append entries to a table's log, all or none, and commit them to disk (while
        ``deferring``, at the next ``commit``).

        Args:
            table: The table's number (``CLASS`` for the class as a whole).
            entries: (kind, party, data) of each entry, in order.

        Raises:
            LedgerError: the database cannot be written; nothing was appended.
        """
        rows = list(entries)
        if not rows:
            return
        at = _now()
        try:
            if not self.deferring:
                with self._db:
                    self._insert(table, rows, at)
                return
            if not self._db.in_transaction:
                self._db.execute("BEGIN")  # so that releasing the savepoint commits nothing
            self._db.execute("SAVEPOINT entries")
            try:
                self._insert(table, rows, at)
            except (sqlite3.Error, ValueError):
                self._db.execute("ROLLBACK TO entries")
                raise
            finally:
                self._db.execute("RELEASE entries")
            self._touched.add(table)
        except (sqlite3.Error, ValueError) as error:
            raise LedgerError(f"{self.path}: cannot write the class database: {error}") from None

    def _insert(self, table: int, rows: list[tuple[str, str | None, dict]], at: str) -> None:
        (last,) = self._db.execute(
            "SELECT COALESCE(MAX(n), 0) FROM log WHERE table_number = ?", (table,)
        ).fetchone()
        self._db.executemany(
            "INSERT INTO log VALUES (?, ?, ?, ?, ?, ?)",
            [
                (table, last + k, kind, party, json.dumps(data, allow_nan=False), at)
                for k, (kind, party, data) in enumerate(rows, 1)
            ],
        )

    def commit(self) -> None:
        """Commit to disk what appends wrote since the last commit, while ``deferring``.

        Raises:
            LedgerError: the commit failed and everything since the last one is gone; its
                ``tables`` are the tables that lost entries.
        """
        touched, self._touched = frozenset(self._touched), set()
        if not touched:
            return
        try:
            self._db.commit()
        except sqlite3.Error as error:
            self._db.rollback()
            raise LedgerError(
                f"{self.path}: cannot write the class database: {error}", touched
            ) from None

    def entries(self, table: int) -> list[Entry]:
        """A table's log, in order."""
        return [
            Entry(n, kind, party, json.loads(data), at)
            for n, kind, party, data, at in self._db.execute(
                "SELECT n, kind, party, data, at FROM log WHERE table_number = ? ORDER BY n",
                (table,),
            )
        ]

    def time_rounds(self, seconds: float) -> None:
        """Give the class's decisions ``seconds`` each from now on, kept for its restarts.

        Raises:
            LedgerError: the database cannot be written.
        """
        try:
            with self._db:
                self._db.execute(
                    "INSERT OR REPLACE INTO class VALUES ('round_seconds', ?)", (repr(seconds),)
                )
        except sqlite3.Error as error:
            raise LedgerError(f"{self.path}: cannot write the class database: {error}") from None
        self.setup = replace(self.setup, round_seconds=seconds)

    def close(self) -> None:
        """Close the database (everything appended is on disk already)."""
        self._db.close()


def _connect(path: Path, mode: str) -> sqlite3.Connection:
    """A connection to ``path`` in SQLite's ``mode``: ``ro`` (with ``&immutable=1``: a file
    no one writes), ``rw``, or ``rwc`` (the only one that creates the file, as ``create``
    needs)."""
    return sqlite3.connect(
        f"{path.resolve().as_uri()}?mode={mode}", uri=True, isolation_level="DEFERRED"
    )


def _durable(connection: sqlite3.Connection) -> None:
    """Set a connection that writes: WAL, and every commit synced to disk."""
    connection.execute("PRAGMA journal_mode=WAL")
    # FULL: a commit is synced to disk before it returns, so an acknowledged move survives
    # a crash of the server and of the machine.
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("PRAGMA foreign_keys=ON")


def _not_a_class(path: Path) -> LedgerError:
    return LedgerError(f"{path}: not a class database (trilateral host --db writes one)")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
