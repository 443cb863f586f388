"""The teacher's console screens: every table at a glance, and one table in full.

``ClassScreen`` lists every table — its round, each track's state and the package on the
table (issues by their short names), whose decision it waits for and the time left — and
Enter opens the highlighted table in ``TableInFull``: its tracks issue by issue, the
history, the news, alliance politics and the allies' channel, with the timer. On both,
the teacher's keys act on the table shown (or highlighted) and, with Shift, on every
table: ``f``/``F`` fire an event, announce a custom one or extend the deadline (the local
facilitator's dialog), ``p`` pauses or resumes, ``P``/``R`` pause and resume all, ``u``
undoes the table's last move. Undo and anything on every table are asked about first. A
refused act shows the server's reason. What the screens show is the teacher's view from
the server (``sim.network.client.ClassBoard``); the acts go through ``tui.console``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Header, Static

from sim.engine.moves import InvalidMove
from sim.network.client import history, news, politics
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.facilitator import FacilitatorDialog, event_label
from tui.screens.remote import clock_text
from tui.widgets.channel import entry_text
from tui.widgets.feed import MoveHistory, NewsFeed
from tui.widgets.footer import KeyFooter
from tui.widgets.politics import PoliticsPanel
from tui.written import as_written

if TYPE_CHECKING:
    from tui.console import Console

WIDE = 140
"""From this many columns the table in full has two columns of panes."""


class ConsoleScreen(Screen):
    """What both console screens share: the teacher's acts on a table or on all."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "facilitate(False)", "Event"),
        Binding("F", "facilitate(True)", "Event at all"),
        Binding("p", "pause", "Pause"),
        Binding("p", "resume", "Resume"),
        Binding("P", "everywhere('pause')", "Pause all"),
        Binding("R", "everywhere('resume')", "Resume all"),
        Binding("u", "undo", "Undo"),
        Binding("question_mark", "help", "Help"),
    ]

    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console
        self.board = console.board

    @property
    def table(self) -> int | None:
        """The table the keys act on (None: there is none)."""
        raise NotImplementedError

    def show(self) -> None:
        """Show the board as it now is (a view came)."""

    def on_mount(self) -> None:
        # Textual calls every class's on_mount, a subclass's first: its widgets are set up.
        self.title = f"Teacher's console: {self.board.title}"
        self.set_interval(1.0, self.show)
        self.show()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        view = None if self.table is None else self.board.views[self.table]
        if action == "undo":
            # A finished table too: a move that ended it by mistake (an accept pressed
            # twice) is the one a teacher most needs to take back.
            return view is not None
        if action in ("pause", "resume"):
            # One key, named for what it does: resume on a paused table, pause on another.
            playing = view is not None and not view["finished"]
            return playing and view["paused"] == (action == "resume")
        if action == "facilitate" and parameters != (True,):
            return view is not None and not view["finished"]
        return True

    def action_help(self) -> None:
        self.app.push_screen(ConsoleHelp())

    def _done(self, what: str) -> None:
        self.notify(what, title="Done")
        self.show()

    def _refused(self, reason: str) -> None:
        self.notify(reason, title="Not done", severity="warning", markup=False)

    def action_facilitate(self, everywhere: bool) -> None:
        table = None if everywhere else self.table
        where = "every table" if table is None else f"table {table}"
        news = [] if table is None else self.board.views[table]["news"]
        events = [
            (
                e["id"],
                event_label(
                    e["name"],
                    e["round"],
                    e["probability"],
                    [n["round"] for n in news if n["headline"] == e["name"]],
                ),
            )
            for e in self.board.events
        ]

        async def carry_out(act) -> None:
            if table is None and act.kind != "extend":
                asked = ConfirmDialog(
                    "At every table",
                    f"{_act_words(act, self.board.events)} at every table? It cannot be undone.",
                )
                if not await self.app.push_screen_wait(asked):
                    raise InvalidMove("not done: nothing was sent")
            await self.console.intervene(table, act)

        def done(act) -> None:
            if act is not None:
                self._done(f"{_act_words(act, self.board.events)} at {where}.")

        title = f"The teacher at {where}"
        self.app.push_screen(FacilitatorDialog(events, carry_out, title), done)

    def action_pause(self) -> None:
        self._pause_or_resume("pause")

    def action_resume(self) -> None:
        self._pause_or_resume("resume")

    @work(group="act")
    async def _pause_or_resume(self, kind: str) -> None:
        table = self.table
        try:
            await self.console.act(table, kind)
        except InvalidMove as error:
            self._refused(str(error))
            return
        self._done(f"Table {table} {'resumes' if kind == 'resume' else 'is paused'}.")

    @work(group="act")
    async def action_everywhere(self, kind: str) -> None:
        verb = "Pause" if kind == "pause" else "Resume"
        asked = ConfirmDialog(f"{verb} all", f"{verb} every table?")
        if not await self.app.push_screen_wait(asked):
            return
        problems = await self.console.act_all(kind)
        if problems:
            self._refused("; ".join(problems))
        else:
            self._done(f"Every table {'is paused' if kind == 'pause' else 'resumes'}.")

    @work(group="act")
    async def action_undo(self) -> None:
        table = self.table
        last = next((e for e in reversed(self.board.views[table]["history"])), None)
        said = "" if last is None else f" ({last['who']} {last['what']}, round {last['round']})"
        asked = ConfirmDialog(
            "Undo", f"Take back the last move at table {table}{said}?", yes="Undo", no="Keep it"
        )
        if not await self.app.push_screen_wait(asked):
            return
        try:
            await self.console.act(table, "undo")
        except InvalidMove as error:
            self._refused(str(error))
            return
        self._done(f"The last move at table {table} is taken back.")


