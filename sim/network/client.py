"""A team's side of a networked table: the latest view, and the connection that keeps it.

``trilateral join`` plays a table that lives on the class server, so the client holds no
game: only the last view the server sent (``sim.network.view.snapshot``, what the team's
party may see). ``RemoteTable`` reads that view as the classroom's plain data — the track
meters, issue rows, history, news and alliance politics the terminal UI's widgets already
draw — and turns the team's decisions into protocol messages; it decides nothing the view
does not say, so a screen cannot show what the server did not send. ``Link`` is the
connection: it says hello with the team's code, hands on what the server sends, and after
a drop says hello again with the same code, so the team finds its table as it was.

``ClassBoard`` is the teacher's side: every table's view, for the console.

Nothing here draws: the Textual client (``tui``) drives them.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from sim.classroom.politics import ChannelOption, Politics
from sim.classroom.record import Entry
from sim.classroom.summary import Summary
from sim.classroom.views import IssueRow, TrackMeter
from sim.engine.utility import IssueSpace
from sim.network import protocol

OPEN_TIMEOUT = 10.0
"""Seconds to wait for the server to answer a connection and a hello."""
MAX_VIEW = 2**24
"""The largest frame the client reads, in bytes: a table's view is tens of kilobytes."""
RETRY = (0.5, 1.0, 2.0, 4.0, 8.0)
"""Seconds between attempts to reconnect after a drop (the last repeats)."""


class JoinError(Exception):
    """The team could not take its seat; the message says why, in a sentence.

    Attributes:
        refused: Whether the server refused the seat (a wrong code), rather than could not
            be reached: trying again will not help.
    """

    def __init__(self, message: str, refused: bool = False) -> None:
        super().__init__(message)
        self.refused = refused


@dataclass(frozen=True, slots=True)
class Decision:
    """The team's pending decision, as the view's ``request`` gives it."""

    track: str
    kind: str
    """``propose`` or ``respond``."""
    round: int


