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

With a round timer (``round_seconds``) each pending decision has a deadline, once every
team of the table has joined; ``expire`` plays the party's AI move
(``NegotiationModel.stand_in``) for a team whose time is up and logs a ``timer`` entry
with it. Japan's and Korea's teams talk in their channel: ``say``
is a ``message`` entry, ``consult`` a consultation move of the game; the channel is shown
to the two allies and the teacher only (``view.snapshot``). Everything a table shows
besides the game — the channel, the moves a timer played — is rebuilt from its log too;
a restarted timer gives the pending decision its full time again.

Besides the game's own acts (``fire``, ``custom``, ``extend``) the teacher pauses and resumes
a table and undoes its last move. A paused table refuses the teams' moves and its clock
stops; on resume the pending decision gets its full time. An undo is an ``undo`` entry that
says how many of the game's entries still stand (``keep``): replay plays the entries before
it, drops the ones it takes back and plays on, so the log stays append-only and replaying it
gives the same game. Pauses and undos are in the log, so a restart keeps them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sim.classroom.game import Game
from sim.classroom.saves import GameSetup
from sim.engine.moves import DecisionRequest, Intervention, InvalidMove, Move, entry_from_dict
from sim.engine.strategies import spec_problem
from sim.network import protocol
from sim.network.codes import normal
from sim.network.ledger import CLASS, Ledger, LedgerError, Seat
from sim.network.protocol import Consult, Hello, Intervene, MoveMessage, ProtocolError, Say
from sim.network.view import allies, briefing, events, snapshot
from sim.scenario.loading import ScenarioError, load_scenario
from sim.scenario.models import Scenario
from sim.scenario.text import control_problem

log = logging.getLogger(__name__)

