"""The JSON Schema and the authors' guide: generated or checked from the models, never stale.

As rendercv's ``tests/test_generated_files.py``: the committed schema must equal what the
generator writes, and the failure names the command that fixes it. The guide
(``scenarios/README.md``) must name every field of the schema, and each of its examples must
load, so neither can drift from the code.
"""

from __future__ import annotations

import itertools
import json
import re
import shlex

import pytest
from typer.testing import CliRunner

from sim.cli.app import build_app
from sim.scenario.json_schema import scenario_schema, schema_text
from sim.scenario.loading import BUNDLED_DIR, bundled_scenarios, load_scenario, read_yaml
from tests.factories import BAD_SCENARIOS

SCHEMA = BUNDLED_DIR / "schema.json"
GUIDE = BUNDLED_DIR / "README.md"
BAD = BAD_SCENARIOS
runner = CliRunner()
app = build_app()


def test_committed_schema_is_current():
    assert SCHEMA.read_text(encoding="utf-8") == schema_text(), (
        "scenarios/schema.json is stale: run `trilateral schema -o scenarios/schema.json`"
    )


def test_schema_command_prints_or_writes_the_schema(tmp_path):
    printed = runner.invoke(app, ["schema"])
    assert printed.exit_code == 0 and printed.output == schema_text()
    path = tmp_path / "schema.json"
    written = runner.invoke(app, ["schema", "-o", str(path)])
    assert written.exit_code == 0 and path.read_text(encoding="utf-8") == schema_text()


def test_field_docstrings_are_the_descriptions():
    defs = scenario_schema()["$defs"]
    patience = defs["Party"]["properties"]["patience"]["description"]
    assert patience.startswith("Discount factor δ per round")
    assert "bundled scenario" in defs["Variation"]["properties"]["extends"]["description"]
    assert "tie_hands.0" in defs["Variation"]["properties"]["remove"]["description"]


def test_a_variation_requires_only_extends_and_ids():
    defs = scenario_schema()["$defs"]
    assert defs["Variation"]["required"] == ["extends"]
    assert defs["PartialParty"]["required"] == ["id"]
    assert "required" not in defs["PartialRatification"]
    assert defs["Party"]["required"] == ["id", "name", "patience", "preferences"]
    assert defs["Variation"]["additionalProperties"] is False


class TestValidatingWithTheSchema:
    """What an editor sees: the schema accepts the bundled files and flags mistakes."""

    @pytest.fixture(scope="class")
    def validator(self):
        jsonschema = pytest.importorskip("jsonschema")
        schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        return jsonschema.Draft202012Validator(schema)

    @pytest.mark.parametrize("name", list(bundled_scenarios()))
    def test_bundled_scenarios_are_valid(self, validator, name):
        data, _ = read_yaml(bundled_scenarios()[name])
        assert not [error.message for error in validator.iter_errors(data)]

    def test_mistakes_are_flagged_in_whole_files_and_variations(self, validator):
        whole, _ = read_yaml(BAD / "unknown-key.yaml")
        assert any("patince" in e.message for e in validator.iter_errors(whole))
        child, _ = read_yaml(BAD / "extends-typo.yaml")
        assert any("patince" in e.message for e in validator.iter_errors(child))
        partial = {"extends": "baseline-2025", "rounds": "twelve"}
        assert any("twelve" in e.message for e in validator.iter_errors(partial))
        assert not list(validator.iter_errors({"extends": "x", "parties.us.patience": 0.9}))
        assert any("rounds" in e.message for e in validator.iter_errors({"title": "no extends"}))


# The authors' guide


def guide_blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", GUIDE.read_text(encoding="utf-8"), re.M | re.S)


def schema_fields() -> set[str]:
    schema = scenario_schema()
    return {name for model in schema["$defs"].values() for name in model.get("properties", {})}


def test_the_guide_names_every_field_of_the_schema():
    guide = GUIDE.read_text(encoding="utf-8")
    missing = sorted(name for name in schema_fields() if f"`{name}`" not in guide)
    assert not missing, f"scenarios/README.md does not describe: {', '.join(missing)}"


@pytest.mark.parametrize("block", guide_blocks("yaml"), ids=lambda b: b.split("\n")[0][:40])
def test_every_yaml_example_in_the_guide_loads(tmp_path, block):
    """A whole file loads as it is; a fragment loads as a variation of baseline-2025."""
    data = block if "\nextends:" in f"\n{block}" else f"extends: baseline-2025\n{block}"
    path = tmp_path / "example.yaml"
    path.write_text(data, encoding="utf-8")
    load_scenario(path)


def test_the_guide_quotes_the_three_value_scenario_whole():
    troop = (BUNDLED_DIR / "troop-drawdown.yaml").read_text(encoding="utf-8")
    assert troop in guide_blocks("yaml")


def test_the_guide_words_errors_as_the_loader_does():
    expected = {line for case in BAD.glob("*.expected") for line in case.read_text().splitlines()}
    [block] = guide_blocks("text")
    assert set(block.splitlines()) <= expected


def test_every_path_on_the_guides_command_lines_exists():
    commands = [
        shlex.split(line, comments=True)
        for block in guide_blocks("bash")
        for line in block.replace("\\\n", " ").splitlines()
        if line.startswith("trilateral ")
    ]
    checked = 0
    for words in commands:
        if words[1] not in ("run", "batch", "study"):
            continue
        overrides = []
        for option, value in itertools.pairwise(words):
            key, _, values = value.partition("=")
            if option == "--set":
                overrides.append(value)
            elif option == "--sweep":
                overrides += [f"{key}={v}" for v in values.split(",")]
            elif option == "--range":
                overrides += [f"{key}={v}" for v in values.split(":")]
        for override in overrides:
            load_scenario(words[2], [override])
            checked += 1
    assert checked >= 8
