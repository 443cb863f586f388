"""``trilateral batch`` and ``trilateral report``: many seeded games to Parquet, and their report.

Both need the ``batch`` extra (pyarrow, Dask, SciPy, SALib, matplotlib); each checks for
the packages it uses before importing the batch machinery.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from sim.cli.extras import require_batch_extra
from sim.cli.options import ScenarioArg, SetOption, load_or_exit
from sim.cli.output import (
    err,
    not_the_scenario_or_exit,
    out,
    output_file,
    output_folder,
    tenths,
)
from sim.engine import MAX_SEED
from sim.scenario.loading import ScenarioError

if TYPE_CHECKING:  # pyarrow loads only inside the commands
    from collections.abc import Callable

    from sim.experiments.batch.summary import Summary


def batch(
    scenario: ScenarioArg,
    out_file: Annotated[
        Path,
        typer.Option(
            "-o",
            "--out",
            parser=output_file,
            metavar="FILE",
            help="The results file to write (Parquet).",
        ),
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
        typer.Option(
            min=0,
            max=MAX_SEED,
            help="Base seed: each run's seed derives from it, its cell and run.",
        ),
    ] = 0,
    jobs: Annotated[
        int | None,
        typer.Option(min=1, help="Local worker processes (default: every core; 1: no workers)."),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Address of a Dask scheduler to run on (default: $DASK_SCHEDULER_ADDRESS, "
            "unless --jobs is given)."
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
        typer.Option(min=1, help="Runs per chunk (default: a few chunks per worker, 20 to 1,000)."),
    ] = None,
) -> None:
    """Play many seeded all-AI games over sweeps or a design; write one row per run."""
    # Designs sample with SciPy (lhs) and SALib (sobol); --scheduler runs on Dask.
    require_batch_extra("batch", ["pyarrow", "dask", "distributed", "scipy", "SALib"])
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

    not_the_scenario_or_exit(out_file, scenario)
    load_or_exit(scenario, set_)
    if scheduler is None and jobs is None:
        scheduler = os.environ.get(SCHEDULER_ENV) or None
        if scheduler:
            err.print(
                f"Playing on the Dask scheduler at {scheduler} (from ${SCHEDULER_ENV}).",
                markup=False,
            )
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

    # Off a terminal a bar draws nothing: a line each tenth instead, once the total is known.
    plain: Callable[[int], None] | None = None

    def started(run) -> None:
        nonlocal plain
        if run.damaged:
            err.print(
                f"{len(run.damaged)} damaged chunk file(s) in {out_file}.partial "
                f"({', '.join(run.damaged)}): their runs are played again.",
                markup=False,
            )
        if run.resumed:
            err.print(f"Resuming: {run.resumed:,} of {run.total:,} runs were already done.")
        if not err.is_terminal:
            plain = tenths("playing", run.total, run.resumed)
            return
        progress.add_task("playing", total=run.total, completed=run.resumed, rate="…")
        progress.start()

    def advance(runs_done: int) -> None:
        if plain is not None:
            plain(runs_done)
            return
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
        if progress.live.is_started:  # stopping one that never started prints a blank line
            progress.stop()
        err.print(str(error), markup=False)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        if progress.live.is_started:
            progress.stop()
        kept = out_file.with_name(out_file.name + ".partial")
        err.print(
            f"Interrupted. Finished chunks are kept in {kept}; "
            "run the same command with --resume to finish the batch."
            if kept.is_dir()
            else "Interrupted before the batch began: nothing was written.",
            markup=False,
        )
        raise typer.Exit(130) from None
    if progress.live.is_started:
        progress.stop()
    _print_batch_summary(summarise(out_file))
    for path in (out_file, rounds_path(out_file)) if per_round else (out_file,):
        out.print(f"Wrote {path}", markup=False, soft_wrap=True)


def report(
    results: Annotated[Path, typer.Argument(help="A results file written by `batch`.")],
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--out",
            parser=output_folder,
            metavar="FOLDER",
            help="Folder for report.md and the charts (default: RESULTS-report).",
        ),
    ] = None,
) -> None:
    """Turn a batch's results into a Markdown summary and PNG charts."""
    # Sobol' indices come from SALib, for a sobol design only; it is checked all the same.
    require_batch_extra("report", ["pyarrow", "matplotlib", "SALib"])
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


def _print_batch_summary(summary: Summary) -> None:
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