SIDE_MOVES = ("signal", "consult")
"""Moves a team may make while any decision is pending, without answering it."""
GAME_ENTRIES = ("move", "intervention")
"""The kinds of log entries that replay plays; joins, timers and messages it passes over."""
UNDO = "undo"
"""The kind of log entry that takes back the game's entries after its ``keep`` first."""
PAUSES = ("pause", "resume")
"""The kinds of log entries that pause a table and resume it."""
SAYS = {
    (True, False): "proposes",
    (True, True): "accepts",
    (False, True): "declines",
    (False, False): "rules out",
}
"""What a consultation answer says in the channel, by (its agree, the partner's standing
agree); a no after one's own yes withdraws it."""


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
    """One table of the class: its game, the clients connected to it, the allies' channel
    and its timer."""

    number: int
    ledger: Ledger
    setup: GameSetup
    scenario: Scenario
    round_seconds: float | None = None
    """The seconds each decision gets before the party's AI plays it; None: no timer."""
    clock: Callable[[], float] = time.monotonic
    clients: set[Client] = field(default_factory=set)
    kept: int = 0
    """How many entries of the game's log are in the database."""
    game: Game = field(init=False)
    channel: list[dict] = field(init=False)
    """The Japan–Korea channel's entries, oldest first: lines said and consultation answers."""
    timed: list[dict] = field(init=False)
    """The moves a timer played, oldest first."""
    deadline: float | None = field(init=False, default=None)
    """When (by ``clock``) the pending decision's time is up; None: no timer runs."""
    joined: set[str] = field(init=False)
    """The parties whose teams have taken their seats: the clock runs once all have."""
    _timing: DecisionRequest | None = field(init=False, default=None)
    _by_timer: Move | None = field(init=False, default=None)
    _said: dict[tuple[str, str], bool] = field(init=False)
    """(ally, option) → its latest consultation answer: the same answer twice is refused."""
    paused: bool = field(init=False, default=False)
    """Whether the teacher has paused the table: its teams may not move, its clock stops."""
    version: int = field(init=False, default=0)
    """How many changes the table's game has had (moves, acts, undos), undone ones too: what a
    move names as the state it answers. It only grows, so a view from before an undo is old."""

    def __post_init__(self) -> None:
        self.rebuild()

    def rebuild(self) -> None:
        """(Re)build the game by replaying the table's log from the database, and what it
        shows besides (the channel, the moves a timer played); the timer starts afresh.

        Raises:
            LedgerError: the log does not replay into the game that wrote it.
        """
        entries = self.ledger.entries(self.number)
        stored, shown = _standing(entries)
        self.kept = len(stored)
        where = f"{self.ledger.path}: table {self.number}"
        try:
            game = Game(self.setup, self.scenario, tuple(stored), keep=self._keep)
        except (InvalidMove, ValueError, TypeError) as error:
            raise LedgerError(f"{where}: its moves no longer fit the scenario: {error}") from None
        if game.model.log[: len(stored)] != stored:
            raise LedgerError(f"{where}: its log does not replay into the game that wrote it")
        self.game, self.channel, self.timed, self._said = game, [], [], {}
        self._timing = self.deadline = None
        self.joined = {e.party for e in entries if e.kind == "join"}
        self.version = sum(e.kind in (*GAME_ENTRIES, UNDO) for e in entries)
        pauses = [e.kind for e in entries if e.kind in PAUSES]
        self.paused = bool(pauses) and pauses[-1] == "pause"
        for entry in shown:
            if entry.kind == "message":
                self.heard(entry.party, "say", entry.data)
            elif entry.kind == "move":
                self.heard(entry.party, "consult", entry.data)
            else:
                self.timed.append({"party": entry.party, **entry.data})
        self.game.save()  # a new table: the AI's moves before the first team's decision

    def _keep(self, game: Game) -> None:
        """Append what the game's log gained since it was last kept, in one commit (after a
        ``timer`` entry if the timer played it), and set the timer for the next decision."""
        gained = game.model.log[self.kept :]
        rows = []
        played = self._by_timer
        if played is not None:
            rows.append(("timer", played.party, _timed(played)))
        for e in gained:
            if isinstance(e, Intervention):
                rows.append(("intervention", None, e.to_dict()))
            else:
                rows.append(("move", e.party, e.to_dict()))
        self.ledger.append(self.number, rows)
        self.kept += len(gained)
        self.version += len(gained)
        if played is not None:
            self.timed.append({"party": played.party, **_timed(played)})
        for e in gained:
            if isinstance(e, Move) and e.kind == "consult":
                self.heard(e.party, "consult", e.to_dict())
        self._arm()

    def join(self, party: str) -> bool:
        """A team took its seat; whether that started the table's clock (every team is in)."""
        was = self.timing
        self.joined.add(party)
        self._arm()
        return self.timing and not was

    @property
    def timing(self) -> bool:
        """Whether the table's clock runs: it has a timer, it is not paused and every team
        has joined once (before that, no one is late)."""
        if self.round_seconds is None or self.paused:
            return False
        return self.joined >= set(self.game.rules.party_ids)

    def _arm(self) -> None:
        """Give a new pending decision its time (a side move or an act leaves it running)."""
        request = self.game.request
        if not self.timing or request is self._timing:
            return
        self._timing = request
        self.deadline = None if request is None else self.clock() + self.round_seconds

    def pause(self) -> None:
        """The teacher pauses the table: its teams may not move and its clock stops.

        Raises:
            InvalidMove: the table is paused already, or its game is over.
            LedgerError: the database would not take it; nothing changed.
        """
        if self.paused:
            raise InvalidMove(f"table {self.number} is paused already")
        if self.game.finished:
            raise InvalidMove(f"the game at table {self.number} is over")
        self.ledger.append(self.number, [("pause", None, {"round": self.game.model.round})])
        self.paused = True
        self._timing = self.deadline = None

    def resume(self) -> None:
        """The teacher resumes a paused table: the pending decision gets its full time.

        Raises:
            InvalidMove: the table is not paused.
            LedgerError: the database would not take it; nothing changed.
        """
        if not self.paused:
            raise InvalidMove(f"table {self.number} is not paused")
        self.ledger.append(self.number, [("resume", None, {"round": self.game.model.round})])
        self.paused = False
        self._arm()

    def undo(self) -> Move:
        """The teacher takes back the table's last move (a team's: every party is a team)
        and every entry logged after it, and the table is rebuilt by replay; the pending
        decision gets its full time. Returns the move taken back.

        Raises:
            InvalidMove: no move has been made at the table yet.
            LedgerError: the database would not take it; nothing changed.
        """
        undone = self.game.undoing()
        keep = self.kept - undone.dropped - 1
        self.ledger.append(self.number, [(UNDO, None, {"keep": keep, **undone.move.to_dict()})])
        self.rebuild()
        return undone.move

    def heard(self, party: str, kind: str, data: dict) -> None:
        """A line said or a consultation answer, as the channel shows it."""
        entry = {"round": data["round"], "party": party, "name": self.game.name(party)}
        if kind == "say":
            self.channel.append({**entry, "kind": "say", "text": data["text"]})
            return
        option, agree = data["package"]["option"], data["package"]["agree"]
        partner = next(p for p in allies(self.game) if p != party)
        says = SAYS[(agree, self._said.get((partner, option), False))]
        if not agree and self._said.get((party, option), False):
            says = "withdraws"
        self._said[(party, option)] = agree
        self.channel.append(
            {**entry, "kind": "consult", "option": option, "agree": agree, "says": says}
        )

    def said(self, party: str, option: str) -> bool | None:
        """An ally's latest answer to a consultation option in the channel (None: none yet)."""
        return self._said.get((party, option))

    def seconds_left(self) -> float | None:
        """Seconds left for the pending decision (None without a timer or a decision)."""
        if self.deadline is None:
            return None
        return round(max(0.0, self.deadline - self.clock()), 1)

    def view(self, seat: Seat) -> dict:
        """The table as a seat may see it (``view.snapshot``)."""
        return snapshot(
            self.game,
            seat.party,
            teacher=seat.teacher,
            channel=self.channel,
            timed=self.timed,
            seconds_left=self.seconds_left(),
            round_seconds=self.round_seconds,
            version=self.version,
            paused=self.paused,
            joined=self.joined,
        )

    def time_up(self) -> bool:
        """Plays the pending party's AI move if its time is up; whether it did.

        Raises:
            LedgerError: the database would not take it; nothing was played.
        """
        if self.deadline is None or self.clock() < self.deadline:
            return False
        try:
            move = self.game.model.stand_in()
        except ValueError as error:  # its AI cannot play the track: the team still may
            log.warning("table %s: the timer cannot play for the team: %s", self.number, error)
            self.deadline = None
            return False
        self._by_timer = move
        try:
            self.game.submit(move)
        finally:
            self._by_timer = None
        return True


