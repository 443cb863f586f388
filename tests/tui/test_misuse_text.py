"""The terminal UI shows text from scenarios, saves, files and players as written (the
robustness issue, class 1), and a save that fails mid-game is told, not a crash.

Every line of text of the scenario played here ends in markup that would crash a markup
parser (``[/bold]``, ``[/States]``), a click that would quit the app, a hyperlink and an
emoji code (``tests/tui/marked.py``); every screen must show it character for character,
with no link and no action in what it draws.
"""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rich.console import Console
from textual.pilot import Pilot
from textual.visual import visualize
from typer.testing import CliRunner

from sim.classroom.game import Game
from sim.classroom.saves import GameSetup, read_save
from sim.engine.moves import Intervention
from sim.scenario.loading import ScenarioError, load_scenario
from tests.factories import CLASSROOM
from tests.tui.marked import marked_scenario, with_text
from tests.tui.pilots import counter_then_accept, game_app, play_out, to_table, until
from tui.app import TrilateralApp
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.export import ExportDialog
from tui.dialogs.facilitator import FacilitatorDialog
from tui.dialogs.politics import PoliticsDialog
from tui.screens.briefing import BriefingScreen
from tui.screens.curtain import Curtain
from tui.screens.debrief import DebriefScreen
from tui.screens.start import StartScreen
from tui.widgets.feed import NewsFeed

pytestmark = pytest.mark.asyncio

CRASHING, CLICK = "[/bold][/States]:x:", "[@click=app.quit]q[/]"
"""Two pieces of ``MARKUP`` that fit every pane unbroken."""
TYPED_MARKUP = "[/bold][@click=app.quit]x[/][link=https://x.io]l[/link]:x:"
TYPED = f"Breaking {TYPED_MARKUP}"
"""What a facilitator types as a line of custom news."""
ODD_FILE = "[@click=app.quit]odd[link=x.io] :x:.yaml"
BROKEN_FILE = "[bold]broken.yaml"
"""Files in the folder the class starts from (a file name holds no ``/``: no closing tag)."""


