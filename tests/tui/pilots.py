"""Driving the app as a class would: apps to start, and a loop that plays a game by keys.

A *team* is a function from the decision in front of it to the keys it presses; the
loop passes curtains and briefings, answers confirmations, and stops at the debrief.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from time import monotonic

from textual import events
from textual.pilot import Pilot

from sim.engine.moves import DecisionRequest
from sim.scenario.loading import load_scenario
from tests.factories import CLASSROOM
from tui.app import TrilateralApp
from tui.dialogs.confirm import ConfirmDialog
from tui.screens.briefing import BriefingScreen
from tui.screens.curtain import Curtain
from tui.screens.debrief import DebriefScreen
from tui.screens.start import StartChoice
from tui.screens.table import TableScreen

Team = Callable[[DecisionRequest], Sequence[str]]


def game_app(
    humans: Sequence[str] = ("japan",),
    seed: int = 1,
    facilitator: bool = False,
    source: str = CLASSROOM,
    overrides: Sequence[str] = (),
    local_dir: Path | None = None,
) -> TrilateralApp:
    """The app as ``trilateral play SOURCE --as ... --seed N`` starts it."""
    choice = StartChoice(source, tuple(overrides), seed, tuple(humans), facilitator)
    return TrilateralApp(choice, load_scenario(source, overrides), local_dir=local_dir)


async def until(pilot: Pilot, ready: Callable[[], bool], what: str, timeout: float = 15) -> None:
    """Let the app run until ``ready()``; fail after ``timeout`` seconds."""
    deadline = monotonic() + timeout
    while not ready():
        if monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what} (screen: {pilot.app.screen})")
        await pilot.pause(0.01)


def waiting_for_keys(app: TrilateralApp) -> bool:
    """Whether the app waits for a person: a curtain, a briefing, a dialog, the debrief,
    or the table with the decision's team at the keyboard and the engine idle."""
    screen = app.screen
    if isinstance(screen, TableScreen):
        # Its reactives, read before it is mounted, would run their watchers early, racing
        # the screen's own mounting (a resumed game opens straight on the table).
        if not screen.is_mounted:
            return False
        request = app.game.request if app.game else None
        return (
            not screen.busy
            and request is not None
            and screen.viewer == request.party
            and screen.query_one("PackageComposer").desk is not None
        )
    if isinstance(screen, DebriefScreen):
        return bool(screen.query("#outcome-scroll Markdown"))
    return isinstance(screen, Curtain | BriefingScreen | ConfirmDialog)


def burst(pilot: Pilot, keys: Iterable[str]) -> None:
    """Type ``keys`` (characters, or key names such as ``enter``) in one burst, as ``tmux
    send-keys`` does: every key is queued before the app handles the first (``pilot.press``
    waits for the app to be idle after each)."""
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else _CHARACTERS.get(key))
        event.set_sender(pilot.app)
        pilot.app._driver.send_message(event)


_CHARACTERS = {"enter": "\r", "tab": "\t", "escape": "\x1b"}
"""The character a terminal sends for a named key."""


async def to_table(pilot: Pilot) -> TableScreen:
    """Pass every curtain and briefing until a team sits at the table."""
    app = pilot.app
    while True:
        await until(pilot, lambda: waiting_for_keys(app), "the table")
        if isinstance(app.screen, TableScreen):
            return app.screen
        await pilot.press("enter")


async def play_out(pilot: Pilot, teams: dict[str, Team], moves: int | None = None) -> int:
    """Play by keys until the debrief (or ``moves`` human moves); return the moves made."""
    app = pilot.app
    made = 0
    while moves is None or made < moves:
        await until(pilot, lambda: waiting_for_keys(app), "a decision")
        screen = app.screen
        if isinstance(screen, DebriefScreen):
            break
        if isinstance(screen, Curtain | BriefingScreen):
            await pilot.press("enter")
            continue
        if isinstance(screen, ConfirmDialog):
            await pilot.press("y")
            continue
        request = app.game.request
        logged = len(app.game.model.log)

        def landed(before: int = logged) -> bool:
            return len(app.game.model.log) > before

        await pilot.press(*teams[request.party](request))
        await until(
            pilot, lambda: landed() or not isinstance(app.screen, TableScreen), "the move to land"
        )
        if isinstance(app.screen, ConfirmDialog):
            await pilot.press("y")
            await until(pilot, landed, "the confirmed move")
        made += 1
    return made


def counter_then_accept(field_value: str, accept_from: int) -> Team:
    """A team that counters with ``field_value`` in the first field, then accepts."""

    def decide(request: DecisionRequest) -> Sequence[str]:
        if request.kind == "respond" and request.round >= accept_from:
            return ["a"]
        return ["c", *field_value, "ctrl+s"]

    return decide
