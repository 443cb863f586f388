"""``trilateral join`` on loopback: a real class server in the test, the Japan team's client
driven by keys, the other teams scripted (``tests.network.conftest.Team``)."""

from __future__ import annotations

import asyncio
import contextlib
import html
import re

import pytest
from typer.testing import CliRunner

from sim.network.server import ClassServer, port_of, serving
from sim.network.tables import Classroom
from tests.network.conftest import Team, code_of, new_class
from tests.network.test_privacy import CANARIES
from tests.tui.pilots import burst, until
from tui.cli import build_cli
from tui.dialogs.confirm import ConfirmDialog
from tui.join import JoinApp
from tui.screens.briefing import BriefingScreen
from tui.screens.code import CodeScreen
from tui.screens.remote import RemoteDebriefScreen, RemoteTableScreen


@contextlib.asynccontextmanager
async def class_of(tmp_path, overrides: tuple[str, ...] = (), round_seconds: float | None = None):
    """A class of one table on a free port: its ledger, classroom, server and address."""
    ledger, room = new_class(tmp_path / "class.db", seed=3, overrides=overrides)
    if round_seconds is not None:
        room = Classroom(ledger, room.scenario, round_seconds)
    server = ClassServer(room)
    async with serving(server) as listening:
        yield ledger, room, server, f"ws://127.0.0.1:{port_of(listening)}"
    ledger.close()


async def screen_text(pilot) -> str:
    """What the screen shows once drawn, as text (the screenshot's SVG without its markup)."""
    await pilot.pause()
    svg = pilot.app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def ready(app: JoinApp) -> bool:
    """Whether the Japan team's table waits for its move."""
    screen = app.screen
    return (
        isinstance(screen, RemoteTableScreen)
        and screen.composed
        and not screen.busy
        and app.table.decision is not None
        and screen.query_one("PackageComposer").desk is not None
    )


def _seats(server: ClassServer) -> list:
    """Each connection to the server, with the seat it took."""
    return [(connection, client.seat) for client, (_, connection) in server.outboxes.items()]


def briefed(app: JoinApp) -> bool:
    """Whether the briefing is on screen."""
    return isinstance(app.screen, BriefingScreen) and bool(app.screen.query("#role-sheet"))


async def to_table(pilot) -> RemoteTableScreen:
    """Read the briefing, then come to the table."""
    await until(pilot, lambda: briefed(pilot.app), "the briefing")
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, RemoteTableScreen), "the table")
    return pilot.app.screen


@pytest.mark.asyncio
async def test_a_japan_client_joins_reads_its_briefing_and_its_counter_offer_is_logged(tmp_path):
    async with (
        class_of(tmp_path) as (ledger, room, _, url),
        Team(url, code_of(ledger, 1, "us")) as us,
        Team(url, code_of(ledger, 1, "korea")),
    ):
        app = JoinApp(url, code_of(ledger, 1, "japan"))
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: briefed(app), "the briefing")
            assert "Japan: confidential role sheet" in await screen_text(pilot)
            playing = asyncio.create_task(us.play())
            await to_table(pilot)
            await until(pilot, lambda: ready(app), "Japan's decision")
            shown = await screen_text(pilot)
            assert "United States offers; Japan to answer" in shown
            assert "Your" in shown and "offer" in shown  # the composer, Japan's draft in it
            game = room.tables[1].game
            before = len(game.model.log)
            await pilot.press("c", "ctrl+s")
            await until(pilot, lambda: len(game.model.log) > before, "Japan's move logged")
            move = next(m for m in game.model.log[before:] if m.party == "japan")
            assert move.kind == "reject" and move.package is not None
            logged = [e for e in ledger.entries(1) if e.kind == "move"]
            assert any(e.party == "japan" for e in logged)
            playing.cancel()


@contextlib.asynccontextmanager
async def japan_deciding(tmp_path, size=(80, 24)):
    """A class whose US and Korea teams are scripted, with the Japan team's client at the
    table and its first decision pending: the app, its pilot, its table screen and the
    class's classroom."""
    async with (
        class_of(tmp_path) as (ledger, room, _, url),
        Team(url, code_of(ledger, 1, "us")) as us,
        Team(url, code_of(ledger, 1, "korea")),
    ):
        app = JoinApp(url, code_of(ledger, 1, "japan"))
        async with app.run_test(size=size) as pilot:
            playing = asyncio.create_task(us.play())
            try:
                table = await to_table(pilot)
                await until(pilot, lambda: ready(app), "Japan's decision")
                yield app, pilot, table, room
            finally:
                playing.cancel()


