"""The loader: safe reading, located plain-English problems, and dotted overrides.

Each ``bad_scenarios/NAME.yaml`` is ``base.yaml`` with one mistake (or a file that extends it and
makes one); ``NAME.expected`` pins the exact lines the loader must print for it, with each file
written as its bare name.
"""

import os
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.engine.strategies import spec_problem
from sim.scenario import loading
from sim.scenario.loading import (
    Problem,
    ScenarioError,
    apply_overrides,
    bundled_scenarios,
    format_problems,
    load_scenario,
    read_scenario,
    read_yaml,
    resolve,
)
from tests.factories import BAD_SCENARIOS

BAD = BAD_SCENARIOS
BASE = BAD / "base.yaml"
CASES = sorted(BAD.glob("*.expected"))


def problems_of(source, overrides=()) -> list[Problem]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(source, overrides, spec_problem)
    return caught.value.problems


def test_base_scenario_is_valid():
    scenario = load_scenario(BASE)
    assert [party.id for party in scenario.parties] == ["alpha", "beta"]
    assert [issue.id for issue in scenario.issues] == ["tariff", "quota"]


@pytest.mark.parametrize("expected", CASES, ids=[case.stem for case in CASES])
def test_bad_scenario_gives_expected_problems(expected: Path):
    path = expected.with_suffix(".yaml")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path, (), spec_problem)
    text = str(caught.value).replace(f"{BAD}{os.sep}", "")  # parents' problems name them too
    assert text == expected.read_text().rstrip("\n")


def test_every_bad_scenario_has_expectations():
    inputs = {path.stem for path in BAD.glob("*.yaml")} - {"base"}
    assert inputs == {case.stem for case in CASES}


def test_problems_point_inside_their_file():
    for case in CASES:
        for problem in problems_of(case.with_suffix(".yaml")):
            count = len(Path(problem.file).read_text().splitlines())  # or a file it extends
            assert 1 <= problem.line <= count or (count == 0 and problem.line == 0), problem


