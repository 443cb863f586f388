"""``trilateral run``: play one all-AI game and print its transcript and results tables."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from sim.cli.options import ScenarioArg, SetOption, load_or_exit
from sim.cli.output import err, not_the_scenario_or_exit, out, output_file, write_or_print
from sim.engine import MAX_SEED

if TYPE_CHECKING:  # the engine (Mesa, pandas) loads only when a game is played
    from sim.engine.model import NegotiationModel


def run(
    scenario: ScenarioArg,
    seed: Annotated[
        int, typer.Option(min=0, max=MAX_SEED, help="Seed of the game's random generator.")
    ] = 0,
    set_: SetOption = None,
    json_file: Annotated[
        Path | None,
        typer.Option(
            "--json",
            parser=output_file,
            metavar="FILE",
            help="Write the whole result as JSON to this file.",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option(help="Print the results table only.")] = False,
) -> None:
    """Play an all-AI game and print its transcript and results."""
    from sim.engine.model import NegotiationModel
    from sim.results.transcript import game_record, transcript

    not_the_scenario_or_exit(json_file, scenario)
    loaded = load_or_exit(scenario, set_)
    try:
        model = NegotiationModel(loaded, seed=seed)
    except ValueError as error:
        err.print(f"{scenario}: {error}", markup=False)
        raise typer.Exit(2) from None
    model.run()
    if not quiet:
        out.print(Text.assemble((loaded.title, "bold"), f" — seed {seed}"))
        for line in transcript(model):
            out.print(line, markup=False)
        out.print()
    record = game_record(model, scenario, tuple(set_ or ()))
    _print_outcome(record["outcome"], model)
    if json_file is not None:
        write_or_print(json.dumps(record, indent=2, sort_keys=True) + "\n", json_file)


def _print_outcome(outcome: dict, model: NegotiationModel) -> None:
    tracks = Table(title="Tracks", title_justify="left")
    for column in ("track", "outcome", "round", "utilities", "Nash distance"):
        tracks.add_column(column)
    for track_id, info in outcome["tracks"].items():
        utilities = ", ".join(f"{p} {u:.2f}" for p, u in info["utility"].items())
        distance = info["distance_to_nash"]
        tracks.add_row(
            track_id,
            info["status"],
            str(info["deal_round"] or "—"),
            utilities,
            "—" if distance is None else f"{distance:.3f}",
        )
    out.print(tracks)
    parties = Table(title="Parties", title_justify="left")
    for column in ("party", "utility", "no-deal", "score", "bottom lines"):
        parties.add_column(column)
    for party_id, info in outcome["parties"].items():
        parties.add_row(
            model.countries[party_id].name,
            f"{info['utility']:.3f}",
            f"{info['batna']:.3f}",
            f"{info['score']:.1f}",
            "kept" if info["bottom_lines_kept"] else "; ".join(b["text"] for b in info["breaches"]),
        )
    out.print(parties)
