"""The ``trilateral`` command line (Typer).

Every command that reads a scenario takes a path or a bundled scenario's name and the
same ``--set KEY=VALUE`` overrides; scenario problems are printed as
``FILE:LINE:COL: path: message`` lines and the command exits with status 2, never with
a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from sim.engine.strategies import spec_problem
from sim.io import write_atomic
from sim.scenario.loading import ScenarioError, bundled_scenarios, load_scenario

if TYPE_CHECKING:  # the engine (Mesa, pandas) loads only for commands that play
    from sim.engine.model import NegotiationModel
    from sim.scenario.models import Scenario

app = typer.Typer(
    name="trilateral",
    help="A negotiation game: the United States, Japan and South Korea bargain over "
    "tariffs, alliance burden-sharing and their bottom lines.",
    no_args_is_help=True,
    add_completion=False,
)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)

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


def load_or_exit(source: str, overrides: list[str] | None = None) -> Scenario:
    """The scenario, or the problems printed and exit status 2."""
    try:
        return load_scenario(source, overrides or (), spec_problem)
    except ScenarioError as error:
        err.print(str(error), markup=False)
        raise typer.Exit(2) from None


@app.command()
def run(
    scenario: ScenarioArg,
    seed: Annotated[int, typer.Option(help="Seed of the game's random generator.")] = 0,
    set_: SetOption = None,
    json_file: Annotated[
        Path | None, typer.Option("--json", help="Write the whole result as JSON to this file.")
    ] = None,
    quiet: Annotated[bool, typer.Option(help="Print the results table only.")] = False,
) -> None:
    """Play an all-AI game and print its transcript and results."""
    from sim.engine.model import NegotiationModel
    from sim.results.transcript import game_record, transcript

    loaded = load_or_exit(scenario, set_)
    try:
        model = NegotiationModel(loaded, seed=seed)
    except ValueError as error:
        err.print(f"{scenario}: {error}", markup=False)
        raise typer.Exit(2) from None
    model.run()
    if not quiet:
        out.print(f"[bold]{loaded.title}[/bold] — seed {seed}")
        for line in transcript(model):
            out.print(line, markup=False)
        out.print()
    record = game_record(model, scenario, tuple(set_ or ()))
    _print_outcome(record["outcome"], model)
    if json_file is not None:
        write_atomic(json_file, json.dumps(record, indent=2, sort_keys=True) + "\n")
        out.print(f"Wrote {json_file}")


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
            "kept" if info["bottom_lines_kept"] else "; ".join(info["breaches"]),
        )
    out.print(parties)


@app.command()
def validate(
    files: Annotated[list[str], typer.Argument(help="Scenario files or bundled names.")],
    set_: SetOption = None,
) -> None:
    """Check scenario files; exit 0 when all are valid, 2 otherwise."""
    failed = 0
    for source in files:
        try:
            load_scenario(source, set_ or (), spec_problem)
        except ScenarioError as error:
            failed += 1
            err.print(str(error), markup=False)
        else:
            out.print(f"{source}: ok", markup=False)
    if failed:
        err.print(f"{failed} of {len(files)} file(s) have problems", markup=False)
        raise typer.Exit(2)


@app.command()
def scenarios() -> None:
    """List the bundled scenarios."""
    table = Table(title="Bundled scenarios", title_justify="left")
    table.add_column("name")
    table.add_column("title")
    for name in bundled_scenarios():
        table.add_row(name, load_or_exit(name).title)
    out.print(table)


@app.command()
def study(
    scenario: ScenarioArg,
    runs: Annotated[
        int, typer.Option(min=2, help="Games per arm (the same seeds in every arm).")
    ] = 200,
    seed: Annotated[int, typer.Option(help="The first seed; games use seed .. seed+runs-1.")] = 0,
    set_: SetOption = None,
) -> None:
    """Compare arms on paired seeds: consultation, parity pact, tied hands on and off."""
    from rich.progress import Progress

    from sim.experiments.study import arms_for, run_study
    from sim.results.stats import mean_interval, paired_difference
    from sim.scenario.loading import ScenarioError

    base = load_or_exit(scenario, set_)
    arms = arms_for(base)
    try:
        with Progress(transient=True, console=err) as bar:
            task = bar.add_task("playing", total=runs * len(arms))
            results = run_study(scenario, runs, set_ or (), seed, lambda n: bar.advance(task, n))
    except ScenarioError as error:
        err.print(str(error), markup=False)
        raise typer.Exit(2) from None
    parties = [p.id for p in base.parties]
    tracks = list(results[0].agreed)
    table = Table(
        title=f"{base.title} — {runs} paired games per arm, seeds {seed}..{seed + runs - 1}",
        title_justify="left",
    )
    table.add_column("arm")
    for party in parties:
        table.add_column(f"{party} utility (95% CI)", justify="right")
    for track in tracks:
        table.add_column(f"{track} deals", justify="right")
        table.add_column(f"{track} round", justify="right")
    for result in results:
        row = [result.arm.name]
        for party in parties:
            mean, half = mean_interval(result.utility[party])
            row.append(f"{mean:.3f} ± {half:.3f}")
        for track in tracks:
            agreed = result.agreed[track]
            row.append(f"{sum(agreed) / len(agreed):.0%}")
            rounds = result.rounds.get(track)
            row.append(f"{sum(rounds) / len(rounds):.1f}" if rounds else "—")
        table.add_row(*row)
    out.print(table)
    diff = Table(
        title=f"Paired difference from '{results[0].arm.name}' (95% CI)", title_justify="left"
    )
    diff.add_column("arm")
    for party in parties:
        diff.add_column(party, justify="right")
    for result in results[1:]:
        cells = []
        for party in parties:
            mean, half = paired_difference(result.utility[party], results[0].utility[party])
            cells.append(f"{mean:+.4f} ± {half:.4f}")
        diff.add_row(result.arm.name, *cells)
    out.print(diff)
    out.print(
        "Arms: "
        + "; ".join(
            f"{r.arm.name} = {' '.join(r.arm.overrides) or 'the scenario as written'}"
            for r in results
        ),
        markup=False,
    )


@app.command()
def batch(
    scenario: ScenarioArg,
    out_file: Annotated[
        Path, typer.Option("-o", "--out", help="The results file to write (Parquet).")
    ],
    runs: Annotated[int, typer.Option(min=1, help="Seeded runs per cell.")] = 100,
    sweep: Annotated[
        list[str] | None,
        typer.Option(
            help="KEY=V1,V2,...: play each value of a dotted KEY (as for --set). "
            "Repeatable; sweeps are crossed."
        ),
    ] = None,
    design: Annotated[
        str, typer.Option(help="How --range intervals are sampled: grid, lhs or sobol.")
    ] = "grid",
    samples: Annotated[
        int | None,
        typer.Option(
            help="Values per range (grid), design points (lhs), or base samples, a power "
            "of two (sobol: samples·(ranges+2) points)."
        ),
    ] = None,
    range_: Annotated[
        list[str] | None,
        typer.Option("--range", help="KEY=LO:HI: an interval the design samples. Repeatable."),
    ] = None,
    set_: SetOption = None,
    seed: Annotated[
        int,
        typer.Option(min=0, help="Base seed: each run's seed derives from it, its cell and run."),
    ] = 0,
    jobs: Annotated[
        int | None,
        typer.Option(min=1, help="Local worker processes [default: every core; 1: no workers]."),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Address of a Dask scheduler to run on [default: $DASK_SCHEDULER_ADDRESS, "
            "unless --jobs is given]."
        ),
    ] = None,
    per_round: Annotated[
        bool,
        typer.Option("--per-round", help="Also write each round's data to OUT.rounds.parquet."),
    ] = False,
    resume: Annotated[
        bool,
        typer.Option("--resume", help="Finish an interrupted batch run with the same options."),
    ] = False,
    chunk_size: Annotated[
        int | None,
        typer.Option(min=1, help="Runs per chunk [default: a few chunks per worker, 20 to 1,000]."),
    ] = None,
) -> None:
    """Play many seeded all-AI games over sweeps or a design; write one row per run."""
    import os

    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from sim.experiments.batch import BatchError
    from sim.experiments.batch.design import make_design
    from sim.experiments.batch.executors import SCHEDULER_ENV
    from sim.experiments.batch.plan import BatchScenario, plan_batch
    from sim.experiments.batch.runner import run_batch
    from sim.experiments.batch.store import rounds_path
    from sim.experiments.batch.summary import summarise

    load_or_exit(scenario, set_)
    if scheduler is None and jobs is None:
        scheduler = os.environ.get(SCHEDULER_ENV) or None
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("runs, {task.fields[rate]} runs/s"),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=err,
    )

    def started(run) -> None:
        if run.resumed:
            err.print(f"Resuming: {run.resumed:,} of {run.total:,} runs were already done.")
        progress.add_task("playing", total=run.total, completed=run.resumed, rate="…")
        progress.start()

    def advance(runs_done: int) -> None:
        task = progress.tasks[0]
        progress.advance(task.id, runs_done)
        progress.update(task.id, rate=f"{task.speed:,.0f}" if task.speed else "…")

    try:
        setup = BatchScenario.load(scenario, set_ or ())
        plan = plan_batch(
            setup,
            make_design(sweep or (), range_ or (), design, samples, seed, set_ or ()),
            runs,
            seed,
            per_round,
        )
        run_batch(
            plan,
            out_file,
            jobs=jobs,
            scheduler=scheduler,
            resume=resume,
            chunk_size=chunk_size,
            on_start=started,
            on_chunk=advance,
        )
    except (BatchError, ScenarioError) as error:
        progress.stop()
        err.print(str(error), markup=False)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        progress.stop()
        err.print(
            f"Interrupted. Finished chunks are kept in {out_file}.partial; "
            "run the same command with --resume to finish the batch.",
            markup=False,
        )
        raise typer.Exit(130) from None
    progress.stop()
    _print_batch_summary(summarise(out_file))
    for path in (out_file, rounds_path(out_file)) if per_round else (out_file,):
        out.print(f"Wrote {path}", markup=False, soft_wrap=True)


@app.command()
def report(
    results: Annotated[Path, typer.Argument(help="A results file written by `batch`.")],
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "-o", "--out", help="Folder for report.md and the charts [default: RESULTS-report]."
        ),
    ] = None,
) -> None:
    """Turn a batch's results into a Markdown summary and PNG charts."""
    from sim.experiments.batch import BatchError
    from sim.experiments.report import write_report

    folder = out_dir or results.with_name(f"{results.stem}-report")
    try:
        written = write_report(results, folder)
    except BatchError as error:
        err.print(str(error), markup=False)
        raise typer.Exit(2) from None
    for path in written:
        out.print(f"Wrote {path}", markup=False, soft_wrap=True)


