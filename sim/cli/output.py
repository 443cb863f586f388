"""Where the commands write: results to standard output, problems and progress to stderr.

Rich consoles look up ``sys.stdout`` and ``sys.stderr`` when they print, not when they
are made, so the two are shared by every command and still captured by test runners.
Neither reads markup or emoji codes: what they print comes from scenarios, saves and
files, which are data (a title with ``[/bold]`` or ``:x:`` in it prints as written); a
command that wants a style says so with ``rich.text.Text``.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from sim.io import write_atomic

out = Console(highlight=False, markup=False, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)


def write_or_print(text: str, path: Path | None) -> None:
    """Print ``text`` as it is, or write it to ``path`` (exit status 2 if that fails).

    Args:
        text: What to print or write, with its own final newline.
        path: The file to write, or None to print.
    """
    if path is None:
        typer.echo(text, nl=False)
        return
    try:
        write_atomic(path, text)
    except OSError as error:
        err.print(f"{path}: cannot write: {error.strerror}", markup=False)
        raise typer.Exit(2) from None
    out.print(f"Wrote {path}", markup=False, soft_wrap=True)
