"""``trilateral saves``: the saved classroom games, and which one ``play --resume`` continues.

A class often shares one machine, so the folder holds several games. The list names each by
what a team remembers — scenario, teams, how far it got, the last move and when — beside the
name ``trilateral play --resume NAME`` takes. ``--resume`` without a name continues the most
recent game; when there are several it asks which at a terminal, and elsewhere says which
one it chose, so nobody continues another team's game unawares.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from sim.classroom.saves import SAVES_ENV, Listed, SaveError, find_save, listing, saves_dir
from sim.cli.output import err, out


def interactive() -> bool:
    """Whether a person at a terminal can answer a question (not a pipe, a script or CI)."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def saves_list(rows: list[Listed]) -> Table:
    """The saves newest first, numbered as ``play --resume`` asks for them: each one's name,
    then its scenario, teams and round, then its last move and when it was made (stacked, so
    the list reads as well in 80 columns as in 160)."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right")
    grid.add_column()
    for number, row in enumerate(rows, 1):
        round_ = f"round {row.round}" + (", over" if row.finished else "")
        when = f"{row.saved:%d %b %H:%M}" if row.saved is not None else ""
        grid.add_row(
            f"{number}.",
            Text.assemble(
                (row.name, "bold"),
                f"\n{row.scenario} · {', '.join(row.teams)} · {round_}",
                f"\nlast move {': '.join(filter(None, (when, row.last_move or '—')))}",
            ),
        )
    return grid


def saves() -> None:
    """List the saved games, newest first: scenario, teams, round, last move and name.

    Continue one with trilateral play --resume NAME (the start of a name will do when
    only one save begins with it).
    """
    folder = saves_dir()
    if folder.exists() and not folder.is_dir():  # else "no saved games" hides the mistake
        err.print(f"{folder} is a file, not a folder of saves ({SAVES_ENV})", markup=False)
        raise typer.Exit(2)
    rows, problems = listing()
    for problem in problems:
        err.print(f"skipped {problem}", markup=False)
    if not rows:
        out.print(f"No saved games in {saves_dir()}", markup=False, soft_wrap=True)
        return
    out.print(f"Saved games in {saves_dir()}, newest first:", markup=False, soft_wrap=True)
    out.print(saves_list(rows))
    out.print("Continue one with: trilateral play --resume NAME", markup=False)


def choose_save(name: str | None) -> Path:
    """The save ``trilateral play --resume [NAME]`` continues.

    A name picks that save. Without one, the only save, or — among several — the one a
    person picks from the list at a terminal, else the most recent, said on stderr.

    Raises:
        SaveError: there is no such save, or none at all.
    """
    if name:
        return find_save(name)
    rows, _ = listing()
    if len(rows) < 2:
        return find_save(None)
    if not interactive():
        err.print(
            f"{len(rows)} saved games; continuing the most recent, {rows[0].name} "
            f"({rows[0].scenario}; {', '.join(rows[0].teams)}). Another: trilateral play "
            "--resume NAME (trilateral saves lists them).",
            markup=False,
        )
        return rows[0].path
    err.print(f"{len(rows)} saved games, newest first:")
    err.print(saves_list(rows))
    while True:
        answer = typer.prompt("Continue which game? (number or name)", default="1", err=True)
        if answer.isdigit() and 1 <= int(answer) <= len(rows):
            return rows[int(answer) - 1].path
        try:
            return find_save(answer)
        except SaveError as error:
            err.print(str(error), markup=False)