class RemoteTable:
    """The table as the team's party sees it: the server's latest view, read for screens."""

    def __init__(self, welcome: dict, clock: Callable[[], float] = time.monotonic) -> None:
        """``welcome``: the server's reply to the team's hello."""
        self.clock = clock
        seat = welcome["seat"]
        self.number: int = seat["table"]
        self.party: str = seat["party"]
        self.briefing: str = welcome["briefing"]
        self.view: dict = {}
        self.received = 0.0
        self.update(welcome["views"][str(self.number)])

    def update(self, view: dict) -> None:
        """Take the server's new view of the table."""
        self.view = view
        self.received = self.clock()

    # -- what the screens show ---------------------------------------------------------

    @property
    def name(self) -> str:
        """The team's party's name."""
        return self.names[self.party]

    @property
    def names(self) -> dict[str, str]:
        return {p["id"]: p["name"] for p in self.view["parties"]}

    @property
    def finished(self) -> bool:
        return self.view["finished"]

    @property
    def round(self) -> int:
        return self.view["round"]

    @property
    def deadline(self) -> int:
        return self.view["deadline"]

    @property
    def paused(self) -> bool:
        """Whether the teacher has paused the table (the server refuses moves meanwhile)."""
        return self.view["paused"]

    @property
    def decision(self) -> Decision | None:
        """The team's own pending decision, or None while another party decides."""
        request = self.view["request"]
        if request is None:
            return None
        return Decision(request["track"], request["kind"], request["round"])

    @property
    def waiting_for(self) -> str | None:
        """Whose decision the table waits for, in words, when it is not the team's: first
        the teams that have not joined yet."""
        turn = self.view["turn"]
        if turn is None or turn["party"] == self.party:
            return None
        if self.view["waiting_to_join"]:
            return joining(self.view, self.names)
        track = self.track(turn["track"])["name"] if turn["track"] else ""
        verb = "to answer" if turn["kind"] == "respond" else "to propose"
        return f"{self.names[turn['party']]} {verb}" + (f" ({track})" if track else "")

    def timed_text(self, entry: dict) -> str:
        """A move the timer played (an entry of the view's ``timed``), in words."""
        who = "you" if entry["party"] == self.party else self.names[entry["party"]]
        track = self.track(entry["track"])["name"] if entry["track"] else "the table"
        return f"The AI played for {who} on {track}: it chose to {entry['kind']}"

    def track(self, track_id: str) -> dict:
        """One track of the view."""
        return next(t for t in self.view["tracks"] if t["id"] == track_id)

    def seconds_left(self) -> float | None:
        """Seconds left for the pending decision, counted down since the view came
        (None without a timer, or while the clock is stopped)."""
        left = self.view["seconds_left"]
        if left is None:
            return None
        return max(0.0, left - (self.clock() - self.received))

    def meters(self) -> tuple[TrackMeter, ...]:
        """Every track's status; the team's utilities where it sits."""
        found = []
        for track in self.view["tracks"]:
            worth = track.get("worth") or {}
            found.append(
                TrackMeter(
                    track["id"],
                    track["name"],
                    track["status"],
                    track["seated"],
                    worth.get("offer"),
                    worth.get("no_deal"),
                    worth.get("floor"),
                )
            )
        return tuple(found)

    def rows(self, track_id: str) -> tuple[IssueRow, ...]:
        """A track's issues, with the team's ideal, bottom line and draft beside the offer."""
        rows = []
        for issue in self.track(track_id).get("issues", ()):
            choices = issue["choices"]
            space = IssueSpace(
                issue["id"],
                issue["name"],
                issue["short"],
                issue["unit"],
                issue["kind"],
                issue["lo"],
                issue["hi"],
                issue["step"],
                None if choices is None else tuple(choices),
            )
            rows.append(
                IssueRow(
                    space,
                    issue["unit"],
                    issue["status_quo"],
                    issue["no_deal"],
                    issue["on_table"],
                    issue["ideal"],
                    issue["bottom_line"],
                    issue["crosses"],
                    issue["draft"],
                )
            )
        return tuple(rows)

    def warnings(self, track_id: str) -> tuple[str, ...]:
        """What is wrong with the offer on a track for the team, as the local table warns
        before an acceptance: the bottom lines it crosses, a worth below the floor or below
        no deal."""
        track = self.track(track_id)
        found = [
            f"crosses your bottom line on {issue['name']} ({issue['bottom_line']})"
            for issue in track["issues"]
            if issue["crosses"]
        ]
        worth = track["worth"]
        offer, floor, no_deal = worth["offer"], worth["floor"], worth["no_deal"]
        if offer is not None and offer < floor:
            found.append(f"worth {offer:.2f}, below your reservation utility {floor:.2f}")
        elif offer is not None and offer < no_deal:
            found.append(f"worth {offer:.2f}, less than no deal ({no_deal:.2f})")
        return tuple(found)

    def summary(self) -> Summary | None:
        """What happened since the team's last move, while its decision is pending."""
        seen = self.view["summary"]
        if seen is None:
            return None
        fields = {key: value for key, value in seen.items() if key != "title"}
        return Summary(**{k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()})

    def history(self) -> tuple[Entry, ...]:
        return history(self.view)

    def news(self) -> tuple[tuple[int, str, str], ...]:
        return news(self.view)

    def politics(self) -> Politics:
        """Alliance politics as the team may see it (``sim.classroom.politics``)."""
        return politics(self.view)

    @property
    def channel(self) -> list[dict] | None:
        """The allies' channel, oldest first; None for a team that is not in it."""
        return self.view["channel"]

    @property
    def results(self) -> list[dict] | None:
        """Each party's score once the game is over."""
        return self.view["results"]

    # -- what the team sends -----------------------------------------------------------

    def move(self, kind: str, package: dict | None = None) -> dict:
        """A move on the team's pending decision, answering this view."""
        decision = self.decision
        message = {"type": "move", "version": self.view["version"], "kind": kind}
        message |= {"track": decision.track, "round": decision.round}
        if package is not None:
            message["package"] = package
        return message

    @staticmethod
    def say(text: str) -> dict:
        """A line in the allies' channel."""
        return {"type": "say", "text": text}

    @staticmethod
    def consult(option: str, agree: bool) -> dict:
        """An answer to a consultation option in the allies' channel."""
        return {"type": "consult", "option": option, "agree": agree}


def history(view: dict) -> tuple[Entry, ...]:
    """A view's public history, as the classroom's record gives it."""
    return tuple(Entry(**entry) for entry in view["history"])


def news(view: dict) -> tuple[tuple[int, str, str], ...]:
    """A view's news: (round, headline, text) of each item."""
    return tuple((n["round"], n["headline"], n["news"]) for n in view["news"])


def politics(view: dict) -> Politics:
    """A view's alliance politics (``sim.classroom.politics``)."""
    state = view["politics"]
    return Politics(
        tuple((name, value) for name, value in state["approval"]),
        state["threshold"],
        state["trust"],
        state["sentiment"],
        state["threat"],
        state["channel"],
        tuple(ChannelOption(**option) for option in state["options"]),
        tuple(tuple(signal) for signal in state["signals"]),
        state["allied"],
        state["partner"],
    )


def joining(view: dict, names: dict[str, str]) -> str:
    """The teams a table still waits for to take their seats, in words."""
    return f"{', '.join(names[p] for p in view['waiting_to_join'])} to join"


