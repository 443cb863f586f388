"""Moves, decision requests and the refusal of invalid moves.

A human party is a policy whose moves arrive from outside: where one must decide, the
engine stops with a ``DecisionRequest`` and waits for a ``Move``. A game is its scenario,
its seed and the log of these moves; replaying the log reproduces the game.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from sim.engine.rules import TrackRules

MoveKind = Literal["propose", "accept", "reject", "walk", "signal", "consult"]


@dataclass(frozen=True, slots=True)
class Move:
    """One decision of one party on one track, as people write it (JSON-ready).

    ``propose`` puts ``package`` on the table; ``accept`` takes the package on the table;
    ``reject`` turns it down, optionally with ``package`` as the counter-offer the party
    will propose next round; ``walk`` ends the track without a deal. Two kinds can be
    sent by a human party while any decision is pending, without answering it:
    ``signal`` (``package={"signal": "threat"|"tie_hands"|"outside_option", "id": ...}``)
    and ``consult`` (``package={"option": ..., "agree": true|false}``, the party's standing
    answer in the Japan–Korea channel).
    """

    party: str
    track: str
    kind: MoveKind
    package: dict[str, float | str | bool] | None = None
    round: int = 0

    def to_dict(self) -> dict:
        """The move as plain data for a log."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_dict(cls, data: dict) -> Move:
        """A move read back from a log."""
        return cls(**data)


@dataclass(frozen=True, slots=True)
class DecisionRequest:
    """The engine waits for ``party`` to decide on ``track``.

    ``kind`` is ``propose`` (the party must put a package on the table) or ``respond``
    (a package is on the table: accept, reject with or without a counter, or walk away).
    """

    party: str
    track: str
    kind: Literal["propose", "respond"]
    round: int
    on_table: dict[str, float | str | bool] | None = None
    allowed: tuple[MoveKind, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Intervention:
    """A facilitator's act, logged with the moves so that replay repeats it.

    ``fire`` sets off the scenario event ``event`` now; ``custom`` sets off an event made
    up on the spot (``news`` and ``effects``, each ``{"target": ..., "set"|"add": ...}``);
    ``extend`` moves the deadline ``rounds`` rounds later.
    """

    kind: Literal["fire", "custom", "extend"]
    event: str | None = None
    news: str | None = None
    effects: tuple[dict, ...] = ()
    rounds: int = 0
    round: int = 0

    def to_dict(self) -> dict:
        """The intervention as plain data for a log."""
        data = {"intervention": self.kind, "round": self.round}
        if self.event is not None:
            data["event"] = self.event
        if self.news is not None:
            data["news"] = self.news
        if self.effects:
            data["effects"] = [dict(e) for e in self.effects]
        if self.rounds:
            data["rounds"] = self.rounds
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Intervention:
        """An intervention read back from a log."""
        data = dict(data)
        kind = data.pop("intervention")
        effects = tuple(data.pop("effects", ()))
        return cls(kind, effects=effects, **data)


def entry_from_dict(data: dict) -> Move | Intervention:
    """A log entry read back from plain data: a move or a facilitator's intervention."""
    return Intervention.from_dict(data) if "intervention" in data else Move.from_dict(data)


def package_problem(track: TrackRules, package: dict) -> str | None:
    """Why a package (issue id → value) is not a valid package for a track, or None."""
    if not isinstance(package, dict):
        return "a package maps each issue of the track to a value"
    missing = [s.name for s in track.spaces if s.id not in package]
    if missing:
        return f"the package leaves out {', '.join(missing)}"
    extra = sorted(set(package) - set(track.issue_ids))
    if extra:
        return f"{extra[0]!r} is not an issue of {track.id}"
    for space in track.spaces:
        problem = space.problem(package[space.id])
        if problem:
            return problem
    return None


class InvalidMove(ValueError):
    """A move the engine refused; the game is unchanged. The message says why."""
