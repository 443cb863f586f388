"""The teacher's console: ``trilateral join URL TEACHERCODE`` seats the teacher at every table.

The join app (``tui.join``) takes the seat; when the code is the teacher's, it hands the
welcome to a ``Console``, which keeps the class as the server last showed it
(``sim.network.client.ClassBoard``), shows it (``tui.screens.console``) and carries out the
teacher's acts: fire a scenario event or a custom one, extend the deadline, pause and
resume a table, undo its last move. Each act is an ``intervene`` message, one per table
(an act on every table is sent table by table, each on its own latest view); the console
waits for the server's answer to it, so a refusal is shown with the server's reason. After
a drop the join app takes the seat again with the same code, as for a team, and the
console carries on with the new welcome.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import TYPE_CHECKING

from sim.engine.moves import Intervention, InvalidMove
from sim.network.client import ClassBoard

if TYPE_CHECKING:
    from tui.join import JoinApp

ANSWER_TIMEOUT = 15.0
"""Seconds to wait for the server to answer an act before saying it did not."""


class Console:
    """The teacher's side of the join app: the class board, and the acts sent from it."""

    def __init__(self, app: JoinApp, welcome: dict) -> None:
        self.app = app
        self.board = ClassBoard(welcome)
        self.waiting: dict[str, asyncio.Future[dict]] = {}
        """The acts sent and not yet answered, by the ``id`` they were sent with."""
        self._ids = (f"act-{n}" for n in itertools.count(1))

    async def start(self) -> None:
        """Show the class at a glance."""
        from tui.screens.console import ClassScreen

        await self.app.push_screen(ClassScreen(self))

    def receive(self, message: dict) -> None:
        """A message from the server: a table's new view, a new welcome, or an answer."""
        kind = message["type"]
        if kind == "view":
            self.board.update(message["table"], message["view"])
        elif kind == "welcome":
            self.board.welcome(message)
            self.app.notify("Back at the class.", title="Reconnected")
        elif message.get("re") in self.waiting:
            self.waiting.pop(message["re"]).set_result(message)
            return
        elif kind == "refused":
            self.app.notify(message["reason"], title="Not done", severity="warning")
            return
        self.refresh()

    def refresh(self) -> None:
        """Every console screen shows the board as it now is."""
        from tui.screens.console import ConsoleScreen

        for screen in self.app.screen_stack:
            if isinstance(screen, ConsoleScreen):
                screen.show()

    def dropped(self) -> None:
        """The connection dropped: the acts in flight get no answer."""
        for future in self.waiting.values():
            future.set_result({"type": "refused", "reason": "the connection dropped"})
        self.waiting.clear()

    async def act(self, table: int, kind: str, **fields) -> None:
        """The teacher's act at one table, once the server has played it.

        Raises:
            InvalidMove: the server refused it (the message is its reason), or did not answer.
        """
        message = self.board.act(table, kind, **fields) | {"id": next(self._ids)}
        future = asyncio.get_running_loop().create_future()
        self.waiting[message["id"]] = future
        await self.app.link.send(message)
        try:
            reply = await asyncio.wait_for(future, ANSWER_TIMEOUT)
        except TimeoutError:
            self.waiting.pop(message["id"], None)
            raise InvalidMove("the server did not answer in time: look again") from None
        if reply["type"] == "refused":
            raise InvalidMove(reply["reason"])

    async def intervene(self, table: int | None, act: Intervention) -> None:
        """A facilitator's intervention at one table, or at every table (``table=None``).

        Raises:
            InvalidMove: a table refused it: every refusal, each with its table.
        """
        fields = {"event": act.event, "news": act.news, "effects": list(act.effects)}
        fields = {key: value for key, value in fields.items() if value}
        if act.rounds:
            fields["rounds"] = act.rounds
        if table is not None:
            await self.act(table, act.kind, **fields)
            return
        problems = await self.act_all(act.kind, **fields)
        if problems:
            raise InvalidMove("; ".join(problems))

    async def act_all(self, kind: str, **fields) -> list[str]:
        """The same act at every table whose game goes on (a pause only where the table is
        not paused, a resume only where it is), one table after another; the refusals,
        each with its table."""
        problems = []
        for number in self.board.tables:
            view = self.board.views[number]
            done = {"pause": view["paused"], "resume": not view["paused"]}.get(kind, False)
            if view["finished"] or done:  # nothing to do there: no refusal to show
                continue
            try:
                await self.act(number, kind, **fields)
            except InvalidMove as error:
                problems.append(f"table {number}: {error}")
        return problems
