"""Screens that hide the table: the hot-seat privacy curtain and the facilitator's pause.

Both are full screens, not modal dialogs: a modal lets the screen beneath show through,
and the point of a curtain is that the next team sees nothing of the last team's numbers.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Footer, Static


class Curtain(Screen[None]):
    """Pass the keyboard to TEAM: nothing private shows until that team presses Enter."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "ready", "We are ready", key_display="⏎")
    ]

    def __init__(self, team: str) -> None:
        super().__init__(classes="curtain")
        self.team = team

    def compose(self) -> ComposeResult:
        with Middle(), Center():
            text = Text.assemble(
                "Pass the keyboard to ", (self.team, "bold"), "\n\npress Enter when ready"
            )
            yield Static(text, id="curtain-text")
        yield Footer()

    def on_mount(self) -> None:
        self.title = f"Pass the keyboard to {self.team}"

    def action_ready(self) -> None:
        self.dismiss()


class Pause(Screen[None]):
    """The facilitator paused the game: the table is hidden until the game resumes."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("p", "resume", "Resume the game")]
    """Only the key the screen names: Enter passes a curtain, and a team pressing it to see
    the table must not end the facilitator's pause."""

    def __init__(self) -> None:
        super().__init__(classes="curtain")

    def compose(self) -> ComposeResult:
        with Middle(), Center():
            text = "[b]Paused by the facilitator[/b]\n\nthe facilitator presses [b]p[/b] to resume"
            yield Static(text, id="curtain-text")
        yield Footer()

    def action_resume(self) -> None:
        self.dismiss()
