"""``trilateral host``: one server for a class, its tables kept in a database.

A new class (a SCENARIO) gets its tables, a join code per team per table and the
teacher's code, printed and written beside the database (``CLASS.codes.txt``) for printing;
``trilateral host --db CLASS.db`` restarts a class where it stopped. The server listens on
this machine only unless ``--public``. ``--web`` also serves the join client to browsers
(``sim.network.web``). With ``--round-seconds T`` a team has T seconds for
each decision, after which its party's AI makes it (and the log says so). Problems — a
scenario that does not load, a database that is not a class, a port in use — are one line
and exit status 2.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from sim.cli.options import SetOption, load_or_exit
from sim.cli.output import err, out, output_file, writable_or_exit
from sim.engine import MAX_SEED
from sim.io import write_atomic

if TYPE_CHECKING:
    from sim.network.ledger import Ledger
    from sim.network.tables import Classroom

TABLES = 6
"""Tables in a new class unless ``--tables`` says: a class of 25 in teams of three or four."""
MAX_TABLES = 50
PORT = 8765
WEB_PORT = 8000
MIN_SECONDS = 0.1
MAX_SECONDS = 24 * 3600.0


def _round_seconds(value: str) -> float:
    """``--round-seconds`` as the command line is read: seconds from ``MIN_SECONDS`` to
    ``MAX_SECONDS``. A parser of its own because Typer's bounds told ``nan`` it should be
    at most 86400, when ``nan`` and ``inf`` are no numbers of seconds at all.

    Raises:
        typer.BadParameter: ``value`` is not such a number.
    """
    try:
        seconds = float(value)
    except ValueError:
        seconds = None
    if seconds is None or not MIN_SECONDS <= seconds <= MAX_SECONDS:  # nan compares false
        raise typer.BadParameter(
            f"{value!r} is not a number of seconds from {MIN_SECONDS:g} to {MAX_SECONDS:g}"
        )
    return seconds


def host(
    scenario: Annotated[
        str | None,
        typer.Argument(
            help="A scenario file or bundled name, for a new class (left out to restart one "
            "with --db).",
            show_default=False,
        ),
    ] = None,
    tables: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=MAX_TABLES,
            help=f"Tables in a new class (default {TABLES}).",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            min=0,
            max=MAX_SEED,
            help="Base seed of a new class: table n plays seed S+n-1 (default: random).",
            show_default=False,
        ),
    ] = None,
    port: Annotated[
        int, typer.Option(min=0, max=65535, help="The port to listen on (0: any free port).")
    ] = PORT,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            parser=output_file,
            metavar="FILE",
            help="The class database: a new class is written to it, an existing one restarts "
            "from it (default for a new class: SCENARIO-class.db).",
            show_default=False,
        ),
    ] = None,
    public: Annotated[
        bool,
        typer.Option(
            "--public", help="Listen on every network interface, not only on this machine."
        ),
    ] = False,
    round_seconds: Annotated[
        float | None,
        typer.Option(
            "--round-seconds",
            parser=_round_seconds,
            metavar="T",
            help=f"Give each team T seconds ({MIN_SECONDS:g} to {MAX_SECONDS:g}) for each "
            "decision (every screen counts them down); when they run out, the party's AI "
            "strategy makes the move for the team and the log says the timer played it. Kept "
            "with the class: a restart keeps its timer unless given another (default: no "
            "timer).",
            show_default=False,
        ),
    ] = None,
    web: Annotated[
        bool,
        typer.Option(
            "--web",
            help="Also serve the client to browsers: a team opens the address printed and "
            "enters its code; nothing to install.",
        ),
    ] = False,
    web_port: Annotated[
        int,
        typer.Option(min=0, max=65535, help="The browsers' port, with --web (0: any free port)."),
    ] = WEB_PORT,
    set_: SetOption = None,
) -> None:
    """Host a class: every team on its own laptop, each table kept in a database."""
    from sim.network.ledger import LedgerError

    try:
        if db is not None and db.exists():
            given = [
                name
                for name, value in (
                    ("SCENARIO", scenario),
                    ("--tables", tables),
                    ("--seed", seed),
                    ("--set", set_),
                )
                if value is not None
            ]
            if given:
                _held(db, given)
            ledger, classroom = _restart(db, round_seconds)
        elif scenario is None and db is not None:
            _fail(f"{db}: no such class database; name a SCENARIO to start a new class in it")
        elif scenario is None:
            _fail(
                "name a SCENARIO to start a class, or --db FILE to restart one "
                "(e.g. trilateral host baseline-2025 --tables 6)"
            )
        else:
            ledger, classroom = _start(scenario, set_, tables or TABLES, seed, db, round_seconds)
    except LedgerError as error:
        _fail(str(error))
    try:
        _serve(
            ledger,
            classroom,
            "0.0.0.0" if public else "127.0.0.1",
            port,
            web_port if web else None,
        )
    finally:
        ledger.close()


def _fail(message: str) -> NoReturn:
    """One line on stderr, and exit status 2."""
    err.print(message, markup=False)
    raise typer.Exit(2)


def _held(db: Path, given: list[str]) -> NoReturn:
    """Refuse to start a class in ``db``, a file already there: say how to restart the
    class it holds (without the options ``given`` that only a new class takes).

    Raises:
        LedgerError: ``db`` holds no class, so that advice would be wrong; it says what
            the file is instead.
    """
    from sim.network.ledger import Ledger

    Ledger.open(db).close()
    without = f" (without {', '.join(given)})" if given else ""
    _fail(
        f"{db} holds a class already: restart it with trilateral host --db {db}{without}, "
        "or give --db a new file"
    )


def _start(
    source: str,
    overrides: list[str] | None,
    tables: int,
    seed: int | None,
    db: Path | None,
    round_seconds: float | None,
) -> tuple[Ledger, Classroom]:
    """A new class: its database, codes file and tables."""
    from sim.network.codes import seat_codes
    from sim.network.ledger import ClassSetup, Ledger
    from sim.network.tables import Classroom
    from sim.scenario.loading import is_file

    loaded = load_or_exit(source, overrides)
    if is_file(Path(source)):  # kept by its absolute path: the class restarts from any folder
        source = str(Path(source).resolve())
    db = db or writable_or_exit(Path(f"{Path(source).stem}-class.db"))  # --db's is checked
    if db.exists():
        _held(db, [])
    seed = secrets.randbelow(MAX_SEED + 1) if seed is None else seed
    setup = ClassSetup(source, tuple(overrides or ()), seed, loaded.fingerprint(), round_seconds)
    codes = seat_codes(tables, tuple(p.id for p in loaded.parties))
    ledger = Ledger.create(db, setup, tables, codes)
    classroom = Classroom(ledger, loaded, round_seconds)
    out.print(
        f"A new class of {tables} table{'s' if tables > 1 else ''} of {loaded.title}, seed {seed}",
        markup=False,
        soft_wrap=True,
    )
    _write_codes(ledger, classroom)
    return ledger, classroom


def _restart(db: Path, round_seconds: float | None) -> tuple[Ledger, Classroom]:
    """A class carried on from its database, every table replayed where it stopped, with
    the class's round timer (``round_seconds`` replaces it; each pending decision's time
    starts afresh)."""
    from sim.network.ledger import Ledger, LedgerError
    from sim.network.tables import Classroom

    ledger = Ledger.open(db, write=True)
    try:
        if round_seconds is not None:
            ledger.time_rounds(round_seconds)
        classroom = Classroom.open(ledger, ledger.setup.round_seconds)
    except LedgerError:
        ledger.close()
        raise
    rounds = ", ".join(f"{n}: round {t.game.model.round}" for n, t in classroom.tables.items())
    out.print(
        f"The class in {db} carries on where it stopped (tables {rounds})",
        markup=False,
        soft_wrap=True,
    )
    _write_codes(ledger, classroom)
    return ledger, classroom


def codes_path(db: Path) -> Path:
    """The file beside a class database that lists its join codes for printing."""
    return db.with_name(f"{db.stem}.codes.txt")


def codes_text(ledger: Ledger, classroom: Classroom) -> str:
    """The join codes of a class as a sheet to print: the teacher's, then table by table."""
    from sim.network.codes import printed

    setup = ledger.setup
    seats = sorted(ledger.seats.values(), key=lambda s: (s.table or 0, s.party or ""))
    teacher = next(s for s in seats if s.teacher)
    parties = classroom.scenario.parties
    lines = [
        f"trilateral class: {classroom.scenario.title}",
        f"Scenario {setup.source}, base seed {setup.seed}, database {ledger.path.name}",
        "",
        f"Teacher (sees every table; keep it to yourself): {printed(teacher.code)}",
    ]
    width = max(len(p.name) for p in parties)
    for number in classroom.tables:
        lines += ["", f"Table {number}"]
        by_party = {s.party: s.code for s in seats if s.table == number}
        lines += [f"  {p.name:<{width}}  {printed(by_party[p.id])}" for p in parties]
    return "\n".join(lines) + "\n"


