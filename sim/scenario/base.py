"""The base of the scenario schema: strictness, identifiers and located errors.

Every scenario model derives from ``Strict`` so that a typo in a file is an error rather
than a silently ignored key; validation errors raised with ``require`` carry the field's
name, so the loader can point at the line that is wrong.
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
