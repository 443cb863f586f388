"""The teacher's console (``trilateral join URL TEACHERCODE``) on loopback: a real class
server of two tables in the test, the console driven by keys, a team scripted
(``tests.network.conftest.Team``) to move while the teacher pauses, resumes and undoes."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from sim.network.server import ClassServer, port_of, serving
from tests.network.conftest import Team, code_of, decide, new_class
from tests.tui.pilots import until
from tests.tui.test_join import class_of, screen_text, to_table
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.facilitator import FacilitatorDialog
from tui.join import JoinApp
from tui.screens.console import ClassScreen, TableInFull, _track_cell

pytestmark = pytest.mark.asyncio


@contextlib.asynccontextmanager
async def two_tables(tmp_path):
    """A class of two tables on a free port: its ledger, classroom and address."""
    ledger, room = new_class(tmp_path / "class.db", tables=2, seed=3)
    async with serving(ClassServer(room)) as listening:
        yield ledger, room, f"ws://127.0.0.1:{port_of(listening)}"
    ledger.close()


async def answer(team: Team) -> dict:
    """The server's answer to the team's last message (the views before it taken in)."""
    while True:
        message = await asyncio.wait_for(team.next(), 10)
        if message["type"] == "view":
            team.view = message["view"]
        else:
            return message


async def move(team: Team) -> dict:
    """The team plays its scripted move on its latest view; the server's answer."""
    while team.view["request"] is None or team.view["paused"]:
        team.view = (await asyncio.wait_for(team.next(), 10))["view"]
    await team.send({"type": "move", "version": team.view["version"], **decide(team.view)})
    return await answer(team)


def shows(app, widget: str) -> str:
    """What a widget of the screen on show says."""
    return str(app.screen.query_one(widget).render())


async def confirm(pilot) -> None:
    await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmDialog), "the question")
    await pilot.press("y")


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_the_console_lists_the_tables_and_pauses_resumes_fires_and_undoes(tmp_path, size):
    async with (
        two_tables(tmp_path) as (ledger, room, url),
        Team(url, code_of(ledger, 1, "us")) as us,
    ):
        app = JoinApp(url, code_of(ledger, None))
        table = room.tables[1]
        async with app.run_test(size=size) as pilot:
            await until(pilot, lambda: isinstance(app.screen, ClassScreen), "the class")
            shown = await screen_text(pilot)
            assert "2 tables: 2 playing" in shown and "to join" in shown
            assert app.teacher.board.waiting_for(1) == "Japan, South Korea to join"
            assert app.screen.query_one("#tables").row_count == 2
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, TableInFull), "table 1 in full")
            assert app.screen.number == 1
            assert "Allies' channel" in await screen_text(pilot)

            await pilot.press("p")
            await until(pilot, lambda: table.paused, "the pause")
            await until(pilot, lambda: "PAUSED" in shows(app, "#state"), "the table paused")
            await us.send({"type": "move", "version": us.view["version"], **decide(us.view)})
            refused = await answer(us)
            assert refused["type"] == "refused" and "paused" in refused["reason"]
            assert not room.tables[2].paused
            await pilot.press("p")
            await until(pilot, lambda: not table.paused, "the resume")
            assert (await move(us))["type"] == "ack"
            played = table.game.model.log
            assert [m.party for m in played] == ["us"]

            await until(pilot, lambda: app.teacher.board.views[1]["history"], "the move shown")
            await pilot.press("u")
            await confirm(pilot)
            await until(pilot, lambda: not table.game.model.log, "the undo")
            assert ledger.entries(1)[-1].kind == "undo"

            await pilot.press("f")
            await until(pilot, lambda: isinstance(app.screen, FacilitatorDialog), "the dialog")
            await pilot.press("enter")  # the first of the scenario's events
            first = room.scenario.events[0].id
            await until(pilot, lambda: isinstance(app.screen, TableInFull), "the dialog closed")
            fired = [e.data for e in ledger.entries(1) if e.kind == "intervention"]
            assert fired == [{"intervention": "fire", "round": 1, "event": first}]
            assert any(item["headline"] for item in app.teacher.board.views[1]["news"])
            await until(pilot, lambda: app.teacher.board.views[1]["news"], "the news")
            await pilot.press("f")
            await until(pilot, lambda: isinstance(app.screen, FacilitatorDialog), "the dialog")
            assert "fired in round 1" in await screen_text(pilot)  # the event is marked
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, TableInFull), "the dialog closed")

            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, ClassScreen), "back to the class")