@pytest.mark.asyncio
async def test_an_accept_that_meets_a_new_decisions_summary_only_puts_it_away(tmp_path):
    """The teacher's trial: a US team pressed ``a`` twice and accepted two offers, the
    second one it had not yet seen. An ``a`` that finds a new decision's summary on screen
    puts it away; the next one accepts."""
    async with japan_deciding(tmp_path) as (app, pilot, table, room):
        assert app.table.decision.kind == "respond"
        assert table.query_one("RoundSummary").display  # what the US did so far
        game = room.tables[1].game
        before = len(game.model.log)
        await pilot.press("a")
        assert not table.query_one("RoundSummary").display
        assert not table.busy and len(game.model.log) == before
        assert not isinstance(app.screen, ConfirmDialog)
        await pilot.press("a")

        def accepted() -> bool:
            return any(m.party == "japan" and m.kind == "accept" for m in game.model.log[before:])

        await until(
            pilot,
            lambda: isinstance(app.screen, ConfirmDialog) or accepted(),
            "the accept, or the question whether to accept past a bottom line",
        )


@pytest.mark.asyncio
async def test_an_enter_that_meets_a_summary_only_puts_it_away_on_the_team_screen(tmp_path):
    """As on the local table: Enter to go on past the summary, then ``c``, counters."""
    async with japan_deciding(tmp_path) as (_, pilot, table, _):
        assert table.query_one("RoundSummary").display
        await pilot.press("enter")
        assert not table.query_one("RoundSummary").display
        assert not table.focused or not table.focused.has_class("field")
        await pilot.press("c")
        assert table.focused is not None and table.focused.has_class("field")
        assert table.focused.value != "c"


@pytest.mark.asyncio
@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
async def test_c_and_the_values_typed_in_one_burst_fill_the_offer_on_the_team_screen(
    tmp_path, size
):
    """As on the local table: ``c 20 Enter 15`` typed at once lands in the offer's first two
    fields (``2`` used to switch to the meters pane, the rest to a field out of sight)."""
    async with japan_deciding(tmp_path, size) as (_, pilot, table, _):
        composer = table.query_one("PackageComposer")
        burst(pilot, ["c", *"20", "enter", *"15"])
        await until(pilot, lambda: len(composer.draft) == 2, "both values")
        assert composer.draft == {"jp_tariff": "20", "jp_autos": "15"}
        assert table.pane == "desk"


@pytest.mark.asyncio
async def test_a_client_that_drops_takes_its_seat_again_and_finds_the_table_as_it_was(tmp_path):
    async with (
        class_of(tmp_path) as (ledger, _, server, url),
        Team(url, code_of(ledger, 1, "us")) as us,
    ):
        app = JoinApp(url, code_of(ledger, 1, "japan"))
        async with app.run_test(size=(160, 48)) as pilot:
            playing = asyncio.create_task(us.play())
            table = await to_table(pilot)
            await until(pilot, lambda: ready(app), "Japan's decision")
            before = dict(app.table.view)
            (dropped,) = [c for c, seat in _seats(server) if seat.party == "japan"]
            await dropped.close()  # the network drops it
            await until(pilot, lambda: table.offline, "the drop to show")
            assert "Connection lost" in await screen_text(pilot)
            await until(pilot, lambda: not table.offline, "the seat taken again", 20)
            assert app.table.view == before
            await until(pilot, lambda: ready(app), "the same decision")
            assert app.screen is table
            playing.cancel()


@pytest.mark.asyncio
async def test_a_timed_table_counts_down_on_the_table_and_in_the_header(tmp_path):
    async with (
        class_of(tmp_path, round_seconds=600) as (ledger, _, _, url),
        Team(url, code_of(ledger, 1, "us")),
        Team(url, code_of(ledger, 1, "korea")),
    ):
        app = JoinApp(url, code_of(ledger, 1, "japan"))
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: briefed(app), "the briefing")
            await until(pilot, lambda: app.sub_title.endswith(" left"), "the clock")
            assert app.sub_title.startswith(("10:00", "9:5"))  # every screen's header has it
            await to_table(pilot)
            shown = await screen_text(pilot)
            assert re.search(r"⏱ (10:00|9:5\d) left · Round 1 of", shown)
            assert "Waiting for United States to propose" in shown


@pytest.mark.asyncio
async def test_the_allies_read_and_write_their_channel_and_the_us_team_has_none(tmp_path):
    async with (
        class_of(tmp_path) as (ledger, _, _, url),
        Team(url, code_of(ledger, 1, "korea")) as korea,
    ):
        await korea.send({"type": "say", "text": "Shall we share bottom lines?"})
        app = JoinApp(url, code_of(ledger, 1, "japan"))
        async with app.run_test(size=(80, 24)) as pilot:
            table = await to_table(pilot)
            await pilot.press("5")
            assert "South Korea: Shall we share bottom lines?" in await screen_text(pilot)
            # in one burst, as tmux types it: ``t`` puts the cursor in the line at once, and
            # the line's own c and t are letters, not keys for the counter or the channel
            burst(pilot, ["t", *"Yes, once trust allows", "enter"])
            heard = []
            while len(heard) < 2:
                message = await korea.next()
                heard = message["view"]["channel"] if message["type"] == "view" else heard
            said = heard[-1]
            assert (said["party"], said["text"]) == ("japan", "Yes, once trust allows")
            await until(pilot, lambda: len(table.table.channel) == 2, "the line back")
            await pilot.press("escape")  # as the field says: back to the table
            assert table.pane == "desk" and app.focused is None
        us = JoinApp(url, code_of(ledger, 1, "us"))
        async with us.run_test(size=(80, 24)) as pilot:
            table = await to_table(pilot)
            assert not table.allied and not table.query("#allies")
            await pilot.press("5")
            assert table.pane == "desk" and "Allies" not in await screen_text(pilot)


