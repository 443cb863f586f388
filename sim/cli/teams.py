"""``trilateral teams``: scripted teams play one party on the same seeds, and how they fare."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from sim.cli.extras import require_batch_extra
from sim.cli.options import ScenarioArg, SeedOption, SetOption, load_or_exit
from sim.cli.output import err, out, progress, write_or_print


def teams(
    scenario: ScenarioArg,
    party: Annotated[str, typer.Option(help="The party the scripted teams play.")] = "japan",
    runs: Annotated[
        int, typer.Option(min=2, help="Games per team (the same seeds for every team).")
    ] = 50,
    seed: SeedOption = 0,
    set_: SetOption = None,
    team: Annotated[
        list[str] | None,
        typer.Option(help="A team to play, repeatable (default: every team)."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the figures as JSON instead of a table.")
    ] = False,
) -> None:
    """Play scripted teams for one party against the AI: score, deals, bottom lines kept.

    Each team plays as a class might — take the first acceptable offer, concede steadily,
    hold firm then concede, mirror the other side, split the difference, ask for halfway and
    hold it, hold out to the last round, stonewall — through the same moves a human team
    makes, seeing only what a team sees at the table.
    """
    require_batch_extra("teams", ["scipy"])
    from sim.engine.rules import Rules
    from sim.experiments.teams import TEAMS, TeamsError, run_teams, seated_tracks, team_names

    rules = Rules(load_or_exit(scenario, set_))
    try:
        names = team_names(team or ())
        seated_tracks(rules, party)
    except TeamsError as error:
        err.print(str(error), markup=False)
        raise typer.Exit(2) from None
    with progress("playing", runs * len(names)) as advance:
        results = run_teams(rules, party, runs, seed, names, advance)
    figures = [r.summary() for r in results]
    if as_json:
        head = {"scenario": scenario, "overrides": list(set_ or ()), "party": party}
        head |= {"runs": runs, "seeds": [seed, seed + runs - 1], "teams": figures}
        write_or_print(json.dumps(head, indent=2) + "\n", None)
        return
    table = Table(
        title=f"{rules.scenario.title} — {party} played by scripted teams, {runs} games each, "
        f"seeds {seed}..{seed + runs - 1}",
        title_justify="left",
    )
    table.add_column("team", no_wrap=True)
    for column in ("score (95% CI)", "undiscounted", "deals", "deal round", "bottom lines kept"):
        table.add_column(column, justify="right")
    for row in figures:
        table.add_row(
            row["team"],
            f"{row['score']:.1f} ± {row['score_ci95']:.1f}",
            f"{row['undiscounted']:.1f}",
            f"{row['deal_rate']:.0%}",
            "—" if row["deal_round"] is None else f"{row['deal_round']:.1f}",
            f"{row['bottom_lines_kept']}/{row['games']}",
        )
    out.print(table)
    out.print(
        "Score: 0 is no deal, 100 the best deal the other side's bottom lines allowed "
        "(discounted by patience; 'undiscounted' as if struck in round 1).",
        markup=False,
    )
    for name in names:
        out.print(f"{name}: {TEAMS[name].summary}", markup=False)