def test_file_over_one_mebibyte_is_refused_before_parsing(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_text("title: big\nsummary: " + "x" * (1024 * 1024) + "\n")
    [problem] = problems_of(path)
    assert problem.line == 0
    assert "at most 1 MiB" in problem.message


def test_recursive_alias_is_refused(tmp_path):
    path = tmp_path / "loop.yaml"
    path.write_text("title: loop\nparties: &p [*p]\n")
    [problem] = problems_of(path)
    assert (problem.line, problem.column) == (2, 10)
    assert "refers to a value that contains it" in problem.message


def test_deep_nesting_is_refused(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("title: " + "[" * 5000 + "]" * 5000 + "\n")
    [problem] = problems_of(path)
    assert problem.line == 1
    assert "nested more than" in problem.message


def test_text_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: ok\nsummary: caf\u00e9\n".encode("latin-1"))
    [problem] = problems_of(path)
    assert (problem.line, problem.message) == (2, "the file is not UTF-8 text")


def test_explicit_standard_tags_and_merges_are_allowed(tmp_path):
    path = tmp_path / "tags.yaml"
    path.write_text("common: &c {x: 1, y: 2}\nn: !!str 12\nm:\n  <<: *c\n  y: 3\n")
    data, locator = read_yaml(path)
    assert data == {"common": {"x": 1, "y": 2}, "n": "12", "m": {"x": 1, "y": 3}}
    assert locator.where(("m", "y")) == (str(path), 5, 3)
    assert locator.where(("m", "nothing", "here")) == (str(path), 3, 1)


def test_several_structural_problems_are_reported_together(tmp_path):
    path = tmp_path / "two.yaml"
    path.write_text("a: !x 1\nb: 2\nb: 3\n")
    with pytest.raises(ScenarioError) as caught:
        read_yaml(path)
    assert str(caught.value).replace(str(path), "two.yaml") == (
        "two.yaml:1:4: tags are not allowed: !x\n"
        "two.yaml:3:1: duplicate key 'b' (first given on line 2)"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\n<<: !x {b: 2}\n", "2:5: tags are not allowed: !x"),
        ("<<: [1]\n", "1:6: a merge (<<) takes a mapping or a list of mappings"),
        ("? [a]\n: 1\n", "1:3: a key must be a single value, not a list or mapping"),
        ("a: !!int 'x'\n", "1:4: 'x' cannot be read as !!int"),
        ("a: *b\n", "1:4: invalid YAML: alias *b refers to no anchor &b defined before it"),
        ("a: 1\n---\nb: 2\n", "2:1: invalid YAML: the file holds more than one document"),
        ("a: 1\n\tb: 2\n", "2:1: invalid YAML: found character '\\t' that cannot start"),
        ("a: b\r\nc: \x00\n", "2:4: invalid YAML: character U+0000 is not allowed"),
        ("title: 'x' y\n", "1:12: invalid YAML: more text after a complete value"),
    ],
)
def test_tricky_yaml_gives_one_located_problem(tmp_path, text, expected):
    path = tmp_path / "t.yaml"
    path.write_text(text, newline="")
    with pytest.raises(ScenarioError) as caught:
        read_yaml(path)
    [problem] = caught.value.problems
    assert str(problem).startswith(f"{path}:{expected}")


def test_problem_and_error_formatting():
    located = Problem("f.yaml", 3, 5, "parties.japan.patience", "must be at most 1, got 2")
    bare = Problem("f.yaml", 0, 0, "", "the file is empty")
    assert str(located) == "f.yaml:3:5: parties.japan.patience: must be at most 1, got 2"
    assert str(bare) == "f.yaml:0:0: the file is empty"
    assert str(ScenarioError([located, bare])) == format_problems([located, bare])
    assert format_problems([located, bare]).splitlines() == [str(located), str(bare)]


# Overrides


@pytest.fixture
def base_data():
    return read_yaml(BASE)[0]


def test_override_sets_values_by_id_and_index(base_data):
    changed = apply_overrides(
        base_data,
        [
            "parties.beta.patience=0.5",
            "issues.1.max=200",
            "tracks.alpha-beta.parties=[beta, alpha]",
            "parties.alpha.strategy.params.exponent=2",
            "title=Trade war: round 2",
            "events.shock.repeat=true",
        ],
    )
    assert changed["parties"][1]["patience"] == 0.5
    assert changed["issues"][1]["max"] == 200
    assert changed["tracks"][0]["parties"] == ["beta", "alpha"]
    assert changed["parties"][0]["strategy"] == {"params": {"exponent": 2}}
    assert changed["title"] == "Trade war: round 2"
    assert changed["events"][0]["repeat"] is True
    assert base_data["parties"][1]["patience"] == 0.8, "the input is left untouched"


def test_override_errors_name_the_key():
    with pytest.raises(ScenarioError) as caught:
        load_scenario(
            BASE,
            [
                "parties.alpa.patience=0.5",
                "rounds",
                "issues.7.max=1",
                "title.text=x",
                "summary=[unclosed",
                "parties.beta=5",
            ],
        )
    assert str(caught.value) == "\n".join(
        [
            "--set:0:0: parties.alpa.patience: no item with id 'alpa' in parties "
            "(known: alpha, beta)",
            "--set:0:0: rounds: an override is KEY=VALUE, e.g. parties.korea.patience=0.9",
            "--set:0:0: issues.7.max: no item 7 in issues: it has 2 (counting from 0)",
            "--set:0:0: title.text: title is 'Two-party test', not a mapping or list",
            "--set:0:0: summary: cannot read the value '[unclosed': invalid YAML: expected ',' "
            "or ']', but got the end of the file (in the [...] list at line 1, column 1)",
            "--set:0:0: parties.beta: expected a mapping, got 5 (set one of its keys: "
            "parties.beta.KEY=VALUE)",
        ]
    )


def test_override_values_are_read_safely():
    [problem] = problems_of(BASE, ["summary=!!python/name:os.system"])
    assert problem.file == "--set"
    assert "tags are not allowed: !!python/name:os.system" in problem.message


def test_invalid_override_value_is_reported_against_the_override():
    problems = problems_of(BASE, ["parties.alpha.patience=2", "parties.beta.strategy={nme: x}"])
    assert [str(problem) for problem in problems] == [
        "--set:0:0: parties.alpha.patience: must be at most 1, got 2",
        "--set:0:0: parties.beta.strategy.nme: unknown key 'nme' — did you mean 'name'?",
    ]


def test_override_that_fixes_a_file_makes_it_load():
    scenario = load_scenario(BAD / "zero-weight.yaml", ["parties.beta.preferences.tariff.weight=1"])
    assert scenario.party("beta").preferences["tariff"].weight == 1


SWITCH = (
    "--set:0:0: parties.us.strategy.name: changing the strategy from 'boulware' to 'conceder' "
    "keeps boulware's params {exponent: 0.5}; also set parties.us.strategy.params={} "
    "(or the params conceder should have)"
)


def test_switching_a_strategy_by_override_must_say_what_becomes_of_its_params():
    """Baseline's US is boulware with exponent 0.5, which a conceder would quietly keep."""
    with pytest.raises(ScenarioError) as caught:
        load_scenario("baseline-2025", ["parties.us.strategy.name=conceder"], spec_problem)
    assert str(caught.value) == SWITCH
    with pytest.raises(ScenarioError) as caught:  # batches apply overrides the same way
        apply_overrides(read_scenario("baseline-2025")[0], ["parties.us.strategy.name=conceder"])
    assert str(caught.value) == SWITCH


def test_a_switch_by_index_is_answered_in_the_words_of_its_key():
    [problem] = problems_of("baseline-2025", ["parties.0.strategy.name=linear"])
    assert problem.path == "parties.0.strategy.name"
    assert "keeps boulware's params {exponent: 0.5}; also set parties.0.strategy.params={}" in (
        problem.message
    )


@pytest.mark.parametrize(
    ("overrides", "params"),
    [
        (["parties.us.strategy.name=conceder", "parties.us.strategy.params={}"], {}),
        (["parties.us.strategy.params={}", "parties.us.strategy.name=conceder"], {}),
        (
            ["parties.us.strategy.name=conceder", "parties.us.strategy.params.exponent=3"],
            {"exponent": 3},
        ),
        (["parties.us.strategy={name: conceder}"], {}),
        (["parties.us.strategy.name=boulware"], {"exponent": 0.5}),
        (["parties.korea.strategy.name=conceder"], {}),
    ],
)
def test_a_switch_that_says_what_becomes_of_the_params_loads(overrides, params):
    scenario = load_scenario("baseline-2025", overrides, spec_problem)
    party = overrides[-1].split(".")[1]
    assert scenario.party(party).strategy.params == params


def test_params_a_switch_leaves_unwritten_are_named():
    data = read_yaml(BASE)[0]
    data["parties"][0]["strategy"] = {"name": "boulware", "params": {"exponent": 3, "floor": 0}}
    switch = ["parties.alpha.strategy.name=conceder"]
    with pytest.raises(ScenarioError) as caught:
        apply_overrides(data, [*switch, "parties.alpha.strategy.params.exponent=2"])
    assert "keeps boulware's params {floor: 0};" in str(caught.value)
    both = ["parties.alpha.strategy.params.exponent=2", "parties.alpha.strategy.params.floor=1"]
    assert apply_overrides(data, [*switch, *both])["parties"][0]["strategy"]["params"] == {
        "exponent": 2,
        "floor": 1,
    }


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(["boulware", "conceder", "linear"]),
    exponent=st.floats(0.1, 5),
    params=st.sampled_from(
        [None, "parties.alpha.strategy.params={}", "parties.alpha.strategy.params.exponent=1"]
    ),
    params_first=st.booleans(),
)
def test_an_override_switch_is_refused_exactly_when_it_keeps_params(
    name, exponent, params, params_first
):
    data = read_yaml(BASE)[0]
    data["parties"][0]["strategy"] = {"name": "boulware", "params": {"exponent": exponent}}
    overrides = [f"parties.alpha.strategy.name={name}"]
    if params is not None:
        overrides.insert(0 if params_first else 1, params)
    try:
        changed = apply_overrides(data, overrides)
    except ScenarioError as error:
        assert name != "boulware" and params is None
        [problem] = error.problems
        assert problem.path == "parties.alpha.strategy.name"
    else:
        assert name == "boulware" or params is not None
        assert changed["parties"][0]["strategy"]["name"] == name


