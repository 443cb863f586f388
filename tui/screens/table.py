"""The table: where a team reads the offer, builds its answer and moves.

Layout follows the terminal: from 140 columns the package and composer sit beside the
meters, chart, news and history; on a smaller terminal one panel shows at a time and
the keys 1–5 (or the tabs) switch between them. Both layouts are one widget tree styled
two ways (``HORIZONTAL_BREAKPOINTS``), so resizing never rebuilds a widget or loses a
half-typed offer.

The screen keeps no game state of its own: after each change it reads the game through
``sim.classroom.views`` for the team at the keyboard (``viewer``) and hands each widget its data.
Every change goes to the engine in a worker thread; the screen shows that the AI is
playing and ignores moves until it is done. Then it posts whose turn it is (``Turn``) or
that the game is over (``Over``): the app seats the next team, behind the curtain in
hot-seat play, and hands the table its viewer (``seat``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Button, Header, Static, Tab, Tabs

from sim.classroom import record, views
from sim.classroom.game import Game
from sim.classroom.politics import politics
from sim.classroom.summary import Summary, summary
from sim.engine.moves import Intervention, InvalidMove, Move
from sim.results.briefing import possessive
from tui.widgets.chart import UtilityChart
from tui.widgets.composer import Desk, PackageComposer, TrackWatch
from tui.widgets.feed import MoveHistory, NewsFeed, RoundSummary, SummaryKeys
from tui.widgets.footer import KeyFooter
from tui.widgets.meters import Meters, utility_text
from tui.widgets.politics import PoliticsPanel

PANES = ("desk", "gauges", "graph", "news", "moves")
WIDE = 140
"""From this many columns every pane is on screen at once."""


def desk_and_gauges(watch: bool = False) -> ComposeResult:
    """The table's two first panes, the same at a local and at a networked table: the desk
    (the round summary, whose turn it is, the composer, the preview and the move buttons)
    and the gauges (the meters and alliance politics). A networked table, where a team
    waits while others decide, also shows the team's own tracks then (``watch``)."""
    with Vertical(id="desk", classes="pane"):
        yield RoundSummary(id="summary")
        yield Static(id="turn")
        with VerticalScroll(id="desk-scroll"):
            yield PackageComposer(id="composer")
            if watch:
                yield TrackWatch(id="watch")
        yield Static(id="preview")
        with Horizontal(id="actions"):
            yield Button("Accept (a)", id="accept", variant="success", compact=True)
            yield Button("Send offer (^s)", id="send", variant="primary", compact=True)
            yield Button("Walk away (w)", id="walk", variant="error", compact=True)
    with VerticalScroll(id="gauges", classes="pane"):
        yield Meters(id="meters")
        yield PoliticsPanel(id="politics")


