"""Text from scenarios, saves, files and players, shown as it was written.

Titles, names, units, news, file names, typed paths and the errors that quote them are
data. Textual reads markup in every plain string it is handed (a ``Label``, a ``Static``,
an ``Option``, a ``Select`` prompt, a tooltip, a toast): ``[/bold]`` in a party's name
would raise ``MarkupError``, ``[@click=app.quit]x[/]`` would make a button that quits the
game and ``[link=…]`` a hyperlink. So the screens never hand Textual such a string: they
hand it ``as_written(text)``, a ``rich.text.Text`` that is the text and nothing else (a
``Text`` rather than a Textual ``Content``: a ``Select`` searches its prompts only when
they are strings or ``Text``), and toasts go through ``TrilateralApp.notify``, which reads
no markup. The widgets that draw with Rich build ``Text`` with ``append``, which reads no
markup either. Neither reads emoji codes: ``:x:`` stays ``:x:``. Control characters are
dropped, as the scenario loader refuses them: a file name or an error quoting a file can
still carry one.
"""

from __future__ import annotations

from rich.text import Text

from sim.scenario.text import without_controls


def as_written(text: str, style: str = "") -> Text:
    """``text`` as Textual shows it: every character as written, in ``style`` if given.

    Args:
        text: Text from a scenario, a save, a file name or a player.
        style: A style for all of it (e.g. ``"bold red"``), never read from ``text``.
    """
    return Text(without_controls(text), style=style)
