"""The start screen: pick a scenario, seat the teams, choose the seed and facilitator mode.

Scenarios are the bundled ones plus every ``*.yaml`` in the folder the class started
from; each is loaded in a worker when it is highlighted, so the screen is up at once and
a broken file shows its located problems beside the list instead of stopping anything.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import (
    Button,
    Checkbox,
    Footer,
    Header,
    Input,
    Label,
    OptionList,
    Select,
    Static,
)
from textual.widgets.option_list import Option

from sim.classroom.saves import GameSetup
from sim.engine.strategies import spec_problem
from sim.scenario.loading import ScenarioError, bundled_scenarios, load_scenario
from sim.scenario.models import Scenario
from tui.widgets.seats import HUMAN, Chair, Seats
from tui.written import as_written


@dataclass(frozen=True, slots=True)
class StartChoice:
    """What the class chose, or what the command line preselected."""

    source: str | None = None
    overrides: tuple[str, ...] = ()
    seed: int | None = None
    humans: tuple[str, ...] = ()
    facilitator: bool = False

    def setup(self) -> GameSetup:
        """The game's setup; a random seed if none was chosen."""
        seed = self.seed if self.seed is not None else secrets.randbelow(1_000_000)
        return GameSetup(self.source or "", seed, self.humans, self.overrides, self.facilitator)


def scenario_sources(local_dir: Path) -> list[tuple[str, str]]:
    """(source, label) of every scenario on offer: bundled by name, then local files."""
    found = [(name, name) for name in bundled_scenarios()]
    for path in sorted(local_dir.glob("*.yaml")):
        found.append((str(path), f"./{path.name}"))
    return found