class TableScreen(SummaryKeys, Screen[None]):
    """The negotiating table of one game, seen by the team whose turn it is."""

    CSS_PATH = "table.tcss"
    AUTO_FOCUS = ""
    """Nothing has the focus between edits: the one-letter keys act, panes switch freely."""
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [
        (0, "-narrow"),
        (WIDE, "-wide"),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "accept", "Accept"),
        # A priority binding runs as the app reads the key, before it reads the next: ``c20``
        # typed in one burst puts the cursor in the first field before ``2`` is read (a pane
        # key otherwise). In a field of the offer it gives way to the field (check_action).
        Binding("c", "counter", "Counter", priority=True),
        Binding("enter", "edit", "Edit offer", show=False),
        Binding("ctrl+s", "send", "Send"),
        Binding("w", "walk", "Walk away", key_display="w"),
        Binding("m", "politics", "Signal"),
        Binding("u", "undo", "Undo"),
        Binding("b", "briefing", "Brief"),
        Binding("r", "reset", "Reset offer", show=False),
        Binding("f", "facilitator", "Facilitator"),
        Binding("p", "pause", "Pause"),
        *[Binding(str(n + 1), f"show('{pane}')", show=False) for n, pane in enumerate(PANES)],
    ]

    viewer: reactive[str | None] = reactive(None)
    """The party whose team has the keyboard; None while the curtain is down."""
    busy: reactive[bool] = reactive(False)
    """Whether the engine is working (AI parties playing) in a worker, or the next team is
    being seated: the table takes no move until that team sees its decision."""
    pane: reactive[str] = reactive("desk")
    """The panel shown on a narrow terminal."""
    problem: reactive[str] = reactive("")
    """Why the last move was refused; shown under the composer, cleared by the next edit."""

    class Turn(Message):
        """Posted when a team must decide: the app seats it and calls ``seat``.

        Attributes:
            table: The table that posted it.
            party: The party whose team decides now.
        """

        def __init__(self, table: TableScreen, party: str) -> None:
            super().__init__()
            self.table = table
            self.party = party

    class Over(Message):
        """Posted when the game is over: the app moves on to the debrief."""

    def __init__(self, game: Game) -> None:
        super().__init__()
        self.game = game
        self.summaries: dict[str, tuple[Summary, ...]] = {}
        """Party → the round summaries its team has been shown, kept for its news pane."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Tabs(
            Tab("1 Table", id="tab-desk"),
            Tab("2 Meters", id="tab-gauges"),
            Tab("3 Chart", id="tab-graph"),
            Tab("4 News", id="tab-news"),
            Tab("5 History", id="tab-moves"),
            id="panes",
        )
        with Horizontal(id="body"):
            yield from desk_and_gauges()
            with Vertical(id="graph", classes="pane"):
                yield UtilityChart(id="chart")
            with Vertical(id="moves", classes="pane"):
                yield MoveHistory(id="history")
            with VerticalScroll(id="news", classes="pane"):
                yield NewsFeed(id="feed")
        yield KeyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.title = self.game.scenario.title
        titles = ("Table", "Meters", "Offers, worth to you", "News", "History")
        for pane, title in zip(PANES, titles, strict=True):
            self.query_one(f"#{pane}").border_title = title
        self.watch_pane(self.pane)
        self.watch(self.query_one(PackageComposer), "draft", self._draft_changed, init=False)
        self.follow()

    # -- data down --------------------------------------------------------------------

    def watch_viewer(self) -> None:
        self.show_game()

    def watch_busy(self) -> None:
        self.show_turn()
        self.refresh_bindings()

    def watch_problem(self, problem: str) -> None:
        self.show_preview()

    def watch_pane(self, pane: str) -> None:
        self.show_panes()
        tabs = self.query_one(Tabs)
        # The tabs follow the pane without saying so: an echoed ``TabActivated`` arrives
        # after any later key has moved the pane on, and two such echoes (keys typed in a
        # burst) would switch each other back for good.
        with tabs.prevent(Tabs.TabActivated):
            tabs.active = f"tab-{pane}"

    def on_resize(self) -> None:
        self.show_panes()

    def show_panes(self) -> None:
        """Every pane on a wide terminal, the chosen one on a narrow one.

        Set as each pane's ``display`` rather than by a CSS class: a class change restyles
        every widget inside the panes, which made switching take a third of a second.
        """
        wide = self.size.width >= WIDE
        for name in PANES:
            self.query_one(f"#{name}").display = wide or name == self.pane

    @property
    def composed(self) -> bool:
        """Whether the widgets exist (not while the screen is being built or torn down)."""
        return bool(self.query("#turn"))

    def show_game(self) -> None:
        """Hand every widget the game as the team at the keyboard may see it."""
        if not self.composed:
            return
        game, viewer = self.game, self.viewer
        model = game.model
        request = game.request
        meters = self.query_one(Meters)
        meters.round, meters.rounds = model.round, model.rounds
        meters.tracks = tuple(views.meters(game, viewer))
        self.query_one(PoliticsPanel).state = politics(game, viewer)
        self.query_one(NewsFeed).items = tuple(record.news(game))
        self.query_one(NewsFeed).summaries = self.summaries.get(viewer, ())
        if viewer is None:
            self.query_one(RoundSummary).summary = None
        self.query_one(MoveHistory).entries = tuple(record.history(game, viewer))
        chart = self.query_one(UtilityChart)
        chart.rounds = model.rounds
        chart.tracks = tuple(views.offer_lines(game, viewer)) if viewer else ()
        composer = self.query_one(PackageComposer)
        if viewer is not None and request is not None and request.party == viewer:
            decision = (request.party, request.track, request.kind, request.round)
            rows = tuple(views.issue_rows(game, viewer, request.track))
            composer.desk = Desk(decision, rows)
        else:
            composer.desk = None
        self.show_turn()
        self.show_preview()
        self.refresh_bindings()

    def show_turn(self) -> None:
        if not self.composed:
            return
        game, request = self.game, self.game.request
        turn = self.query_one("#turn", Static)
        if self.busy:
            turn.update(Text("The other parties are moving…", style="italic"))
            return
        if request is None or self.viewer is None:
            turn.update("")
            return
        track = game.rules.track[request.track]
        text = Text()
        # The track comes first: the US team plays two, and on a narrow terminal the desk
        # has no border to carry its name.
        text.append(f"{track.name} · Round {request.round} of {game.model.rounds} · ", style="bold")
        if request.kind == "respond":
            other = game.name(track.other(request.party))
            text.append(f"{other} offers; {game.name(request.party)} to answer: ")
            text.append("a", style="bold reverse")
            text.append(" accept, ")
            text.append("c", style="bold reverse")
            text.append(" counter, ")
            text.append("w", style="bold reverse")
            text.append(" walk away")
        else:
            text.append(f"{game.name(request.party)} to propose: ")
            text.append("c", style="bold reverse")
            text.append(" build your offer, ")
            text.append("^s", style="bold reverse")
            text.append(" send")
        turn.update(text)
        self.query_one("#send", Button).label = (
            "Counter (^s)" if request.kind == "respond" else "Propose (^s)"
        )
        self.query_one("#accept", Button).display = request.kind == "respond"

    def show_preview(self) -> None:
        """The draft's worth to the team, its problems in red, its warnings in yellow."""
        if not self.composed:
            return
        preview = self.query_one("#preview", Static)
        request, composer = self.game.request, self.query_one(PackageComposer)
        if composer.desk is None or request is None:
            preview.update("")
            return
        track = self.game.rules.track[request.track]
        values, problems = views.read_draft(track, composer.texts)
        text = Text()
        if self.problem:
            text.append(f"✗ {self.problem}\n", style="bold red")
        if problems:
            text.append("\n".join(f"✗ {p}" for p in problems.values()), style="red")
            preview.update(text)
            composer.crossing = views.crossing(self.game, self.viewer, request.track, values)
            return
        seen = views.preview(self.game, self.viewer, request.track, values)
        composer.crossing = seen.crossing
        text.append("Your offer is worth ")
        good = seen.worth >= max(seen.no_deal, seen.reservation)
        text.append(utility_text(seen.worth), style="bold green" if good else "bold red")
        text.append(f" to you · no deal {utility_text(seen.no_deal)}")
        text.append(f" · your floor {utility_text(seen.reservation)}")
        for warning in seen.warnings:
            text.append(f"\n⚠ {warning}", style="yellow")
        preview.update(text)

    # -- the flow of the game ---------------------------------------------------------

    @work(exclusive=True, group="engine")
    async def play(self, change: Callable[[], object], done: str = "") -> None:
        """Run a change of the game in a thread (AI turns included; a failed save is told
        by ``TrilateralApp.change_game``), then follow it.

        The table stays busy until the app seats the next team: no key acts on a decision
        that team has not seen yet.
        """
        self.busy = True
        try:
            await self.app.change_game(change)
        except InvalidMove as error:
            self.busy = False
            self.problem = str(error)
            return
        self.problem = ""
        if done:
            self.notify(done)
        self.follow()

    def follow(self) -> None:
        """After any change: tell the app that the game is over, or whose turn it is."""
        game = self.game
        if game.finished:
            self.post_message(self.Over())
        else:
            self.post_message(self.Turn(self, game.request.party))

    def seat(self, party: str) -> None:
        """``party``'s team has the keyboard: show it the game, and take its moves."""
        self.busy = False
        if self.viewer == party:
            self.show_game()
        else:
            self.viewer = party
        self.summarise(party)

    def summarise(self, party: str) -> None:
        """Show ``party``'s team what happened since its last move, and keep it in its news."""
        seen = summary(self.game, party)
        self.query_one(RoundSummary).summary = seen
        kept = self.summaries.get(party, ())
        if not seen.empty and seen not in kept[-1:]:
            self.summaries[party] = (*kept, seen)
            self.query_one(NewsFeed).summaries = self.summaries[party]

    # -- the team's moves -------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pause":
            return self.game.setup.facilitator
        if action == "facilitator":  # not while the engine plays: one change at a time
            return self.game.setup.facilitator and (not self.busy or None)
        if action == "show":
            return True
        request = self.game.request
        ready = not self.busy and request is not None and request.party == self.viewer
        # A key that cannot act at this decision is hidden (False); one that waits for the
        # engine or the next team is shown dimmed (None).
        if action == "accept":
            return request is not None and request.kind == "respond" and (ready or None)
        if action == "politics":
            return politics(self.game, self.viewer).has_moves if ready else None
        if action == "counter" and self.focused is not None and self.focused.has_class("field"):
            return False  # the key is the field's
        if action in ("counter", "send", "walk", "reset", "briefing"):
            return ready or None
        if action == "undo":  # the team at the keyboard takes back only its own moves
            if self.busy or self.viewer is None:
                return None
            return any(m.party == self.viewer for m in self.game.human_moves())
        return True

    def _move(self, kind: str, package: dict | None = None) -> Move:
        request = self.game.request
        return Move(request.party, request.track, kind, package, request.round)

    def action_accept(self) -> None:
        if not self.check_action("accept", ()):
            return
        request = self.game.request
        seen = views.preview(self.game, self.viewer, request.track, request.on_table)
        self._submit_despite(
            self._move("accept"),
            seen.warnings,
            "Accept the offer",
            "Accept this offer anyway?",
            "Accept",
        )

    def action_counter(self) -> None:
        if self.check_action("counter", ()):
            self.query_one(RoundSummary).summary = None  # ``c`` is a priority key: on_key misses it
            self.pane = "desk"
            self.query_one(PackageComposer).focus_first()

    @on(Button.Pressed, "#send")
    def action_send(self) -> None:
        """Send the draft as a proposal or a counter-offer; bad fields are shown, not sent."""
        if not self.check_action("send", ()):
            return
        request = self.game.request
        track = self.game.rules.track[request.track]
        package, problems = views.read_draft(track, self.query_one(PackageComposer).texts)
        if problems:
            self.problem = "fix the fields marked in red first"
            return
        move = self._move("propose" if request.kind == "propose" else "reject", package)
        seen = views.preview(self.game, self.viewer, request.track, package)
        self._submit_despite(
            move, seen.warnings, "Your offer crosses a line", "Send this offer anyway?", "Send"
        )

    def _submit_despite(
        self, move: Move, warnings: tuple[str, ...], title: str, question: str, yes: str
    ) -> None:
        """Submit a move at once, or after the team confirms it despite its warnings."""
        if not warnings:
            self.play(lambda: self.game.submit(move))
            return
        from tui.dialogs.confirm import ConfirmDialog

        question += "\n\n" + "\n".join(f"⚠ {w}" for w in warnings)
        self.app.push_screen(
            ConfirmDialog(title, question, yes=yes),
            lambda confirmed: confirmed and self.play(lambda: self.game.submit(move)),
        )

    @on(Button.Pressed, "#accept")
    def _accept_pressed(self) -> None:
        self.action_accept()

    @on(Button.Pressed, "#walk")
    def action_walk(self) -> None:
        if not self.check_action("walk", ()):
            return
        from tui.dialogs.confirm import ConfirmDialog

        request = self.game.request
        track = self.game.rules.track[request.track]
        no_deal = self.game.model.world.no_deal_utility(self.viewer, track)
        question = (
            f"Walk away from {track.name}? The talks end without a deal for good; "
            f"no deal is worth {utility_text(no_deal)} to you."
        )
        move = self._move("walk")
        self.app.push_screen(
            ConfirmDialog("Walk away", question, yes="Walk away"),
            lambda yes: yes and self.play(lambda: self.game.submit(move)),
        )

    def action_reset(self) -> None:
        self.query_one(PackageComposer).reset()

    def action_undo(self) -> None:
        """Take back the team's own last move; other teams whose moves came after it must
        agree first, since theirs go with it."""
        if not self.check_action("undo", ()):
            return
        party, name = self.viewer, self.game.name
        others = self.game.undoing(party).others
        teams = " and ".join(name(p) for p in others)

        def undo() -> None:
            undone = self.game.undo(party)
            done = f"Took back {possessive(name(undone.move.party))} last move"
            if others:
                done += f", and {possessive(teams)} after it"
            self.app.call_from_thread(self.notify, done)

        if not others:
            self.play(undo)
            return
        from tui.dialogs.confirm import ConfirmDialog

        question = (
            f"{possessive(name(party))} last move came before {possessive(teams)}: "
            f"taking it back takes theirs back too.\n\n{teams}, do you agree?"
        )
        # The other team comes to the keyboard to answer: the table's numbers stay hidden.
        self.app.push_screen(
            ConfirmDialog(
                f"{teams} must agree", question, yes="We agree", no="We do not", curtain=True
            ),
            lambda yes: yes and self.play(undo),
        )

    def action_politics(self) -> None:
        if not self.check_action("politics", ()):
            return
        from tui.dialogs.politics import PoliticsDialog

        def chosen(move: Move | None) -> None:
            if move is not None:
                self.play(lambda: self.game.submit(move), done="Done: it is on the record.")

        state = politics(self.game, self.viewer)
        self.app.push_screen(PoliticsDialog(state, self._move("signal")), chosen)

    def action_briefing(self) -> None:
        if self.viewer is not None:
            from tui.screens.briefing import BriefingScreen

            self.app.push_screen(
                BriefingScreen.of(self.game.rules, self.viewer, self.game.model.rooms)
            )

    def action_facilitator(self) -> None:
        from tui.dialogs.facilitator import FacilitatorDialog, event_label

        def done(act) -> None:
            if act is not None:
                self.notify("The facilitator's move is on the record.", title="Facilitator")
                self.follow()

        game = self.game
        fired = game.model.news
        events = [
            (
                e.id,
                event_label(e.name, e.round, e.probability, [r for r, f in fired if f.id == e.id]),
            )
            for e in game.scenario.events
        ]

        async def carry_out(act: Intervention) -> None:
            await self.app.change_game(lambda: game.intervene(act))

        self.app.push_screen(FacilitatorDialog(events, carry_out), done)

    def action_pause(self) -> None:
        from tui.screens.curtain import Pause

        self.app.push_screen(Pause())

    def action_show(self, pane: str) -> None:
        self.pane = pane

    @on(Tabs.TabActivated, "#panes")
    def _tab(self, event: Tabs.TabActivated) -> None:
        self.pane = event.tab.id.removeprefix("tab-")

    def _draft_changed(self) -> None:
        self.problem = ""
        self.show_preview()

    @on(PackageComposer.Leave)
    def _leave(self) -> None:
        self.set_focus(None)

    def game_commands(self) -> Iterable[SystemCommand]:
        """The table's moves by name, for the command palette."""
        for action, title, help_text in (
            ("accept", "Accept the offer", "Accept the package on the table"),
            ("counter", "Build a counter-offer", "Edit your offer issue by issue"),
            ("send", "Send your offer", "Propose or counter with the package you built"),
            ("walk", "Walk away", "End these talks without a deal"),
            ("politics", "Signal or consult", "Threats, tied hands, outside options, JP–KR"),
            ("undo", "Undo your last move", "Take back your team's last move"),
            ("briefing", "Read your briefing", "Your confidential role sheet"),
            ("facilitator", "Facilitator", "Fire an event, a custom one, or extend the deadline"),
            ("pause", "Pause the game", "Hide the table while the class talks"),
        ):
            if self.check_action(action, ()):
                yield SystemCommand(title, help_text, getattr(self, f"action_{action}"))
