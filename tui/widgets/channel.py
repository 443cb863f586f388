"""The allies' channel: what Japan's and Korea's teams said to each other, and a line to say.

In a networked class the two allies write free text to each other and answer the
consultation options (``docs/classroom.md``, "The allies' channel"); the server sends the
channel to the two allies only, so this widget is on their screens alone.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, Static

from sim.network.protocol import MAX_SAY
from sim.scenario.politics import OPTION_NAMES


def entry_text(entry: dict) -> Text:
    """One entry of the channel: a line said, or an answer to an option."""
    text = Text(f"R{entry['round']} ", style="dim")
    text.append(entry["name"], style="bold")
    if entry["kind"] == "say":
        text.append(f": {entry['text']}")
    else:
        option = OPTION_NAMES.get(entry["option"], entry["option"])
        text.append(f" {entry['says']} {option}", style="italic")
    return text


class AlliesChannel(Vertical):
    """The channel's entries, newest last, over a field to say a line (Enter sends it)."""

    DEFAULT_CSS = """
    AlliesChannel { height: 1fr; }
    AlliesChannel #heard { height: 1fr; }
    AlliesChannel #said { height: auto; }
    AlliesChannel Input { margin-top: 1; }
    """

    entries: reactive[tuple[dict, ...]] = reactive(())
    """The channel as the server sent it, oldest first."""

    class Said(Message):
        """The team wrote a line to send to its ally."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="heard"):
            yield Static(id="said")
        yield Input(
            placeholder="Write to your ally, Enter sends (Esc: back to the table)",
            max_length=MAX_SAY,
            compact=True,
            id="say",
        )

    def watch_entries(self, entries: tuple[dict, ...]) -> None:
        said = self.query_one("#said", Static)
        if not entries:
            said.update(Text("Nothing said yet: only your ally reads this channel.", "dim"))
        else:
            said.update(Text("\n").join(entry_text(entry) for entry in entries))
        self.query_one("#heard", VerticalScroll).scroll_end(animate=False)

    def focus_input(self) -> None:
        """Put the cursor in the field, to write a line: at once, not after the queued
        keys (``t`` and the line typed in one burst must all land in the field)."""
        self.screen.set_focus(self.query_one("#say", Input))

    @on(Input.Submitted, "#say")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if text:
            self.post_message(self.Said(text))
            event.input.clear()
