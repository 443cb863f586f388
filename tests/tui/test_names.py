"""Nothing cut off at the table: issue names that tell autos from steel, the *No deal*
column in view, and history packages that wrap whole words — read off the screen."""

from __future__ import annotations

import pytest

from sim.scenario.loading import bundled_scenarios
from tests.tui.pilots import game_app, to_table
from tui.widgets.composer import IssueTable
from tui.widgets.feed import MoveHistory

BASELINE = str(bundled_scenarios()["baseline-2025"])
NARROW = pytest.mark.parametrize("width", [60, 80])

pytestmark = pytest.mark.asyncio


def lines(widget) -> list[str]:
    """The widget's lines as they are on screen."""
    return [widget.render_line(y).text for y in range(widget.size.height)]


@NARROW
async def test_autos_and_steel_read_differently_beside_what_no_deal_holds(width):
    app = game_app(humans=("japan",), seed=3, source=BASELINE)
    async with app.run_test(size=(width, 24)) as pilot:
        table = (await to_table(pilot)).query_one(IssueTable)
        top, bottom, *rows = lines(table)
        assert "No" in top.split() and "deal" in bottom.split()  # the No deal column
        on_screen = dict(zip((row.space.id for row in table.rows), rows, strict=True))
        assert on_screen["jp_autos"].startswith("autos tariff ")
        assert on_screen["jp_steel"].startswith("steel tariff ")
        assert not any("…" in line for line in on_screen.values())  # no name cut off


@NARROW
async def test_a_package_in_the_history_wraps_whole_words(width):
    app = game_app(humans=("japan",), seed=3, source=BASELINE)
    async with app.run_test(size=(width, 40)) as pilot:
        table = await to_table(pilot)
        await pilot.press("5")  # the history pane
        await pilot.pause()
        history = table.query_one(MoveHistory)
        (proposal,) = history.entries  # the United States' opening offer
        start = sum(column.get_render_width(history) for column in history.ordered_columns[:-1])
        shown = [line[start:].strip() for line in lines(history)[1:]]
        assert len([line for line in shown if line]) > 1  # it wraps...
        assert " ".join(line for line in shown if line) == proposal.detail  # ...whole words


async def test_full_names_where_they_fit_and_siblings_read_alike():
    app = game_app(humans=("japan",), seed=3, source=BASELINE)
    async with app.run_test(size=(160, 48)) as pilot:
        table = (await to_table(pilot)).query_one(IssueTable)
        on_screen = dict(zip((row.space.id for row in table.rows), lines(table)[2:], strict=True))
        assert on_screen["jp_tariff"].startswith("Reciprocal tariff on Japan ")
        assert on_screen["jp_defense"].startswith("Japan's defense spending ")
        # "Section 232 tariff on Japanese autos and parts" would fit; steel's would not.
        assert on_screen["jp_autos"].startswith("autos tariff ")
        assert on_screen["jp_steel"].startswith("steel tariff ")
