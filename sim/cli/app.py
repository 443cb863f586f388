"""The engine's ``trilateral`` app: a fresh Typer app with every headless command, by name.

Nothing is registered at import time: ``build_app`` makes a new app on each call, so the
UI layer can add ``play`` to its own app and tests can build as many as they like. The
commands import the engine and the batch machinery only when they run, so ``--help`` and
the light commands start fast.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated

import typer

from sim.cli.authoring import brief, new, schema
from sim.cli.batch import batch, report
from sim.cli.check import check
from sim.cli.debrief import class_debrief
from sim.cli.host import host
from sim.cli.output import write_or_print
from sim.cli.run import run
from sim.cli.saves import saves
from sim.cli.scenarios import scenarios, validate
from sim.cli.study import study
from sim.cli.teams import teams

COMMANDS = {
    "run": run,
    "validate": validate,
    "scenarios": scenarios,
    "study": study,
    "teams": teams,
    "check": check,
    "batch": batch,
    "report": report,
    "schema": schema,
    "new": new,
    "brief": brief,
    "saves": saves,
    "host": host,
    "class": class_debrief,
}
"""Each command's name and function, in the order ``--help`` lists them."""


def build_app() -> typer.Typer:
    """A new ``trilateral`` app with the engine's commands (everything but ``play``).

    Returns:
        A Typer app of its own: commands added to it are added to no other app.
    """
    app = typer.Typer(
        name="trilateral",
        help="A negotiation game: the United States, Japan and South Korea bargain over "
        "tariffs, alliance burden-sharing and their bottom lines.",
        no_args_is_help=True,
        add_completion=False,
    )
    app.callback()(_version)
    for name, command in COMMANDS.items():
        app.command(name, help=help_text(command))(command)
    return app


def _version(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the installed trilateral's version and exit.",
            is_eager=True,
            callback=_print_version,
        ),
    ] = False,
) -> None:
    """The options of ``trilateral`` itself, before any command (the app's help is its own)."""


def _print_version(asked: bool) -> None:
    if asked:
        from importlib.metadata import version

        write_or_print(f"trilateral {version('trilateral')}\n", None)
        raise typer.Exit


def help_text(command: Callable) -> str:
    """A command's docstring as its ``--help`` shows it: each paragraph one line, wrapped
    to the terminal by the help itself (Typer's rich help keeps a docstring's own line
    breaks, which at any other width than the source's leave ragged lines)."""
    paragraphs = inspect.cleandoc(command.__doc__ or "").split("\n\n")
    return "\n\n".join(" ".join(paragraph.split()) for paragraph in paragraphs)
