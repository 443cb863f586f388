"""Who sits in each party's chair: a human team, or an AI with a chosen strategy."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Grid
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Label, Select

from tui.written import as_written

HUMAN = "human"
"""The seat value of a party played by people."""


@dataclass(frozen=True, slots=True)
class Chair:
    """A party as the start screen offers it."""

    id: str
    name: str
    strategy: str
    """The AI strategy the scenario gives the party."""


class Seats(Widget):
    """One row per party: a human team or an AI strategy."""

    chairs: reactive[tuple[Chair, ...]] = reactive((), recompose=True)
    """The parties of the chosen scenario."""

    def __init__(self, strategies: list[str], humans: tuple[str, ...] = (), id: str | None = None):
        super().__init__(id=id)
        self.strategies = strategies
        self.humans = humans
        """Parties to seat people in when the rows are first built (from ``--as``)."""

    def compose(self) -> ComposeResult:
        with Grid(id="seats"):
            for chair in self.chairs:
                yield Label(as_written(chair.name), classes="party")
                options = [(as_written("Human team"), HUMAN)] + [
                    (as_written(f"AI: {name}{' (scenario)' * (name == chair.strategy)}"), name)
                    for name in self.strategies
                ]
                yield Select(
                    options,
                    value=HUMAN if chair.id in self.humans else chair.strategy,
                    allow_blank=False,
                    compact=True,
                    id=f"seat-{chair.id}",
                )

    @property
    def seated(self) -> dict[str, str]:
        """Party id → ``human`` or the AI strategy chosen."""
        return {
            chair.id: str(self.query_one(f"#seat-{chair.id}", Select).value)
            for chair in self.chairs
        }