def _standing(entries: list) -> tuple[list[Move | Intervention], list]:
    """The game's entries a table's log holds once its undos are applied, and the entries
    shown besides the game that still stand, in order: the lines said (never undone), the
    consultation answers and the timer's notes (undone with the moves they belong to)."""
    stored: list[Move | Intervention] = []
    shown: list[tuple[int, object]] = []  # (the game entry it belongs to, the log entry)
    for entry in entries:
        if entry.kind == UNDO:
            keep = entry.data["keep"]
            del stored[keep:]
            shown = [(n, e) for n, e in shown if e.kind == "message" or n < keep]
            continue
        if entry.kind in ("message", "timer") or (
            entry.kind == "move" and entry.data["kind"] == "consult"
        ):
            shown.append((len(stored), entry))
        if entry.kind in GAME_ENTRIES:
            stored.append(entry_from_dict(entry.data))
    return stored, [e for _, e in shown]


def _timed(move: Move) -> dict:
    """What a ``timer`` entry says: which decision the timer played."""
    return {"track": move.track, "kind": move.kind, "round": move.round}


class Classroom:
    """Every table of a class, its seats, and the clients connected to it."""

    def __init__(
        self,
        ledger: Ledger,
        scenario: Scenario,
        round_seconds: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """The class a database holds, each table rebuilt from its log.

        Args:
            ledger: The class database.
            scenario: The scenario the class was set up with.
            round_seconds: The seconds each decision gets before the party's AI plays it
                (None: no timer).
            clock: Where the timer reads the time, in seconds.

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
        self.round_seconds = round_seconds
        self.clock = clock
        parties = tuple(p.id for p in scenario.parties)
        self.tables = {
            number: Table(
                number,
                ledger,
                GameSetup(setup.source, seed, parties, setup.overrides),
                scenario,
                round_seconds,
                clock,
            )
            for number, seed in ledger.tables.items()
        }
        self.teachers: set[Client] = set()

    @classmethod
    def open(cls, ledger: Ledger, round_seconds: float | None = None) -> Classroom:
        """The class a database holds, its scenario loaded as the class was set up, with a
        round timer of ``round_seconds`` (None: none).

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
        return cls(ledger, scenario, round_seconds)

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
            if isinstance(message, Say | Consult):
                return self._channel(client, message)
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
            views = {str(n): t.view(seat) for n, t in self.tables.items()}
            scenario_events = events(next(iter(self.tables.values())).game)
            return [(client, protocol.welcome(place, views, message.id, events=scenario_events))]
        table = self.tables[seat.table]
        first = seat.party not in table.joined
        started = table.join(seat.party)
        # Told when a team first takes its seat (who is still to join) or the clock starts.
        others = [*table.clients, *self.teachers]
        table.clients.add(client)
        sheet = briefing(table.game, seat.party)
        welcome = protocol.welcome(place, {str(seat.table): table.view(seat)}, message.id, sheet)
        return [(client, welcome), *(self._views(table, others) if first or started else [])]

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
        if table.paused:
            return _refused(client, message, PAUSED)
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

    def _channel(self, client: Client, message: Say | Consult) -> Outgoing:
        """A line said or a consultation answer in the Japan–Korea channel."""
        seat = client.seat
        if seat.teacher:
            return _refused(
                client, message, "the teacher reads the allies' channel but does not write in it"
            )
        table = self.tables[seat.table]
        game = table.game
        pair = allies(game)
        if seat.party not in pair:
            if not pair:
                return _refused(client, message, "this scenario has no Japan–Korea channel")
            names = " and ".join(game.name(p) for p in pair)
            return _refused(client, message, f"only {names} talk in their channel")
        if game.finished:
            return _refused(client, message, "the game is over")
        if isinstance(message, Consult):
            return self._consult(client, message, table)
        text = message.text
        unplain = control_problem(text)
        if unplain or not text.strip():
            return _refused(client, message, f"the text {unplain or 'is empty'}")
        mine = [e for e in table.channel if e["party"] == seat.party and e["kind"] == "say"]
        if mine and mine[-1]["text"] == text:
            return _refused(client, message, "you said that already (sent twice?)")
        data = {"text": text, "round": game.model.round}
        try:
            self.ledger.append(table.number, [("message", seat.party, data)])
        except LedgerError:
            return _refused(
                client, message, "the class database cannot be written: tell the teacher"
            )
        table.heard(seat.party, "say", data)
        heard = [
            c for c in (*table.clients, *self.teachers) if c.seat.teacher or c.seat.party in pair
        ]
        return [(client, protocol.ack(table.version, message.id)), *self._views(table, heard)]

    def _consult(self, client: Client, message: Consult, table: Table) -> Outgoing:
        game, party = table.game, client.seat.party
        if message.option not in (o for o, _ in game.model.channel.options):
            offered = ", ".join(o for o, _ in game.model.channel.options) or "none"
            return _refused(client, message, f"{message.option} is not on offer here ({offered})")
        if table.paused:
            return _refused(client, message, PAUSED)
        if table.said(party, message.option) == message.agree:
            answer = "yes" if message.agree else "no"
            return _refused(client, message, f"you say {answer} to {message.option} already")
        package = {"option": message.option, "agree": message.agree}
        try:
            game.submit(Move(party, game.request.track, "consult", package, game.model.round))
        except InvalidMove as error:
            return _refused(client, message, str(error))
        except LedgerError:
            return self._unsaved(client, message, table)
        return [(client, protocol.ack(table.version, message.id)), *self._views(table)]

    def expire(self) -> Outgoing:
        """Every table whose pending decision's time is up has its party's AI play it: the
        new views to send (none if no time is up)."""
        sent = []
        for table in self.tables.values():
            try:
                played = table.time_up()
            except Exception:
                # As for a message: the table is rebuilt from its log, its timer afresh.
                log.exception("the timer broke table %s; it is rebuilt from its log", table.number)
                table.rebuild()
                played = True
            if played:
                sent += self._views(table)
        return sent

    def seconds_to_deadline(self) -> float | None:
        """Seconds until the first table's time is up (None: no timer runs)."""
        deadlines = [t.deadline for t in self.tables.values() if t.deadline is not None]
        return None if not deadlines else max(0.0, min(deadlines) - self.clock())

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
            if act.kind == "pause":
                table.pause()
            elif act.kind == "resume":
                table.resume()
            elif act.kind == "undo":
                table.undo()
            else:
                intervention = Intervention(act.kind, act.event, act.news, effects, act.rounds)
                table.game.intervene(intervention)
        except InvalidMove as error:
            return _refused(client, message, str(error))
        except LedgerError:
            return self._unsaved(client, message, table)
        return [(client, protocol.ack(table.version, message.id)), *self._views(table)]

    def unsaved(self, tables: Iterable[int]) -> Outgoing:
        """A commit lost what the tables ``tables`` were sent since the last one: each is
        rebuilt from the database, its teams are told nothing was played and get the table
        as it stands, and the teachers get it too."""
        sent: Outgoing = []
        reason = "the class database cannot be written, so nothing was played: tell the teacher"
        for number in sorted(n for n in tables if n in self.tables):
            table = self.tables[number]
            table.rebuild()
            sent += [(client, protocol.refused(reason)) for client in table.clients]
            sent += self._views(table)
        return sent

    def _unsaved(self, client: Client, message, table: Table) -> Outgoing:
        """A change the database would not take: the game is rebuilt from what it holds."""
        table.rebuild()
        reason = "the class database cannot be written, so nothing was played: tell the teacher"
        return _refused(client, message, reason)

    def _views(self, table: Table, clients: list[Client] | None = None) -> Outgoing:
        """Every client at the table and every teacher (or only ``clients``) gets the table's
        new view."""
        seen: dict[str | None, dict] = {}
        sent = []
        for client in (*table.clients, *self.teachers) if clients is None else clients:
            party = client.seat.party
            if party not in seen:
                seen[party] = table.view(client.seat)
            sent.append((client, protocol.view(table.number, seen[party])))
        return sent

    def _view_for(self, client: Client, table: Table) -> Outgoing:
        """One client's view of a table, sent again when its move answered an older one."""
        return [(client, protocol.view(table.number, table.view(client.seat)))]


PAUSED = "the teacher has paused the table: wait until it resumes"


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