class ClassBoard:
    """The whole class as the teacher sees it: every table's latest view, read for the
    console, and the teacher's acts as protocol messages."""

    def __init__(self, welcome: dict, clock: Callable[[], float] = time.monotonic) -> None:
        """``welcome``: the server's reply to the teacher's hello."""
        self.clock = clock
        self.views: dict[int, dict] = {}
        self.received: dict[int, float] = {}
        self.events: list[dict] = welcome["events"] or []
        """The scenario's events the teacher may fire (``id``, ``name``, ``round``,
        ``probability``)."""
        self.welcome(welcome)

    def welcome(self, welcome: dict) -> None:
        """Take every table's view from a (new) welcome."""
        for number, view in welcome["views"].items():
            self.update(int(number), view)

    def update(self, table: int, view: dict) -> None:
        """Take the server's new view of a table."""
        self.views[table] = view
        self.received[table] = self.clock()

    @property
    def tables(self) -> list[int]:
        """The tables' numbers, in order."""
        return sorted(self.views)

    @property
    def title(self) -> str:
        return next(iter(self.views.values()))["title"] if self.views else ""

    def names(self, table: int) -> dict[str, str]:
        return {p["id"]: p["name"] for p in self.views[table]["parties"]}

    def seconds_left(self, table: int) -> float | None:
        """Seconds left for a table's pending decision, counted down since its view came
        (None without a timer, or while its clock is stopped)."""
        left = self.views[table]["seconds_left"]
        if left is None:
            return None
        return max(0.0, left - (self.clock() - self.received[table]))

    def waiting_for(self, table: int) -> str:
        """Whose decision a table waits for, in a few words."""
        view = self.views[table]
        if view["finished"]:
            return "over"
        names = self.names(table)
        if view["waiting_to_join"]:
            return joining(view, names)
        turn = view["turn"]
        if turn is None:
            return "no one"
        verb = "to answer" if turn["kind"] == "respond" else "to propose"
        return f"{names[turn['party']]} {verb}"

    def state(self, table: int) -> str:
        """``paused``, ``over`` or ``playing``."""
        view = self.views[table]
        return "over" if view["finished"] else "paused" if view["paused"] else "playing"

    def act(self, table: int, kind: str, **fields) -> dict:
        """The teacher's act at a table, answering its latest view: ``fire`` (``event``),
        ``custom`` (``news``, ``effects``), ``extend`` (``rounds``), ``pause``, ``resume``
        or ``undo``."""
        act = {"kind": kind, **fields}
        return {"type": "intervene", "table": table, "version": self.views[table]["version"]} | {
            "act": act
        }


class Link:
    """The team's connection to the class server, kept open across drops with its code."""

    def __init__(self, url: str, code: str) -> None:
        self.url, self.code = url, code
        self.socket: ClientConnection | None = None
        self.closed = False
        """Whether the team closed the connection itself (quitting): then no reconnecting."""

    async def join(self) -> dict:
        """Connect and take the seat; the server's welcome.

        Raises:
            JoinError: the server cannot be reached, or refuses the code.
        """
        try:
            self.socket = await connect(self.url, open_timeout=OPEN_TIMEOUT, max_size=MAX_VIEW)
        except InvalidURI:
            raise JoinError(f"{self.url} is not a server's address (ws://HOST:PORT)") from None
        except (OSError, TimeoutError, InvalidHandshake) as error:
            raise JoinError(f"cannot reach the class server at {self.url}: {_why(error)}") from None
        try:
            await self.send({"type": "hello", "code": self.code})
            reply = json.loads(await asyncio.wait_for(self.socket.recv(), OPEN_TIMEOUT))
        except (ConnectionClosed, TimeoutError) as error:
            await self.socket.close()
            raise JoinError(f"the class server at {self.url} closed: {_why(error)}") from None
        if reply["type"] != "welcome":
            await self.socket.close()
            raise JoinError(reply.get("reason", "the server did not seat the team"), refused=True)
        return reply

    async def send(self, message: dict) -> None:
        """Send a message (a dropped connection is noticed by ``messages``)."""
        if self.socket is not None:
            with contextlib.suppress(ConnectionClosed):
                await self.socket.send(json.dumps({"v": protocol.VERSION, **message}))

    async def messages(self, dropped: Callable[[str], None]) -> AsyncIterator[dict]:
        """What the server sends, until the team closes the link; after a drop,
        ``dropped(why)`` is called and the team takes its seat again (the next message is
        that new welcome).

        Raises:
            JoinError: the server refuses the code on reconnecting.
        """
        while True:
            try:
                async for frame in self.socket:
                    yield json.loads(frame)
            except ConnectionClosed:
                pass
            if self.closed:
                return
            closed = self.socket.protocol.close_reason or "the connection dropped"
            dropped(closed)
            yield await self._rejoin()

    async def _rejoin(self) -> dict:
        """Take the seat again, trying until the server is back (a refused code ends it)."""
        pauses = itertools.chain(RETRY, itertools.repeat(RETRY[-1]))
        while True:
            await asyncio.sleep(next(pauses))
            try:
                return await self.join()
            except JoinError as error:
                if error.refused:
                    raise

    async def close(self) -> None:
        """Close the connection for good (the team quits)."""
        self.closed = True
        if self.socket is not None:
            await self.socket.close()


def _why(error: BaseException) -> str:
    """A connection failure in a few words."""
    if isinstance(error, TimeoutError):
        return "no answer"
    if isinstance(error, ConnectionRefusedError):
        return "nothing listens there (is trilateral host running, on that port?)"
    if isinstance(error, ConnectionClosed):
        return error.rcvd.reason if error.rcvd is not None and error.rcvd.reason else "closed"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    return str(error) or type(error).__name__
