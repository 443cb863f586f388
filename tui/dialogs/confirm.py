"""A yes/no question before a move that cannot be taken back lightly."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from tui.written import as_written


class ConfirmDialog(ModalScreen[bool]):
    """Asks a question; dismisses with True for yes (y, Enter) and False for no (n, Escape)."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(
        self, title: str, question: str, yes: str = "Yes", no: str = "No", curtain: bool = False
    ) -> None:
        """Ask ``question``; with ``curtain``, the screen beneath is hidden, for a question
        to another team than the one whose numbers it shows."""
        super().__init__(classes="curtain" if curtain else None)
        self.heading = title
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(as_written(self.heading), classes="dialog-title")
            yield Static(as_written(self.question), id="question")
            with Horizontal(classes="buttons"):
                yield Button(f"{self.yes} (y)", id="yes", variant="warning", compact=True)
                yield Button(f"{self.no} (n)", id="no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
