"""Whole games played through the UI by keys (and a few clicks), as a class would play.

Each test is one session at the terminal, checking several things on the way, because
starting the app costs more than any single check.
"""

from __future__ import annotations

import gc
import json
import threading
import weakref
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.message import Message
from textual.widgets import TabbedContent, Tabs

from sim.classroom import views
from sim.classroom.game import Game
from sim.classroom.saves import GameSetup, list_saves, read_save
from sim.engine.moves import Intervention, Move
from sim.scenario.loading import load_scenario
from tests.tui.pilots import (
    CLASSROOM,
    burst,
    counter_then_accept,
    game_app,
    play_out,
    to_table,
    until,
    waiting_for_keys,
)
from tui.app import TrilateralApp
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.facilitator import FacilitatorDialog
from tui.screens.curtain import Curtain
from tui.screens.debrief import DebriefScreen
from tui.screens.start import StartScreen
from tui.screens.table import TableScreen
from tui.widgets.chart import UtilityChart
from tui.widgets.composer import IssueTable, PackageComposer
from tui.widgets.feed import MoveHistory, NewsFeed, RoundSummary
from tui.widgets.meters import Meters

pytestmark = pytest.mark.asyncio


async def test_one_team_plays_a_whole_game_against_the_ai_and_exports_it(tmp_path):
    app = game_app(humans=("japan",), seed=3)
    async with app.run_test(size=(100, 30)) as pilot:
        table = await to_table(pilot)
        assert table.viewer == "japan"
        # Help and the command palette know the table's moves.
        await pilot.press("question_mark")
        assert "Playing trilateral" in app.screen.query_one("#help-text").content.markup
        await pilot.press("escape")
        titles = [c.title for c in app.get_system_commands(table)]
        assert "Accept the offer" in titles and "Walk away" in titles
        assert "Facilitator" not in titles  # facilitator mode is off
        team = {"japan": counter_then_accept("20", accept_from=4)}
        made = await play_out(pilot, team, moves=1)
        await to_table(pilot)
        # What the AI did is in the history; packages only on Japan's own table.
        entries = table.query_one(MoveHistory).entries
        assert (entries[0].who, entries[0].what) == ("United States", "proposes")
        assert "worth" in entries[0].detail
        assert ("Japan", "rejects and counters") in [(e.who, e.what) for e in entries]
        korea = [e for e in entries if e.track == "US–Korea talks"]
        assert korea and all(e.detail == "" for e in korea)
        made += await play_out(pilot, team)
        assert isinstance(app.screen, DebriefScreen)
        game = app.game
        assert game.finished and made == len(game.human_moves()) >= 2
        saved = read_save(game.save_path)
        assert saved.finished and saved.setup.humans == ("japan",)
        assert [entry.get("party") for entry in saved.log].count("japan") == made
        # The debrief exports the transcript.
        await pilot.press("e")
        await pilot.press("ctrl+a", "ctrl+k", *str(tmp_path / "out"), "enter")
        await app.workers.wait_for_complete()
    out = tmp_path / "out"
    names = sorted(p.name for p in out.iterdir())
    assert names == ["frontiers.png", "game.json", "offers.png", "transcript.md"]
    record = json.loads((out / "game.json").read_text())
    assert record["scenario"]["source"] == CLASSROOM and record["finished"]
    markdown = (out / "transcript.md").read_text()
    assert "## Scores" in markdown and "Nash solution" in markdown
    assert "![offers](offers.png)" in markdown and "Round 1 of" in markdown
    assert (out / "offers.png").read_bytes()[:4] == b"\x89PNG"


