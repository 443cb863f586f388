"""The Textual app of ``trilateral play``: start, briefing, table, debrief.

README.md, "Playing in class", describes the game as a class meets it.

The app owns the flow between screens and the one thing every screen shares: the
``Game`` in play and which team has the keyboard. Screens get the game handed down and
post what happened up as messages (a scenario chosen, a team's turn, the game over, a
new game wanted), which the app handles here; the engine runs in worker threads so the
screen never freezes.

In hot-seat play the app is the privacy officer: before any screen that shows a team's
private numbers it asks whether that team is the one at the keyboard, and if not it
drops the curtain (``Curtain``) until the right team says it is ready.

Every change of the game saves it. If the save fails (the saves folder removed, made a
file or unwritable mid-game), the change has still happened: the engine moved. So the app
says so and where, and play goes on in memory; every later change, and quitting, writes the
whole game again, so freeing the folder loses nothing, and the command line says when the
game ended unsaved (``save_problem``).

While a game is on screen its objects are frozen out of the cycle collector's reach
(``gc.freeze``), so a full collection never walks them on a keypress; they are handed
back to the collector when the class starts over, so a finished game is freed.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Iterable
from pathlib import Path
from random import Random
from typing import TYPE_CHECKING, ClassVar

from rich.markdown import Markdown
from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.screen import Screen

from sim.classroom.saves import GameSetup, SaveError, save_name, saves_dir
from sim.io import write_problem
from sim.scenario.models import Scenario
from sim.scenario.text import without_controls
from tui.dialogs.help import HelpDialog
from tui.screens.briefing import BriefingScreen
from tui.screens.curtain import Curtain
from tui.screens.start import StartChoice, StartScreen

if TYPE_CHECKING:  # it imports the engine, which loads in a thread once a game starts
    from tui.screens.table import TableScreen

# markdown-it's link encoder (mdurl) registers a shared table on first use before filling
# it, with no lock: Markdown read on two threads at once can meet it empty (IndexError, seen
# in the test suite). The screens read Markdown on the app's thread; it is filled here,
# once, before any worker thread starts.
Markdown("[.](.)")


class TrilateralApp(App[Path | None]):
    """Classroom play of a trilateral negotiation in the terminal.

    The app's return value is the path of the save, so the command line can tell the
    class how to continue.
    """

    TITLE = "trilateral"
    CSS_PATH: ClassVar[list[str]] = ["app.tcss", "dialogs/dialogs.tcss"]
    """The dialogs' styles load with the app's: loading them when the first dialog opens
    restyled every screen, on a keypress."""
    SCREENS: ClassVar[dict] = {"help": HelpDialog}
    """Screens built once and kept: the help opens again without being rebuilt."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1,question_mark", "help", "Help", key_display="?"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(
        self,
        choice: StartChoice | None = None,
        scenario: Scenario | None = None,
        resume: Path | None = None,
        local_dir: Path | None = None,
    ) -> None:
        """Open the start screen on ``choice``, or go straight to the briefing when the
        choice names the scenario and the human parties (``scenario`` already loaded), or
        continue the save ``resume``."""
        super().__init__()
        self.choice = choice or StartChoice()
        self.scenario = scenario
        self.resume_path = resume
        self.local_dir = local_dir or Path.cwd()
        self.game = None
        self.at_keyboard: str | None = None
        """The team that last saw its private numbers (hot-seat privacy)."""
        self.save_problem: str | None = None
        """Why the game's last save failed (its moves since are only in memory), or None."""

    def on_mount(self) -> None:
        if self.resume_path is not None:
            self.resume_game(self.resume_path)
        elif self.scenario is not None and self.choice.humans:
            self.open_game(self.choice.setup(), self.scenario)
        else:
            self.push_screen(StartScreen(self.choice, self.local_dir))

    # -- the flow between screens ---------------------------------------------------

    @work(exclusive=True, group="opening")
    async def open_game(self, setup: GameSetup, scenario: Scenario) -> None:
        """Brief each human team (behind the curtain in hot-seat), then open the table.

        The game is built in a thread while the teams read their briefings, which give
        the bottom lines it draws from its seed (``Rules.draw_rooms``, its first draws).
        """
        from sim.engine.rules import Rules

        building = asyncio.create_task(asyncio.to_thread(_start_game, setup, scenario))
        rules = Rules(scenario)
        rooms = rules.draw_rooms(Random(setup.seed))
        try:
            for party in setup.humans:
                await self.pass_keyboard(setup, party, scenario.party(party).name)
                await self.push_screen_wait(BriefingScreen.of(rules, party, rooms))
            game = await building
        except (ValueError, OSError) as error:
            problem = save_failure(saves_dir(), error) if isinstance(error, OSError) else str(error)
            self.notify(problem, title="Cannot start this game", severity="error")
            await self.replace_screen(StartScreen(self.choice, self.local_dir))
            return
        self.game = game
        await self.show_table()

    @work(exclusive=True, group="opening")
    async def resume_game(self, path: Path) -> None:
        """Rebuild a saved game by replaying its log, then open the table where it stopped."""
        from sim.classroom.game import Game

        try:
            self.game = await asyncio.to_thread(Game.resume, path)
        except SaveError as error:
            self.notify(str(error), title="Cannot resume", severity="error", timeout=15)
            await self.push_screen(StartScreen(self.choice, self.local_dir))
            return
        self.notify(f"Resumed {save_name(path)}", title="Welcome back")
        await self.show_table()

    async def change_game(self, change: Callable[[], object]) -> None:
        """Run ``change`` (a move, an intervention, an undo: it saves the game) in a thread.

        A save that fails is told, not raised: the change has happened all the same, and
        the game goes on in memory until a later save succeeds.

        Raises:
            InvalidMove: the change was refused; nothing changed.
        """
        try:
            await asyncio.to_thread(change)
        except OSError as error:
            self.save_problem = save_failure(self.game.save_path.parent, error)
            self.sub_title = "not saved"
            self.notify(
                f"{self.save_problem}. The move stands and play goes on; every move tries "
                "again. Free the folder before you quit, or the moves since the last save "
                "are lost.",
                title="Not saved",
                severity="error",
                timeout=30,
            )
            return None
        if self.save_problem is not None:
            self.save_problem = None
            self.sub_title = ""
            self.notify("Saved again: nothing is lost.", title="Saved")

    async def show_table(self) -> None:
        """The table while the game goes on, the debrief once it is over."""
        from tui.screens.debrief import DebriefScreen
        from tui.screens.table import TableScreen

        screen = DebriefScreen(self.game) if self.game.finished else TableScreen(self.game)
        await self.replace_screen(screen)
        # What exists now (the engine's modules, the compiled scenario, this game and its
        # screen) goes out of the cycle collector's reach while the game is on, so its full
        # collections walk only what play creates (they paused a keypress for ~90 ms
        # otherwise). ``on_debrief_screen_new_game`` hands it all back when the game is dropped.
        gc.freeze()

    async def replace_screen(self, screen: Screen) -> None:
        """Show ``screen`` in place of the current one (the app's blank base stays below)."""
        if len(self.screen_stack) > 1:
            await self.switch_screen(screen)
        else:
            await self.push_screen(screen)

    async def pass_keyboard(self, setup: GameSetup, party: str, name: str) -> None:
        """Make sure ``party``'s team is at the keyboard before it sees private numbers.

        Only in hot-seat play, and only when another team had the keyboard: must run in a
        worker, since it waits for the team to say it is ready.
        """
        if setup.hot_seat and self.at_keyboard != party:
            await self.push_screen_wait(Curtain(name))
        self.at_keyboard = party

    # -- what the screens post --------------------------------------------------------

    def on_start_screen_chosen(self, event: StartScreen.Chosen) -> None:
        """The class set up a game: brief the teams and open it."""
        self.choice = event.choice
        self.open_game(event.choice.setup(), event.scenario)

    @work
    async def on_table_screen_turn(self, event: TableScreen.Turn) -> None:
        """Seat the team whose turn it is, behind the curtain if another team had the
        keyboard, and hand the table its viewer."""
        setup, party = self.game.setup, event.party
        if setup.hot_seat and self.at_keyboard != party:
            event.table.viewer = None  # nothing private shows while the keyboard changes hands
        await self.pass_keyboard(setup, party, self.game.name(party))
        event.table.seat(party)

    async def on_table_screen_over(self) -> None:
        """The game is over: on to the debrief."""
        await self.show_table()

    async def on_debrief_screen_undone(self) -> None:
        """A move was taken back after the end: the game goes on at the table."""
        if self.game.setup.hot_seat:
            self.at_keyboard = None  # the debrief showed everyone everything: curtain first
        await self.show_table()

    async def on_debrief_screen_new_game(self) -> None:
        """Back to the start screen for a new game (the finished one stays saved)."""
        self.game = None
        self.at_keyboard = None
        await self.replace_screen(StartScreen(self.choice, self.local_dir))
        self.call_after_refresh(_free_dropped_game)

    # -- notices ----------------------------------------------------------------------

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Show a toast, as written: no toast of this app reads markup.

        A notice quotes names, paths and errors, which are data (``tui.written``), and
        every screen's ``notify`` comes here, asking for markup by default; so ``markup`` is
        taken and not used.
        """
        super().notify(
            without_controls(message),
            title=without_controls(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    # -- help and the command palette -----------------------------------------------

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpDialog):
            self.push_screen("help")

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette offers the current screen's game commands before the app's own."""
        commands = getattr(screen, "game_commands", None)
        if commands is not None:
            yield from commands()
        yield SystemCommand("Help", "Keys and how to play", self.action_help)
        yield from super().get_system_commands(screen)

    def exit_with_save(self) -> None:
        """Quit, handing the save's path to the command line; a game whose last save
        failed is saved once more first (``save_problem`` stays set if that fails too)."""
        if self.game is not None and self.save_problem is not None:
            try:
                self.game.save()
            except OSError as error:
                self.save_problem = save_failure(self.game.save_path.parent, error)
            else:
                self.save_problem = None
        self.exit(self.game.save_path if self.game is not None else None)

    async def action_quit(self) -> None:
        self.exit_with_save()


def save_failure(folder: Path, error: OSError) -> str:
    """That a save in ``folder`` failed, and why in a few words: what is wrong with the
    folder, if anything is, else the system's words."""
    problem = write_problem(folder, folder=True) or str(error.strerror or error)
    if not problem.startswith(str(folder)):
        problem = f"{folder} {problem}" if problem.startswith("is ") else f"{folder}: {problem}"
    return f"The game could not be saved: {problem}"


def _free_dropped_game() -> None:
    """Hand what ``show_table`` froze back to the cycle collector, and free the dropped game.

    A full collection of everything (~0.1 s), run once the start screen is drawn.
    """
    gc.unfreeze()
    gc.collect()


def _start_game(setup: GameSetup, scenario: Scenario):
    """Build a new game; importing the engine (Mesa, pandas) here keeps it off the UI loop."""
    from sim.classroom.game import Game

    return Game.start(setup, scenario)
