"""Screenshots of the four screens at 80×24 and 160×48, compared with accepted SVGs.

Grouped in a class per screen, as posting does, each driven to its state by a
``run_before`` coroutine. The accepted snapshots were looked at before they were
accepted (rendered to PNG); update them with ``pytest --snapshot-update`` only after
looking at the report of what changed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.classroom.game import Game
from sim.classroom.saves import GameSetup
from sim.engine.moves import Move
from sim.scenario.loading import bundled_scenarios, load_scenario
from tests.tui.pilots import CLASSROOM, game_app, until, waiting_for_keys
from tui.app import TrilateralApp
from tui.screens.debrief import DebriefScreen
from tui.screens.start import StartChoice
from tui.screens.table import TableScreen

SIZES = pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])


class TestStartScreen:
    @SIZES
    def test_start(self, snap_compare, monkeypatch, size):
        # Only the baseline among the bundled scenarios, so new ones do not move the picture.
        baseline = bundled_scenarios()["baseline-2025"]
        monkeypatch.setattr(
            "tui.screens.start.bundled_scenarios", lambda: {"baseline-2025": baseline}
        )
        app = TrilateralApp(
            StartChoice(CLASSROOM, seed=7, humans=("japan",)), local_dir=Path(CLASSROOM).parent
        )

        async def loaded(pilot):
            await until(pilot, lambda: getattr(app.screen, "scenario", None), "the scenario")

        assert snap_compare(app, terminal_size=size, run_before=loaded)


class TestBriefing:
    @SIZES
    def test_briefing(self, snap_compare, size):
        app = game_app(humans=("japan",), seed=1)

        async def shown(pilot):
            await until(pilot, lambda: app.screen.query("#role-sheet"), "the briefing")

        assert snap_compare(app, terminal_size=size, run_before=shown)


class TestTable:
    @SIZES
    def test_table(self, snap_compare, size):
        app = game_app(humans=("japan",), seed=1)

        async def seated(pilot):
            await until(pilot, lambda: app.screen.query("#role-sheet"), "the briefing")
            await pilot.press("enter")
            await until(
                pilot,
                lambda: isinstance(app.screen, TableScreen) and waiting_for_keys(app),
                "the table",
            )
            await pilot.press("c", *"20")  # a draft on the way, with its preview

        assert snap_compare(app, terminal_size=size, run_before=seated)


class TestDebrief:
    @SIZES
    def test_debrief(self, snap_compare, size):
        game = Game.start(GameSetup(CLASSROOM, 3, ("japan",)), load_scenario(CLASSROOM))
        while not game.finished:
            request = game.request
            kind = "accept" if request.kind == "respond" and request.round >= 3 else "reject"
            if request.kind == "propose":
                kind = "walk"
            game.submit(Move("japan", request.track, kind))
        app = TrilateralApp(resume=game.save_path)

        async def finished(pilot):
            await until(pilot, lambda: isinstance(app.screen, DebriefScreen), "the debrief")
            await until(pilot, lambda: waiting_for_keys(app), "the outcome")
            app.clear_notifications()

        assert snap_compare(app, terminal_size=size, run_before=finished)
