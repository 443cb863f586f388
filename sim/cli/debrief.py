"""``trilateral class``: the debrief of a class hosted with ``trilateral host``.

Reads the class database (read-only: a debrief never changes it, nor a file that is not
one), rebuilds every table from its log, plays the all-AI batch of the same scenario on the
class's seeds (with a progress bar) and writes ``class.md``, ``gradebook.csv`` and the
charts into a folder (``sim.network.class_export``), then prints each table's scores in a
few lines. Problems — no such file, a file that is not a class database, a folder that
cannot be written — are one line and exit status 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli.output import err, out, output_folder, progress


def class_debrief(
    db: Annotated[
        Path,
        typer.Argument(
            metavar="DB", help="The class database (trilateral host --db).", show_default=False
        ),
    ],
    folder: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--out",
            parser=output_folder,
            metavar="DIR",
            help="The folder to write the debrief into (default: DB's name with -debrief, "
            "beside it).",
            show_default=False,
        ),
    ] = None,
    runs: Annotated[
        int, typer.Option(min=1, help="All-AI games of the same scenario to compare with.")
    ] = 200,
) -> None:
    """Debrief a class: every table side by side and against an all-AI batch."""
    from sim.cli.output import writable_or_exit
    from sim.network.class_export import write_debrief
    from sim.network.debrief import read_class, reference
    from sim.network.ledger import LedgerError

    try:
        record = read_class(db)
    except LedgerError as error:
        err.print(str(error), markup=False)
        raise typer.Exit(2) from None
    folder = folder or writable_or_exit(db.with_name(f"{db.stem}-debrief"), folder=True)
    with progress("all-AI games", runs) as advance:
        batch = reference(record.scenario, runs, record.seed, advance)
    try:
        written = write_debrief(record, batch, folder)
    except OSError as error:
        err.print(f"{folder}: cannot write: {error.strerror}", markup=False)
        raise typer.Exit(2) from None
    out.print(
        f"{record.scenario.title}: {len(record.tables)} tables, against {runs} all-AI games",
        markup=False,
        soft_wrap=True,
    )
    for table in record.tables:
        game = table.game
        scores = ", ".join(
            f"{game.name(p)} {table.outcome.parties[p].score:.0f}"
            + ("" if table.outcome.parties[p].bottom_lines_kept else " (line broken)")
            for p in game.rules.party_ids
        )
        deals = sum(t.status == "agreed" for t in table.outcome.tracks.values())
        state = "" if table.finished else ", still playing"
        out.print(
            f"  table {table.number}: {deals} of {len(table.outcome.tracks)} deals{state}; "
            f"scores {scores}",
            markup=False,
            soft_wrap=True,
        )
    out.print("Wrote " + ", ".join(str(path) for path in written), markup=False, soft_wrap=True)
