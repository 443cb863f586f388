"""The base of the scenario schema: strictness, identifiers and effects on the world.

Every scenario model derives from ``Strict`` so that a typo in a file is an error rather
than a silently ignored key; validation errors raised with ``require`` carry the field's
name, so the loader can point at the line that is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$", max_length=64)]
"""An identifier: lower-case letters, digits, ``-`` and ``_``, starting with a letter."""

StrategyCheck = Callable[[str, Mapping[str, float]], str | None]
"""Why a strategy name and parameters are not playable, or None: the engine's registry
knows which strategies exist, so a loader is handed this check rather than importing it."""

Share = Annotated[float, Field(ge=0.0, le=1.0)]
IssueValue = float | str | bool


class Strict(BaseModel):
    """Base of every scenario model: unknown keys are errors, field docstrings are docs.

    A typo in a scenario file must never be silently ignored, so ``extra="forbid"``;
    models are frozen because a loaded scenario is shared by every game played on it.
    """

    model_config = ConfigDict(
        extra="forbid", frozen=True, use_attribute_docstrings=True, allow_inf_nan=False
    )


class Effect(Strict):
    """A change an event makes to one number in the world."""

    target: str
    """Dotted path of the number: ``issues.ID.status_quo``, ``issues.ID.escalation``,
    ``parties.ID.patience``, ``parties.ID.approval``, ``parties.ID.credibility``,
    ``parties.ID.reservation.TRACK``, ``parties.ID.batna.TRACK`` (a bonus to the no-deal
    utility, e.g. from an outside option), ``parties.ID.preferences.ISSUE.weight``,
    ``alliance.trust``, ``alliance.sentiment`` or ``security.threat``."""
    set: float | None = None
    """The new value."""
    add: float | None = None
    """An amount added to the current value."""

    @model_validator(mode="after")
    def _one_change(self) -> Effect:
        require(
            (self.set is None) != (self.add is None),
            "set",
            "an effect needs exactly one of set, add",
        )
        return self


def require(condition: bool, field: str, message: str) -> None:
    """Raise a located validation error for ``field`` unless ``condition`` holds."""
    if not condition:
        raise ValidationError.from_exception_data(
            "field",
            [
                InitErrorDetails(
                    type=PydanticCustomError("invalid", message), loc=(field,), input=None
                )
            ],
        )
