"""The debrief: each deal against no deal, the bottom lines and the Nash solution; scores;
the timeline; for every party, what both sides' latest offers were worth to it by round;
the scenario's questions for the class, if it has any; export for the class to take home.

The game is over, so every number is revealed here, to every team.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown, Static, TabbedContent, TabPane

from sim.classroom.debriefing import outcome_markdown, questions_markdown, timeline
from sim.classroom.game import Game
from sim.classroom.views import offer_lines
from sim.engine.moves import InvalidMove
from sim.results.briefing import possessive
from tui.widgets.chart import UtilityChart


class DebriefScreen(Screen[None]):
    """The results of a finished game, for the whole class."""

    CSS_PATH = "debrief.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "export", "Export"),
        Binding("u", "undo", "Undo last move"),
        Binding("n", "new_game", "New game"),
        Binding("1", "tab('outcome')", "Outcome", show=False),
        Binding("2", "tab('timeline')", "Timeline", show=False),
        Binding("3", "tab('chart')", "Chart", show=False),
        Binding("4", "tab('questions')", "Questions", show=False),
    ]

    class Undone(Message):
        """Posted when the last human move was taken back: the game goes on at the table."""

    class NewGame(Message):
        """Posted when the class asks for a new game: the app returns to the start screen."""

    def __init__(self, game: Game) -> None:
        super().__init__()
        self.game = game

    def compose(self) -> ComposeResult:
        game = self.game
        yield Header()
        with TabbedContent(id="debrief", initial="outcome"):
            with TabPane("1 Outcome", id="outcome"), VerticalScroll(id="outcome-scroll"):
                # The pages quote the scenario's text: a link written in it opens nothing.
                yield Markdown(outcome_markdown(game), open_links=False)
            with TabPane("2 Timeline", id="timeline"), VerticalScroll(id="timeline-scroll"):
                yield Static(Text("\n".join(timeline(game))), id="timeline-text")
            with TabPane("3 Chart", id="chart"), VerticalScroll(id="chart-scroll"):
                for party in game.model.countries:
                    for lines in offer_lines(game, party):
                        chart = UtilityChart(classes="offers")
                        chart.rounds, chart.named, chart.tracks = game.model.rounds, True, (lines,)
                        yield chart
            questions = questions_markdown(game)
            if questions:
                with TabPane("4 Questions", id="questions"), VerticalScroll(id="questions-scroll"):
                    yield Markdown(questions, open_links=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = f"Debrief — {self.game.scenario.title}"
        self.query_one("#outcome-scroll").focus()

    def action_tab(self, tab: str) -> None:
        tabs = self.query_one(TabbedContent)
        if not tabs.query(f"#{tab}"):  # a scenario without questions has no Questions page
            return
        tabs.active = tab
        scroll = self.query(f"#{tab}-scroll")
        if scroll:
            scroll.first().focus()

    def action_export(self) -> None:
        from tui.dialogs.export import ExportDialog

        stem = Path(self.game.setup.source).stem or "game"
        default = Path.cwd() / f"trilateral-{stem}-seed{self.game.setup.seed}"
        self.app.push_screen(ExportDialog(default), self._export)

    def _export(self, folder: Path | None) -> None:
        if folder is not None:
            self.export(folder)

    @work(exclusive=True, group="export")
    async def export(self, folder: Path) -> None:
        """Write the files in a thread: matplotlib takes a moment to start."""
        from sim.classroom.export import export_game

        self.notify(f"Exporting to {folder}…")
        try:
            written = await asyncio.to_thread(export_game, self.game, folder)
        except OSError as error:
            self.notify(f"Cannot export: {error}", severity="error", timeout=10)
            return
        names = ", ".join(p.name for p in written)
        self.notify(f"Wrote {names} to {folder}", title="Exported", timeout=10)

    def action_undo(self) -> None:
        """Ask, then take back the last human move and return to the table."""
        from tui.dialogs.confirm import ConfirmDialog

        try:
            move = self.game.undoing().move
        except InvalidMove as error:
            self.notify(str(error), severity="warning")
            return
        team = self.game.name(move.party)
        question = (
            f"Take back {possessive(team)} last move ({move.kind} in round {move.round})? "
            "The game goes back to the table, and this result is gone."
        )
        self.app.push_screen(
            ConfirmDialog(f"Undo {possessive(team)} last move", question, yes="Take it back"),
            lambda yes: yes and self.undo(),
        )

    @work(exclusive=True, group="engine")
    async def undo(self) -> None:
        """Take back the last human move in a thread, then return to the table."""
        await self.app.change_game(self.game.undo)
        self.post_message(self.Undone())

    def action_new_game(self) -> None:
        self.post_message(self.NewGame())

    def game_commands(self) -> Iterable[SystemCommand]:
        """The debrief's commands by name, for the command palette."""
        yield SystemCommand("Export the transcript", "Markdown, JSON and PNG", self.action_export)
        yield SystemCommand("Undo the last move", "Back to the table", self.action_undo)
        yield SystemCommand("New game", "Back to the start screen", self.action_new_game)
