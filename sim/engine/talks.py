"""The state of one bargaining track during a game: what is on the table, whose turn it is."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from sim.engine.rules import TrackRules


class Offer(NamedTuple):
    """A package put on the table, with what it is worth to each side (track utility).

    A named tuple: offers are made every round of every game, and it is the cheapest
    immutable record to build.
    """

    round: int
    track: str
    proposer: str
    package: tuple[float, ...]
    worth: dict[str, float]


@dataclass(slots=True)
class Talks:
    """One track's negotiation: open until a deal, a walk-out or the deadline."""

    track: TrackRules
    proposer: str
    status: str = "open"
    """``open``, ``agreed``, ``walked`` (someone walked away), ``broke-down`` (a refusal ended
    the talks, a risk of waiting) or ``no-deal`` (the deadline passed)."""
    on_table: Offer | None = None
    deal: Offer | None = None
    closed_round: int | None = None
    history: list[Offer] = field(default_factory=list)
    failed_votes: int = 0
    """How many accepted packages failed to be ratified at home (the track then reopened)."""
    counters: dict[str, tuple[float, ...]] = field(default_factory=dict)
    """Counter-offers announced with a rejection, to be proposed next round."""
    red_lines: list[tuple[Offer, tuple[int, ...]]] = field(default_factory=list)
    """Proposals by a human party that the other side refused for crossing its bottom
    lines, each with the positions of the issues it named (its red lines, never the
    limits), oldest first: what the team hears at the table. An AI proposer hears them
    too, in its seat (``RedLines``)."""

    @property
    def open(self) -> bool:
        """Whether the track is still being negotiated."""
        return self.status == "open"

    @property
    def responder(self) -> str:
        """The party answering this round's proposal."""
        return self.track.other(self.proposer)

    def worth_on_table(self, party: str) -> float | None:
        """What the package on the table is worth to ``party`` (None if nothing is)."""
        return self.on_table.worth[party] if self.on_table is not None else None

    def received(self, party: str) -> tuple[tuple[float, ...], ...]:
        """The packages the other side has proposed to ``party``, oldest first."""
        return tuple(o.package for o in self.history if o.proposer != party)

    def close(self, status: str, round_: int, deal: Offer | None = None) -> None:
        """End the negotiation."""
        self.status, self.closed_round, self.deal = status, round_, deal
