"""The briefing: one team's confidential role sheet, before the talks and on request."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.markdown import Markdown
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from sim.results.briefing import role_sheet

if TYPE_CHECKING:
    from sim.engine.rules import Rules


class BriefingScreen(Screen[None]):
    """A team reads its role sheet; Enter (or Escape) when it is ready to negotiate.

    The sheet comes from ``sim.results.briefing`` (in a networked class, by way of the
    server's welcome), so what a team is told is decided by the engine's rules of privacy,
    not by the screen.
    """

    CSS_PATH = "briefing.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,escape", "ready", "Ready", key_display="⏎"),
        Binding("down,j", "scroll('down')", "Scroll", show=False),
        Binding("up,k", "scroll('up')", "Scroll up", show=False),
        Binding("pagedown,space", "scroll('page_down')", "Page down", show=False),
        Binding("pageup", "scroll('page_up')", "Page up", show=False),
    ]

    def __init__(self, name: str, sheet: str) -> None:
        """``name``: the team's party; ``sheet``: its role sheet as Markdown."""
        super().__init__()
        self.party_name = name
        self.sheet = sheet

    @classmethod
    def of(cls, rules: Rules, party: str, rooms: dict[str, int]) -> BriefingScreen:
        """The briefing of ``party`` in a local game; ``rooms``: the game's draw of the
        parties' bottom lines (``Rules.draw_rooms``), so the sheet gives this game's."""
        return cls(rules.parties[party].name, role_sheet(rules, party, rooms))

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="sheet"):
            # Rich draws the sheet as one widget; Textual's Markdown widget builds one per
            # paragraph and table cell, which took half a second before the class saw it.
            # The sheet quotes the scenario's text: a link written in it is no hyperlink.
            yield Static(Markdown(self.sheet, hyperlinks=False), id="role-sheet")
        yield Footer()

    def on_mount(self) -> None:
        self.title = f"{self.party_name} — confidential briefing"
        self.query_one("#sheet").focus()

    def action_scroll(self, where: str) -> None:
        sheet = self.query_one("#sheet", VerticalScroll)
        getattr(sheet, f"scroll_{where}")(animate=False)

    def action_ready(self) -> None:
        self.dismiss()
