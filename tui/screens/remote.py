"""A networked table as one team sees it: the table, then the debrief, of ``trilateral join``.

The local table screen (``tui.screens.table``) reads a ``Game`` it owns and plays it in a
thread; here the game lives on the class server, and all the client has is the server's
last view of it (``sim.network.client.RemoteTable``). So these are screens of their own,
built from the local screen's widgets — the package composer, the meters, alliance
politics, the news and the history, fed the same plain data — and the same layout and
keys: 1–5 switch panes on a narrow terminal, ``a``/``c``/``^s``/``w`` answer, ``m``
signals (on the team's decision) or answers in the allies' channel (at any time), ``b``
opens the briefing. A move goes to the server (``Send``) and the table waits for the view
that answers it. There are no facilitator keys: events, pause and undo are the teacher's
(``tui.console``); while the teacher has paused the table, it says so and takes no move.
Japan's and Korea's teams also see the allies' channel (pane 5, ``t`` to write).

What is not here, because the view does not carry it: the chart of what each side's
offers were worth round by round, and the worth of a draft before it is sent (the
valuations stay on the server); a counter-offer's worth shows once the other side
answers it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Static, Tab, Tabs

from sim.classroom.summary import Summary
from sim.classroom.views import read_value
from sim.engine.moves import Move
from sim.network.client import RemoteTable
from tui.screens.table import WIDE, desk_and_gauges
from tui.widgets.channel import AlliesChannel
from tui.widgets.composer import Desk, PackageComposer, TrackWatch
from tui.widgets.feed import MoveHistory, NewsFeed, RoundSummary, SummaryKeys
from tui.widgets.footer import KeyFooter
from tui.widgets.meters import Meters, utility_text
from tui.widgets.politics import PoliticsPanel

TABS = {"desk": "Table", "gauges": "Meters", "news": "News", "moves": "History", "allies": "Allies"}
"""Each pane's tab, in the order of the keys 1–5 (the allies' channel for Japan and Korea)."""
TITLES = {**TABS, "allies": "Allies' channel (t to write)"}
"""Each pane's title on its border."""


def clock_text(seconds: float) -> str:
    """Seconds left as a clock reads: ``1:05``."""
    whole = int(seconds + 0.999)
    return f"{whole // 60}:{whole % 60:02d}"


class Send(Message):
    """A message for the class server (a move, a line said, a consultation answer)."""

    def __init__(self, message: dict) -> None:
        super().__init__()
        self.message = message


