"""The base of the scenario schema: strictness, identifiers and located errors.

Every scenario model derives from ``Strict`` so that a typo in a file is an error rather
than a silently ignored key; validation errors raised with ``require`` carry the field's
name, so the loader can point at the line that is wrong.

The limits below bound the work a file can ask of the engine and keep every utility in
[0, 1]: a file is written by anyone, and a number past them (a step of 0.001 on a range of
1,000, a range of ±1e308, a sensitivity of 1e308) would hang a game or break its arithmetic
rather than say anything a game can use. Every bundled scenario stays far inside them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$", max_length=64)]
"""An identifier: lower-case letters, digits, ``-`` and ``_``, starting with a letter."""

StrategyCheck = Callable[[str, Mapping[str, float]], str | None]
"""Why a strategy name and parameters are not playable, or None: the engine's registry
knows which strategies exist, so a loader is handed this check rather than importing it."""

MAGNITUDE = 1e12
"""The largest number, either way, an issue's range or an effect's change may have."""
GRID_POINTS = 101
"""How many evenly spaced values stand for a continuous issue (one without a step)."""
ISSUE_VALUES = 10_001
"""The most values one issue may take (its grid: (max − min) / step + 1, or its options);
the bundled scenarios' largest has 901."""
TRACK_PACKAGES = 10**16
"""The most packages a track may offer (the product of its issues' values): the analysis of
a game walks them issue by issue, and the bundled scenarios' largest track has 8.6·10¹³."""
WEIGHT = 1e6
"""The largest weight a preference may have (weights are relative: 1 and 20 are typical)."""
SENSITIVITY = 10.0
"""The largest security sensitivity: at the highest threat a weight grows at most 11-fold."""

Number = Annotated[float, Field(ge=-MAGNITUDE, le=MAGNITUDE)]
"""A number of the world a file states: an issue's bound, an effect's change."""
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