# Finding scenarios


def test_resolve_unknown_name_lists_bundled_scenarios(tmp_path, monkeypatch):
    monkeypatch.setattr(loading, "BUNDLED_DIR", tmp_path)
    (tmp_path / "demo.yaml").write_text(BASE.read_text())
    with pytest.raises(ScenarioError) as caught:
        resolve("baseline-2052")
    assert str(caught.value) == (
        "baseline-2052:0:0: neither a file nor a bundled scenario (bundled: demo)"
    )


def test_resolve_finds_files_and_bundled_names(tmp_path, monkeypatch):
    monkeypatch.setattr(loading, "BUNDLED_DIR", tmp_path)
    (tmp_path / "demo.yaml").write_text(BASE.read_text())
    assert bundled_scenarios() == {"demo": tmp_path / "demo.yaml"}
    assert resolve("demo") == tmp_path / "demo.yaml"
    assert resolve(BASE) == BASE
    assert load_scenario("demo").title == "Two-party test"


# Properties: whatever the text, the loader answers with located problems, never a traceback

YAML_TEXT = st.text(alphabet=st.sampled_from(list("ab1.: -[]{},&*!#|>'\"\n\t?%@`<=~\\")))
ANY_TEXT = st.one_of(YAML_TEXT, st.text(), st.binary().map(lambda b: b.decode("latin-1")))