def _write_codes(ledger: Ledger, classroom: Classroom) -> None:
    """Print the codes, and write them beside the database (readable by its owner only)."""
    text = codes_text(ledger, classroom)
    out.print(text, markup=False, soft_wrap=True, end="")
    path = codes_path(ledger.path)
    try:
        write_atomic(path, text)
        os.chmod(path, 0o600)
    except OSError as error:
        _fail(f"{path}: cannot write the codes: {error.strerror}")
    out.print(f"Codes written to {path} for printing", markup=False, soft_wrap=True)


def _serve(
    ledger: Ledger, classroom: Classroom, address: str, port: int, web_port: int | None
) -> None:
    """Serve until Ctrl-C (with the browsers' page on ``web_port``, if any); then say how
    to restart."""
    import asyncio

    from sim.network import web
    from sim.network.server import ClassServer, host_class

    seconds = classroom.round_seconds
    timer = "" if seconds is None else f"; {seconds:g} seconds for each decision"
    pages = []

    def ready(bound: int) -> None:
        where = "every interface of this machine" if address == "0.0.0.0" else "this machine"
        out.print(
            f"Listening on ws://{address}:{bound} ({where}{timer}); Ctrl-C stops",
            markup=False,
            soft_wrap=True,
        )
        if web_port is not None:
            chosen = web_port or web.free_port(address)
            shown = web.reachable_address() if address == "0.0.0.0" else address
            url = f"http://{shown}:{chosen}"
            try:
                pages.append(web.start(f"ws://127.0.0.1:{bound}", address, chosen, url))
            except OSError as error:
                _fail(str(error))
            out.print(
                f"Browsers: {url} (each team opens it and enters its code)",
                markup=False,
                soft_wrap=True,
            )
        sys.stdout.flush()  # a script waiting for the address reads it now

    again = f"trilateral host --db {ledger.path}"
    try:
        asyncio.run(host_class(ClassServer(classroom), address, port, ready))
    except OSError as error:
        _fail(f"cannot listen on {address}:{port}: {error.strerror or error}")
    except KeyboardInterrupt:
        out.print(
            f"Stopped; every move is kept. Carry on with: {again}", markup=False, soft_wrap=True
        )
    finally:
        for page in pages:
            page.terminate()
            page.join(5)
