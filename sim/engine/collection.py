"""Recording the game round by round with Mesa's DataCollector, without its overheads."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from collections.abc import Callable

    from sim.engine.model import NegotiationModel


class RoundCollector(mesa.DataCollector):
    """Mesa's DataCollector, recording rows as they come and filing them into columns
    when someone reads them.

    Mesa deep-copies every reporter's value in case it is a mutable object that changes
    later, and appends each value to its column at once. Every value here is a number, a
    string, None or a package tuple, which never change, so a row is kept as it is
    (one append per row) and split into Mesa's columns — ``model_vars`` and ``tables``,
    read exactly as Mesa's — only on reading: a game writes some eighty rows, and a
    batch reads them once at the end.
    """

    def __init__(self, model_reporters: dict[str, Callable], tables: dict[str, list[str]]) -> None:
        """Set up the columns in one go (Mesa registers them one call at a time, and a
        collector is built for every game of a batch)."""
        super().__init__()
        self.model_reporters = dict(model_reporters)
        self._model_vars = {name: [] for name in model_reporters}
        self._tables = {name: {c: [] for c in columns} for name, columns in tables.items()}
        self._rounds: list[list] = []
        self._rows: dict[str, list[tuple]] = {name: [] for name in tables}

    @property
    def model_vars(self) -> dict[str, list]:
        """Column → its value at the start and after each round, as in Mesa."""
        _file(self._rounds, self._model_vars)
        return self._model_vars

    @model_vars.setter
    def model_vars(self, columns: dict[str, list]) -> None:
        self._model_vars = columns

    @property
    def tables(self) -> dict[str, dict[str, list]]:
        """Table → column → values, as in Mesa."""
        for name, rows in self._rows.items():
            _file(rows, self._tables[name])
        return self._tables

    @tables.setter
    def tables(self, tables: dict[str, dict[str, list]]) -> None:
        self._tables = tables

    def collect(self, model: NegotiationModel) -> None:
        """Record one row of model variables, all computed in one pass by the rules.

        ``Rules.round_row`` gives the same values as the reporters, in their order (a
        test checks this); calling each reporter would cost a call per column per round.
        """
        self._rounds.append(model.rules.round_row(model))

    def add_row(self, table_name: str, *values) -> None:
        """Append a row given as values in the table's column order (the hot path's way)."""
        self._rows[table_name].append(values)


def _file(rows: list, columns: dict[str, list]) -> None:
    """Move rows waiting to be read into their columns."""
    if rows:
        for column, values in zip(columns.values(), zip(*rows, strict=True), strict=True):
            column.extend(values)
        rows.clear()
