"""Effects on the world and the one grammar of what they target.

An ``Effect`` changes one number of the world, named by a dotted path such as
``parties.korea.patience``. The paths an effect may name are written once, in ``GRAMMAR``;
``parse_target`` reads a path into a typed ``Target`` by that grammar, and the hint an
author sees for a bad path and the schema's description of the field are written from it
too, so validation, the engine and the documents cannot disagree about what a path means.
"""

from __future__ import annotations

from functools import cached_property
from typing import Literal, NamedTuple

from pydantic import Field, model_validator

from sim.scenario.base import Number, Strict, require

TargetKind = Literal[
    "status_quo",
    "escalation",
    "patience",
    "approval",
    "credibility",
    "reservation",
    "batna",
    "weight",
    "trust",
    "sentiment",
    "threat",
]
"""Which number of the world an effect changes."""

GRAMMAR: dict[TargetKind, str] = {
    "status_quo": "issues.ID.status_quo",
    "escalation": "issues.ID.escalation",
    "patience": "parties.ID.patience",
    "approval": "parties.ID.approval",
    "credibility": "parties.ID.credibility",
    "reservation": "parties.ID.reservation.TRACK",
    "batna": "parties.ID.batna.TRACK",
    "weight": "parties.ID.preferences.ISSUE.weight",
    "trust": "alliance.trust",
    "sentiment": "alliance.sentiment",
    "threat": "security.threat",
}
"""Each kind of target and the path that names it. Upper-case parts are ids: ``ID`` is the
id of an entry of the section the path starts in (an issue in ``issues``, a party in
``parties``), ``TRACK`` a track's and ``ISSUE`` an issue's."""

_NOTES: dict[TargetKind, str] = {
    "batna": "a bonus to the no-deal utility, e.g. from an outside option",
}

_ID_OF = {"issues": "issue", "parties": "party"}
"""Which field of a ``Target`` an ``ID`` fills, by the section its path starts in (``TRACK``
and ``ISSUE`` fill ``track`` and ``issue``)."""


def _listing(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " or " + items[-1]


TARGET_HINT = "an effect target is " + _listing(list(GRAMMAR.values()))
"""What an author is told when a path follows none of the grammar's forms."""

_DESCRIBED = [
    f"``{path}`` ({_NOTES[k]})" if k in _NOTES else f"``{path}``" for k, path in GRAMMAR.items()
]
TARGET_DESCRIPTION = f"Dotted path of the number: {_listing(_DESCRIBED)}."
"""The grammar for the schema and the authors' guide."""


class Target(NamedTuple):
    """The number an effect changes: its kind and the ids the path names."""

    kind: TargetKind
    party: str | None = None
    issue: str | None = None
    track: str | None = None


class TargetError(ValueError):
    """A path that follows none of the grammar's forms (its message is ``TARGET_HINT``)."""

    def __init__(self, party: str | None) -> None:
        super().__init__(TARGET_HINT)
        self.party = party
        """The party a ``parties.ID.…`` path names, though what follows names none of its
        numbers (an unknown party is the likelier mistake, so it is reported first)."""


_FORMS = tuple((kind, tuple(pattern.split("."))) for kind, pattern in GRAMMAR.items())


def _field(section: str, placeholder: str) -> str:
    """The ``Target`` field an upper-case part of a form fills."""
    return _ID_OF[section] if placeholder == "ID" else placeholder.lower()


def parse_target(path: str) -> Target:
    """The target a dotted path names, by ``GRAMMAR``; ids are not checked against a scenario.

    Raises:
        TargetError: the path follows none of the grammar's forms.
    """
    parts = path.split(".")
    for kind, form in _FORMS:
        if len(parts) == len(form):
            ids = {}
            for part, word in zip(parts, form, strict=True):
                if word.isupper():
                    ids[_field(form[0], word)] = part
                elif part != word:
                    break
            else:
                return Target(kind, **ids)
    raise TargetError(parts[1] if len(parts) >= 3 and parts[0] == "parties" else None)


class Effect(Strict):
    """A change an event makes to one number in the world."""

    target: str = Field(description=TARGET_DESCRIPTION)
    set: Number | None = None
    """The new value."""
    add: Number | None = None
    """An amount added to the current value."""

    @model_validator(mode="after")
    def _one_change(self) -> Effect:
        require(
            (self.set is None) != (self.add is None),
            "set",
            "an effect needs exactly one of set, add",
        )
        return self

    @cached_property
    def parsed_target(self) -> Target:
        """The target path, parsed once: an effect is applied in every game on its scenario.

        Raises:
            TargetError: the path follows none of the grammar's forms (a loaded scenario's
                effects have been checked, so theirs always parse).
        """
        return parse_target(self.target)
