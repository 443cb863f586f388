"""Commands that need the ``batch`` extra say so, in one line, when it is not installed.

Parquet (pyarrow), Dask, SciPy, SALib and matplotlib are an optional extra,
``trilateral[batch]``: a classroom installation plays without them. A command that needs
some of them checks before it imports anything, so a missing package is one line and
exit status 2 instead of a traceback from deep inside the batch machinery.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib.util import find_spec

import typer

from sim.cli.output import err

INSTALL = "pip install 'trilateral[batch]'"
"""How to install the extra, as the message prints it."""


def require_batch_extra(command: str, modules: Iterable[str]) -> None:
    """Exit with status 2 and one line naming what is missing, unless all ``modules`` are there.

    Args:
        command: The command's name, as typed after ``trilateral``.
        modules: The top-level modules of the extra that the command imports.

    Raises:
        typer.Exit: With status 2, after printing the line, if a module cannot be found.
    """
    # find_spec looks a module up without importing it, so the check costs nothing.
    missing = [name for name in modules if find_spec(name) is None]
    if missing:
        err.print(
            f"trilateral {command} needs the batch extra: {INSTALL} "
            f"(missing: {', '.join(missing)})",
            markup=False,
        )
        raise typer.Exit(2)
