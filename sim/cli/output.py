"""Where the commands write: results to standard output, problems and progress to stderr,
files to the paths their options name.

Rich consoles look up ``sys.stdout`` and ``sys.stderr`` when they print, not when they
are made, so the two are shared by every command and still captured by test runners.
Neither reads markup or emoji codes: what they print comes from scenarios, saves and
files, which are data (a title with ``[/bold]`` or ``:x:`` in it prints as written); a
command that wants a style says so with ``rich.text.Text``.

Every option that names a file or folder to write is parsed by ``output_file`` or
``output_folder``, which check it as the command line is read: a missing or unwritable
folder, a folder where a file is wanted or an empty name ends the command with one line
and exit status 2 before any game is played, not with a traceback once results are ready.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from sim.io import write_atomic, write_problem

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


def output_file(value: str) -> Path:
    """The file an option names to write, as the command line is read (``parser=``).

    Raises:
        typer.Exit: With status 2, after one line saying why, if it cannot be written.
    """
    return _writable_or_exit(value, folder=False)


def output_folder(value: str) -> Path:
    """The folder an option names to write files into (made if missing), as it is read.

    Raises:
        typer.Exit: With status 2, after one line saying why, if it cannot be written.
    """
    return _writable_or_exit(value, folder=True)


def writable_or_exit(path: Path, *, folder: bool = False) -> Path:
    """``path``, if a command can write it; else ``cannot write PATH: why`` and exit status 2.

    For the options that are a file or a folder by another option, checked in the command.

    Args:
        path: The file, or with ``folder`` the folder, to write.
        folder: Whether ``path`` names a folder to write files into (made if missing).

    Raises:
        typer.Exit: With status 2, after printing the problem, if it cannot be written.
    """
    return _writable_or_exit(str(path), folder=folder)


def _writable_or_exit(value: str, *, folder: bool) -> Path:
    # The text as typed: Path("") is Path("."), so an empty name is caught before it is one.
    problem = write_problem(Path(value), folder=folder) if value else "the name is empty"
    if problem is not None:
        err.print(f"cannot write {value!r}: {problem}", markup=False)
        raise typer.Exit(2)
    return Path(value)
