"""Expectations: claims about a scenario's outcome, validated and located like every key."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from sim.engine.strategies import spec_problem
from sim.scenario.expectations import MEASURES, Claim, Expectations, Overrides
from sim.scenario.json_schema import scenario_schema
from sim.scenario.loading import ScenarioError, load_scenario, load_with_reference
from tests.factories import BAD_SCENARIOS

BASE = BAD_SCENARIOS / "base.yaml"

CLAIMS = """\
expectations:
  against: {against}
  claims:
    - {{measure: agreement, track: alpha-beta, is: lower}}
    - {{measure: score, party: beta, is: higher}}
    - {{measure: deal, issue: tariff, is: higher}}
"""


def variation(tmp_path, body: str, name: str = "child.yaml"):
    """A file beside a copy of the test base that extends it with ``body``."""
    (tmp_path / "base.yaml").write_text(BASE.read_text())
    path = tmp_path / name
    path.write_text("extends: base.yaml\n" + body)
    return path


def problems_of(source, overrides=()):
    with pytest.raises(ScenarioError) as caught:
        load_with_reference(source, overrides, spec_problem)
    return caught.value.problems


def test_each_measure_names_its_subject():
    for measure, key in MEASURES.items():
        claim = Claim.model_validate({"measure": measure, key: "x", "is": "higher"})
        assert claim.subject == "x" and claim.direction == "higher"
        others = [k for k in ("track", "party", "issue") if k != key]
        with pytest.raises(ValidationError, match=f"names its {key}, not a {others[0]}"):
            Claim.model_validate({"measure": measure, others[0]: "x", "is": "lower"})
        with pytest.raises(ValidationError, match=f"names its {key}"):
            Claim.model_validate({"measure": measure, "is": "lower"})


SUBJECTS = ("track", "party", "issue")


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["measure", *SUBJECTS, "is", "why"]),
        st.one_of(
            st.sampled_from(["higher", "lower", "us-korea", "Not an id", *MEASURES]),
            st.integers(),
            st.none(),
        ),
    )
)
def test_a_claim_is_valid_only_in_the_shape_written_down(data):
    written = {k for k, v in data.items() if not (k in SUBJECTS and v is None)}
    needed = MEASURES.get(data.get("measure"))
    shaped = (
        written == {"measure", needed, "is"}
        and data["is"] in ("higher", "lower")
        and isinstance(data[needed], str)
        and re.fullmatch(r"[a-z][a-z0-9_-]*", data[needed]) is not None
    )
    try:
        Claim.model_validate(data)
    except ValidationError:
        assert not shaped
    else:
        assert shaped


def test_expectations_need_claims_and_a_reference():
    with pytest.raises(ValidationError):
        Expectations.model_validate({"against": "x", "claims": []})
    with pytest.raises(ValidationError):
        Expectations.model_validate({"claims": [{"measure": "score", "party": "a", "is": "lower"}]})
    with pytest.raises(ValidationError):
        Overrides.model_validate({"set": []})


def test_claims_name_what_the_scenario_has(tmp_path):
    path = variation(
        tmp_path,
        CLAIMS.format(against="base.yaml").replace("alpha-beta", "alpha-gamma"),
    )
    messages = {p.path: p.message for p in problems_of(path)}
    assert messages["expectations.claims.0.track"].startswith(
        "unknown bargaining track 'alpha-gamma'"
    )


def test_a_deal_claim_compares_numbers(tmp_path):
    body = """\
issues:
  - {id: venue, name: Venue, track: alpha-beta, kind: categorical, options: [a, b],
     status_quo: a}
parties:
  - {id: alpha, preferences: {venue: {weight: 1, values: {a: 1, b: 0}}}}
expectations:
  against: base.yaml
  claims: [{measure: deal, issue: venue, is: higher}]
"""
    (problem,) = problems_of(variation(tmp_path, body))
    assert problem.path == "expectations.claims.0.issue"
    assert problem.message == "issue 'venue' is not numeric: a deal claim compares numbers"


def test_the_reference_is_a_file_beside_the_one_that_names_it(tmp_path):
    path = variation(tmp_path, CLAIMS.format(against="base.yaml") + "rounds: 6\n")
    scenario, reference = load_with_reference(path)
    assert (scenario.rounds, reference.rounds) == (6, 10)
    assert reference.expectations is None


def test_a_reference_by_name_is_bundled(tmp_path):
    body = """\
expectations:
  against: baseline-2025
  claims: [{measure: score, party: alpha, is: higher}]
"""
    (problem,) = problems_of(variation(tmp_path, body))
    assert problem.path == "expectations.claims.0.party"
    assert problem.message.startswith("in the reference: unknown party 'alpha'")
    assert problem.line == 4  # the claim's line in the file that makes it


def test_a_reference_made_of_overrides_is_this_scenario_changed(tmp_path):
    against = "{set: [rounds=4]}"
    path = variation(tmp_path, CLAIMS.format(against=against))
    scenario, reference = load_with_reference(path, ["parties.alpha.patience=0.7"])
    assert (scenario.rounds, reference.rounds) == (10, 4)
    assert scenario.party("alpha").patience == reference.party("alpha").patience == 0.7
    bad = variation(tmp_path, CLAIMS.format(against="{set: [rounds=0]}"), "bad.yaml")
    (problem,) = problems_of(bad)
    assert (problem.file, problem.line) == (str(bad), 3)
    assert problem.message.startswith("in the reference: must be at least 1")


def test_a_missing_reference_is_found_by_validation(tmp_path):
    path = variation(tmp_path, CLAIMS.format(against="nowhere.yaml"))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    (problem,) = caught.value.problems
    assert (problem.path, problem.line) == ("expectations.against", 3)
    assert "neither a file next to this one nor a bundled scenario" in problem.message


def test_a_variation_inherits_expectations_and_replaces_its_reference_whole(tmp_path):
    parent = variation(tmp_path, CLAIMS.format(against="{set: [rounds=4]}"), "parent.yaml")
    inherits = tmp_path / "inherits.yaml"
    inherits.write_text(f"extends: {parent.name}\nrounds: 8\n")
    assert load_scenario(inherits).expectations == load_scenario(parent).expectations
    replaces = tmp_path / "replaces.yaml"
    replaces.write_text(
        f"extends: {parent.name}\nexpectations:\n  against: base.yaml\n"
        "  claims: [{measure: utility, party: alpha, is: lower}]\n"
    )
    expectations = load_scenario(replaces).expectations
    assert expectations.against == "base.yaml"  # not merged with the parent's set
    assert [str(c) for c in expectations.claims] == ["alpha utility lower"]


def test_the_schema_offers_expectations_in_whole_files_and_variations():
    schema = scenario_schema()
    defs = schema["$defs"]
    assert "expectations" in defs["Scenario"]["properties"]
    assert "expectations" in defs["Variation"]["properties"]
    assert set(defs["Claim"]["properties"]) == {"measure", "track", "party", "issue", "is"}
    assert defs["Claim"]["required"] == ["measure", "is"]
