"""The class server on the network: an asyncio ``websockets`` server over a ``Classroom``.

Each connection is a ``Client`` of the classroom: its frames go to ``Classroom.receive`` in
the order they came, one at a time on the one event loop, so two teams' moves never
interleave; the replies go into each addressee's outbox, which a task of its own writes to
its socket, so a slow laptop never holds up a table. A connection that sends faster than
``RATE`` messages a second (beyond a ``BURST``) has the extra refused with a reason, and
one that keeps flooding, or keeps trying wrong codes, or falls far behind, is closed; the
others are served as before. Frames over ``MAX_SIZE`` bytes are refused by ``websockets``
itself, which closes the connection (code 1009); longer than ``protocol.MAX_FRAME``
characters, they are refused with a reason. With a round timer, a task of its own wakes
when the first table's time is up and has the classroom play the AI's move there
(``Classroom.expire``), on the same loop as the messages, so a timer never plays between
a message and its reply. What the messages that arrive together write to the class
database is committed at once, in one sync to disk, before any of their replies goes out
(``_flush``): no reply tells of a move the database could still lose, and a busy class
pays for one sync per burst of moves rather than one per move.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from sim.network import protocol
from sim.network.ledger import LedgerError
from sim.network.tables import Classroom, Client

RATE = 10.0
"""Messages a second a connection may send, on average."""
BURST = 30
"""Messages a connection may send at once before the rate applies."""
FLOOD = 100
"""Messages refused in a row for coming too fast, after which the connection is closed."""
WRONG_CODES = 10
"""Hellos with a wrong code one connection may send before it is closed."""
BACKLOG = 256
"""Messages waiting to be written to one client, after which it is closed as too slow."""
DRAIN = 5.0
"""Seconds a connection being closed gets to take the replies it was owed."""
MAX_SIZE = 4 * protocol.MAX_FRAME
"""The largest frame ``websockets`` reads, in bytes (a character is up to four)."""
POLICY = 1008
"""The WebSocket close code for a client that broke the rules (RFC 6455)."""
TRY_AGAIN = 1013
"""The WebSocket close code for a client closed for now, to reconnect later."""


class Bucket:
    """A token bucket: ``rate`` messages a second on average, ``burst`` at once."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float]) -> None:
        self.rate, self.burst, self.clock = rate, burst, clock
        self.tokens = float(burst)
        self.last = clock()

    def take(self) -> bool:
        """Whether one more message may pass now (and if so, count it)."""
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class ClassServer:
    """The connections of one class, each a ``Client`` of the ``Classroom``."""

    def __init__(
        self,
        classroom: Classroom,
        rate: float = RATE,
        burst: int = BURST,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.classroom = classroom
        self.rate, self.burst, self.clock = rate, burst, clock
        self.outboxes: dict[Client, tuple[asyncio.Queue, ServerConnection]] = {}
        self._closing: set[asyncio.Task] = set()
        self._pending: list[tuple[Client, dict]] = []
        """Replies waiting for the commit of what their messages wrote (``_flush``)."""
        self._flushing = False
        classroom.ledger.deferring = True

    async def handler(self, connection: ServerConnection) -> None:
        """Serve one connection until it closes."""
        client = Client()
        outbox: asyncio.Queue = asyncio.Queue(BACKLOG)
        self.outboxes[client] = (outbox, connection)
        writer = asyncio.create_task(_write(connection, outbox))
        bucket = Bucket(self.rate, self.burst, self.clock)
        refused_in_a_row = 0
        try:
            async for frame in connection:
                if not bucket.take():
                    refused_in_a_row += 1
                    if refused_in_a_row > FLOOD:
                        self._flush()
                        await _close(connection, outbox, "too many messages")
                        break
                    reason = "too many messages: wait a moment, then send again"
                    self._send([(client, protocol.refused(reason))])
                    continue
                refused_in_a_row = 0
                self._send(self.classroom.receive(client, frame))
                if client.wrong_codes >= WRONG_CODES:
                    self._flush()
                    await _close(connection, outbox, "too many wrong codes")
                    break
        except ConnectionClosed:
            pass
        finally:
            self.classroom.leave(client)
            self.outboxes.pop(client, None)
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer

    async def keep_time(self) -> None:
        """Have the AI play for every team whose time is up, as the time comes, until
        cancelled (with a round timer)."""
        while True:
            left = self.classroom.seconds_to_deadline()
            await asyncio.sleep(self.classroom.round_seconds if left is None else left)
            self._send(self.classroom.expire())

    def _send(self, outgoing: list[tuple[Client, dict]]) -> None:
        """Send replies once what their messages wrote is committed: at the end of the
        loop's round of ready work, when every message that arrived with them has been
        read too (``_flush``)."""
        self._pending.extend(outgoing)
        if not self._flushing:
            self._flushing = True
            asyncio.get_running_loop().call_soon(self._flush)

    def _flush(self) -> None:
        """Commit what the messages since the last commit wrote, then send their replies.
        If the commit fails, the tables that lost entries are rebuilt from the database and
        their clients are told nothing was played, with the table as it stands."""
        self._flushing = False
        pending, self._pending = self._pending, []
        try:
            self.classroom.ledger.commit()
        except LedgerError as error:
            lost = error.tables
            pending = [
                (client, message)
                for client, message in pending
                if client.seat is None or client.seat.table not in lost
            ]
            pending += self.classroom.unsaved(lost)
        for client, message in pending:
            self._deliver(client, message)

    def _deliver(self, client: Client, message: dict) -> None:
        if client not in self.outboxes:  # closed meanwhile
            return
        outbox, connection = self.outboxes[client]
        try:
            outbox.put_nowait(json.dumps(message, allow_nan=False))
        except asyncio.QueueFull:
            # Too far behind to catch up: closed, it reconnects to a fresh view.
            self.outboxes.pop(client)
            self.classroom.leave(client)
            task = asyncio.create_task(connection.close(TRY_AGAIN, "too far behind"))
            self._closing.add(task)  # kept until done: the loop holds tasks weakly
            task.add_done_callback(self._closing.discard)


async def _close(connection: ServerConnection, outbox: asyncio.Queue, reason: str) -> None:
    """Close a connection that broke the rules, once the replies it was owed are written."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(outbox.join(), DRAIN)
    await connection.close(POLICY, reason)


async def _write(connection: ServerConnection, outbox: asyncio.Queue) -> None:
    """Write a client's outbox to its socket, in order, until the connection closes."""
    while True:
        text = await outbox.get()
        try:
            await connection.send(text)
        except ConnectionClosed:
            return
        finally:
            outbox.task_done()


@asynccontextmanager
async def serving(
    server: ClassServer, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[Server]:
    """The class server listening on ``host``:``port`` (0: a free port) while in the block,
    its round timer running if it has one."""
    # No per-message compression: views are a few kilobytes on a loopback or classroom
    # network, and deflating every frame cost the server a tenth of its time.
    async with serve(server.handler, host, port, max_size=MAX_SIZE, compression=None) as listening:
        if server.classroom.round_seconds is None:
            yield listening
            return
        timer = asyncio.create_task(server.keep_time())
        try:
            yield listening
        finally:
            timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await timer


def port_of(listening: Server) -> int:
    """The port a listening server was given."""
    return listening.sockets[0].getsockname()[1]


async def host_class(
    server: ClassServer, host: str, port: int, ready: Callable[[int], None]
) -> None:
    """Serve the class until cancelled (Ctrl-C), calling ``ready(port)`` once it listens.

    Raises:
        OSError: the port cannot be listened on (in use, or not allowed).
    """
    async with serving(server, host, port) as listening:
        ready(port_of(listening))
        await listening.serve_forever()