class RemoteTableScreen(SummaryKeys, Screen[None]):
    """The negotiating table of one team in a networked class."""

    CSS_PATH: ClassVar[list[str]] = ["table.tcss", "remote.tcss"]
    AUTO_FOCUS = ""
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [
        (0, "-narrow"),
        (WIDE, "-wide"),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "accept", "Accept"),
        # A priority key, as on the local table (TableScreen): ``c20`` in one burst puts the
        # cursor in the first field before ``2`` is read; in a field it gives way to it.
        Binding("c", "counter", "Counter", priority=True),
        Binding("enter", "edit", "Edit offer", show=False),
        Binding("ctrl+s", "send", "Send"),
        Binding("w", "walk", "Walk away"),
        Binding("m", "politics", "Signal"),
        Binding("t", "talk", "Allies", priority=True),  # so is ``t``: ``tHello`` in a burst
        Binding("b", "briefing", "Brief"),
        Binding("r", "reset", "Reset offer", show=False),
        Binding("escape", "leave", "Back", show=False),
        *[Binding(str(n), f"show({n})", show=False) for n in range(1, 6)],
    ]

    busy: reactive[bool] = reactive(False, init=False)
    """Whether a move is on its way to the server: no other move until its answer comes."""
    offline: reactive[bool] = reactive(False, init=False)
    """Whether the connection dropped (the client is taking its seat again)."""
    pane: reactive[str] = reactive("desk", init=False)
    problem: reactive[str] = reactive("", init=False)
    """Why the server refused the last move; cleared by the next edit or view."""

    def __init__(self, table: RemoteTable) -> None:
        super().__init__()
        self.table = table
        self.allied = table.channel is not None
        self.summaries: tuple[Summary, ...] = ()
        """The round summaries the team has been shown, kept for its news pane."""
        self.decided: tuple | None = None
        """The decision the summary was last shown for: a new one shows what happened."""
        self.panes = ("desk", "gauges", "news", "moves") + (("allies",) if self.allied else ())

    def compose(self) -> ComposeResult:
        yield Header()
        yield Tabs(
            *(Tab(f"{n} {TABS[p]}", id=f"tab-{p}") for n, p in enumerate(self.panes, 1)),
            id="panes",
        )
        with Horizontal(id="body", classes="" if self.allied else "-solo"):
            yield from desk_and_gauges(watch=True)
            # In the wide grid's order: the channel beside the desk and the news below it;
            # without a channel, the news beside the desk and the history across the foot.
            if self.allied:
                with Vertical(id="allies", classes="pane"):
                    yield AlliesChannel(id="channel")
            else:
                yield from self._news()
            with Vertical(id="moves", classes="pane"):
                yield MoveHistory(id="history")
            if self.allied:
                yield from self._news()
        yield KeyFooter(compact=True, show_command_palette=False)

    def _news(self) -> ComposeResult:
        with VerticalScroll(id="news", classes="pane"):
            yield NewsFeed(id="feed")

    def on_mount(self) -> None:
        self.title = f"{self.table.name}, table {self.table.number}"
        for pane in self.panes:
            self.query_one(f"#{pane}").border_title = TITLES[pane]
        self.watch(self.query_one(PackageComposer), "draft", self._draft_changed, init=False)
        self.watch_pane()
        self.show_table()

    # -- data down --------------------------------------------------------------------

    @property
    def composed(self) -> bool:
        """Whether the widgets exist (not while the screen is being built or torn down)."""
        return bool(self.query("#turn"))

    def show_table(self) -> None:
        """Hand every widget the server's latest view (a new view: the move was answered)."""
        table = self.table
        self.busy = False
        meters = self.query_one(Meters)
        meters.round, meters.rounds = table.round, table.deadline
        meters.tracks = table.meters()
        self.query_one(PoliticsPanel).state = table.politics()
        self.query_one(NewsFeed).items = table.news()
        self.query_one(MoveHistory).entries = table.history()
        if self.allied:
            self.query_one(AlliesChannel).entries = tuple(table.channel or ())
        decision = table.decision
        composer = self.query_one(PackageComposer)
        composer.display = decision is not None
        for button in self.query("#actions Button"):
            button.display = decision is not None
        watch = self.query_one(TrackWatch)
        watch.display = decision is None
        if decision is None:
            composer.desk = None
            self.query_one(RoundSummary).summary = None  # it was the decision's: now made
            watch.tracks = tuple(
                (f"{meter.name} · {meter.status}", table.rows(meter.id))
                for meter in meters.tracks
                if meter.seated
            )
        else:
            self.query_one("#accept", Button).display = decision.kind == "respond"
            self.query_one("#send", Button).label = (
                "Counter (^s)" if decision.kind == "respond" else "Propose (^s)"
            )
            key = (table.party, decision.track, decision.kind, decision.round)
            composer.desk = Desk(key, table.rows(decision.track))
            if key != self.decided:
                self.decided = key
                self.summarise()
        self.show_turn()
        self.show_preview()
        self.refresh_bindings()

    def summarise(self) -> None:
        """Show the team what happened since its last move, and keep it in its news."""
        seen = self.table.summary()
        self.query_one(RoundSummary).summary = seen
        if seen is not None and not seen.empty and seen not in self.summaries[-1:]:
            self.summaries = (*self.summaries, seen)
            self.query_one(NewsFeed).summaries = self.summaries

    def watch_busy(self) -> None:
        self.show_turn()
        self.refresh_bindings()

    def watch_offline(self) -> None:
        self.show_turn()
        self.refresh_bindings()

    def watch_problem(self) -> None:
        self.show_preview()

    def watch_pane(self) -> None:
        self.show_panes()
        tabs = self.query_one(Tabs)
        with tabs.prevent(Tabs.TabActivated):
            tabs.active = f"tab-{self.pane}"

    def on_resize(self) -> None:
        self.show_panes()

    def show_panes(self) -> None:
        wide = self.size.width >= WIDE
        for name in self.panes:
            self.query_one(f"#{name}").display = wide or name == self.pane

    def show_turn(self) -> None:
        """Whose decision it is, and the time left for it (the app calls it every second)."""
        if not self.composed:
            return
        table, turn = self.table, self.query_one("#turn", Static)
        left = table.seconds_left()
        clock = Text("" if left is None else f"⏱ {clock_text(left)} left · ", style="bold")
        text = Text()
        if self.offline:
            text.append("Connection lost: taking your seat again…", style="bold red")
        elif self.busy:
            text.append("Sent: waiting for the server…", style="italic")
        elif table.paused:
            text.append("Paused by the teacher: the table resumes when the teacher says", "bold")
        elif table.decision is None:
            waiting = table.waiting_for
            text.append_text(clock)
            if waiting:
                text.append(f"Round {table.round} of {table.deadline} · ", style="bold")
                text.append(f"Waiting for {waiting}…", style="italic")
            else:
                text.append("Waiting for every team to join…", style="italic")
        else:
            text.append_text(clock)
            text.append_text(self._decision_text())
        turn.update(text)

    def _decision_text(self) -> Text:
        table, decision = self.table, self.table.decision
        track = table.track(decision.track)
        text = Text()
        text.append(f"{track['name']} · Round {decision.round} of {table.deadline} · ", "bold")
        if decision.kind == "respond":
            other = next(p for p in track["parties"] if p != table.party)
            text.append(f"{table.names[other]} offers; {table.name} to answer: ")
            for key, what in (("a", " accept, "), ("c", " counter, "), ("w", " walk away")):
                text.append(key, style="bold reverse")
                text.append(what)
        else:
            text.append(f"{table.name} to propose: ")
            text.append("c", style="bold reverse")
            text.append(" build your offer, ")
            text.append("^s", style="bold reverse")
            text.append(" send")
        return text

    def show_preview(self) -> None:
        """The offer on the table's worth to the team, and the draft's problems in red."""
        if not self.composed:
            return
        preview = self.query_one("#preview", Static)
        decision = self.table.decision
        if decision is None or self.query_one(PackageComposer).desk is None:
            preview.update("")
            return
        text = Text()
        if self.problem:
            text.append(f"✗ {self.problem}\n", style="bold red")
        _, problems = self.draft()
        if problems:
            text.append("\n".join(f"✗ {p}" for p in problems.values()), style="red")
            preview.update(text)
            return
        worth = self.table.track(decision.track)["worth"]
        if worth["offer"] is not None:
            good = worth["offer"] >= max(worth["no_deal"], worth["floor"])
            text.append("The offer on the table is worth ")
            text.append(utility_text(worth["offer"]), style="bold green" if good else "bold red")
            text.append(" to you · ")
        text.append(f"no deal {utility_text(worth['no_deal'])}")
        text.append(f" · your floor {utility_text(worth['floor'])}")
        preview.update(text)

    def draft(self) -> tuple[dict, dict[str, str]]:
        """The composer's fields read as a package, and each field's problem."""
        composer = self.query_one(PackageComposer)
        values, problems = {}, {}
        texts = composer.texts
        for row in composer.desk.rows if composer.desk is not None else ():
            value, problem = read_value(row.space, texts.get(row.space.id, ""))
            if problem:
                problems[row.space.id] = problem
            else:
                values[row.space.id] = value
        return values, problems

    # -- the team's moves -------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("counter", "talk") and isinstance(self.focused, Input):
            return False  # priority keys: in a field, or in the channel's line, the key is its
        if action == "show":
            return parameters[0] <= len(self.panes)
        if action == "talk":
            return self.allied
        if action in ("briefing", "leave"):
            return True
        decision = self.table.decision
        ready = not (self.busy or self.offline or self.table.paused) and decision is not None
        if action == "accept":
            return decision is not None and decision.kind == "respond" and (ready or None)
        if action == "politics":  # a signal answers a decision; a channel answer needs none
            state = self.table.politics()
            if ready:
                return state.has_moves
            return (not self.offline and state.allied and bool(state.options)) or None
        if action in ("counter", "send", "walk", "reset"):
            return ready or None
        return True

    def send(self, message: dict) -> None:
        """A move to the server; the table waits for its answer."""
        self.busy = True
        self.problem = ""
        self.post_message(Send(message))

    def refused(self, reason: str) -> None:
        """The server refused the move: say why, and take moves again."""
        self.busy = False
        self.problem = reason

    def action_accept(self) -> None:
        """Accept the offer on the table, after asking if it crosses the team's lines.

        An ``a`` that finds a new decision's summary on screen only puts it away: on the
        team's own screen the next decision can come in between two presses (a US team
        that accepted Japan's offer is next asked about Korea's), and no team should
        accept an offer it has not seen. The next ``a`` accepts."""
        if self.unread:
            self.unread = False
            return
        if not self.check_action("accept", ()):
            return
        move = self.table.move("accept")
        warnings = self.table.warnings(self.table.decision.track)
        if not warnings:
            self.send(move)
            return
        from tui.dialogs.confirm import ConfirmDialog

        question = "Accept this offer anyway?\n\n" + "\n".join(f"⚠ {w}" for w in warnings)
        self.app.push_screen(
            ConfirmDialog("Accept the offer", question, yes="Accept"),
            lambda yes: yes and self.send(move),
        )

    def action_counter(self) -> None:
        if self.check_action("counter", ()):
            self.query_one(RoundSummary).summary = None  # ``c`` is a priority key: on_key misses it
            self.pane = "desk"
            self.query_one(PackageComposer).focus_first()

    @on(Button.Pressed, "#send")
    def action_send(self) -> None:
        if not self.check_action("send", ()):
            return
        package, problems = self.draft()
        if problems:
            self.problem = "fix the fields marked in red first"
            return
        kind = "propose" if self.table.decision.kind == "propose" else "reject"
        self.set_focus(None)
        self.send(self.table.move(kind, package))

    @on(Button.Pressed, "#accept")
    def _accept_pressed(self) -> None:
        self.action_accept()

    @on(Button.Pressed, "#walk")
    def action_walk(self) -> None:
        if not self.check_action("walk", ()):
            return
        from tui.dialogs.confirm import ConfirmDialog

        track = self.table.track(self.table.decision.track)
        question = (
            f"Walk away from {track['name']}? The talks end without a deal for good; "
            f"no deal is worth {utility_text(track['worth']['no_deal'])} to you."
        )
        move = self.table.move("walk")
        self.app.push_screen(
            ConfirmDialog("Walk away", question, yes="Walk away"),
            lambda yes: yes and self.send(move),
        )

    def action_politics(self) -> None:
        if not self.check_action("politics", ()):
            return
        from tui.dialogs.politics import PoliticsDialog

        table, decision = self.table, self.table.decision
        state = table.politics()
        if decision is None or self.busy:
            state = replace(state, signals=())
            template = Move(table.party, "", "consult", None, table.round)
        else:
            template = Move(table.party, decision.track, "signal", None, decision.round)

        def chosen(move: Move | None) -> None:
            if move is None:
                return
            if move.kind == "consult":
                self.post_message(Send(self.table.consult(**move.package)))
            else:
                self.send(self.table.move("signal", move.package))

        self.app.push_screen(PoliticsDialog(state, template, undoable=False), chosen)

    def action_talk(self) -> None:
        if self.allied:
            self.pane = "allies"
            self.query_one(AlliesChannel).focus_input()

    def action_leave(self) -> None:
        """Esc leaves the field being typed in; from the allies' channel it goes back to the
        table too, as the channel's field says (on a narrow screen the panes are tabs)."""
        if self.focused is not None and self.focused.id == "say":
            self.pane = "desk"
        self.set_focus(None)

    def action_reset(self) -> None:
        self.query_one(PackageComposer).reset()

    def action_briefing(self) -> None:
        from tui.screens.briefing import BriefingScreen

        self.app.push_screen(BriefingScreen(self.table.name, self.table.briefing))

    def action_show(self, n: int) -> None:
        if n <= len(self.panes):
            self.pane = self.panes[n - 1]

    @on(Tabs.TabActivated, "#panes")
    def _tab(self, event: Tabs.TabActivated) -> None:
        self.pane = event.tab.id.removeprefix("tab-")

    @on(AlliesChannel.Said)
    def _said(self, event: AlliesChannel.Said) -> None:
        self.post_message(Send(self.table.say(event.text)))

    @on(PackageComposer.Leave)
    def _leave(self) -> None:
        self.set_focus(None)

    def _draft_changed(self) -> None:
        self.problem = ""
        self.show_preview()


