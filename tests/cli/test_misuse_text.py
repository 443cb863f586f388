"""Text from scenarios is data (the robustness issue, class 1): markup and emoji codes print
as written, control characters are refused where they were written, never a traceback."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sim.cli.app import build_app
from sim.engine.model import NegotiationModel
from sim.engine.moves import Intervention, InvalidMove
from sim.engine.rules import Rules
from sim.scenario.loading import load_scenario

runner = CliRunner()
app = build_app()
MARKUP = [
    "[/bold]",
    "[/States]",
    "[link=https://example.com]x[/link]",
    "[@click=app.quit]x[/]",
    ":x:",
]


def variant(tmp_path, text: str, name: str = "odd.yaml"):
    """baseline-2025 with ``text`` in its title, a party's and a track's name and a unit."""
    path = tmp_path / name
    said = json.dumps(text)
    path.write_text(
        "extends: baseline-2025\n"
        f"title: {said}\n"
        f"parties.japan.name: {said}\n"
        f"tracks.us-japan.name: {said}\n"
        f"issues.jp_tariff.unit: {said}\n"
    )
    return str(path)


@pytest.mark.parametrize("text", MARKUP)
@pytest.mark.parametrize("command", [["run", "--quiet"], ["run"], ["brief", "--party", "japan"]])
def test_markup_and_emoji_codes_in_scenario_text_print_as_written(tmp_path, text, command):
    result = runner.invoke(app, [command[0], variant(tmp_path, text), *command[1:]])
    assert result.exit_code == 0, result.output
    assert result.exception is None
    if command != ["run", "--quiet"]:  # the quiet table shows no title
        assert text in result.output
    assert "❌" not in result.output


@pytest.mark.parametrize(
    "command",
    [
        ["study", "--runs", "2"],
        ["teams", "--runs", "2", "--team", "steady"],
        ["batch", "--runs", "2", "-o", "OUT"],
        ["validate"],
    ],
)
def test_the_commands_that_print_tables_and_titles_take_markup_as_text(tmp_path, command):
    text = "[/bold] [link=https://example.com]x[/link] :x:"
    if "-o" in command:
        command = [*command[:-1], str(tmp_path / "out.parquet")]
    result = runner.invoke(app, [command[0], variant(tmp_path, text), *command[1:]])
    assert result.exit_code == 0, result.output
    assert result.exception is None
    assert "❌" not in result.output


def test_a_control_character_is_refused_where_it_was_written(tmp_path):
    path = tmp_path / "ctl.yaml"
    path.write_text('extends: baseline-2025\ntitle: "a \\e]0;owned\\a b"\n')
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "ctl.yaml:2:1: title: contains the control character U+001B" in result.output
    assert "\x1b" not in result.output
    refused = runner.invoke(app, ["run", "baseline-2025", "--set", 'parties.us.name="A\u202eB"'])
    assert refused.exit_code == 2 and "U+202E" in refused.output


def test_a_custom_news_line_with_a_control_character_is_refused():
    model = NegotiationModel(Rules(load_scenario("baseline-2025")), seed=1, humans=["japan"])
    model.advance()
    with pytest.raises(InvalidMove, match=r"U\+001B"):
        model.intervene(Intervention("custom", news="Breaking \x1b[2J news"))
    model.intervene(Intervention("custom", news="Markup is news too: [/bold] :x:"))


@settings(max_examples=25, deadline=None)
@given(
    st.text(
        # Tabs and line breaks are text too, but Rich lays them out (a tab becomes spaces)
        st.sampled_from(list("[]/@=:x bold_link#\\\"'"))
        | st.characters(codec="utf-8", exclude_characters="\t\n"),
        min_size=1,
        max_size=30,
    )
)
def test_any_title_prints_as_plain_text_or_is_refused_in_one_line(tmp_path_factory, text):
    source = variant(tmp_path_factory.mktemp("t"), text)
    for command in (["run", source], ["brief", source, "--party", "japan"]):
        result = runner.invoke(app, command)
        assert result.exit_code in (0, 2), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        if result.exit_code == 0:
            assert text.strip() in result.output or not text.strip()
