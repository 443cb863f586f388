"""Moves beyond the table: send a signal, or change your answer in the JP–KR channel.

Signals (threats, tied hands, outside options) and consultation answers are moves the
engine takes at any time during a team's turn without answering the offer; the dialog
only builds the move, and the table sends it like any other (logged, saved, undoable).
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from sim.classroom.politics import Politics
from sim.engine.moves import Move
from tui.written import as_written

SIGNAL_KINDS = {"threat": "Threat", "tie_hands": "Commitment", "outside_option": "Outside option"}


class PoliticsDialog(ModalScreen[Move | None]):
    """Pick a signal to send or a channel answer to change; Escape does nothing."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close")]

    def __init__(self, state: Politics, template: Move, undoable: bool = True) -> None:
        """``template`` carries the party, track and round the move is made in;
        ``undoable``: whether the team can take a move back (not in a networked class)."""
        super().__init__()
        self.state = state
        self.template = template
        self.undoable = undoable
        self.moves: dict[str, Move] = {}

    def compose(self) -> ComposeResult:
        options = []
        for n, (kind, ident, label) in enumerate(self.state.signals):
            key = f"signal-{n}"
            self.moves[key] = replace(
                self.template, kind="signal", package={"signal": kind, "id": ident}
            )
            options.append(Option(as_written(f"{SIGNAL_KINDS.get(kind, kind)}: {label}"), id=key))
        if self.state.allied:
            for option in self.state.options:
                key = f"consult-{option.id}"
                agree = not option.answer
                self.moves[key] = replace(
                    self.template, kind="consult", package={"option": option.id, "agree": agree}
                )
                verb = "Say yes to" if agree else "Withdraw from"
                prompt = as_written(f"{self.state.channel}: {verb} {option.name}")
                options.append(Option(prompt, id=key))
        with Vertical(classes="dialog"):
            yield Label("Signal or consult", classes="dialog-title")
            undo = " (but undo can)" if self.undoable else ""
            yield Static(
                f"A signal is public and cannot be taken back{undo}. A channel "
                "answer stands until you change it; an option takes effect at the start of "
                "a round when both allies say yes and trust is high enough.",
                classes="dialog-help",
            )
            yield OptionList(*options, id="choices", compact=True)

    def on_mount(self) -> None:
        self.query_one("#choices").focus()

    @on(OptionList.OptionSelected, "#choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.moves[event.option.id])

    def action_close(self) -> None:
        self.dismiss(None)