_SUMMARY_ROWS = 40
"""Cells shown in the closing table of a batch; `report` lists them all."""


def _print_batch_summary(summary) -> None:
    meta, factors = summary.metadata, summary.factors
    table = Table(
        title=f"{meta['title']}\nDeals per track; mean utility (score) per party",
        title_justify="left",
    )
    for key in factors or ["runs"]:
        table.add_column(".".join(key.split(".")[-2:]))
    if factors:
        table.add_column("runs", justify="right")
    for name in [*meta["tracks"], *meta["parties"]]:
        table.add_column(name, justify="right")
    groups = [(["all"] + [""] * (len(factors) - 1) if factors else [], summary.overall)]
    groups += [([str(v) for v in g.values.values()], g) for g in summary.groups[:_SUMMARY_ROWS]]
    for labels, group in groups:
        table.add_row(
            *labels,
            f"{group.runs:,}",
            *(f"{group.agreement[t]:.0%}" for t in meta["tracks"]),
            *(f"{group.utility[p]:.3f} ({group.score[p]:.1f})" for p in meta["parties"]),
        )
    out.print(table)
    if len(summary.groups) > _SUMMARY_ROWS:
        out.print(
            f"… and {len(summary.groups) - _SUMMARY_ROWS} more cells: see `trilateral report`."
        )


