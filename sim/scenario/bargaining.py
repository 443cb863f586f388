"""Scenario models for the decision model: what the parties do not know, and what delay risks.

A party knows its own numbers, not the other side's. What it believes of the other side,
how fast it learns from moves, and how likely talks are to collapse while it waits are
numbers of the scenario like any other (docs/mechanics.md, "Bargaining"):

- ``Bargaining`` (one per scenario): the risk that a refused proposal ends the talks
  (Binmore, Rubinstein & Wolinsky 1986), higher in the round a threat falls due, and how
  sharply beliefs turn on utility and how much a refusal counts as evidence;
- ``Beliefs`` (one per party): how well the party reads the other side's priorities, and
  where its prior of what it can attain sits.
"""

from __future__ import annotations

from pydantic import Field

from sim.scenario.base import Share, Strict


class Bargaining(Strict):
    """The risk of waiting and how the parties learn, the same for every party."""

    breakdown: Share = 0.0
    """The chance that talks on a track collapse each time a proposal there is refused:
    no deal, at once. 0 means waiting costs only patience."""
    threat_breakdown: Share = 0.0
    """Added to that chance in the round a threat on the track falls due: the moment the
    risk peaks, which makes a threat's deadline a focal point."""
    sharpness: float = Field(default=0.05, gt=0, le=1)
    """How sharply a party believes the other side's answer turns on what it is asked for,
    as a share of the way from its floor to its best (τ): smaller is sharper."""
    refusal_weight: Share = 0.8
    """How much a refusal counts as evidence that an ask was too high (1: fully; less,
    because a side may refuse what it would sign in the hope of more)."""


class Beliefs(Strict):
    """What one party believes of the other side before the talks, and how sure it is."""

    reading: float = Field(default=0.3, ge=0, le=3)
    """How roughly the party reads the other side's priorities: each of the other's
    weights is read multiplied by ``exp(reading·z)``, ``z`` standard normal; 0 reads them
    exactly."""
    optimism: float = Field(default=0.0, ge=-1, le=1)
    """Where the party's prior of what it can attain is centred, as a share of the way
    from its floor to its best, above the middle of the zone of agreement it reads."""
    width: float = Field(default=0.25, gt=0, le=2)
    """How spread that prior is (same units): a wide prior is learnt from fast."""
