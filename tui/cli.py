"""The ``trilateral`` command: the engine's commands plus ``play`` and ``join``.

The command line is put together here, in the UI layer, because the engine (``sim``)
must never import the terminal UI: ``build_cli`` takes the engine's app from
``sim.cli.app.build_app`` and adds ``play`` and ``join`` by name. Textual is imported only
when one of them runs, so the headless commands start fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from sim.cli.app import build_app, help_text
from sim.cli.options import SetOption, load_or_exit
from sim.cli.output import err, out, printing_help
from sim.engine import MAX_SEED
from sim.scenario.loading import ScenarioError, resolve


def play(
    scenario: Annotated[
        str | None,
        typer.Argument(
            help="A scenario file or bundled name (with --resume: the save to continue).",
            show_default=False,
        ),
    ] = None,
    as_: Annotated[
        list[str] | None,
        typer.Option(
            "--as",
            help="Play this party (repeat for hot-seat teams); skips the start screen.",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            min=0, max=MAX_SEED, help="Seed of the game's random generator (default: random)."
        ),
    ] = None,
    facilitator: Annotated[
        bool, typer.Option("--facilitator", help="Facilitator mode: fire events, extend, pause.")
    ] = False,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Continue a saved game: the one the argument names (trilateral saves lists "
            "them), else the latest (at a terminal, with several, you pick one).",
        ),
    ] = False,
    set_: SetOption = None,
) -> None:
    """Play the game in the terminal: teams against AI parties, one keyboard for all."""
    from sim.classroom.saves import (
        SAVES_ENV,
        SaveError,
        read_save,
        save_name,
        saves_dir,
        saves_problem,
    )
    from sim.cli.saves import choose_save
    from tui.screens.start import StartChoice

    if (problem := saves_problem()) is not None:  # every move is saved: refuse before a game
        err.print(f"{problem} (set {SAVES_ENV} to another folder)", markup=False)
        raise typer.Exit(2)
    save = loaded = None
    choice = StartChoice(scenario, tuple(set_ or ()), seed, tuple(as_ or ()), facilitator)
    if resume:
        try:
            save = choose_save(scenario)
            read_save(save)
        except SaveError as error:
            err.print(str(error), markup=False)
            raise typer.Exit(2) from None
    elif scenario is not None and not choice.humans:
        try:  # the start screen loads and checks it, showing problems inline
            resolve(scenario)
        except ScenarioError as error:
            err.print(str(error), markup=False)
            raise typer.Exit(2) from None
    elif scenario is not None:
        loaded = load_or_exit(scenario, set_)
        parties = [p.id for p in loaded.parties]
        unknown = [p for p in choice.humans if p not in parties]
        if unknown:
            err.print(f"--as {unknown[0]}: no such party (parties: {', '.join(parties)})")
            raise typer.Exit(2)
        choice = StartChoice(
            scenario,
            choice.overrides,
            seed,
            tuple(p for p in parties if p in choice.humans),
            facilitator,
        )
    elif choice.humans:
        err.print("--as needs a SCENARIO (e.g. trilateral play baseline-2025 --as japan)")
        raise typer.Exit(2)

    from tui.app import TrilateralApp

    app = TrilateralApp(choice, loaded, resume=save)
    saved = app.run()
    if app.return_code:  # Textual has shown the error; every move was saved before it
        game = app.game
        where = (
            f"; every move is saved in {game.save_path} "
            f"(continue with: trilateral play --resume {save_name(game.save_path)})"
            if game is not None
            else ""
        )
        err.print(f"The game stopped on an error{where}", markup=False, soft_wrap=True)
        raise typer.Exit(app.return_code)
    if app.save_problem is not None:  # the app told the class; the terminal keeps it
        err.print(
            f"{app.save_problem}; the moves since the last save are lost "
            f"(trilateral play --resume {save_name(Path(saved))} continues from it)",
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(2)
    if saved is not None:
        out.print(f"Game saved: {saved}", markup=False, soft_wrap=True)
        out.print(f"Continue with: trilateral play --resume {save_name(Path(saved))}", markup=False)
    elif save is None and saves_dir().is_dir():
        out.print(
            f"Saved games are in {saves_dir()} (trilateral saves lists them)",
            markup=False,
            soft_wrap=True,
        )


def join(
    url: Annotated[
        str,
        typer.Argument(
            help="The class server's address, as trilateral host prints it (ws://HOST:PORT).",
            show_default=False,
        ),
    ],
    code: Annotated[
        str | None,
        typer.Argument(
            help="Your team's join code, from the teacher's sheet (left out: the client asks "
            "for it, as the class's web page does); the teacher's code opens the teacher's "
            "console.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Join a networked class: your team's briefing, table and debrief, played on the
    teacher's server (trilateral host); with the teacher's code, the teacher's console."""
    if (problem := _address_problem(url)) is not None:
        err.print(f"{url}: not a class server's address ({problem})", markup=False)
        raise typer.Exit(2)
    from tui.join import JoinApp

    app = JoinApp(url, code)
    app.run()
    if app.problem is not None:
        err.print(f"Cannot join: {app.problem}", markup=False, soft_wrap=True)
        raise typer.Exit(2)
    if app.return_code:
        err.print("The client stopped on an error; join again with the same code", markup=False)
        raise typer.Exit(app.return_code)


def _address_problem(url: str) -> str | None:
    """Why ``url`` is not a class server's address, or None if it is one.

    Read by websockets' own parser, the one the client connects with, so that a port out of
    range, a port that is not a number or a broken ``[IPv6]`` host is one line here rather
    than a traceback once the client app has started.
    """
    from urllib.parse import urlsplit

    from websockets.exceptions import InvalidURI
    from websockets.uri import parse_uri

    if not url.startswith(("ws://", "wss://")):
        return "it starts ws://, e.g. ws://HOST:8765"
    try:
        parse_uri(url)
    except InvalidURI as error:
        return error.msg
    except ValueError as error:  # urllib's words on the port or the host, as it gives them
        return str(error)
    if urlsplit(url).port == 0:  # websockets reads port 0 as no port, and would try 80
        return "port 0 is no server's port; give the host's, e.g. ws://HOST:8765"
    return None


def build_cli() -> typer.Typer:
    """The whole ``trilateral`` app: a fresh engine app with ``play`` and ``join`` added.

    Returns:
        A new Typer app, independent of any other ``build_cli`` or ``build_app`` made.
    """
    app = build_app()
    app.command("play", help=help_text(play))(play)
    app.command("join", help=help_text(join))(join)
    return app


def main() -> None:
    """Run ``trilateral`` on the process's arguments (the installed script's entry point).

    A line that asks for help runs no command (the help option is eager, and no arguments
    is help too), so a failure to write then can only be standard output's: it is said as
    any other (``printing_help``). Elsewhere an ``OSError`` may be a file's, and each
    command says so itself."""
    cli = build_cli()
    if len(sys.argv) < 2 or "--help" in sys.argv[1:]:
        with printing_help():
            cli()
        return
    cli()
