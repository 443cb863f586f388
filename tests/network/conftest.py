"""What the network tests share: a class database, a team played by a script, and
``trilateral host`` in a process of its own."""

from __future__ import annotations

import asyncio
import json
import re
import sys
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from sim.network import codes
from sim.network.ledger import ClassSetup, Ledger
from sim.network.tables import Classroom
from sim.scenario.loading import load_scenario
from tests.factories import CLASSROOM

PARTIES = ("us", "japan", "korea")
ROOT = Path(__file__).resolve().parents[2]
HOST = (sys.executable, "-c", "from tui.cli import main; main()", "host")
"""``trilateral host`` as a command, run from the checkout."""


async def hosting(*args: str, until: str) -> tuple[asyncio.subprocess.Process, re.Match]:
    """``trilateral host ARGS`` in a process of its own, once it has printed a line that
    matches ``until``; the match.

    Raises:
        AssertionError: the host ended first (with what it printed).
    """
    process = await asyncio.create_subprocess_exec(
        *HOST,
        *args,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    printed = []
    while line := (await process.stdout.readline()).decode():
        printed.append(line)
        found = re.search(until, line)
        if found:
            return process, found
    await process.wait()
    raise AssertionError("the host did not start:\n" + "".join(printed))


def new_class(path: Path, tables: int = 1, seed: int = 5, overrides: tuple[str, ...] = ()):
    """A new class of ``tables`` tables of the classroom scenario: its ledger and classroom."""
    scenario = load_scenario(CLASSROOM, overrides)
    setup = ClassSetup(CLASSROOM, overrides, seed, scenario.fingerprint())
    ledger = Ledger.create(path, setup, tables, codes.seat_codes(tables, PARTIES))
    return ledger, Classroom(ledger, scenario)


def code_of(ledger: Ledger, table: int | None, party: str | None = None) -> str:
    """The join code of a seat (the teacher's with ``table=None``)."""
    return next(s.code for s in ledger.seats.values() if (s.table, s.party) == (table, party))


@pytest.fixture
def classroom(tmp_path):
    """A class of two tables in a fresh database."""
    ledger, room = new_class(tmp_path / "class.db", tables=2)
    yield room
    ledger.close()


def package_of(issues: list[dict]) -> dict:
    """The team's draft package from its view's issue rows, as values the engine reads."""
    package = {}
    for issue in issues:
        text = issue["draft"]
        if issue["kind"] == "numeric":
            package[issue["id"]] = float(text)
        elif issue["kind"] == "boolean":
            package[issue["id"]] = text == "true"
        else:
            package[issue["id"]] = text
    return package


def decide(view: dict) -> dict:
    """A scripted team's move on its pending request: it proposes its draft, rejects with its
    draft as a counter-offer until round 3, then accepts."""
    request = view["request"]
    track = next(t for t in view["tracks"] if t["id"] == request["track"])
    if request["kind"] == "propose":
        return {"track": track["id"], "kind": "propose", "package": package_of(track["issues"])}
    if view["round"] >= 3:
        return {"track": track["id"], "kind": "accept"}
    return {"track": track["id"], "kind": "reject", "package": package_of(track["issues"])}


class Team:
    """A scripted team on its own connection: it plays its party's requests as they come,
    and keeps every frame the server sent it."""

    def __init__(self, url: str, code: str) -> None:
        self.url, self.code = url, code
        self.received: list[str] = []
        self.acked: list[tuple[int, dict]] = []
        self.view: dict | None = None

    async def __aenter__(self) -> Team:
        self.ws = await connect(self.url)
        await self.send({"type": "hello", "code": self.code})
        welcome = await self.next()
        assert welcome["type"] == "welcome", welcome
        (self.view,) = welcome["views"].values()
        self.party = welcome["seat"]["party"]
        return self

    async def __aexit__(self, *exc) -> None:
        await self.ws.close()

    async def send(self, message: dict) -> None:
        await self.ws.send(json.dumps({"v": 1, **message}))

    async def next(self) -> dict:
        frame = await self.ws.recv()
        self.received.append(frame)
        return json.loads(frame)

    async def play(self, until_version: int | None = None) -> None:
        """Play until the game is over (or the table reaches ``until_version``)."""
        sent_at = None
        while not self.view["finished"]:
            if until_version is not None and self.view["version"] >= until_version:
                return
            if self.view["request"] is not None and sent_at != self.view["version"]:
                sent_at = self.view["version"]
                move = decide(self.view)
                await self.send({"type": "move", "version": sent_at, **move})
                self.pending = move
            message = await self.next()
            if message["type"] == "view":
                self.view = message["view"]
            elif message["type"] == "ack":
                self.acked.append((message["version"], self.pending))
            elif "has changed" not in message.get("reason", ""):  # else the new view follows
                raise AssertionError(message)
