"""Recording the game round by round with Mesa's DataCollector, without its overheads."""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from sim.model import NegotiationModel


class RoundCollector(mesa.DataCollector):
    """Mesa's DataCollector without the defensive deep copy of each reported value.

    Mesa deep-copies every reporter's value in case it is a mutable object that changes
    later; every reporter here returns a number, a string or None, so the copy only costs
    time (about a third of a game's run time). ``add_row`` adds a table row without
    checks because the model always gives every column, in the order the table declares.
    """

    def __init__(self, model_reporters: dict[str, Callable], tables: dict[str, list[str]]) -> None:
        """Set up the columns in one go (Mesa registers them one call at a time, and a
        collector is built for every game of a batch)."""
        super().__init__()
        self.model_reporters = dict(model_reporters)
        self.model_vars = {name: [] for name in model_reporters}
        self.tables = {name: {column: [] for column in columns} for name, columns in tables.items()}
        self._columns = {name: tuple(table.values()) for name, table in self.tables.items()}

    def collect(self, model: NegotiationModel) -> None:
        """Record one row of model variables, all computed in one pass by the rules.

        ``Rules.round_row`` gives the same values as the reporters, in their order (a
        test checks this); calling each reporter would cost a call per column per round.
        """
        _append_each(self.model_vars.values(), model.rules.round_row(model))

    def add_row(self, table_name: str, *values) -> None:
        """Append a row given as values in the table's column order (the hot path's way)."""
        _append_each(self._columns[table_name], values)


def _append_each(columns: Iterable[list], values: Iterable) -> None:
    """Append each value to its column, the loop running in C (it runs every round)."""
    deque(map(list.append, columns, values), maxlen=0)
