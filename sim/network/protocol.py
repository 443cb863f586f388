"""The messages between a class server and its clients: JSON text frames, version 1.

Every frame is one JSON object with a protocol version ``v`` and a ``type``. What a client
may send is a closed set of pydantic models, told apart by ``type`` (a discriminated
union); anything else — a binary frame, a frame over ``MAX_FRAME`` characters, JSON that
is not one of these messages, an unknown key — is refused by ``parse`` with a reason
before the server looks at it. An ``id`` chosen by the client comes back in the reply.

Client → server:

- ``hello {code}``: take the seat a join code gives (a team's, or the teacher's).
- ``move {version, track, kind, package?, round?, party?, table?}``: a team's move.
  ``version`` is the ``version`` of the view it answers: a move made on a table that has
  changed since, or sent twice, is refused, never played again. ``party`` and ``table``
  may be left out (the seat says them); given, they must be the seat's.
- ``intervene {table, version, act}``: the teacher's act at a table (``Act``: ``fire``,
  ``custom`` or ``extend`` in its game, or ``pause``, ``resume`` or ``undo`` its last move).
- ``say {text}``: a line of free text in the Japan–Korea channel (an ally's team only).
- ``consult {option, agree}``: an ally's standing answer to a consultation option in the
  channel — a proposal when the partner has not said yes, an acceptance when it has, a
  refusal or a withdrawal with ``agree: false`` (``Move`` of kind ``consult``).

Server → client (built by the functions below): ``welcome`` (the seat, and its view of
its table, or for the teacher every table's public view), ``view`` (a table changed),
``ack`` (the move is on disk and played), ``refused`` (with the ``reason``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError

from sim.engine.moves import MoveKind
from sim.scenario.models import MAX_ROUNDS
from sim.scenario.politics import ConsultKind

VERSION = 1
MAX_FRAME = 16_384
"""The longest frame a client may send, in characters (a move is a few hundred)."""
MAX_SAY = 500
"""The longest line a team may say in the allies' channel, in characters."""

Text = Annotated[str, StringConstraints(max_length=200)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Value = Annotated[float, Field(allow_inf_nan=False)] | bool | Text
Package = Annotated[dict[Name, Value], Field(max_length=64)]


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    v: Literal[1]
    id: Annotated[str, StringConstraints(max_length=64)] | None = None
    """The client's name for the message, echoed in the reply to it."""


class Hello(_Message):
    """Take the seat a join code gives."""

    type: Literal["hello"]
    code: Annotated[str, StringConstraints(max_length=64)]


class MoveMessage(_Message):
    """A team's move at its table (``sim.engine.moves.Move``, the party from the seat)."""

    type: Literal["move"]
    version: Annotated[int, Field(ge=0)]
    track: Name | None = None
    """The track; a signal or a consultation answer may leave it out."""
    kind: MoveKind
    package: Package | None = None
    round: Annotated[int, Field(ge=0, le=MAX_ROUNDS)] = 0
    party: Name | None = None
    table: Annotated[int, Field(ge=1)] | None = None


class Act(BaseModel):
    """The teacher's act: one in the game (``fire``, ``custom``, ``extend``: a
    ``sim.engine.moves.Intervention``) or one on the table (``pause``, ``resume``, ``undo``
    its last move: ``sim.network.tables.Table``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["fire", "custom", "extend", "pause", "resume", "undo"]
    event: Name | None = None
    news: Annotated[str, StringConstraints(max_length=500)] | None = None
    effects: Annotated[tuple[dict[Name, Value], ...], Field(max_length=16)] = ()
    rounds: Annotated[int, Field(ge=0, le=MAX_ROUNDS)] = 0


class Intervene(_Message):
    """The teacher's act at one table."""

    type: Literal["intervene"]
    table: Annotated[int, Field(ge=1)]
    version: Annotated[int, Field(ge=0)]
    act: Act


class Say(_Message):
    """A line of free text in the Japan–Korea channel (plain text, as ``sim.scenario.text``
    holds scenario text to)."""

    type: Literal["say"]
    text: Annotated[str, StringConstraints(min_length=1, max_length=MAX_SAY)]


class Consult(_Message):
    """An ally's standing answer to a consultation option, in the Japan–Korea channel."""

    type: Literal["consult"]
    option: ConsultKind
    agree: bool


Message = Hello | MoveMessage | Intervene | Say | Consult
ClientMessage = Annotated[Message, Field(discriminator="type")]
_CLIENT: TypeAdapter[Message] = TypeAdapter(ClientMessage)


class ProtocolError(ValueError):
    """A frame that is not a message of this protocol; the message says why."""


def parse(frame: str | bytes) -> Message:
    """A client's frame read as a message of this protocol.

    Raises:
        ProtocolError: the frame is binary, too long, not JSON or not a message.
    """
    if not isinstance(frame, str):
        raise ProtocolError("send each message as a text frame of JSON, not binary")
    if len(frame) > MAX_FRAME:
        raise ProtocolError(f"a message is at most {MAX_FRAME} characters")
    try:
        return _CLIENT.validate_json(frame)
    except ValidationError as error:
        raise ProtocolError(_first(error)) from None


def _first(error: ValidationError) -> str:
    """The first problem of a refused message, in one short line."""
    first = error.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(part)[:40] for part in first["loc"])
    if first["type"] == "json_invalid":
        return "not a JSON message"
    if first["type"] == "union_tag_invalid" or where == "":
        return f"not a message: {first['msg']} (hello, move, intervene, say or consult)"
    return f"{where}: {first['msg']}"


def welcome(
    seat: dict,
    views: dict,
    re: str | None = None,
    briefing: str | None = None,
    events: list[dict] | None = None,
) -> dict:
    """The reply to a good hello: the seat taken and what it sees.

    Args:
        seat: ``{"table": n, "party": id, "teacher": false}`` for a team; the teacher's
            seat is at no table (``{"table": null, "party": null, "teacher": true}``).
        views: The table number (as text, a JSON key) → its view (``view.snapshot``): a team's own
            table, or every table for the teacher.
        re: The hello's ``id``.
        briefing: A team's confidential role sheet (``view.briefing``); None for the teacher.
        events: For the teacher, the scenario's events to fire (``view.events``); else None.
    """
    return {
        "v": VERSION,
        "type": "welcome",
        "re": re,
        "seat": seat,
        "views": views,
        "briefing": briefing,
        "events": events,
    }


def view(table: int, snapshot: dict) -> dict:
    """A table's new view, sent to each client at it after every change."""
    return {"v": VERSION, "type": "view", "table": table, "view": snapshot}


def ack(version: int, re: str | None) -> dict:
    """A move or act is on disk and played; the table is now at ``version``."""
    return {"v": VERSION, "type": "ack", "re": re, "version": version}


def refused(reason: str, re: str | None = None) -> dict:
    """A message refused, and why; nothing happened."""
    return {"v": VERSION, "type": "refused", "re": re, "reason": reason}
