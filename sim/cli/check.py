"""``trilateral check``: play a scenario and its reference on paired seeds, judge its claims."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from sim.cli.extras import require_batch_extra
from sim.cli.options import ScenarioArg, SeedOption, SetOption
from sim.cli.output import (
    err,
    not_the_scenario_or_exit,
    out,
    output_file,
    progress,
    write_or_print,
)
from sim.scenario.loading import ScenarioError


def check(
    scenario: ScenarioArg,
    runs: Annotated[
        int, typer.Option(min=2, help="Games per scenario (the same seeds in both).")
    ] = 300,
    seed: SeedOption = 0,
    set_: SetOption = None,
    json_file: Annotated[
        Path | None,
        typer.Option(
            "--json",
            parser=output_file,
            metavar="FILE",
            help="Also write the verdicts as JSON to this file.",
        ),
    ] = None,
) -> None:
    """Test a scenario's expectations against its reference; exit 1 if a claim fails.

    Exit status 0 when every claim holds (or the scenario states none), 1 when one does
    not, 2 when the scenario or its reference is not valid.
    """
    not_the_scenario_or_exit(json_file, scenario)
    require_batch_extra("check", ["scipy"])
    from sim.experiments.check import check_record, run_check

    try:
        with progress("playing", 2 * runs) as advance:
            result = run_check(scenario, runs, set_ or (), seed, advance)
    except ScenarioError as error:
        err.print(str(error), markup=False)
        raise typer.Exit(2) from None
    if result is None:
        out.print(f"{scenario}: states no expectations; nothing to check", markup=False)
        return
    against = result.scenario.expectations.against
    if not isinstance(against, str):
        against = f"{scenario} with {', '.join(against.set)}"
    table = Table(
        title=f"{scenario} against {against} — {runs} paired games, "
        f"seeds {seed}..{seed + runs - 1}",
        title_justify="left",
    )
    for column in ("claim", "scenario", "reference", "difference (95% CI)", "verdict"):
        table.add_column(column, justify="left" if column in ("claim", "verdict") else "right")
    for verdict in result.verdicts:
        claim = verdict.claim
        pairs = f" ({verdict.pairs} paired deals)" if claim.measure in ("round", "deal") else ""
        table.add_row(
            f"{claim.subject} {claim.measure} is {claim.direction}{pairs}",
            _figure(verdict.mean, claim.measure),
            _figure(verdict.reference, claim.measure),
            f"{_figure(verdict.difference, claim.measure, signed=True)} "
            f"± {_figure(verdict.half_width, claim.measure)}",
            "held" if verdict.held else Text("NOT held", style="bold red"),
        )
    out.print(table)
    failed = sum(not v.held for v in result.verdicts)
    out.print(
        f"{len(result.verdicts) - failed} of {len(result.verdicts)} claims held "
        "(a claim holds when its whole 95% interval lies on its side of 0)",
        markup=False,
    )
    if json_file is not None:
        write_or_print(json.dumps(check_record(result), indent=2, sort_keys=True) + "\n", json_file)
    if failed:
        raise typer.Exit(1)


def _figure(x: float, measure: str, signed: bool = False) -> str:
    """A figure as the table shows it: agreement in percent, the rest as numbers; — if none."""
    if math.isnan(x):  # nothing was measured
        return "—"
    sign = "+" if signed else ""
    if measure == "agreement":
        return f"{100 * x:{sign}.1f}%"
    return f"{x:{sign}.2f}" if measure in ("score", "round", "deal") else f"{x:{sign}.4f}"