async def test_a_refused_act_shows_the_servers_reason(tmp_path):
    async with two_tables(tmp_path) as (ledger, _, url):
        app = JoinApp(url, code_of(ledger, None))
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, ClassScreen), "the class")
            await pilot.press("u")
            await confirm(pilot)
            await until(
                pilot,
                lambda: any("no move to take back" in str(n.message) for n in app._notifications),
                "the refusal",
            )


async def test_pause_all_and_resume_all_reach_every_table(tmp_path):
    async with two_tables(tmp_path) as (ledger, room, url):
        app = JoinApp(url, code_of(ledger, None))
        async with app.run_test(size=(160, 48)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, ClassScreen), "the class")
            await pilot.press("P")
            await confirm(pilot)
            await until(pilot, lambda: all(t.paused for t in room.tables.values()), "all paused")
            await until(pilot, lambda: "2 paused" in shows(app, "#class-state"), "the count")
            await pilot.press("R")
            await confirm(pilot)
            await until(pilot, lambda: not any(t.paused for t in room.tables.values()), "resumed")


async def test_a_teams_table_says_it_is_paused_by_the_teacher(tmp_path):
    async with (
        class_of(tmp_path) as (ledger, _, _, url),
        Team(url, code_of(ledger, None)) as teacher,
    ):
        app = JoinApp(url, code_of(ledger, 1, "japan"))
        async with app.run_test(size=(80, 24)) as pilot:
            await to_table(pilot)
            act = {"kind": "pause"}
            await teacher.send({"type": "intervene", "table": 1, "version": 0, "act": act})
            assert (await answer(teacher))["type"] == "ack"
            await until(pilot, lambda: app.table.paused, "the paused view")
            assert "Paused by the teacher" in await screen_text(pilot)


def keys(app) -> dict[str, str]:
    """The keys the screen on show offers, with what each says it does."""
    return {key: b.binding.description for key, b in app.screen.active_bindings.items()}


async def test_p_is_named_resume_on_a_paused_table_and_pause_on_another(tmp_path):
    async with two_tables(tmp_path) as (ledger, room, url):
        app = JoinApp(url, code_of(ledger, None))
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: keys(app).get("p") == "Pause", "the class")
            await pilot.press("p")
            await until(pilot, lambda: app.teacher.board.views[1]["paused"], "the pause")
            await until(pilot, lambda: keys(app)["p"] == "Resume", "the key renamed")
            await pilot.press("down")  # table 2 plays on
            await until(pilot, lambda: keys(app)["p"] == "Pause", "table 2's key")
            await pilot.press("up", "p")
            await until(pilot, lambda: not room.tables[1].paused, "the resume")


async def test_the_teacher_can_take_back_the_move_that_ended_a_table(tmp_path):
    """An accept pressed once too often ends a table: the teacher's undo reopens it."""
    async with two_tables(tmp_path) as (ledger, room, url):
        async with (
            Team(url, code_of(ledger, 1, "us")) as us,
            Team(url, code_of(ledger, 1, "japan")) as japan,
            Team(url, code_of(ledger, 1, "korea")) as korea,
        ):
            await asyncio.wait_for(asyncio.gather(us.play(), japan.play(), korea.play()), 30)
        assert room.tables[1].game.finished
        app = JoinApp(url, code_of(ledger, None))
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: "u" in keys(app), "the class, with its undo key")
            assert "p" not in keys(app) and "f" not in keys(app)  # not at a table that is over
            await pilot.press("u")
            await confirm(pilot)
            await until(pilot, lambda: not room.tables[1].game.finished, "the table reopened")
            assert ledger.entries(1)[-1].kind == "undo"


async def test_a_package_at_a_glance_breaks_its_lines_between_two_issues():
    """At 80 columns "autos tariff 10" used to wrap as "autos" over "tariff 10"."""
    terms = [
        {"short": short, "on_table": value, "deal": None}
        for short, value in (("tariff", "10"), ("autos tariff", "10"), ("steel tariff", "25"))
    ]
    track = {"status": "open: Japan to answer", "open": True, "terms": terms}
    lines = _track_cell(track, 18).plain.split("\n")
    assert lines == ["open", "tariff 10 ·", "autos tariff 10 ·", "steel tariff 25"]
    assert all(len(line) <= 18 for line in lines)
