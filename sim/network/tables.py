"""The class in play: each table's game, who sits where, and what each message does.

This is the server without the network, so tests can drive it message by message:
``Classroom.receive`` takes a client's frame and returns the replies to send, to that client
and to the others at its table. A hello with a join code seats a connection (a team at its
table, or the teacher, who sees every table); a move is checked against that seat — its
party, its table, the version of the view it answers — then played, kept in the class
database and only then acknowledged, and every client at the table gets its new view.
Whatever is refused is refused with a reason and leaves the game and the log as they were.

Each table is a classroom ``Game`` that keeps itself in the database (``Game(keep=...)``)
instead of a save file: after every change the entries its log gained — the team's move
and the AI's moves it set off, or the teacher's act — are appended in one commit. A table
is rebuilt the one way a game is rebuilt, by replaying its log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sim.classroom.game import Game
from sim.classroom.saves import GameSetup
from sim.engine.moves import Intervention, InvalidMove, Move, entry_from_dict
from sim.engine.strategies import spec_problem
from sim.network import protocol
from sim.network.codes import normal
from sim.network.ledger import CLASS, Ledger, LedgerError, Seat
from sim.network.protocol import Hello, Intervene, MoveMessage, ProtocolError
from sim.network.view import snapshot
from sim.scenario.loading import ScenarioError, load_scenario
from sim.scenario.models import Scenario

log = logging.getLogger(__name__)

SIDE_MOVES = ("signal", "consult")
"""Moves a team may make while any decision is pending, without answering it."""
GAME_ENTRIES = ("move", "intervention")
"""The kinds of log entries that replay plays; joins and messages it passes over."""


@dataclass(eq=False)
class Client:
    """One connection to the class: the seat its hello took, if any."""

    seat: Seat | None = None
    wrong_codes: int = 0
    """How many hellos with a code that seats nobody it has sent."""


Outgoing = list[tuple[Client, dict]]
"""Messages to send: each to its client."""


@dataclass(eq=False)
class Table:
    """One table of the class: its game, and the clients connected to it."""

    number: int
    ledger: Ledger
    setup: GameSetup
    scenario: Scenario
    clients: set[Client] = field(default_factory=set)
    kept: int = 0
    """How many entries of the game's log are in the database."""
    game: Game = field(init=False)

    def __post_init__(self) -> None:
        self.rebuild()

    @property
    def version(self) -> int:
        """How many entries the game's log holds: what a move names as the state it answers."""
        return self.kept

    def rebuild(self) -> None:
        """(Re)build the game by replaying the table's log from the database.

        Raises:
            LedgerError: the log does not replay into the game that wrote it.
        """
        stored = [
            entry_from_dict(e.data)
            for e in self.ledger.entries(self.number)
            if e.kind in GAME_ENTRIES
        ]
        self.kept = len(stored)
        where = f"{self.ledger.path}: table {self.number}"
        try:
            self.game = Game(self.setup, self.scenario, tuple(stored), keep=self._keep)
        except (InvalidMove, ValueError, TypeError) as error:
            raise LedgerError(f"{where}: its moves no longer fit the scenario: {error}") from None
        if self.game.model.log[: len(stored)] != stored:
            raise LedgerError(f"{where}: its log does not replay into the game that wrote it")
        self.game.save()  # a new table: the AI's moves before the first team's decision

    def _keep(self, game: Game) -> None:
        """Append what the game's log gained since it was last kept, in one commit."""
        gained = game.model.log[self.kept :]
        self.ledger.append(
            self.number,
            [
                ("intervention", None, e.to_dict())
                if isinstance(e, Intervention)
                else ("move", e.party, e.to_dict())
                for e in gained
            ],
        )
        self.kept += len(gained)


