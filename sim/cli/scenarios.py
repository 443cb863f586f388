"""``trilateral validate`` and ``scenarios``: check scenario files, list the bundled ones."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from sim.cli.options import SetOption, load_or_exit
from sim.cli.output import err, out
from sim.engine.rules import Rules
from sim.engine.strategies import spec_problem
from sim.scenario.loading import ScenarioError, bundled_scenarios, load_scenario
from sim.scenario.schedule import after_the_end


def validate(
    files: Annotated[list[str], typer.Argument(help="Scenario files or bundled names.")],
    set_: SetOption = None,
) -> None:
    """Check scenario files; exit 0 when all are valid, 2 otherwise."""
    failed = 0
    for source in files:
        try:
            scenario = load_scenario(source, set_ or (), spec_problem)
        except ScenarioError as error:
            failed += 1
            err.print(str(error), markup=False)
            continue
        # A strategy may not fit the track it sits at (equilibrium wants one numeric issue):
        # the compiled rules know, and an all-AI game would stop on it.
        unplayable = Rules(scenario).unplayable.values()
        for problem in unplayable:
            err.print(f"{source}: {problem}", markup=False)
        if unplayable:
            failed += 1
            continue
        for late in after_the_end(scenario):  # valid, but most likely a slip: said, not failed
            err.print(f"{source}: note: {late}", markup=False)
        out.print(f"{source}: ok", markup=False)
    if failed:
        err.print(f"{failed} of {len(files)} file(s) have problems", markup=False)
        raise typer.Exit(2)


def scenarios() -> None:
    """List the bundled scenarios."""
    table = Table(title="Bundled scenarios", title_justify="left")
    table.add_column("name")
    table.add_column("title")
    for name in bundled_scenarios():
        table.add_row(name, load_or_exit(name).title)
    out.print(table)
