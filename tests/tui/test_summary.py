"""The round summary at the table: shown when play comes back to a team, kept in its news."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Tab, Tabs

from sim.classroom.summary import Summary
from tests.tui.pilots import game_app, to_table, until, waiting_for_keys
from tui.screens.curtain import Curtain
from tui.widgets.feed import NewsFeed, RoundSummary

pytestmark = pytest.mark.asyncio


def shown(table) -> str:
    """The summary panel's text, or "" when it is put away."""
    panel = table.query_one(RoundSummary)
    if not panel.display:
        return ""
    return "\n".join(str(part.render()) for part in panel.query("Static"))


async def test_a_team_sees_what_the_ai_did_and_why_its_numbers_moved():
    app = game_app(humans=("japan",), seed=3, source="baseline-2025")
    async with app.run_test(size=(100, 40)) as pilot:
        table = await to_table(pilot)
        first = shown(table)
        assert first.startswith("What happened so far")
        assert "Round 1, US–Japan talks: United States proposes" in first
        await pilot.press("c", "ctrl+s")  # the opening, as drafted
        await until(pilot, lambda: app.game.request.round == 3, "the AI's moves")
        await until(pilot, lambda: waiting_for_keys(app), "the table")
        text = shown(table)
        assert text.startswith("What happened since your last move (round 1)")
        assert "Round 2, US–Japan talks: United States rejects" in text
        assert (
            "No deal on US–Japan talks now means Reciprocal tariff on Japan 31.7% (was 24%): "
            "United States threatens it (Tariff threat against Japan)"
        ) in " ".join(text.split())
        assert "US–Korea talks:" not in text  # a table Japan does not sit at
        await pilot.press("4")  # any key that acts puts it away, and acts
        assert shown(table) == "" and table.pane == "news"
        news = str(table.query_one(NewsFeed).render())
        assert "R3 What happened since your last move (round 1)" in news
        assert "R1 What happened so far" in news


async def test_an_enter_that_finds_a_summary_only_puts_it_away_and_c_then_counters():
    """The summary says "any key goes on": a team presses Enter to go on, then ``c`` as the
    status line says. That Enter used to edit the offer too, and the ``c`` landed in the
    first field as text ("'c' is not a number"). Without a summary, Enter edits."""
    app = game_app(humans=("japan",), seed=1, source="baseline-2025")
    async with app.run_test(size=(80, 24)) as pilot:
        table = await to_table(pilot)
        assert shown(table)
        await pilot.press("enter")
        assert shown(table) == ""
        assert not table.focused or not table.focused.has_class("field")
        await pilot.press("c", "ctrl+s")
        await until(pilot, lambda: app.game.request.round == 3, "the counter and the AI's moves")
        assert not table.problem
        await until(pilot, lambda: waiting_for_keys(app), "the table")
        await pilot.press("enter", "enter")  # the summary away, then the offer to edit
        assert table.focused is not None and table.focused.has_class("field")


async def test_in_hot_seat_each_team_reads_its_own_summary_only():
    app = game_app(humans=("japan", "korea"), seed=3, source="baseline-2025")
    async with app.run_test(size=(100, 40)) as pilot:
        table = await to_table(pilot)
        assert table.viewer == "japan"
        await pilot.press("c", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, Curtain), "the curtain")
        assert not table.query_one(RoundSummary).display  # nothing shows behind it
        table = await to_table(pilot)
        assert table.viewer == "korea"
        text = shown(table)
        assert "US–Korea talks" in text and "US–Japan talks" not in text
        news = str(table.query_one(NewsFeed).render())
        assert "US–Japan talks now" not in news  # Japan's summary stays Japan's


class SummaryApp(App):
    """A round summary under a screen's pane tabs, as the networked table has them."""

    def compose(self) -> ComposeResult:
        yield Tabs(
            Tab("1 Table", id="tab-desk"),
            Tab("3 News", id="tab-news"),
            Tab("4 History", id="tab-moves"),
        )
        yield RoundSummary()


async def test_short_of_room_the_summary_keeps_the_answer_that_brought_play_back():
    """At 80×24 the panel has two lines: the allies' consultations came first, and the
    other side's counter-offer, the reason play came back, used to be the one left off."""
    moves = (
        "Round 1, JP–KR channel: Japan consults",
        "Round 1, JP–KR channel: South Korea consults",
        "Round 1, US–Japan talks: Japan rejects and counters",
    )
    seen = Summary("us", since=1, round=1, moves=moves, news=(), notes=(), changes=())
    app = SummaryApp()
    async with app.run_test(size=(80, 24)) as pilot:
        app.query_one(RoundSummary).summary = seen
        await pilot.pause()
        text = str(app.query_one("#happened").render())
        assert "Japan rejects and counters" in text
        assert "Japan consults" not in text  # the oldest gives way
        assert "1 more: 3 News, 4 History" in text  # the keys of this screen's panes