@app.command()
def schema(
    out_file: Annotated[
        Path | None,
        typer.Option("-o", "--out", help="Write the schema to this file [default: print it]."),
    ] = None,
) -> None:
    """Write the JSON Schema of scenario files, so editors complete and check them."""
    from sim.scenario.json_schema import schema_text

    _write_or_print(schema_text(), out_file)


@app.command()
def new(
    name: Annotated[str, typer.Argument(help="The new scenario's name; its file is NAME.yaml.")],
    extends: Annotated[
        str, typer.Option(help="The scenario it varies: a bundled scenario's name or a file.")
    ] = "baseline-2025",
    out_dir: Annotated[
        Path, typer.Option("-o", "--out", help="The folder to write NAME.yaml in.")
    ] = Path("."),
) -> None:
    """Write a commented starter scenario that extends another; never overwrite a file."""
    import os
    import re

    from sim.scenario.authoring import starter
    from sim.scenario.loading import BUNDLED_DIR, resolve

    stem = name.removesuffix(".yaml")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", stem):
        err.print(f"{name}: name the scenario with letters, digits, - and _ (e.g. my-class)")
        raise typer.Exit(2)
    try:
        parent = resolve(extends)
    except ScenarioError as error:
        err.print(str(error), markup=False)
        raise typer.Exit(2) from None
    folder = out_dir.resolve()
    if Path(extends).is_file():  # a file: named from the new file's folder, as extends reads it
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


@app.command()
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
            help="The file to write, or with --all the folder [default: print the sheet; "
            "with --all: NAME-briefs].",
        ),
    ] = None,
    set_: SetOption = None,
) -> None:
    """Write role sheets (Markdown) for printing: one party's, or with --all everyone's."""
    from sim.engine.rules import Rules
    from sim.results.briefing import facilitator_sheet, role_sheet

    if (party is None) == (not all_):
        err.print("Give --party PARTY for one role sheet, or --all for every sheet.")
        raise typer.Exit(2)
    rules = Rules(load_or_exit(scenario, set_))
    if party is not None:
        try:
            sheet = role_sheet(rules, party)
        except KeyError as error:
            err.print(f"--party: {error.args[0]}", markup=False)
            raise typer.Exit(2) from None
        _write_or_print(sheet, out_path)
        return
    folder = out_path or Path(f"{Path(scenario).stem}-briefs")
    sheets = {f"{p}.md": role_sheet(rules, p) for p in rules.party_ids}
    sheets["facilitator.md"] = facilitator_sheet(rules)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        err.print(f"{folder}: cannot create the folder: {error.strerror}", markup=False)
        raise typer.Exit(2) from None
    for file_name, sheet in sheets.items():
        _write_or_print(sheet, folder / file_name)


def _write_or_print(text: str, path: Path | None) -> None:
    """Print ``text`` as it is, or write it to ``path`` (exit status 2 if that fails)."""
    if path is None:
        typer.echo(text, nl=False)
        return
    try:
        write_atomic(path, text)
    except OSError as error:
        err.print(f"{path}: cannot write: {error.strerror}", markup=False)
        raise typer.Exit(2) from None
    out.print(f"Wrote {path}", markup=False, soft_wrap=True)