@pytest.mark.asyncio
async def test_a_wrong_code_ends_the_client_with_a_clear_reason(tmp_path):
    async with class_of(tmp_path) as (_, _, _, url):
        app = JoinApp(url, "WRONG-CODE9")
        async with app.run_test() as pilot:
            await until(pilot, lambda: app.problem is not None, "the refusal")
        assert app.problem == "no seat has that code: check it on your sheet"
        assert app.return_code == 2


@pytest.mark.asyncio
async def test_without_a_code_the_client_asks_for_it_and_again_after_a_refusal(tmp_path):
    async with class_of(tmp_path) as (ledger, _, _, url):
        app = JoinApp(url)
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, CodeScreen), "the code's page")
            await pilot.press(*"WRONG-CODE9", "enter")
            await until(
                pilot,
                lambda: (
                    "no seat has that code" in str(app.screen.query_one("#code-problem").render())
                ),
                "the refusal said",
            )
            assert isinstance(app.screen, CodeScreen) and app.problem is None
            await pilot.press(*code_of(ledger, 1, "japan").lower(), "enter")  # as typed
            await until(pilot, lambda: isinstance(app.screen, BriefingScreen), "the briefing")
            assert app.problem is None


@pytest.mark.asyncio
async def test_an_unreachable_server_ends_the_client_with_a_clear_reason():
    app = JoinApp("ws://127.0.0.1:9", "ABCDE-FGHJK")  # the discard port: nothing listens
    async with app.run_test() as pilot:
        await until(pilot, lambda: app.problem is not None, "the failure")
    assert app.problem == (
        "cannot reach the class server at ws://127.0.0.1:9: nothing listens there "
        "(is trilateral host running, on that port?)"
    )


def test_join_refuses_an_address_that_is_not_a_servers():
    result = CliRunner().invoke(build_cli(), ["join", "http://127.0.0.1:8765", "ABCDE-FGHJK"])
    assert result.exit_code == 2
    assert "not a class server's address" in result.output
    assert "Traceback" not in result.output


async def move_by_keys(pilot) -> list[str]:
    """Japan's team counters with its draft until round 3, then accepts (all the same if it
    is asked: the offer crosses a line); what any question showed."""
    app = pilot.app
    decision, version = app.table.decision, app.table.view["version"]
    accept = decision.kind == "respond" and decision.round >= 3
    # a first ``a`` only puts a new decision's summary away
    reading = app.screen.query_one("RoundSummary").display
    await pilot.press(*((["a", "a"] if reading else ["a"]) if accept else ["c", "ctrl+s"]))

    def answered() -> bool:
        return app.table.view["version"] > version

    def asked() -> bool:
        return isinstance(app.screen, ConfirmDialog)

    await until(pilot, lambda: answered() or asked(), "the move answered")
    if not asked():
        return []
    question = await screen_text(pilot)
    await pilot.press("y")
    await until(pilot, answered, "the acceptance answered")
    return [question]


LEAKS = ("10.3", "10.6", "23.7", "413", "3.37", "5.29", "0.9431", "0.8713")
"""Korea's and the US's private numbers set by ``CANARIES``, as a screen would write them."""


@pytest.mark.asyncio
async def test_what_the_japan_client_shows_never_holds_another_partys_private_numbers(tmp_path):
    async with class_of(tmp_path, CANARIES) as (ledger, _, _, url):
        us, korea = (Team(url, code_of(ledger, 1, party)) for party in ("us", "korea"))
        async with us, korea:
            app = JoinApp(url, code_of(ledger, 1, "japan"))
            async with app.run_test(size=(160, 48)) as pilot:
                others = asyncio.gather(us.play(), korea.play())
                shown = []
                await until(pilot, lambda: briefed(app), "the briefing")
                shown.append(await screen_text(pilot))
                await pilot.press("enter")
                while not isinstance(app.screen, RemoteDebriefScreen):
                    await until(
                        pilot,
                        lambda: ready(app) or isinstance(app.screen, RemoteDebriefScreen),
                        "Japan's decision or the end",
                        30,
                    )
                    if isinstance(app.screen, RemoteDebriefScreen):
                        break
                    shown.append(await screen_text(pilot))
                    shown += await move_by_keys(pilot)
                await pilot.pause(0.2)
                shown.append(await screen_text(pilot))
                await others
        assert "Scores" in shown[-1] and "Japan (you)" in shown[-1]
        written = [re.compile(rf"(?<![\d.]){re.escape(n)}(?!\d)") for n in LEAKS]
        assert not [p.pattern for text in shown for p in written if p.search(text)]
        assert "0.25" in "".join(shown)  # Japan's own floor is on its screens
