"""The Textual app of ``trilateral join``: one team's screens, driven by the class server.

The app owns the connection (``sim.network.client.Link``) and the table as the server last
showed it (``RemoteTable``). It takes the team's seat with its code, shows the briefing the
server sent, then the table; every message from the server updates the table and the
screen on show, and the table's end brings the debrief. A dropped connection is said on
screen and the seat taken again with the same code, so the team finds its table as it
was; moves made meanwhile were never sent. A code the server refuses, or a server that
cannot be reached, ends the app with the reason in ``problem`` for the command line to say;
without a code (a browser's page), the app asks for one and asks again after a refusal.
The teacher's code opens the teacher's console instead (``tui.console``).
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from sim.network.client import JoinError, Link, RemoteTable
from sim.scenario.text import without_controls
from tui.console import Console
from tui.screens.briefing import BriefingScreen
from tui.screens.code import CodeScreen
from tui.screens.remote import RemoteDebriefScreen, RemoteTableScreen, Send, clock_text


class JoinApp(App[None]):
    """One team at a table of a networked class."""

    TITLE = "trilateral"
    CSS_PATH: ClassVar[list[str]] = ["app.tcss", "dialogs/dialogs.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(self, url: str, code: str | None = None) -> None:
        super().__init__()
        self.asking = code is None
        """Whether the team types its code here (and may try again) rather than on the
        command line."""
        self.link = Link(url, code or "")
        self.table: RemoteTable | None = None
        self.problem: str | None = None
        """Why the team could not take its seat (the app has ended), or None."""
        self.briefed = False
        """Whether the team has read its briefing and come to the table."""
        self.teacher: Console | None = None
        """The teacher's console, when the code is the teacher's."""

    def on_mount(self) -> None:
        self.follow()
        self.set_interval(1.0, self.tick)

    def tick(self) -> None:
        """Count down the pending decision's time, on every screen (in the header)."""
        left = None if self.table is None else self.table.seconds_left()
        self.sub_title = "" if left is None else f"{clock_text(left)} left"
        self._table_screen(lambda screen: screen.show_turn())

    @work(exclusive=True, group="link")
    async def follow(self) -> None:
        """Take the seat, then follow the table until the app ends."""
        try:
            welcome = await self._seat()
            if welcome["seat"]["teacher"]:
                self.teacher = Console(self, welcome)
                await self.teacher.start()
                async for message in self.link.messages(self._dropped):
                    self.teacher.receive(message)
                return
            self.table = RemoteTable(welcome)
            await self.push_screen(
                BriefingScreen(self.table.name, self.table.briefing), self._briefed
            )
            self.tick()
            async for message in self.link.messages(self._dropped):
                self.receive(message)
        except JoinError as error:
            await self.link.close()
            self.problem = str(error)
            self.exit(return_code=2)

    async def _seat(self) -> dict:
        """Take the seat with the code given, or with one asked for until one seats the
        team; the server's welcome."""
        problem = None
        while True:
            if self.asking:
                self.link.code = await self.push_screen_wait(CodeScreen(problem))
            try:
                return await self.link.join()
            except JoinError as error:
                if not self.asking:
                    raise
                problem = str(error)

    async def _briefed(self, _: None = None) -> None:
        self.briefed = True
        await self.show_table()

    async def show_table(self) -> None:
        """The table while the game goes on (dialogs over it stay), the debrief once it is
        over (in place of the table and whatever was over it)."""
        table = self.table
        tables = [s for s in self.screen_stack if isinstance(s, RemoteTableScreen)]
        if table.finished:
            if isinstance(self.screen, RemoteDebriefScreen):
                return
            while len(self.screen_stack) > 2:
                await self.pop_screen()
            await self.replace_screen(RemoteDebriefScreen(table))
        elif tables:
            tables[0].show_table()
        else:
            await self.replace_screen(RemoteTableScreen(table))

    async def replace_screen(self, screen: Screen) -> None:
        """Show ``screen`` in place of the current one (the app's blank base stays below)."""
        if len(self.screen_stack) > 1:
            await self.switch_screen(screen)
        else:
            await self.push_screen(screen)

    def receive(self, message: dict) -> None:
        """A message from the server: a view (or a new welcome) updates the table."""
        kind = message["type"]
        if kind in ("view", "welcome"):
            view = message["view"] if kind == "view" else message["views"][str(self.table.number)]
            played = len(self.table.view["timed"])
            self.table.update(view)
            for entry in view["timed"][played:]:
                self.notify(self.table.timed_text(entry), title="Time was up", timeout=10)
            if kind == "welcome":
                self.notify("Back at the table.", title="Reconnected")
                self._table_screen(lambda screen: setattr(screen, "offline", False))
            if self.briefed:
                self.call_later(self.show_table)
        elif kind == "refused":
            reason = message["reason"]
            self._table_screen(lambda screen: screen.refused(reason))
            self.notify(reason, title="Not done", severity="warning")

    def _table_screen(self, do) -> None:
        """Do something to the table screen, if it is on show (or under a dialog)."""
        for screen in self.screen_stack:
            if isinstance(screen, RemoteTableScreen):
                do(screen)

    def _dropped(self, why: str) -> None:
        self.notify(f"{why}: taking your seat again…", title="Connection lost", severity="error")
        if self.teacher is not None:
            self.teacher.dropped()
        self._table_screen(lambda screen: setattr(screen, "offline", True))

    async def on_send(self, event: Send) -> None:
        await self.link.send(event.message)

    def notify(self, message: str, **kwargs) -> None:
        """A toast as written: it quotes the server's words, which are data."""
        kwargs["markup"] = False
        super().notify(without_controls(message), **kwargs)

    async def action_quit(self) -> None:
        await self.link.close()
        self.exit()
