"""The page that asks a team for its code: how a browser joins a class.

A student who opens the class's web page (``trilateral host --web``) has typed no command,
so the client asks for the code the teacher handed out; a code the server refuses is said
here and asked for again, since closing would leave the student a dead page.
``trilateral join URL`` without a code asks the same way in a terminal.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Center, Middle, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static


class CodeScreen(Screen[str]):
    """Ask for the team's join code; dismissed with the code as typed."""

    def __init__(self, problem: str | None = None) -> None:
        super().__init__(classes="curtain")
        self.problem = problem
        """Why the last code did not seat the team, said above the field."""

    def compose(self) -> ComposeResult:
        with Middle(), Center(), Vertical(id="code-form"):
            yield Static(
                Text.assemble(
                    ("Join your table", "bold"),
                    "\n\nType your team's code from the teacher's sheet, then press Enter.",
                ),
                id="code-text",
            )
            yield Static(Text(self.problem or "", style="bold red"), id="code-problem")
            yield Input(placeholder="e.g. ABCDE-FGHIJ", id="code", max_length=40)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Join a class"
        self.query_one("#code", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        code = event.value.strip()
        if code:
            self.dismiss(code)
