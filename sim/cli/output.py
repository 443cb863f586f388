"""Where the commands write: results to standard output, problems and progress to stderr,
files to the paths their options name.

Rich consoles look up ``sys.stdout`` and ``sys.stderr`` when they print, not when they
are made, so the two are shared by every command and still captured by test runners.
Neither reads markup or emoji codes: what they print comes from scenarios, saves and
files, which are data (a title with ``[/bold]`` or ``:x:`` in it prints as written); a
command that wants a style says so with ``rich.text.Text``.

Every option that names a file or folder to write is parsed by ``output_file`` or
``output_folder``, which check it as the command line is read: a missing or unwritable
folder, a folder where a file is wanted, an empty name or ``-`` ends the command with one
line and exit status 2 before any game is played, not with a traceback once results are
ready. ``-`` is refused rather than read as standard output because not every such option
can print (``batch`` writes Parquet) and those that could would mix their file into the
tables printed there. A command that reads a scenario also refuses to write over it
(``not_the_scenario_or_exit``).

A standard output that takes no more (``> /dev/full``, a full disk) ends the command with
one line, exit status 2 as for an output file that cannot be written; a pipe whose reader
has gone (``| head``) ends it quietly with status 1, as Rich and Typer do.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console

from sim.io import write_atomic, write_problem
from sim.scenario.loading import ScenarioError, scenario_files


@contextmanager
def _printing() -> Iterator[None]:
    """Print to standard output; if it takes no more, one line on stderr and exit status 2.

    Raises:
        typer.Exit: With status 2, after saying why, if standard output cannot be written.
    """
    try:
        yield
    except BrokenPipeError:
        raise  # the reader has gone (`| head`): Typer ends the command quietly
    except OSError as error:
        # What is left in the stream's buffer goes nowhere, or Python fails on it again as
        # it exits, with a message of its own.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        err.print(f"cannot write to standard output: {error.strerror}", markup=False)
        raise typer.Exit(2) from None


@contextmanager
def printing_help() -> Iterator[None]:
    """Run a command line that only prints Typer's help (``--help``, or no arguments) as
    any output is printed (``_printing``): Typer writes the help with a console of its own,
    outside the command, so a standard output that takes no more reaches the caller.

    Raises:
        SystemExit: With status 2, after saying why, if standard output cannot be written.
    """
    try:
        with _printing():
            yield
    except typer.Exit as done:
        raise SystemExit(done.exit_code) from None


class _Stdout(Console):
    """The console of results: each print goes through ``_printing``."""

    def __exit__(self, *exc_info: object) -> None:
        # Every print writes and flushes as it leaves the console's buffer, here; Rich ends
        # the command itself on a broken pipe.
        with _printing():
            super().__exit__(*exc_info)


out = _Stdout(highlight=False, markup=False, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)


@contextmanager
def progress(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """Show on stderr how far a command is through ``total`` games; yields ``advance(n)``.

    On a terminal it is a bar that goes when the work is done. Anywhere else (a log, CI,
    ``2> file``) a bar would draw nothing, so a line is printed each tenth of the way
    instead: a long run that prints nothing for minutes looks hung.

    Args:
        label: What is being played, e.g. ``playing`` or ``all-AI games``.
        total: How many games in all.
    """
    if err.is_terminal:
        from rich.progress import Progress

        with Progress(transient=True, console=err) as bar:
            task = bar.add_task(label, total=total)
            yield lambda n: bar.advance(task, n)
        return
    yield tenths(label, total)


def tenths(label: str, total: int, done: int = 0) -> Callable[[int], None]:
    """``advance(n)`` for progress off a terminal: a line on stderr each tenth of the way
    through ``total`` games (``done`` of them already played)."""
    shown = 10 * done // max(total, 1)

    def advance(n: int) -> None:
        nonlocal done, shown
        done += n
        tenth = 10 * done // max(total, 1)
        if tenth > shown:
            shown = tenth
            err.print(f"{label}: {done:,} of {total:,} games", markup=False)

    return advance


def write_or_print(text: str, path: Path | None) -> None:
    """Print ``text`` as it is, or write it to ``path`` (exit status 2 if that fails).

    Args:
        text: What to print or write, with its own final newline.
        path: The file to write, or None to print.
    """
    if path is None:
        with _printing():
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


def not_the_scenario_or_exit(path: Path | None, scenario: str) -> None:
    """Refuse to write over the scenario a command reads, or a file it extends: one line
    and exit status 2.

    An option's parser sees only its own value, not the scenario argument, so each command
    that reads a scenario and writes a file calls this itself, before it loads the scenario.
    The same file by another name (relative, through a link) is the same file.

    Args:
        path: The file the command is to write, or None if it writes none.
        scenario: The scenario argument: a file or a bundled scenario's name.

    Raises:
        typer.Exit: With status 2, after saying so, if ``path`` is one of those files.
    """
    if path is None or not path.exists():
        return
    try:
        files = scenario_files(scenario)
    except ScenarioError:  # not a scenario: loading it says so
        return
    for n, file in enumerate(files):
        if os.path.samefile(path, file):
            what = "the scenario being read" if n == 0 else "a scenario the one being read extends"
            err.print(f"cannot write {str(path)!r}: it is {what}", markup=False)
            raise typer.Exit(2)


def _writable_or_exit(value: str, *, folder: bool) -> Path:
    # The text as typed: Path("") is Path("."), so an empty name is caught before it is one.
    if not value:
        problem = "the name is empty"
    elif value == "-":
        problem = f"it is not standard output here; name a {'folder' if folder else 'file'}"
    else:
        problem = write_problem(Path(value), folder=folder)
    if problem is not None:
        err.print(f"cannot write {value!r}: {problem}", markup=False)
        raise typer.Exit(2)
    return Path(value)