class StartScreen(Screen[None]):
    """Choose the scenario and who plays; Enter starts the game."""

    class Chosen(Message):
        """Posted when the class has set up a game that can start: the app opens it.

        Attributes:
            choice: What the class chose (the seed as typed: None for a random one).
            scenario: The chosen scenario, loaded with the seating's strategy overrides.
        """

        def __init__(self, choice: StartChoice, scenario: Scenario) -> None:
            super().__init__()
            self.choice = choice
            self.scenario = scenario

    CSS_PATH = "start.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "start", "Start the game"),
    ]

    scenario: reactive[Scenario | None] = reactive(None)
    """The highlighted scenario, once loaded (None while loading or when broken)."""
    problems: reactive[str] = reactive("")
    """Why the game cannot start as chosen; shown in red under the form."""

    def __init__(self, choice: StartChoice, local_dir: Path) -> None:
        super().__init__()
        self.choice = choice
        self.sources = scenario_sources(local_dir)
        if choice.source and choice.source not in [s for s, _ in self.sources]:
            self.sources.insert(0, (choice.source, choice.source))
        self.loaded: dict[str, Scenario | ScenarioError] = {}
        self.source: str | None = None
        self.wanted: str | None = None
        """The scenario highlighted last: only its load may fill the form."""

    def compose(self) -> ComposeResult:
        from sim.engine.strategies import registry

        yield Header()
        with Horizontal(id="start"):
            with Vertical(id="catalogue"):
                yield Label("Scenarios", classes="heading")
                options = [
                    Option(as_written(label), id=str(n))
                    for n, (_, label) in enumerate(self.sources)
                ]
                yield OptionList(
                    *options,
                    id="scenarios",
                    compact=True,
                )
            with VerticalScroll(id="setup"):
                yield Static("Loading…", id="summary")
                yield Label("Who plays", classes="heading")
                yield Seats(sorted(registry()), self.choice.humans, id="seats-form")
                with Horizontal(id="options"):
                    yield Label("Seed", classes="party")
                    yield Input(
                        "" if self.choice.seed is None else str(self.choice.seed),
                        placeholder="random",
                        id="seed",
                        compact=True,
                    )
                    yield Checkbox(
                        "Facilitator", self.choice.facilitator, id="facilitator", compact=True
                    )
                yield Static("", id="problems")
                yield Button("Start the game", id="start-game", variant="primary", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "trilateral — a new game"
        chosen = next(
            (n for n, (source, _) in enumerate(self.sources) if source == self.choice.source), 0
        )
        scenarios = self.query_one("#scenarios", OptionList)
        scenarios.highlighted = chosen
        scenarios.focus()

    @on(OptionList.OptionHighlighted, "#scenarios")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.wanted = self.sources[int(event.option.id)][0]
        self.scenario = None
        self.query_one("#summary", Static).update("Loading…")
        self.load(self.wanted)

    @on(OptionList.OptionSelected, "#scenarios")
    def _selected(self) -> None:
        """Enter on a scenario moves on to seating the teams."""
        seats = self.query_one(Seats).query(Select)
        if seats:
            seats.first().focus()

    @work(exclusive=True, group="scenario", thread=True)
    def load(self, source: str) -> None:
        """Load a scenario off the UI thread; its problems are kept to show, not raised."""
        found = self.loaded.get(source)
        if found is None:
            overrides = self.choice.overrides if source == self.choice.source else ()
            try:
                found = load_scenario(source, overrides, spec_problem)
            except ScenarioError as error:
                found = error
            self.loaded[source] = found
        self.app.call_from_thread(self._show, source, found)

    def _show(self, source: str, found: Scenario | ScenarioError) -> None:
        if source != self.wanted:
            return  # a slower load of a scenario highlighted before
        summary = self.query_one("#summary", Static)
        if isinstance(found, ScenarioError):
            self.scenario = None
            summary.update(as_written(f"This scenario has problems:\n{found}", style="red"))
            self.query_one(Seats).chairs = ()
            return
        self.source = source
        self.scenario = found
        tracks = ", ".join(t.name for t in found.tracks if t.kind == "bargaining")
        text = Text()
        text.append(found.title, style="bold")
        text.append(f"\n{' '.join(found.summary.split())}\n", style="")
        text.append(f"{found.rounds} rounds · {tracks}", style="dim")
        summary.update(text)
        self.query_one(Seats).chairs = tuple(
            Chair(p.id, p.name, p.strategy.name) for p in found.parties
        )
        self.problems = ""

    def watch_problems(self, problems: str) -> None:
        self.query_one("#problems", Static).update(as_written(problems, style="bold red"))

    @on(Input.Changed, "#seed")
    def _seed_changed(self) -> None:
        self.problems = ""

    @on(Button.Pressed, "#start-game")
    @on(Input.Submitted, "#seed")
    def action_start(self) -> None:
        """Check the form; start the game, or say inline what is wrong and change nothing."""
        if self.scenario is None:
            self.problems = "Pick a scenario that loads without problems."
            return
        text = self.query_one("#seed", Input).value.strip()
        seed = None
        if text:
            try:
                seed = int(text)
            except ValueError:
                self.problems = f"Seed: {text!r} is not a whole number (leave it empty for random)."
                return
            if seed < 0:
                self.problems = "Seed: use a whole number of 0 or more."
                return
        seated = self.query_one(Seats).seated
        humans = tuple(p.id for p in self.scenario.parties if seated[p.id] == HUMAN)
        if not humans:
            self.problems = (
                "Seat at least one human team (an all-AI game is `trilateral run SCENARIO`)."
            )
            return
        overrides = list(self.choice.overrides if self.source == self.choice.source else ())
        for party in self.scenario.parties:
            chosen = seated[party.id]
            if chosen not in (HUMAN, party.strategy.name):
                overrides.append(f"parties.{party.id}.strategy={{name: {chosen}}}")
        try:
            scenario = load_scenario(self.source, overrides, spec_problem)
        except ScenarioError as error:
            self.problems = str(error)
            return
        choice = replace(
            self.choice,
            source=self.source,
            overrides=tuple(overrides),
            seed=seed,
            humans=humans,
            facilitator=self.query_one("#facilitator", Checkbox).value,
        )
        self.post_message(self.Chosen(choice, scenario))