class Classroom:
    """Every table of a class, its seats, and the clients connected to it."""

    def __init__(self, ledger: Ledger, scenario: Scenario) -> None:
        """The class a database holds, each table rebuilt from its log.

        Raises:
            LedgerError: the scenario is not the one the class was set up with, or a
                table's log does not replay.
        """
        setup = ledger.setup
        if scenario.fingerprint() != setup.fingerprint:
            raise LedgerError(
                f"{ledger.path}: its scenario {setup.source} has changed since the class "
                "started, so its moves would replay into other numbers; put the scenario "
                "back as it was to carry on"
            )
        self.ledger = ledger
        self.scenario = scenario
        parties = tuple(p.id for p in scenario.parties)
        self.tables = {
            number: Table(
                number, ledger, GameSetup(setup.source, seed, parties, setup.overrides), scenario
            )
            for number, seed in ledger.tables.items()
        }
        self.teachers: set[Client] = set()

    @classmethod
    def open(cls, ledger: Ledger) -> Classroom:
        """The class a database holds, its scenario loaded as the class was set up.

        Raises:
            LedgerError: the scenario cannot be loaded, or has changed, or a table does not
                replay.
        """
        setup = ledger.setup
        try:
            scenario = load_scenario(setup.source, setup.overrides, spec_problem)
        except ScenarioError as error:
            raise LedgerError(
                f"{ledger.path}: its scenario cannot be loaded: {error.problems[0]}"
            ) from None
        return cls(ledger, scenario)

    # -- messages ------------------------------------------------------------------

    def receive(self, client: Client, frame: str | bytes) -> Outgoing:
        """What a client's frame does, as the messages to send because of it.

        Never raises: a frame that is not a message, a message the seat may not send, or a
        move the game refuses is answered with ``refused`` and its reason, and nothing is
        written to the log.
        """
        try:
            message = protocol.parse(frame)
        except ProtocolError as error:
            return [(client, protocol.refused(str(error)))]
        if isinstance(message, Hello):
            return self._hello(client, message)
        if client.seat is None:
            return _refused(client, message, "say hello with your join code first")
        try:
            if isinstance(message, MoveMessage):
                return self._move(client, message)
            return self._intervene(client, message)
        except Exception:
            # A bug must not stop the class: the table is rebuilt from what is on disk, which
            # is everything acknowledged, and the other tables never saw it.
            number = message.table if client.seat.teacher else client.seat.table
            log.exception("a message broke table %s; it is rebuilt from its log", number)
            reason = "the server could not play that message (a bug: tell the teacher)"
            if number not in self.tables:
                return _refused(client, message, reason)
            table = self.tables[number]
            table.rebuild()
            return [*_refused(client, message, reason), *self._view_for(client, table)]

    def leave(self, client: Client) -> None:
        """A client's connection closed: it gets no more views."""
        self.teachers.discard(client)
        if client.seat is not None and not client.seat.teacher:
            self.tables[client.seat.table].clients.discard(client)

    def _hello(self, client: Client, message: Hello) -> Outgoing:
        if client.seat is not None:
            return _refused(client, message, "this connection has taken its seat already")
        seat = self.ledger.seats.get(normal(message.code))
        if seat is None:
            client.wrong_codes += 1
            return _refused(client, message, "no seat has that code: check it on your sheet")
        try:
            self.ledger.append(CLASS if seat.teacher else seat.table, [("join", seat.party, {})])
        except LedgerError:
            return _refused(
                client, message, "the class database cannot be written: tell the teacher"
            )
        client.seat = seat
        place = {"table": seat.table, "party": seat.party, "teacher": seat.teacher}
        if seat.teacher:
            self.teachers.add(client)
            views = {str(n): snapshot(t.game, None) for n, t in self.tables.items()}
        else:
            table = self.tables[seat.table]
            table.clients.add(client)
            views = {str(seat.table): snapshot(table.game, seat.party)}
        return [(client, protocol.welcome(place, views, message.id))]

    def _move(self, client: Client, message: MoveMessage) -> Outgoing:
        seat = client.seat
        if seat.teacher:
            return _refused(client, message, "the teacher does not move for a team")
        if message.table not in (None, seat.table):
            return _refused(
                client, message, f"you sit at table {seat.table}, not at table {message.table}"
            )
        table = self.tables[seat.table]
        game = table.game
        if message.party not in (None, seat.party):
            return _refused(
                client, message, f"you play {game.name(seat.party)}: you move for no one else"
            )
        stale = _stale(table, message.version)
        if stale:
            return [*_refused(client, message, stale), *self._view_for(client, table)]
        track = message.track
        if track is None and message.kind in SIDE_MOVES and game.request is not None:
            track = game.request.track
        if track not in game.rules.track:
            known = ", ".join(game.rules.track)
            return _refused(client, message, f"name the track of the move ({known})")
        package = None if message.package is None else dict(message.package)
        try:
            game.submit(Move(seat.party, track, message.kind, package, message.round))
        except InvalidMove as error:
            return _refused(client, message, str(error))
        except LedgerError:
            return self._unsaved(client, message, table)
        return [(client, protocol.ack(table.version, message.id)), *self._views(table)]

    def _intervene(self, client: Client, message: Intervene) -> Outgoing:
        if not client.seat.teacher:
            return _refused(client, message, "only the teacher intervenes")
        table = self.tables.get(message.table)
        if table is None:
            return _refused(client, message, f"there is no table {message.table}")
        stale = _stale(table, message.version)
        if stale:
            return [*_refused(client, message, stale), *self._view_for(client, table)]
        act = message.act
        effects = tuple(dict(e) for e in act.effects)
        try:
            table.game.intervene(Intervention(act.kind, act.event, act.news, effects, act.rounds))
        except InvalidMove as error:
            return _refused(client, message, str(error))
        except LedgerError:
            return self._unsaved(client, message, table)
        return [(client, protocol.ack(table.version, message.id)), *self._views(table)]

    def _unsaved(self, client: Client, message, table: Table) -> Outgoing:
        """A change the database would not take: the game is rebuilt from what it holds."""
        table.rebuild()
        reason = "the class database cannot be written, so nothing was played: tell the teacher"
        return _refused(client, message, reason)

    def _views(self, table: Table) -> Outgoing:
        """Every client at the table, and every teacher, gets the table's new view."""
        seen: dict[str | None, dict] = {}
        sent = []
        for client in (*table.clients, *self.teachers):
            party = client.seat.party
            if party not in seen:
                seen[party] = snapshot(table.game, party)
            sent.append((client, protocol.view(table.number, seen[party])))
        return sent

    def _view_for(self, client: Client, table: Table) -> Outgoing:
        """One client's view of a table, sent again when its move answered an older one."""
        return [(client, protocol.view(table.number, snapshot(table.game, client.seat.party)))]


def _stale(table: Table, version: int) -> str | None:
    """Why a message made on the view of ``version`` is too late, or None if it is not."""
    if version == table.version:
        return None
    return (
        f"the table has changed since the view this answers (version {version}, now "
        f"{table.version}): look at the new view and decide again"
    )


def _refused(client: Client, message, reason: str) -> Outgoing:
    return [(client, protocol.refused(reason, message.id))]