def drawn(app: TrilateralApp) -> tuple[str, list]:
    """The screen as the terminal shows it: its text, and the cells that carry a link or
    a click action (as ``App.export_screenshot`` draws it, but as text)."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    live = [
        segment
        for segment in console._record_buffer
        if segment.style is not None
        and (segment.style.link or "app.quit" in str((segment.style.meta or {}).get("@click")))
    ]
    return console.export_text(), live


async def assert_as_written(pilot: Pilot, *pieces: str) -> None:
    """The screen shows ``pieces`` as written, no emoji for ``:x:``, no link, no action
    (once it has settled: a screen just shown may be laid out once more)."""
    app = pilot.app
    await pilot.pause()
    with contextlib.suppress(AssertionError):
        await until(pilot, lambda: all(p in drawn(app)[0] for p in pieces), "the text", 5)
    text, live = drawn(app)
    for piece in pieces:
        assert piece in text, f"{piece!r} not on {app.screen}:\n{text}"
    assert "❌" not in text
    assert live == []


async def test_every_screen_shows_the_scenarios_text_as_written(tmp_path):
    source = marked_scenario(tmp_path)
    app = game_app(humans=("japan", "korea"), seed=2, facilitator=True, source=source)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await until(pilot, lambda: isinstance(app.screen, Curtain), "the curtain")
        await assert_as_written(pilot, CRASHING, CLICK)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, BriefingScreen), "the briefing")
        await assert_as_written(pilot, CRASHING, CLICK)
        table = await to_table(pilot)
        # The round summary, the turn, the package, meters, chart, news and history.
        await assert_as_written(pilot, CRASHING, CLICK)
        assert app.game.scenario.title in str(app.screen.query_one("HeaderTitle").render())
        field = app.screen.query_one("#offer-jp_tariff")  # its tooltip, as Textual draws it
        issue = app.game.scenario.issue("jp_tariff")
        assert str(visualize(field, field.tooltip)) == f"{issue.name} (0–50{issue.unit})"
        for key, dialog in (("m", PoliticsDialog), ("w", ConfirmDialog)):
            await pilot.press(key)
            await until(pilot, lambda d=dialog: isinstance(app.screen, d), dialog.__name__)
            await assert_as_written(pilot, CRASHING, CLICK)
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is table, "the table again")
        await pilot.press("b")
        await assert_as_written(pilot, CRASHING, CLICK)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is table, "the table again")
        await pilot.press("question_mark")
        await assert_as_written(pilot)
        await pilot.press("escape")
        # The facilitator's events by name; custom news and a bad target typed with markup.
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, FacilitatorDialog), "the dialog")
        dialog = app.screen
        await assert_as_written(pilot, CRASHING, CLICK)
        await pilot.click("#--content-tab-custom")
        dialog.query_one("#news").value = TYPED
        dialog.query_one("#target").value = "parties.[/bold].patience"
        dialog.query_one("#amount").value = "[@click=app.quit]x[/]"
        await pilot.click("#announce")  # by mouse, then by Enter in the amount
        assert "'[@click=app.quit]x[/]' is not a number" in str(
            dialog.query_one("#problem").render()
        )
        dialog.query_one("#amount").value = "1"
        dialog.query_one("#amount").focus()
        await pilot.press("enter")
        refused = "unknown party '[/bold]'"
        await until(pilot, lambda: refused in str(dialog.query_one("#problem").render()), "no")
        await assert_as_written(pilot, refused)
        dialog.query_one("#target").value = ""
        dialog.query_one("#amount").value = ""
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is table, "the table again")
        assert table.query_one(NewsFeed).items[-1][2] == TYPED
        app.clear_notifications()  # the toast sits over the news
        await assert_as_written(pilot, TYPED_MARKUP, CRASHING, CLICK)
        await pilot.press("p")
        await assert_as_written(pilot)
        await pilot.press("p")
        await pilot.press("ctrl+q")
    save = app.return_value
    assert [e.get("news") for e in read_save(save).log if "intervention" in e] == [TYPED]


async def test_a_resumed_save_with_markup_in_its_custom_news_plays_to_the_debrief(tmp_path):
    source = marked_scenario(tmp_path)
    game = Game.start(GameSetup(source, 4, ("japan",), facilitator=True), load_scenario(source))
    game.intervene(Intervention("custom", news=TYPED))
    app = TrilateralApp(resume=game.save_path)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        table = await to_table(pilot)
        assert table.query_one(NewsFeed).items[-1][2] == TYPED
        app.clear_notifications()  # the toast sits over the news
        await assert_as_written(pilot, TYPED_MARKUP, CRASHING, CLICK)
        table.notify(f"Took back {app.game.name('japan')}'s move", title=TYPED)  # a toast
        await assert_as_written(pilot, "Breaking", "Took back Japan", "]'s move", "[/bold][@cl")
        await play_out(pilot, {"japan": lambda request: ["w"]})
        assert isinstance(app.screen, DebriefScreen)
        for tab in "1234":
            await pilot.press(tab)
            await pilot.pause()
            await assert_as_written(pilot, CRASHING)
        await pilot.press("u")  # the question names the team
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        await assert_as_written(pilot, "Undo Japan", CRASHING)
        await pilot.press("n")
        # The export dialog quotes a typed path that is a file as written.
        (tmp_path / "x[").mkdir()
        file = tmp_path / "x[" / "b] :x:"  # a path with "x[/b] :x:" in it
        file.write_text("")
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ExportDialog), "the export dialog")
        await pilot.press("ctrl+a", "ctrl+k", *str(file), "enter")
        await assert_as_written(pilot, "x[/b] :x:", "is a file, not a folder.")


async def test_the_start_screen_lists_and_previews_such_files_as_written(tmp_path):
    marked_scenario(tmp_path, name=ODD_FILE)
    (tmp_path / BROKEN_FILE).write_text("title: [/bold]\nrounds: [@click=app.quit]x[/]\n")
    (tmp_path / "esc\x1b[2J.yaml").write_text(Path(CLASSROOM).read_text())
    app = TrilateralApp(local_dir=tmp_path)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await until(pilot, lambda: isinstance(app.screen, StartScreen), "the start screen")
        start = app.screen
        labels = [str(o.prompt) for o in start.query_one("#scenarios").options]
        # A control character in a file name is dropped: it cannot clear the screen.
        assert labels[-3:] == [f"./{ODD_FILE}", f"./{BROKEN_FILE}", "./esc[2J.yaml"]
        await pilot.press(*["down"] * (len(labels) - 3))
        await until(pilot, lambda: start.scenario is not None, "the scenario to load")
        # The list (the name wraps in its column), the preview and the seats.
        await assert_as_written(pilot, "./[@click=app.quit]odd[", ":x:.yaml", CRASHING, CLICK)
        await pilot.press("down")
        summary = start.query_one("#summary")
        await until(pilot, lambda: "problems" in str(summary.render()), "the problems")
        await assert_as_written(pilot, f"./{BROKEN_FILE}", f"{BROKEN_FILE}:2")


@pytest.mark.slow
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.text(
        st.sampled_from(list("[]/@=:x bold_link#\\\"'")) | st.characters(codec="utf-8"),
        min_size=1,
        max_size=24,
    )
)
async def test_generated_text_shows_as_written_at_the_table(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("generated")
    source = with_text(folder, text)
    try:
        scenario = load_scenario(source)
    except ScenarioError:
        assume(False)  # control characters and the like are refused where they were written
    app = TrilateralApp(
        game_app(humans=("japan",), seed=1, source=source).choice, scenario, local_dir=folder
    )
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        table = await to_table(pilot)
        track, party = scenario.track("us-japan").name, scenario.party("japan").name
        assert f"{track} · Round 1" in str(table.query_one("#turn").render())
        assert f"{party} to answer" in str(table.query_one("#turn").render())
        assert scenario.title in str(app.screen.query_one("HeaderTitle").render())
        await assert_as_written(pilot)
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        assert f"Walk away from {track}?" in str(app.screen.query_one("#question").render())


# -- a save that fails mid-game --------------------------------------------------------


async def test_a_save_that_fails_mid_game_is_told_and_play_goes_on(saves: Path):
    app = game_app(humans=("japan",), seed=1)
    team = {"japan": counter_then_accept("20", accept_from=99)}
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await to_table(pilot)
        save = app.game.save_path
        shutil.rmtree(saves)
        saves.write_text("")  # the saves folder is now a file: root cannot write in it either
        logged = len(app.game.model.log)
        await play_out(pilot, team, moves=1)
        await to_table(pilot)
        assert len(app.game.model.log) > logged  # the move stands
        assert app.save_problem == (f"The game could not be saved: {saves} is a file, not a folder")
        await assert_as_written(pilot, "Not saved", "could not be saved", "not saved")
        # The folder is back: the next move saves the whole game.
        saves.unlink()
        await play_out(pilot, team, moves=1)
        await to_table(pilot)
        assert app.save_problem is None and app.sub_title == ""
        assert len(read_save(save).log) == len(app.game.model.log)
        await assert_as_written(pilot, "Saved again: nothing is lost.")
        # Gone again at the end: quitting tries once more, and says it failed.
        shutil.rmtree(saves)
        saves.write_text("")
        await play_out(pilot, team, moves=1)
        saves.unlink()
        saves.mkdir()  # freed before quitting: the quit saves it
        await pilot.press("ctrl+q")
    assert app.save_problem is None and read_save(save).log


async def test_quitting_with_the_save_still_failing_is_said_on_the_command_line(
    saves: Path, monkeypatch: pytest.MonkeyPatch
):
    from tui.cli import build_cli

    app = game_app(humans=("japan",), seed=1)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await to_table(pilot)
        save = app.game.save_path
        shutil.rmtree(saves)
        saves.write_text("")
        await play_out(pilot, {"japan": counter_then_accept("20", accept_from=99)}, moves=1)
        await pilot.press("ctrl+q")
    assert app.save_problem == f"The game could not be saved: {saves} is a file, not a folder"
    saves.unlink()
    saves.mkdir()  # so that ``play`` starts; the app it runs quits as the one above did

    def run(self: TrilateralApp) -> Path:
        self.save_problem = app.save_problem
        return save

    monkeypatch.setattr(TrilateralApp, "run", run)
    result = CliRunner().invoke(build_cli(), ["play", app.game.setup.source, "--as", "japan"])
    assert result.exit_code == 2
    assert result.output.strip().endswith(
        f"{saves} is a file, not a folder; the moves since the last save are lost "
        f"(trilateral play --resume {save.stem} continues from it)"
    )


async def test_a_game_that_cannot_be_saved_does_not_start(saves: Path):
    saves.write_text("")  # made a file after ``play`` checked it, say
    app = game_app(humans=("japan",), seed=1)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await until(pilot, lambda: isinstance(app.screen, BriefingScreen), "the briefing")
        await pilot.press("enter")  # the game is built while the team reads
        await until(pilot, lambda: isinstance(app.screen, StartScreen), "the start screen")
        assert app.game is None
        await assert_as_written(pilot, "Cannot start this game", "is a file, not a folder")
