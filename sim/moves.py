"""Moves, decision requests and the refusal of invalid moves.

A human party is a policy whose moves arrive from outside: where one must decide, the
engine stops with a ``DecisionRequest`` and waits for a ``Move``. A game is its scenario,
its seed and the log of these moves; replaying the log reproduces the game.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

MoveKind = Literal["propose", "accept", "reject", "walk"]


@dataclass(frozen=True, slots=True)
class Move:
    """One decision of one party on one track, as people write it (JSON-ready).

    ``propose`` puts ``package`` on the table; ``accept`` takes the package on the table;
    ``reject`` turns it down, optionally with ``package`` as the counter-offer the party
    will propose next round; ``walk`` ends the track without a deal.
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


class InvalidMove(ValueError):
    """A move the engine refused; the game is unchanged. The message says why."""
