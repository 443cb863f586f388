"""The JSON Schema of scenario files, for editors that complete and check YAML as you type.

It is generated from the pydantic models (``Scenario.model_json_schema()``), so each field's
docstring becomes its description and the schema cannot say other than the loader does.
``scenarios/schema.json`` is this schema, committed; a test fails when it is stale.

A file that ``extends`` another is partial — it names only what it changes — so one schema
serves two shapes (JSON Schema ``if``/``then``/``else``): a file without ``extends`` must be a
whole ``Scenario``; a file with it is a ``Variation``: ``extends``, ``remove``, dotted keys,
and any scenario field with every model's required keys relaxed (but an item's ``id``, which
merging needs). Unknown keys are refused in both, as the loader refuses them.
"""

from __future__ import annotations

import json
from typing import Any

from sim.scenario.authoring import Inheritance
from sim.scenario.models import Scenario

DIALECT = "https://json-schema.org/draft/2020-12/schema"
_DEFS = "#/$defs/"
_PARTIAL = "Partial"


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file, whole or extending another."""
    whole = Scenario.model_json_schema()
    defs = whole.pop("$defs")
    partial = {_PARTIAL + name: _relaxed(schema) for name, schema in defs.items()}
    variation = _relaxed({k: v for k, v in whole.items() if k not in ("title", "description")})
    variation["properties"] = {
        **Inheritance.model_json_schema()["properties"],
        **variation["properties"],
    }
    variation["required"] = ["extends"]
    variation["patternProperties"] = {
        r"^[^.]+(\.[^.]+)+$": {
            "description": "A dotted path to one value, as for --set: mapping keys by name, "
            "list items by id or index (parties.korea.patience)."
        }
    }
    variation["description"] = (
        "A variation of another scenario: what it extends, what it removes, what it changes."
    )
    return {
        "$schema": DIALECT,
        "title": "trilateral scenario",
        "description": "A scenario of the trilateral negotiation game, or a variation of one "
        "(a file with extends). The authors' guide is scenarios/README.md.",
        "type": "object",
        "if": {"required": ["extends"]},
        "then": {"$ref": _DEFS + "Variation"},
        "else": {"$ref": _DEFS + "Scenario"},
        "$defs": {**defs, "Scenario": whole, **partial, "Variation": variation},
    }


def schema_text() -> str:
    """The schema as the committed file holds it: sorted keys, two-space indent, one newline."""
    return json.dumps(scenario_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _relaxed(schema: Any) -> Any:
    """A copy of ``schema`` requiring no key but ``id``, its model references made partial."""
    if isinstance(schema, list):
        return [_relaxed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    relaxed = {}
    for key, value in schema.items():
        if key == "$ref" and isinstance(value, str) and value.startswith(_DEFS):
            relaxed[key] = _DEFS + _PARTIAL + value.removeprefix(_DEFS)
        elif key == "required" and "properties" in schema:
            if "id" in value:
                relaxed[key] = ["id"]
        elif key == "properties":  # property names are not schema keywords
            relaxed[key] = {name: _relaxed(sub) for name, sub in value.items()}
        else:
            relaxed[key] = _relaxed(value)
    return relaxed