async def test_two_teams_hot_seat_behind_the_curtain():
    app = game_app(humans=("japan", "korea"), seed=2)
    seen_by: list[tuple[str, set[str]]] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, Curtain), "the first curtain")
        assert "Japan" in str(app.screen.query_one("#curtain-text").render())
        await pilot.press("enter")  # Japan reads its briefing
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, Curtain), "Korea's curtain")
        assert "South Korea" in str(app.screen.query_one("#curtain-text").render())

        def team(party: str):
            def decide(request):
                desk = app.screen.query_one(PackageComposer).desk
                seen_by.append((app.screen.viewer, {row.space.id for row in desk.rows}))
                if party == "korea":
                    return ["w"]  # walks away (and confirms)
                return counter_then_accept("20", accept_from=3)(request)

            return decide

        # Japan's first move: the table hides everything private before Korea sits down.
        table = await to_table(pilot)
        assert table.viewer == "japan"
        await pilot.press("c", *"20", "ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, TableScreen), "a question")
        if not isinstance(app.screen, Curtain):
            await pilot.press("y")  # the counter crosses a bottom line: send it anyway
        await until(pilot, lambda: isinstance(app.screen, Curtain), "the curtain for Korea")
        assert table.viewer is None
        assert table.query_one(PackageComposer).desk is None
        assert all(not m.seated for m in table.query_one(Meters).tracks)
        assert all(e.detail == "" for e in table.query_one(MoveHistory).entries)
        await play_out(pilot, {"japan": team("japan"), "korea": team("korea")})
        assert isinstance(app.screen, DebriefScreen)
    # Each team only ever saw its own track's private numbers.
    for viewer, issues in seen_by:
        prefix = {"japan": "jp_", "korea": "kr_"}[viewer]
        assert all(issue.startswith(prefix) for issue in issues), (viewer, issues)
    assert {v for v, _ in seen_by} == {"japan", "korea"}
    assert app.game.model.talks["us-korea"].status == "walked"


async def test_the_facilitator_fires_events_and_extends_the_deadline():
    app = game_app(humans=("japan",), seed=1, facilitator=True, overrides=("rounds=3",))
    async with app.run_test(size=(100, 30)) as pilot:
        table = await to_table(pilot)
        rounds = app.game.model.rounds
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, FacilitatorDialog), "the dialog")
        await pilot.press("down", "enter")  # the second event: the leaders' summit
        await until(pilot, lambda: app.screen is table, "the table again")
        news = table.query_one(NewsFeed).items
        assert news[-1][1] == "Leaders' summit"
        # A custom event, by mouse: a bad target is refused inline and changes nothing.
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, FacilitatorDialog), "the dialog")
        dialog = app.screen
        labels = [str(o.prompt) for o in dialog.query_one("#events").options]
        assert labels[1].startswith("Leaders' summit") and "fired in round 1" in labels[1]
        await pilot.click("#--content-tab-custom")
        await pilot.click("#news")
        await pilot.press(*"Rally")
        dialog.query_one("#target").value = "parties.japan.mood"
        await pilot.click("#amount")
        await pilot.press(*"-0.1", "enter")
        assert app.screen is dialog
        assert "an effect target is" in str(dialog.query_one("#problem").render())
        logged = len(app.game.model.log)
        dialog.query_one("#target").value = "parties.japan.patience"
        await pilot.click("#amount")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is table, "the table again")
        assert len(app.game.model.log) == logged + 1
        assert table.query_one(NewsFeed).items[-1][2] == "Rally"
        # Extend the deadline by two rounds.
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, FacilitatorDialog), "the dialog")
        await pilot.click("#--content-tab-deadline")
        await pilot.click("#rounds")
        await pilot.press("ctrl+a", "ctrl+k", "2", "enter")
        await until(pilot, lambda: app.screen is table, "the table again")
        assert app.game.model.rounds == rounds + 2
        acts = [e for e in app.game.model.log if isinstance(e, Intervention)]
        assert [a.kind for a in acts] == ["fire", "custom", "extend"]
        # Pause hides the table until the facilitator resumes, with the key it names.
        await pilot.press("p")
        assert app.screen is not table
        assert "presses p to resume" in str(app.screen.query_one("#curtain-text").render())
        await pilot.press("enter", "space", "escape")  # a team passing a curtain, say
        assert app.screen is not table
        await pilot.press("p")
        assert app.screen is table
        await play_out(pilot, {"japan": counter_then_accept("20", accept_from=3)})
        assert isinstance(app.screen, DebriefScreen)
    saved = read_save(app.game.save_path)
    assert [e["intervention"] for e in saved.log if "intervention" in e] == [
        "fire",
        "custom",
        "extend",
    ]