class ClassScreen(ConsoleScreen):
    """Every table at a glance; Enter opens the highlighted one."""

    DEFAULT_CSS = """
    ClassScreen #class-state { height: auto; padding: 0 1; }
    ClassScreen #tables { height: 1fr; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="class-state")
        yield DataTable(id="tables", cursor_type="row", zebra_stripes=True)
        yield KeyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#tables", DataTable).focus()

    def on_resize(self) -> None:
        self.show()

    @property
    def table(self) -> int | None:
        grid = self.query_one("#tables", DataTable)
        if not grid.row_count:
            return None
        return int(grid.coordinate_to_cell_key(grid.cursor_coordinate).row_key.value)

    def show(self) -> None:
        """Every table's row, the highlighted one kept."""
        grid = self.query_one("#tables", DataTable)
        board = self.board
        cursor = grid.cursor_row
        widths = self._widths()
        if widths != [column.width for column in grid.ordered_columns]:
            grid.clear(columns=True)
            first = board.views[board.tables[0]]
            labels = [
                "Table",
                "Round",
                *(t["name"] for t in first["tracks"]),
                "Waiting for",
                "Left",
            ]
            for label, width in zip(labels, widths, strict=True):
                grid.add_column(label, width=width)
        grid.clear()
        for number in board.tables:
            grid.add_row(*self._row(number, widths[2]), key=str(number), height=None)
        if grid.row_count:
            grid.move_cursor(row=min(cursor, grid.row_count - 1))
        states = [board.state(n) for n in board.tables]
        counts = ", ".join(f"{states.count(s)} {s}" for s in ("playing", "paused", "over"))
        self.query_one("#class-state", Static).update(
            Text.assemble(
                (f"{len(states)} tables: {counts}", "bold"),
                "  ·  Enter opens a table, ? help",
            )
        )
        self.refresh_bindings()

    def _widths(self) -> list[int]:
        """Each column's width: the tracks share what the others leave, so that every
        column is on screen and a long package wraps instead (as the history's does)."""
        tracks = len(self.board.views[self.board.tables[0]]["tracks"])
        grid = self.query_one("#tables", DataTable)
        width = grid.size.width or self.size.width or 80
        fixed = [5, 5, 16, 5]
        room = width - grid.styles.scrollbar_size_vertical - 2 * grid.cell_padding * (4 + tracks)
        each = max(12, (room - sum(fixed)) // tracks)
        return [*fixed[:2], *[each] * tracks, *fixed[2:]]

    def _row(self, number: int, width: int) -> list[Text]:
        """A table's row, each track's package in lines of ``width`` columns."""
        board, view = self.board, self.board.views[number]
        left = board.seconds_left(number)
        waiting = board.waiting_for(number)
        if view["paused"]:
            waiting = f"PAUSED · {waiting}"
        return [
            Text(str(number), style="bold"),
            Text(f"{view['round']}/{view['deadline']}"),
            *(_track_cell(track, width) for track in view["tracks"]),
            Text(waiting, style="bold yellow" if view["paused"] else ""),
            Text("" if left is None else clock_text(left)),
        ]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(TableInFull(self.console, int(event.row_key.value)))


class TableInFull(ConsoleScreen):
    """One table in full: its tracks issue by issue, the history, the news, politics and
    the allies' channel, with the timer; Escape goes back to the class."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        *ConsoleScreen.BINDINGS,
    ]
    DEFAULT_CSS = """
    TableInFull #state { height: auto; padding: 0 1; }
    TableInFull #body { height: 1fr; }
    TableInFull .pane { height: auto; border: round $primary 50%; padding: 0 1; }
    TableInFull MoveHistory { height: auto; max-height: 24; }
    TableInFull #body > Vertical { height: auto; }
    TableInFull.-narrow #body { layout: vertical; height: auto; }
    TableInFull.-wide #body > Vertical { width: 1fr; }
    """
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [
        (0, "-narrow"),
        (WIDE, "-wide"),
    ]

    def __init__(self, console: Console, number: int) -> None:
        super().__init__(console)
        self.number = number

    @property
    def table(self) -> int | None:
        return self.number

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="state")
        with VerticalScroll(id="scroll"), Horizontal(id="body"):
            with Vertical():
                yield Static(id="tracks", classes="pane")
                yield MoveHistory(id="history", classes="pane")
            with Vertical():
                yield Static(id="channel", classes="pane")
                yield PoliticsPanel(id="politics", classes="pane")
                yield NewsFeed(id="feed", classes="pane")
        yield KeyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        titles = {
            "tracks": "Tracks: the package on the table",
            "history": "History",
            "channel": "Allies' channel",
            "politics": "Politics",
            "feed": "News",
        }
        for pane, title in titles.items():
            self.query_one(f"#{pane}").border_title = title
        self.sub_title = f"table {self.number}"
        self.query_one("#scroll").focus()  # the arrow keys and Page Up/Down scroll the page

    def show(self) -> None:
        board, view = self.board, self.board.views[self.number]
        left = board.seconds_left(self.number)
        state = Text(f"Table {self.number} · Round {view['round']} of {view['deadline']} · ")
        if view["paused"]:
            state.append("PAUSED · ", style="bold yellow")
        state.append(f"waiting for {board.waiting_for(self.number)}", style="bold")
        if left is not None:
            state.append(f" · ⏱ {clock_text(left)} left", style="bold")
        self.query_one("#state", Static).update(state)
        self.query_one("#tracks", Static).update(_tracks(view))
        if self.query_one(MoveHistory).entries != (entries := history(view)):
            self.query_one(MoveHistory).entries = entries
        channel = view["channel"]
        said = self.query_one("#channel", Static)
        said.display = channel is not None
        if not channel:
            said.update(Text("Nothing said yet.", style="dim"))
        else:
            said.update(Text("\n").join(entry_text(entry) for entry in channel))
        self.query_one(PoliticsPanel).state = politics(view)
        self.query_one(NewsFeed).items = news(view)
        self.refresh_bindings()

    def action_back(self) -> None:
        self.dismiss()


class ConsoleHelp(ModalScreen[None]):
    """The console's keys in one page; Escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "close", "Close")]
    KEYS = (
        ("↑ ↓, Enter", "pick a table and open it in full (Esc: back to the class)"),
        ("f", "fire a scenario event, announce a custom one or extend the deadline"),
        ("F", "the same at every table (asks first)"),
        ("p", "pause the table, or resume it (its teams cannot move; the clock stops)"),
        ("P / R", "pause / resume every table (asks first)"),
        ("u", "undo the table's last move (asks first), also at a table that is over"),
        ("Ctrl+Q", "quit the console (the class goes on)"),
        ("Esc", "close this help"),
    )

    def compose(self) -> ComposeResult:
        keys = Table.grid(padding=(0, 2))
        for key, what in self.KEYS:
            keys.add_row(Text(key, style="bold"), what)
        with VerticalScroll(classes="dialog help"):
            yield Static(Text("The teacher's console", style="bold"))
            yield Static(keys)

    def action_close(self) -> None:
        self.dismiss()


def _track_cell(track: dict, width: int) -> Text:
    """A track at a glance: its state and the package on the table (or the deal), issue by
    issue by short name, in lines of ``width`` columns broken only between two issues (so
    that "autos tariff 10" never reads as "autos" over "tariff 10")."""
    status = track["status"].split(":")[0]
    text = Text(status, style="bold" if track["open"] else "dim")
    terms = track["terms"]
    shown = "deal" if any(t["deal"] is not None for t in terms) else "on_table"
    lines: list[str] = []
    for term in (f"{t['short']} {t[shown]}" for t in terms if t[shown] is not None):
        # Room for the " ·" that ends a line the package goes on from.
        if lines and cell_len(f"{lines[-1]} · {term} ·") <= width:
            lines[-1] = f"{lines[-1]} · {term}"
        else:
            lines.append(term)
    if lines:
        text.append("\n" + " ·\n".join(lines))
    return text


def _tracks(view: dict) -> Table:
    """Every track of a table, issue by issue: the package on the table and the deal."""
    grid = Table(box=None, pad_edge=False, expand=True, show_header=True)
    grid.add_column("Issue", ratio=3)
    grid.add_column("On the table", justify="right", ratio=1)
    grid.add_column("Deal", justify="right", ratio=1)
    for track in view["tracks"]:
        grid.add_row(Text(f"{track['name']}: {track['status']}", style="bold"), "", "")
        for term in track["terms"]:
            unit = f" ({term['unit']})" if term["unit"] else ""
            grid.add_row(
                as_written(f"  {term['name']}{unit}"),
                term["on_table"] or "—",
                term["deal"] or "—",
            )
    return grid


def _act_words(act, events: list[dict]) -> str:
    """An intervention in a few words, for a question or a notice."""
    if act.kind == "fire":
        name = next((e["name"] for e in events if e["id"] == act.event), act.event)
        return f"Fire “{name}”"
    if act.kind == "custom":
        return "Announce the custom event"
    return f"Extend the deadline by {act.rounds} rounds"