class RemoteDebriefScreen(Screen[None]):
    """The table's end, for a team in a networked class: every party's score, how each
    track ended, and the history.

    The local debrief reveals every number of the game (it is the class's own); here only
    what the server sends once the table is over: the scores, which the class compares,
    while the bottom lines and utilities behind them stay on the server. The teacher's
    ``trilateral class`` debrief has the rest.
    """

    CSS_PATH = "remote.tcss"

    def __init__(self, table: RemoteTable) -> None:
        super().__init__()
        self.table = table

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="results"):
            yield Static(self._scores(), id="scores")
            yield Static(self._tracks(), id="outcome")
            yield MoveHistory(id="history")
        yield Footer()

    def on_mount(self) -> None:
        self.title = f"Debrief — {self.table.name}, table {self.table.number}"
        self.query_one(MoveHistory).entries = self.table.history()
        self.query_one("#results").focus()

    def _scores(self) -> Table:
        scores = Table(title="Scores", title_style="bold", expand=False)
        for column in ("Party", "Score", "Terms alone", "Bottom lines"):
            scores.add_column(column, justify="left" if column == "Party" else "right")
        for result in self.table.results or ():
            mine = result["party"] == self.table.party
            scores.add_row(
                Text(result["name"] + (" (you)" if mine else ""), style="bold" if mine else ""),
                f"{result['score']:.1f}",
                f"{result['undiscounted']:.1f}",
                "kept" if result["bottom_lines_kept"] else "broken",
            )
        return scores

    def _tracks(self) -> Text:
        text = Text("\n")
        for meter in self.table.meters():
            text.append(meter.name, style="bold")
            text.append(f": {meter.status}\n")
        text.append("A score is 0 for no deal and 100 for the best deal there was.", "dim")
        return text