async def test_the_facilitator_acts_in_a_thread_while_the_screen_answers_keys(monkeypatch):
    """An intervention goes to the engine off the UI loop, as a team's move does: while it
    is under way the dialog and the app still answer keys, and once it lands the table shows it."""
    started, finish = threading.Event(), threading.Event()
    intervene = Game.intervene

    def slow_intervene(game: Game, act: Intervention) -> None:
        started.set()
        finish.wait(timeout=5)  # the engine and the disk at their slowest
        intervene(game, act)

    monkeypatch.setattr(Game, "intervene", slow_intervene)
    app = game_app(humans=("japan",), seed=1, facilitator=True)
    async with app.run_test(size=(100, 30)) as pilot:
        table = await to_table(pilot)
        logged = len(app.game.model.log)
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, FacilitatorDialog), "the dialog")
        dialog = app.screen
        events = dialog.query_one("#events")
        await until(pilot, lambda: events.highlighted == 0, "the first event highlighted")
        await pilot.press("down", "enter")  # fire the second event: the leaders' summit
        await until(pilot, started.is_set, "the intervention to start")
        assert len(app.game.model.log) == logged  # still under way
        await pilot.press("up")
        assert events.highlighted == 0
        await pilot.press("escape")
        assert app.screen is dialog  # it does not close on an intervention half made
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        finish.set()
        await until(pilot, lambda: len(app.game.model.log) == logged + 1, "the intervention")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)  # landing did not close the palette
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is table and waiting_for_keys(app), "the table")
        assert table.query_one(NewsFeed).items[-1][1] == "Leaders' summit"


async def test_starting_over_frees_every_finished_game():
    """Games played one after another in one app: each one dropped at the debrief is freed,
    and so is the game an undo at the debrief replaced."""
    app = game_app(humans=("japan",), seed=1, overrides=("rounds=2",))
    dropped: list[weakref.ref] = []
    async with app.run_test(size=(100, 30)) as pilot:
        for played in range(3):
            await to_table(pilot)
            await play_out(pilot, {"japan": lambda request: ["w"]})  # walk away, confirmed
            assert isinstance(app.screen, DebriefScreen)
            if played == 0:  # take the walk back: the debrief returns to the table
                dropped.append(weakref.ref(app.game.model))
                await pilot.press("u")  # asks first, naming the team
                await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
                assert app.screen.heading == "Undo Japan's last move"
                await pilot.press("n")
                assert isinstance(app.screen, DebriefScreen) and app.game.finished
                await pilot.press("u")
                await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
                await pilot.press("y")
                await until(pilot, lambda: isinstance(app.screen, TableScreen), "the table")
                await play_out(pilot, {"japan": lambda request: ["w"]})
            dropped += [weakref.ref(app.game), weakref.ref(app.game.model)]
            await pilot.press("n")
            await until(
                pilot,
                lambda: isinstance(app.screen, StartScreen) and app.screen.scenario is not None,
                "the start screen",
            )
            if played < 2:
                await pilot.press("ctrl+s")  # the same setup again
        gc.collect()
        assert [ref() for ref in dropped] == [None] * 7


async def test_quit_and_resume_reach_the_same_end_as_an_uninterrupted_game():
    team = {"japan": counter_then_accept("18", accept_from=4)}
    straight = game_app(humans=("japan",), seed=5, overrides=("rounds=4",))
    async with straight.run_test(size=(100, 30)) as pilot:
        await play_out(pilot, team)
    uninterrupted = straight.game

    first = game_app(humans=("japan",), seed=5, overrides=("rounds=4",))
    async with first.run_test(size=(100, 30)) as pilot:
        await play_out(pilot, team, moves=2)
        await pilot.press("ctrl+q")
    save = first.return_value
    assert save is not None and save.exists()
    again = TrilateralApp(resume=save)
    async with again.run_test(size=(100, 30)) as pilot:
        await play_out(pilot, team)
        assert isinstance(again.screen, DebriefScreen)
    resumed = again.game
    assert [m.to_dict() for m in resumed.model.log] == [
        m.to_dict() for m in uninterrupted.model.log
    ]
    assert {t: k.status for t, k in resumed.model.talks.items()} == {
        t: k.status for t, k in uninterrupted.model.talks.items()
    }
    assert list_saves() and save in list_saves()


