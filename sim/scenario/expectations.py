"""What a scenario claims about its outcomes: ``expectations``, checked by ``trilateral check``.

A scenario's ``summary`` tells a lesson in words ("a credible threat moves Seoul"); its
``expectations`` state that lesson as claims a machine can test: against a *reference*
scenario, a measure of the outcome is higher or lower. ``trilateral check`` plays both on
the same seeds and says whether each claim holds (``sim.experiments.check``), so a lesson
that the mechanics stop producing is found, not taught.

The reference is another scenario (a bundled name, or a path relative to the file that
names it) or this scenario with a few overrides, as ``--set`` takes them. Written as one
key, ``against``, a variation that writes its own reference replaces the inherited one
whole rather than merging with it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from sim.scenario.base import Id, Strict, require

MEASURES = {
    "agreement": "track",
    "score": "party",
    "utility": "party",
    "round": "track",
    "deal": "issue",
}
"""Each measure a claim may name, and the key that says what it measures."""


class Overrides(Strict):
    """The reference as this scenario changed by a few overrides."""

    set: list[str] = Field(min_length=1)
    """``KEY=VALUE`` overrides, as ``--set`` takes them, e.g. ``consultation.enabled=false``."""


class Claim(Strict):
    """One measure of the outcome, higher or lower than in the reference.

    ``agreement`` is the share of games with a deal on a ``track``; ``score`` and ``utility``
    are a ``party``'s score (0 no deal, 100 the best deal there was) and discounted utility;
    ``round`` is the round of a deal on a ``track`` and ``deal`` the agreed value of a numeric
    ``issue``, both over the games in which both scenarios made that deal.
    """

    measure: Literal["agreement", "score", "utility", "round", "deal"]
    """What is compared: ``agreement``, ``score``, ``utility``, ``round`` or ``deal``."""
    track: Id | None = None
    """The bargaining track of an ``agreement`` or ``round`` claim."""
    party: Id | None = None
    """The party of a ``score`` or ``utility`` claim."""
    issue: Id | None = None
    """The numeric issue of a ``deal`` claim."""
    direction: Literal["higher", "lower"] = Field(alias="is")
    """``higher`` or ``lower`` than in the reference (written ``is:``)."""

    @model_validator(mode="after")
    def _names_what_it_measures(self) -> Claim:
        needed = MEASURES[self.measure]
        for key in ("track", "party", "issue"):
            require(
                key == needed or getattr(self, key) is None,
                key,
                f"a {self.measure} claim names its {needed}, not a {key}",
            )
        require(
            getattr(self, needed) is not None, needed, f"a {self.measure} claim names its {needed}"
        )
        return self

    @property
    def subject(self) -> str:
        """The track, party or issue the claim is about."""
        return getattr(self, MEASURES[self.measure])

    def __str__(self) -> str:
        return f"{self.subject} {self.measure} {self.direction}"


class Expectations(Strict):
    """Claims about the scenario's outcomes against a reference scenario."""

    against: str | Overrides
    """The reference: a path relative to this file if there is such a file, otherwise a
    bundled scenario's name (``baseline-2025``); or ``{set: [KEY=VALUE, ...]}``, this
    scenario with those overrides."""
    claims: list[Claim] = Field(min_length=1)
    """What is higher or lower than in the reference; each holds when the 95 % interval of
    the paired difference lies wholly on its side of zero."""
