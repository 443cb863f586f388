"""``trilateral schema``, ``new`` and ``brief``: what a scenario's authors and teachers write.

The JSON Schema lets editors complete and check scenario files, ``new`` writes a starter
scenario that extends another, and ``brief`` writes the role sheets handed out in class.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli.options import ScenarioArg, SetOption, load_or_exit
from sim.cli.output import (
    err,
    not_the_scenario_or_exit,
    out,
    output_file,
    output_folder,
    writable_or_exit,
    write_or_print,
)
from sim.engine import MAX_SEED
from sim.scenario.loading import ScenarioError


def schema(
    out_file: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--out",
            parser=output_file,
            metavar="FILE",
            help="Write the schema to this file (default: print it).",
        ),
    ] = None,
) -> None:
    """Write the JSON Schema of scenario files, so editors complete and check them."""
    from sim.scenario.json_schema import schema_text

    write_or_print(schema_text(), out_file)


def new(
    name: Annotated[str, typer.Argument(help="The new scenario's name; its file is NAME.yaml.")],
    extends: Annotated[
        str, typer.Option(help="The scenario it varies: a bundled scenario's name or a file.")
    ] = "baseline-2025",
    out_dir: Annotated[
        Path,
        typer.Option(
            "-o",
            "--out",
            parser=output_folder,
            metavar="FOLDER",
            help="The folder to write NAME.yaml in.",
        ),
    ] = Path("."),
) -> None:
    """Write a commented starter scenario that extends another; never overwrite a file."""
    import os
    import re

    from sim.engine.strategies import spec_problem
    from sim.scenario.authoring import starter
    from sim.scenario.loading import BUNDLED_DIR, is_file, load_scenario, resolve

    stem = name.removesuffix(".yaml")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", stem):
        err.print(f"{name}: name the scenario with letters, digits, - and _ (e.g. my-class)")
        raise typer.Exit(2)
    try:
        parent = resolve(extends)
        load_scenario(parent, (), spec_problem)
    except ScenarioError as error:
        # A bundled name that is not one gets the loader's list of names; a file that is not
        # a scenario is only named, never quoted (it may be any file on the machine).
        problem = "" if is_file(Path(extends)) else f": {error}"
        err.print(
            f"--extends {extends}: not a scenario that loads{problem}; "
            f"check it with: trilateral validate {extends}",
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(2) from None
    folder = out_dir.resolve()
    if is_file(Path(extends)):  # a file: named from the new file's folder, as extends reads it
        extends = Path(os.path.relpath(parent.resolve(), folder)).as_posix()
    bundled = BUNDLED_DIR.resolve()
    schema_path = "schema.json" if folder == bundled else (bundled / "schema.json").as_posix()
    path = out_dir / f"{stem}.yaml"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as file:
            file.write(starter(stem, extends, schema_path))
    except FileExistsError:
        err.print(f"{path} already exists: nothing was written (choose another name or -o)")
        raise typer.Exit(2) from None
    except OSError as error:
        err.print(f"{path}: cannot write: {error.strerror}", markup=False)
        raise typer.Exit(2) from None
    out.print(
        f"Wrote {path}. Check it with: trilateral validate {path}", markup=False, soft_wrap=True
    )


def brief(
    scenario: ScenarioArg,
    party: Annotated[
        str | None, typer.Option(help="The party whose confidential role sheet to write.")
    ] = None,
    all_: Annotated[
        bool,
        typer.Option(
            "--all", help="Write every party's role sheet and the facilitator's sheet to a folder."
        ),
    ] = False,
    out_path: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--out",
            help="The file to write, or with --all the folder (default: print the sheet; "
            "with --all: NAME-briefs).",
        ),
    ] = None,
    set_: SetOption = None,
    seed: Annotated[
        int | None,
        typer.Option(
            min=0,
            max=MAX_SEED,
            help="The sheets of the game with this seed (as 'play --seed' and 'run --seed' "
            "play it): bottom lines with a spread as that game draws them "
            "(default: the range games draw from).",
        ),
    ] = None,
) -> None:
    """Write role sheets (Markdown) for printing: one party's, or with --all everyone's."""
    from sim.engine.model import NegotiationModel
    from sim.engine.rules import Rules
    from sim.results.briefing import facilitator_sheet, role_sheet

    if (party is None) == (not all_):
        both = " (not both)" if all_ else ""
        err.print(f"Give --party PARTY for one role sheet, or --all for every sheet{both}.")
        raise typer.Exit(2)
    if out_path is not None:  # a file or a folder, by --all, so checked here, not when parsed
        writable_or_exit(out_path, folder=all_)
    not_the_scenario_or_exit(out_path, scenario)
    rules = Rules(load_or_exit(scenario, set_))
    rooms = None if seed is None else NegotiationModel(rules, seed=seed, collect=False).rooms
    if party is not None:
        try:
            sheet = role_sheet(rules, party, rooms)
        except KeyError as error:
            err.print(f"--party: {error.args[0]}", markup=False)
            raise typer.Exit(2) from None
        write_or_print(sheet, out_path)
        return
    folder = out_path or Path(f"{Path(scenario).stem}-briefs")
    sheets = {f"{p}.md": role_sheet(rules, p, rooms) for p in rules.party_ids}
    sheets["facilitator.md"] = facilitator_sheet(rules)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        err.print(f"{folder}: cannot create the folder: {error.strerror}", markup=False)
        raise typer.Exit(2) from None
    for file_name, sheet in sheets.items():
        write_or_print(sheet, folder / file_name)