async def test_bad_input_resizing_signals_and_undo():
    app = game_app(humans=("japan",), seed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        table = await to_table(pilot)
        logged = len(app.game.model.log)
        preview = table.query_one("#preview")
        await pilot.press("c", *"abc", "ctrl+s")
        assert "'abc' is not a number" in str(preview.render())
        assert "fix the fields" in str(preview.render())
        await pilot.press("ctrl+a", "ctrl+k", *"99")  # a tariff outside 0..50
        assert "99 lies outside 0..50%" in str(preview.render())
        await pilot.press("down", "ctrl+a", "ctrl+k", *"12")  # autos go in steps of 2.5
        assert "not a multiple of 2.5" in str(preview.render())
        for _ in range(3):  # an empty counter-offer
            await pilot.press("ctrl+a", "ctrl+k", "up")
        await pilot.press("ctrl+s")
        assert "fill in a value" in str(preview.render())
        assert len(app.game.model.log) == logged
        assert app.game.request.round == 1
        # Resizing keeps the half-typed draft and changes nothing.
        draft = table.query_one(PackageComposer).texts
        await pilot.resize_terminal(160, 48)
        await pilot.resize_terminal(80, 24)
        assert table.query_one(PackageComposer).texts == draft
        assert len(app.game.model.log) == logged
        # A signal and a consultation answer are moves that leave the offer waiting.
        await pilot.press("escape", "m", "enter")  # the first choice: tie Japan's hands
        await until(pilot, lambda: len(app.game.human_moves()) == 1, "the signal")
        assert app.game.human_moves()[0].kind == "signal"
        assert app.game.request.round == 1
        await until(pilot, lambda: not table.busy, "the engine")
        await pilot.press("m", "enter")  # say yes to sharing bottom lines
        await until(pilot, lambda: len(app.game.human_moves()) == 2, "the consultation")
        move = app.game.human_moves()[1]
        assert move == Move("japan", "us-japan", "consult", move.package, 1)
        assert move.package == {"option": "share_bottom_lines", "agree": True}
        # Undo takes the last move back, in the game and in the save.
        await until(pilot, lambda: not table.busy, "the engine")
        await pilot.press("u")
        await until(pilot, lambda: len(app.game.human_moves()) == 1, "the undo")
        saved = read_save(app.game.save_path)
        assert [e.get("kind") for e in saved.log if e.get("party") == "japan"] == ["signal"]


async def test_the_start_screen_sets_up_a_game(tmp_path):
    (tmp_path / "mine.yaml").write_text(Path(CLASSROOM).read_text())
    (tmp_path / "broken.yaml").write_text("title: [unclosed\n")
    app = TrilateralApp(local_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        from tui.screens.start import StartScreen
        from tui.widgets.seats import Seats

        await until(pilot, lambda: isinstance(app.screen, StartScreen), "the start screen")
        start = app.screen
        labels = [str(o.prompt) for o in start.query_one("#scenarios").options]
        assert labels[0] == "baseline-2025"
        assert labels[-2:] == ["./broken.yaml", "./mine.yaml"]
        # The broken file shows its problems beside the list.
        await pilot.press(*["down"] * labels.index("./broken.yaml"))
        summary = start.query_one("#summary")
        await until(pilot, lambda: "problems" in str(summary.render()), "the problems")
        await pilot.press("down")  # mine.yaml
        await until(pilot, lambda: start.scenario is not None, "the scenario to load")
        await pilot.press("enter")  # on to seating: United States stays AI
        await pilot.press("ctrl+s")
        assert "Seat at least one human team" in str(start.query_one("#problems").render())
        await pilot.press("tab", "enter", "home", "enter")  # Japan: human team
        assert start.query_one(Seats).seated["japan"] == "human"
        seed = start.query_one("#seed")
        seed.value = "x1"
        await pilot.press("ctrl+s")
        assert "'x1' is not a whole number" in str(start.query_one("#problems").render())
        seed.value = "7"
        await pilot.press("ctrl+s")
        table = await to_table(pilot)
        assert table.viewer == "japan" and app.game.setup.seed == 7
        assert app.game.setup.source.endswith("mine.yaml")


async def test_panes_switch_without_moving_the_focus_and_the_draft_is_priced_as_typed():
    """Between edits nothing holds the focus, so the pane keys never rebuild the footer;
    each keystroke in a field re-prices the draft."""
    app = game_app(humans=("japan",), seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await to_table(pilot)
        assert app.focused is None
        for key, pane in (("2", "gauges"), ("3", "graph"), ("1", "desk")):
            await pilot.press(key)
            assert table.pane == pane and app.focused is None
        assert not table.query_one("#gauges").display  # one pane at a time when narrow
        keys = list(table.query("FooterKey"))
        await pilot.press("question_mark", "q")  # the help, over the table and away
        await pilot.pause()
        assert list(table.query("FooterKey")) == keys  # same keys: the footer was kept
        composer = table.query_one(PackageComposer)
        await pilot.press("enter")  # Enter starts an offer like c
        assert app.focused is composer.query_one("#offer-jp_tariff")
        await pilot.press("ctrl+a", "ctrl+k", *"20")
        assert composer.draft == {"jp_tariff": "20"}
        assert list(table.query("FooterKey")) != keys  # editing keys: the footer was rebuilt
        values, _ = views.read_draft(app.game.rules.track["us-japan"], composer.texts)
        worth = views.preview(app.game, "japan", "us-japan", values).worth
        assert f"Your offer is worth {worth:.2f}" in str(table.query_one("#preview").render())
        await pilot.press("escape")
        assert app.focused is None
        assert composer.draft == {"jp_tariff": "20"}  # the draft is kept
        # What no deal holds (a threat's effect) has room at 80 columns, and at 160.
        for size in ((80, 24), (160, 48)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert table.query_one(IssueTable).render().columns[3].header == "No\ndeal"


async def test_enter_moves_through_the_fields_and_only_ctrl_s_sends():
    """As in a spreadsheet, Enter goes on to the next field (from the last, back to the
    first); Ctrl+A selects a field so typing replaces it; the draft starts from Japan's
    opening, not from the package on the table."""
    app = game_app(humans=("japan",), seed=3)
    async with app.run_test(size=(100, 30)) as pilot:
        table = await to_table(pilot)
        composer = table.query_one(PackageComposer)
        rows = views.issue_rows(app.game, "japan", "us-japan")
        assert composer.texts == {row.space.id: row.draft for row in rows}
        assert [row.draft for row in rows] != [row.on_table for row in rows]
        logged = len(app.game.model.log)
        fields = [composer.query_one(f"#offer-{row.space.id}") for row in rows]
        await pilot.press("c")
        for field in [*fields[1:], fields[0]]:
            await pilot.press("enter")
            assert app.focused is field
        assert len(app.game.model.log) == logged  # Enter sent nothing
        await pilot.press("right", "ctrl+a", *"20")
        assert composer.draft == {"jp_tariff": "20"}
        await pilot.press("ctrl+s")
        await until(pilot, lambda: len(app.game.model.log) > logged, "the counter-offer")
        assert app.game.human_moves()[-1].package["jp_tariff"] == 20


async def test_values_and_enters_typed_in_one_burst_land_in_their_own_fields():
    """``15 Enter 10 Enter`` typed at once, as a student fills a spreadsheet row: each value
    in its own field (the Enter used to move the cursor only after ``10`` had gone into the
    first field)."""
    app = game_app(humans=("japan",), seed=3)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await to_table(pilot)
        composer = table.query_one(PackageComposer)
        await pilot.press("c")
        burst(pilot, [*"15", "enter", *"10", "enter"])
        await pilot.pause()
        await until(pilot, lambda: len(composer.draft) == 2, "both values")
        assert composer.draft == {"jp_tariff": "15", "jp_autos": "10"}
        assert app.focused is list(composer.query("#fields > .field"))[2]


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
async def test_c_and_the_values_typed_in_one_burst_fill_the_offer(size):
    """``c 20 Enter 15`` typed at once: the cursor is in the first field before the next
    key is read. (It used to land there only after the burst had been read, so ``2`` went
    to the meters pane as a pane key and the rest into a field no longer on screen.)"""
    app = game_app(humans=("japan",), seed=3)
    async with app.run_test(size=size) as pilot:
        table = await to_table(pilot)
        composer = table.query_one(PackageComposer)
        assert table.query_one(RoundSummary).display  # what happened so far
        burst(pilot, ["c", *"20", "enter", *"15"])
        await until(pilot, lambda: len(composer.draft) == 2, "both values")
        assert composer.draft == {"jp_tariff": "20", "jp_autos": "15"}
        assert table.pane == "desk"
        assert not table.query_one(RoundSummary).display  # c put it away, as any key does
        assert app.focused is list(composer.query("#fields > .field"))[1]


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
async def test_pane_keys_typed_in_a_burst_settle_on_the_last_pane(size):
    """Two pane keys in one burst used to flip the tabs back and forth for good: each
    switch echoed a ``TabActivated`` that switched back. Each burst must end on its last
    key's pane with no tab message left going round, and the keys must still act."""
    activated: list[Tabs.TabActivated] = []

    def hook(message: Message) -> None:
        if isinstance(message, Tabs.TabActivated):
            activated.append(message)

    app = game_app(humans=("japan",), seed=3)
    async with app.run_test(size=size, message_hook=hook) as pilot:
        table = await to_table(pilot)
        tabs = table.query_one(Tabs)
        for keys, pane in (("24", "news"), ("42", "gauges"), ("351", "desk"), ("2424", "news")):
            burst(pilot, keys)
            await until(pilot, lambda p=pane: table.pane == p, f"the {pane} pane")
            await pilot.pause()
            seen = len(activated)
            await pilot.pause()
            await pilot.pause()
            assert len(activated) == seen, f"tabs still flipping after {keys}"
            assert table.pane == pane and tabs.active == f"tab-{pane}"
        await pilot.press("1")
        assert table.pane == "desk"


async def test_the_table_names_its_track_and_shows_only_the_keys_that_apply():
    """The US team plays two tracks: the turn line names the one in front of it, also on a
    narrow terminal, where the desk has no border. Accept is hidden (key and button) on a
    propose turn, Undo until there is a move to take back."""
    app = game_app(humans=("us",), seed=3)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await to_table(pilot)

        def footer() -> set[str]:
            return {key.description for key in table.query("FooterKey")}

        def turn() -> str:
            return str(table.query_one("#turn").render())

        assert app.game.request.kind == "propose"
        assert turn().startswith("US–Japan talks · Round 1")
        assert "Accept" not in footer() and "Undo" not in footer()
        assert {"Counter", "Send", "Walk away"} <= footer()
        await pilot.press("a")  # a hidden key does nothing
        assert app.game.request.kind == "propose" and not app.game.model.log
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        assert not table.query_one("#accept").display
        await pilot.resize_terminal(80, 24)
        await play_out(pilot, {"us": lambda request: ["c", "ctrl+s"]}, moves=1)
        await to_table(pilot)
        assert turn().startswith("US–Korea talks · Round 1")
        assert "Undo" in footer()
        while app.game.request.kind != "respond":
            await play_out(pilot, {"us": lambda request: ["c", "ctrl+s"]}, moves=1)
            await to_table(pilot)
        assert "Accept" in footer()
        track = app.game.rules.track[app.game.request.track]
        assert turn().startswith(f"{track.name} · Round {app.game.request.round}")
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        assert table.query_one("#accept").display


@pytest.mark.parametrize("asked", [True, False], ids=["questions", "none"])
async def test_the_debrief_has_a_questions_page_when_the_scenario_asks_some(asked):
    overrides = ("debrief=[Who made the first deal?, Did it bind the other?]",) if asked else ()
    game = Game.start(
        GameSetup(CLASSROOM, 1, ("japan",), overrides=overrides),
        load_scenario(CLASSROOM, overrides),
    )
    while not game.finished:
        kind = "walk" if game.request.kind == "propose" else "reject"
        game.submit(Move("japan", game.request.track, kind))
    app = TrilateralApp(resume=game.save_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DebriefScreen), "the debrief")
        await until(pilot, lambda: waiting_for_keys(app), "the outcome")
        tabs = app.screen.query_one(TabbedContent)
        await pilot.press("4")
        await pilot.pause()
        if asked:
            assert tabs.active == "questions"
            assert app.focused is app.screen.query_one("#questions-scroll")
            text = app.screen.query_one("#questions-scroll Markdown")
            assert "Did it bind the other?" in text.source
        else:
            assert tabs.active == "outcome" and not app.screen.query("#questions")
            assert app.focused is app.screen.query_one("#outcome-scroll")


async def test_undo_names_the_team_in_plain_english():
    app = game_app(humans=("us",), seed=3)
    async with app.run_test(size=(100, 30)) as pilot:
        table = await to_table(pilot)
        await pilot.press("c", "ctrl+s")  # the opening, as drafted
        await until(pilot, lambda: len(app.game.human_moves()) == 1, "the offer")
        await until(pilot, lambda: not table.busy, "the engine")
        # The chart: a plot per track the US sits at, labelled lines for floor and no deal.
        await pilot.press("3")
        chart = table.query_one(UtilityChart)
        assert chart.tracks == tuple(views.offer_lines(app.game, "us"))
        drawn = str(chart.render())
        for label in ("US–Japan talks", "━ you", "·· floor 0.20", "·· no deal 0.42"):
            assert label in drawn
        # No offer on the Korea track yet, and none by Japan: no empty chart, no empty line.
        assert [bool(t.own or t.theirs) for t in chart.tracks] == [True, False]
        assert "US–Korea talks" not in drawn and "━ Japan" not in drawn
        await pilot.press("u")
        await until(pilot, lambda: not app.game.human_moves(), "the undo")
        await until(pilot, lambda: bool(app._notifications), "the notice")
        notices = [n.message for n in app._notifications]
        assert "Took back United States' last move" in notices


async def test_in_hot_seat_undo_takes_back_only_the_own_teams_move_unless_the_other_agrees():
    app = game_app(humans=("japan", "korea"), seed=2)
    async with app.run_test(size=(100, 30)) as pilot:
        table = await to_table(pilot)
        assert table.viewer == "japan" and not table.check_action("undo", ())
        await pilot.press("c", *"20", "ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, TableScreen), "a question")
        if isinstance(app.screen, ConfirmDialog):
            await pilot.press("y")  # the counter crosses a bottom line: send it anyway
        await to_table(pilot)
        assert table.viewer == "korea"
        # Korea has not moved: its `u` cannot take back Japan's move.
        await pilot.press("u")
        assert isinstance(app.screen, TableScreen) and len(app.game.human_moves()) == 1
        await pilot.press("w")  # Korea walks away, and confirms
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        await pilot.press("y")
        await to_table(pilot)
        assert table.viewer == "japan" and len(app.game.human_moves()) == 2
        # Japan's last move came before Korea's walk: Korea must agree to lose it.
        await pilot.press("u")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "Korea's say")
        assert app.screen.heading == "South Korea must agree"
        assert "South Korea, do you agree?" in app.screen.question
        assert app.screen.styles.background.a == 1  # Japan's numbers do not show through
        await pilot.press("n")
        assert app.screen is table and len(app.game.human_moves()) == 2
        assert table.viewer == "japan"
        await pilot.press("u")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "Korea's say")
        await pilot.press("y")
        await until(pilot, lambda: not app.game.human_moves(), "the undo")
        await to_table(pilot)
        assert table.viewer == "japan" and app.game.request.round == 1
        notices = [n.message for n in app._notifications]
        assert "Took back Japan's last move, and South Korea's after it" in notices


async def test_the_briefing_gives_the_games_own_bottom_lines(saves):
    """Seed 1 gives Japan the most room: its investment limit is 650, not the written 600,
    in the briefing and at the table."""
    app = game_app(humans=("japan",), seed=1, source="baseline-2025")
    async with app.run_test(size=(160, 50)) as pilot:
        await until(pilot, lambda: app.screen.query("#role-sheet"), "the briefing")
        sheet = app.screen.query_one("#role-sheet").content  # the sheet's rich Markdown
        assert "| Japan's investment pledge in the US | at most 650 $bn |" in sheet.markup
        table = await to_table(pilot)
        assert table.game.model.world.bottom_lines[("japan", "us-japan")].bounds[3] == (0, 650)
