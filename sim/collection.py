"""Recording the game round by round with Mesa's DataCollector, without its overheads."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from sim.model import NegotiationModel


class RoundCollector(mesa.DataCollector):
    """Mesa's DataCollector without the defensive deep copy of each reported value.

    Mesa deep-copies every reporter's value in case it is a mutable object that changes
    later; every reporter here returns a number, a string or None, so the copy only costs
    time (about a third of a game's run time). Rows are added without checks because the
    model always gives every column.
    """

    def collect(self, model: NegotiationModel) -> None:
        """Record one row of model variables, all computed in one pass by the rules.

        ``Rules.round_row`` gives the same values as the reporters, in their order (a
        test checks this); calling each reporter would cost a call per column per round.
        """
        for column, value in zip(
            self.model_vars.values(), model.rules.round_row(model), strict=True
        ):
            column.append(value)

    def add_table_row(self, table_name: str, row: dict, ignore_missing: bool = False) -> None:
        """Append a row whose columns the model always gives in full (no checks needed)."""
        table = self.tables[table_name]
        for column, value in row.items():
            table[column].append(value)
