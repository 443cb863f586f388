"""What the commands that read a scenario share: its argument, ``--set``, the first seed
of paired games, and its loading.

Every such command takes a path or a bundled scenario's name and the same
``--set KEY=VALUE`` overrides; scenario problems are printed as
``FILE:LINE:COL: path: message`` lines and the command exits with status 2, never with
a traceback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from sim.cli.output import err
from sim.engine import MAX_SEED
from sim.engine.strategies import spec_problem
from sim.scenario.loading import ScenarioError, load_scenario

if TYPE_CHECKING:
    from sim.scenario.models import Scenario

ScenarioArg = Annotated[
    str, typer.Argument(help="A scenario file, or the name of a bundled scenario.")
]
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="Override a value: KEY=VALUE with a dotted KEY, e.g. "
        "parties.korea.patience=0.9. Repeatable.",
    ),
]
SeedOption = Annotated[
    int,
    typer.Option(min=0, max=MAX_SEED, help="The first seed; games use seed .. seed+runs-1."),
]
"""The first seed of the consecutive seeds a paired command (study, check, teams) plays."""


def load_or_exit(source: str, overrides: list[str] | None = None) -> Scenario:
    """The scenario, or its problems printed and exit status 2.

    Args:
        source: A scenario file or a bundled scenario's name.
        overrides: ``KEY=VALUE`` overrides, as given to ``--set``.

    Returns:
        The loaded, checked scenario.

    Raises:
        typer.Exit: With status 2, after printing the problems, if it does not load.
    """
    try:
        return load_scenario(source, overrides or (), spec_problem)
    except ScenarioError as error:
        err.print(str(error), markup=False)
        raise typer.Exit(2) from None
