"""Authoring scenarios: extends, dotted keys and remove; the new, brief and schema commands.

Variations are built in a temporary folder on a copy of ``bad_scenarios/base.yaml`` (two
parties, one track, two issues, one event), so each test shows the rule it checks in a few
lines of YAML.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli.app import build_app
from sim.engine.strategies import spec_problem
from sim.experiments.batch.plan import BatchScenario
from sim.results.briefing import facilitator_sheet
from sim.scenario.loading import (
    BUNDLED_DIR,
    OVERRIDE,
    Problem,
    ScenarioError,
    load_scenario,
    read_scenario,
)
from tests.factories import BAD_SCENARIOS

BASE = BAD_SCENARIOS / "base.yaml"
runner = CliRunner()
app = build_app()


@pytest.fixture
def folder(tmp_path) -> Path:
    (tmp_path / "base.yaml").write_text(BASE.read_text())
    return tmp_path


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def problems(source, overrides=()) -> list[Problem]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(source, overrides)
    return caught.value.problems


# Merging


def test_mappings_merge_by_key_and_named_lists_by_id(folder):
    child = write(
        folder,
        "child.yaml",
        "extends: base.yaml\n"
        "parties:\n"
        "  - id: beta\n"
        "    patience: 0.5\n"
        "    preferences:\n"
        "      quota: {weight: 7}\n"
        "events:\n"
        "  - {id: talks, name: Talks, news: Talks resume., round: 2}\n",
    )
    scenario = load_scenario(child)
    beta = scenario.party("beta")
    assert (beta.name, beta.patience) == ("Beta", 0.5)
    assert (beta.preferences["quota"].weight, beta.preferences["quota"].shape) == (7, "falling")
    assert scenario.party("alpha").patience == 0.9
    assert [e.id for e in scenario.events] == ["shock", "talks"]


def test_lists_without_ids_and_empty_lists_replace_what_was_inherited(folder):
    child = write(
        folder,
        "child.yaml",
        "extends: base.yaml\n"
        "tracks:\n"
        "  - id: alpha-beta\n"
        "    parties: [beta, alpha]\n"
        "events:\n"
        "  - id: shock\n"
        "    effects: [{target: issues.quota.status_quo, add: 1}]\n",
    )
    scenario = load_scenario(child)
    assert scenario.track("alpha-beta").parties == ("beta", "alpha")
    [effect] = scenario.events[0].effects
    assert effect.target == "issues.quota.status_quo"
    cleared = write(folder, "cleared.yaml", "extends: base.yaml\nevents: []\n")
    assert load_scenario(cleared).events == []


def test_dotted_keys_set_one_value_after_the_nested_ones(folder):
    child = write(
        folder,
        "child.yaml",
        "extends: base.yaml\n"
        "parties.beta.patience: 0.6\n"
        "parties: [{id: beta, patience: 0.5}]\n"
        "events.shock.effects.0.add: 2\n"
        "parties.alpha.strategy.params.exponent: 3\n",
    )
    scenario = load_scenario(child)
    assert scenario.party("beta").patience == 0.6
    assert scenario.events[0].effects[0].add == 2
    assert scenario.party("alpha").strategy.params == {"exponent": 3}


def test_remove_drops_items_by_id_and_index_and_keys_before_the_merge(folder):
    write(
        folder,
        "middle.yaml",
        "extends: base.yaml\n"
        "events:\n"
        "  - {id: one, name: One, news: One., round: 1}\n"
        "  - {id: two, name: Two, news: Two., round: 2}\n",
    )
    child = write(
        folder,
        "child.yaml",
        "extends: middle.yaml\n"
        "remove: [events.0, events.two, events.one.round, parties.alpha.bottom_lines]\n"
        "events: [{id: one, probability: 0.5}]\n",
    )
    scenario = load_scenario(child)
    [event] = scenario.events
    assert (event.id, event.round, event.probability) == ("one", None, 0.5)
    assert scenario.party("alpha").bottom_lines == {}


def test_an_item_removed_and_written_again_is_replaced_whole(folder):
    child = write(
        folder,
        "child.yaml",
        "extends: base.yaml\n"
        "remove: [events.shock]\n"
        "events: [{id: shock, name: New shock, news: News., probability: 0.2}]\n",
    )
    [event] = load_scenario(child).events
    assert (event.name, event.round, event.effects) == ("New shock", None, [])


def test_chains_resolve_parents_first_and_paths_are_relative_to_the_file(folder):
    write(
        folder, "one/middle.yaml", "extends: ../base.yaml\nrounds: 5\nparties.beta.patience: 0.7\n"
    )
    child = write(folder, "two/child.yaml", "extends: ../one/middle.yaml\nrounds: 6\n")
    scenario = load_scenario(child)
    assert (scenario.rounds, scenario.party("beta").patience) == (6, 0.7)


def test_a_bundled_parent_gives_what_the_same_overrides_give(tmp_path):
    child = write(tmp_path, "child.yaml", "extends: baseline-2025\nparties.korea.patience: 0.8\n")
    overridden = load_scenario("baseline-2025", ["parties.korea.patience=0.8"])
    assert load_scenario(child) == overridden


def test_overrides_apply_after_the_merge_and_are_blamed_on_set(folder):
    child = write(folder, "child.yaml", "extends: base.yaml\nparties.beta.patience: 0.5\n")
    assert load_scenario(child, ["parties.beta.patience=0.7"]).party("beta").patience == 0.7
    [problem] = problems(child, ["parties.beta.patience=2"])
    assert problem == Problem(OVERRIDE, 0, 0, "parties.beta.patience", "must be at most 1, got 2")


def test_batch_setups_read_the_merged_scenario(folder):
    child = write(folder, "child.yaml", "extends: base.yaml\nparties.beta.patience: 0.5\n")
    shared = BatchScenario.load(str(child), ["rounds=4"])
    assert shared.for_cell().party("beta").patience == 0.5
    assert shared.for_cell(["parties.alpha.patience=0.6"]).rounds == 4


# Where problems point


def test_a_problem_in_an_inherited_value_points_at_the_parents_line(folder):
    write(
        folder,
        "middle.yaml",
        "extends: base.yaml\n"
        "events:\n"
        "  - {id: one, name: One, news: One., round: 1}\n"
        "  - id: two\n"
        "    name: Two\n"
        "    news: Two.\n"
        "    round: 2\n"
        "    effects: [{target: parties.gamma.patience, add: 1}]\n",
    )
    child = write(folder, "child.yaml", "\nextends: middle.yaml\nremove: [events.one, events.0]\n")
    [problem] = problems(child)
    assert (Path(problem.file).name, problem.line, problem.column) == ("middle.yaml", 8, 16)
    assert problem.path == "events.two.effects.0.target"
    assert problem.message.endswith(f"(extended by {child})")


def test_a_problem_in_the_child_points_at_the_childs_line(folder):
    child = write(
        folder,
        "child.yaml",
        "extends: base.yaml\n"
        "parties:\n"
        "  - id: alpha\n"
        "    preferences:\n"
        "      tariff: {weight: -1}\n",
    )
    [problem] = problems(child)
    assert (problem.file, problem.line, problem.column) == (str(child), 5, 16)


def test_a_new_item_missing_keys_is_reported_at_the_item(folder):
    child = write(folder, "child.yaml", "extends: base.yaml\nevents:\n  - id: empty\n")
    found = problems(child)
    assert {(p.line, p.path) for p in found} == {(3, "events.empty")}
    assert {p.message for p in found} == {
        "missing required key 'name'",
        "missing required key 'news'",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("extends: 3\n", "1:1: extends: expected text, got 3"),
        ("extends: base.yaml\nremove: events.shock\n", "2:1: remove: expected a list"),
        (
            "extends: base.yaml\nparties.gamma.patience: 1\n",
            "2:1: parties.gamma.patience: no item with id 'gamma' in parties (known: alpha, beta)",
        ),
        (
            "extends: base.yaml\nevents: [{id: a, round: 1}, {id: a, round: 2}]\n",
            "2:29: duplicate id 'a' (first given on line 2)",
        ),
        (
            "extend: base.yaml\n",
            "1:1: extend: unknown key 'extend' — did you mean 'extends'?",
        ),
        (
            "extends: child.yaml\n",
            "1:1: extends: these files extend each other in a loop: child.yaml → child.yaml",
        ),
    ],
)
def test_mistakes_in_the_inheritance_itself_are_located(folder, text, expected):
    child = write(folder, "child.yaml", text)
    assert any(str(p).startswith(f"{child}:{expected}") for p in problems(child)), problems(child)


def test_read_scenario_reports_problems_in_parents_with_the_file_loaded(folder):
    write(folder, "middle.yaml", "extends: base.yaml\nremove: [events.nothing]\n")
    child = write(folder, "child.yaml", "extends: middle.yaml\n")
    with pytest.raises(ScenarioError) as caught:
        read_scenario(child)
    [problem] = caught.value.problems
    assert Path(problem.file).name == "middle.yaml"
    assert problem.message.endswith(f"(extended by {child})")


BOULWARE = "extends: base.yaml\nparties.alpha.strategy: {name: boulware, params: {exponent: 0.5}}\n"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("parties:\n  - id: alpha\n    strategy: {name: conceder}\n", (4, 16)),
        ("parties.alpha.strategy.name: conceder\n", (2, 1)),
        # A nested mapping merges key by key, so an empty one clears nothing.
        ("parties:\n  - id: alpha\n    strategy: {name: conceder, params: {}}\n", (4, 16)),
    ],
)
def test_a_child_that_switches_a_strategy_must_say_what_becomes_of_its_params(folder, text, where):
    write(folder, "middle.yaml", BOULWARE)
    child = write(folder, "child.yaml", f"extends: middle.yaml\n{text}")
    [problem] = problems(child)
    assert (problem.file, problem.line, problem.column) == (str(child), *where)
    assert f"{problem.path}: {problem.message}" == (
        "parties.alpha.strategy.name: changing the strategy from 'boulware' to 'conceder' keeps "
        "boulware's params {exponent: 0.5}; also set parties.alpha.strategy.params: {} "
        "(or the params conceder should have)"
    )


@pytest.mark.parametrize(
    ("text", "params"),
    [
        ("parties.alpha.strategy.name: conceder\nparties.alpha.strategy.params: {}\n", {}),
        ("parties.alpha.strategy: {name: conceder}\n", {}),
        (
            "parties: [{id: alpha, strategy: {name: conceder, params: {exponent: 2}}}]\n",
            {"exponent": 2},
        ),
        ("parties.alpha.strategy.name: conceder\nremove: [parties.alpha.strategy.params]\n", {}),
        ("parties.alpha.patience: 0.5\n", {"exponent": 0.5}),
    ],
)
def test_a_child_that_says_what_becomes_of_the_params_loads(folder, text, params):
    write(folder, "middle.yaml", BOULWARE)
    child = write(folder, "child.yaml", f"extends: middle.yaml\n{text}")
    assert load_scenario(child, (), spec_problem).party("alpha").strategy.params == params


# trilateral new


def test_new_writes_a_starter_that_validates_and_never_overwrites(tmp_path):
    result = runner.invoke(app, ["new", "my-class", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    path = tmp_path / "my-class.yaml"
    text = path.read_text()
    assert text.startswith(
        f"# yaml-language-server: $schema={(BUNDLED_DIR / 'schema.json').resolve().as_posix()}"
    )
    scenario = load_scenario(path)
    assert scenario.title == "My class" and scenario.rounds == 12
    again = runner.invoke(app, ["new", "my-class", "-o", str(tmp_path)])
    assert again.exit_code == 2 and "already exists" in again.output
    assert path.read_text() == text


def test_new_extends_a_file_by_its_path_from_the_new_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "base.yaml").write_text(BASE.read_text())
    result = runner.invoke(app, ["new", "week-2", "--extends", "base.yaml", "-o", "classes"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "classes" / "week-2.yaml"
    assert "\nextends: ../base.yaml\n" in path.read_text()
    assert load_scenario(path).title == "Week 2"


@pytest.mark.parametrize("name", ["a: b.yaml", "week #2.yaml", "tab\there.yaml"])
def test_new_extends_a_file_whose_name_yaml_would_misread(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    (tmp_path / name).write_text(BASE.read_text())
    result = runner.invoke(app, ["new", "week-2", "--extends", name])
    assert result.exit_code == 0, result.output
    assert load_scenario(tmp_path / "week-2.yaml").title == "Week 2"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["new", "my class"], "name the scenario with letters"),
        (["new", "x", "--extends", "baseline-2052"], "neither a file nor a bundled scenario"),
        (["new", "x", "--extends", "/etc/passwd"], "/etc/passwd: not a scenario that loads"),
    ],
)
def test_new_refuses_bad_names_and_parents(tmp_path, args, message):
    result = runner.invoke(app, [*args, "-o", str(tmp_path)])
    assert result.exit_code == 2 and message in result.output
    assert "root:" not in result.output  # a file that is not a scenario is named, not quoted
    assert not list(tmp_path.iterdir())


# trilateral brief


def test_brief_prints_or_writes_one_role_sheet(tmp_path):
    printed = runner.invoke(app, ["brief", "baseline-2025", "--party", "korea"])
    assert printed.exit_code == 0
    assert printed.output.startswith("# South Korea: confidential role sheet")
    path = tmp_path / "korea.md"
    written = runner.invoke(app, ["brief", "baseline-2025", "--party", "korea", "-o", str(path)])
    assert written.exit_code == 0 and path.read_text() == printed.output


def test_brief_with_a_seed_gives_that_games_own_bottom_lines():
    from sim.engine.model import NegotiationModel
    from sim.engine.rules import Rules
    from sim.results.briefing import role_sheet

    rules = Rules(load_scenario("baseline-2025"))
    rooms = NegotiationModel(rules, seed=5, collect=False).rooms
    result = runner.invoke(app, ["brief", "baseline-2025", "--party", "japan", "--seed", "5"])
    assert result.exit_code == 0 and result.output == role_sheet(rules, "japan", rooms)
    assert " to " not in result.output.split("## Your bottom lines")[1].split("##")[0]


def test_brief_all_writes_every_sheet_and_the_facilitators(tmp_path):
    folder = tmp_path / "briefs"
    result = runner.invoke(app, ["brief", "grievance-flare-up", "--all", "-o", str(folder)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == [
        "facilitator.md",
        "japan.md",
        "korea.md",
        "us.md",
    ]
    sheet = (folder / "facilitator.md").read_text()
    assert sheet == facilitator_sheet(load_scenario("grievance-flare-up"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["brief", "baseline-2025"], "Give --party PARTY for one role sheet, or --all"),
        (["brief", "baseline-2025", "--party", "us", "--all"], "every sheet (not both)."),
        (["brief", "baseline-2025", "--party", "china"], "unknown party 'china'"),
        (["brief", "baseline-2025", "--party", "us", "--set", "rounds=0"], "rounds"),
    ],
)
def test_brief_refuses_what_it_cannot_write(args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and message in result.output


def test_the_facilitators_sheet_lists_events_and_how_to_fire_them():
    sheet = facilitator_sheet(load_scenario("grievance-flare-up"))
    assert "**What it teaches.**" in sheet
    scheduled = sheet.split("## Scheduled events")[1].split("## Random events")[0]
    assert (
        "| 2 | History grievance flares up | `grievance-flare-up` | A dispute over history and "
        "Dokdo/Takeshima flares up again. | Japan–Korea trust −0.2; Japan–Korea public "
        "sentiment −0.1 |"
    ) in scheduled
    random = sheet.split("## Random events")[1].split("##")[0]
    assert "| 10%, may repeat | North Korean missile test | `north-korea-test` |" in random
    assert "| 3 | United States | Tariff threat against Japan |" in sheet
    assert "press **f**" in sheet and "`alliance.trust`, `alliance.sentiment`" in sheet
    assert "United States' patience −0.02" in sheet