def line_count(text: str) -> int:
    """Lines as YAML counts them, after the byte-order mark a UTF-8 reader drops."""
    lines = re.split("\r\n|[\r\n\x85\u2028\u2029]", text.removeprefix("\ufeff"))
    return len(lines) - (lines[-1] == "")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=ANY_TEXT)
def test_read_yaml_raises_only_located_scenario_errors(text: str):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "any.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            read_yaml(path)
        except ScenarioError as error:
            count = line_count(text)
            for problem in error.problems:
                assert problem.file == str(path)
                if count:
                    assert 1 <= problem.line <= count, (problem, count)
                    assert problem.column >= 1
                else:
                    assert (problem.line, problem.column) == (0, 0)


KEYS = st.sampled_from(
    [
        "rounds",
        "title",
        "parties.alpha.patience",
        "parties.beta.preferences.quota",
        "issues.0",
        "issues.quota.kind",
        "tracks.alpha-beta.parties",
        "events.shock.effects.0.add",
        "x.y",
    ]
)


@settings(max_examples=150, deadline=None)
@given(key=KEYS, value=st.one_of(YAML_TEXT, st.text()))
def test_any_override_gives_a_scenario_or_scenario_errors(key: str, value: str):
    try:
        load_scenario(BASE, [f"{key}={value}"])
    except ScenarioError as error:
        assert error.problems
        assert all(problem.file in (str(BASE), "--set") for problem in error.problems)


def test_debrief_questions_are_inherited_replaced_or_removed_and_never_blank(tmp_path):
    asked = load_scenario("baseline-2025").debrief
    assert 4 <= len(asked) <= 6
    assert load_scenario("troop-drawdown").debrief == asked
    own = tmp_path / "own.yaml"
    own.write_text("extends: baseline-2025\ndebrief:\n  - Who gained most, and why?\n")
    assert load_scenario(str(own)).debrief == ["Who gained most, and why?"]
    gone = tmp_path / "gone.yaml"
    gone.write_text("extends: baseline-2025\nremove: [debrief]\n")
    assert load_scenario(str(gone)).debrief == []
    with pytest.raises(ScenarioError, match=r"debrief\.1: a debrief question must not be blank"):
        load_scenario("baseline-2025", ['debrief=[Why?, "  "]'])


def test_a_list_too_short_for_its_fields_says_so():
    [problem] = problems_of(BASE, ["tracks.alpha-beta.parties=[alpha]"])
    assert str(problem) == "--set:0:0: tracks.alpha-beta.parties: too few items: it needs an item 2"


def test_a_scenario_error_crosses_processes_whole():
    """A batch's workers raise in another process: the error arrives as it was raised."""
    import pickle

    with pytest.raises(ScenarioError) as raised:
        load_scenario("baseline-2025", ["consultation.share_bottom_lines.trust=1.1"])
    again = pickle.loads(pickle.dumps(raised.value))
    assert str(again) == str(raised.value) and again.problems == raised.value.problems
    assert "must be at most 1, got 1.1" in str(again)
