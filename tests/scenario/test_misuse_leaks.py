"""Misuse, class 8: errors never print a file's contents, only a short excerpt of a line.

A scenario may name any file (``extends: /etc/passwd``, ``extends: ../notes.yaml``), and a
save names the scenario it came from. A file that is not named as a scenario (``.yaml``,
``.yml``) is not read at all; whatever a file that is read holds, an error about it quotes
at most ``EXCERPT`` characters of the offending line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sim.classroom.game import Game
from sim.classroom.saves import GameSetup, SaveError, new_save_path, write_save
from sim.classroom.saves import Save as SaveRecord
from sim.scenario.loading import ScenarioError, load_scenario
from sim.scenario.yaml_safe import EXCERPT
from tui.cli import build_cli

SECRET = "".join(f"secret line {n} = {'x' * 60} {n}\n" for n in range(1, 40))


def problems_of(path: Path) -> str:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(str(path))
    return str(caught.value)


def assert_no_leak(text: str, secret: str = SECRET) -> None:
    """No line of ``secret`` appears whole, and nothing longer than an excerpt of it."""
    for line in filter(None, (line.strip() for line in secret.splitlines())):
        if len(line) > EXCERPT:
            assert line not in text, text
    assert "secret line 2" not in text, text


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    folder = tmp_path / "private"
    folder.mkdir()
    path = folder / "notes.yaml"
    path.write_text(SECRET)
    return path


def extending(tmp_path: Path, name: str) -> Path:
    scenario = tmp_path / "class" / "mine.yaml"
    scenario.parent.mkdir(exist_ok=True)
    scenario.write_text(f"extends: {name}\ntitle: Mine\n")
    return scenario


def test_extends_an_absolute_path_quotes_only_an_excerpt(tmp_path, secret_file):
    text = problems_of(extending(tmp_path, str(secret_file)))
    assert "top level must be a mapping" in text and "(extended by" in text
    assert_no_leak(text)


def test_extends_a_relative_path_up_the_tree_quotes_only_an_excerpt(tmp_path, secret_file):
    assert_no_leak(problems_of(extending(tmp_path, "../private/notes.yaml")))


@pytest.mark.parametrize("relative", [False, True])
def test_extends_a_file_that_is_not_a_scenario_is_not_read(tmp_path, secret_file, relative):
    text_file = secret_file.rename(secret_file.with_suffix(".txt"))
    name = "../private/notes.txt" if relative else str(text_file)
    text = problems_of(extending(tmp_path, name))
    assert "is not a scenario file (a .yaml or .yml file)" in text
    assert "secret line" not in text


def test_the_passwd_file_is_not_printed():
    passwd = Path("/etc/passwd")
    if not passwd.is_file() or len(passwd.read_text().splitlines()) < 2:
        pytest.skip("no /etc/passwd of several lines here")
    result = CliRunner().invoke(build_cli(), ["validate", str(passwd)])
    assert result.exit_code == 2
    assert_no_leak(result.output, passwd.read_text())
    assert "❌" not in result.output  # ':x:' is printed as written, not as an emoji


@pytest.mark.parametrize(
    "body",
    [
        "title: t\n{long}: 1\n",  # an unknown key
        "title: t\n{long}: 1\n{long}: 2\n",  # a duplicate key
        "title: !!int {long}\n",  # a value that cannot be read as its tag
        "extends: {long}\n",  # a parent that is nowhere
        "extends: baseline-2025\nissues.jp_tariff.status_quo: {long}\n",  # not a number
        "extends: baseline-2025\nremove: [events.{long}]\n",  # nothing to remove
    ],
)
def test_a_long_line_of_a_scenario_is_quoted_as_an_excerpt(tmp_path, body):
    long = "k" * 500
    path = tmp_path / "long.yaml"
    path.write_text(body.format(long=long))
    text = problems_of(path)
    assert "k" * 3 * EXCERPT not in text, text  # a dotted path may quote a little more


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=st.lists(
        st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=50),
        min_size=2,
        max_size=8,
    )
)
def test_whatever_an_extended_file_holds_its_lines_are_not_printed(tmp_path, lines):
    secret = tmp_path / "private" / "any.yaml"
    secret.parent.mkdir(exist_ok=True)
    secret.write_text("\n".join(lines) + "\n", encoding="utf-8")
    text = problems_of(extending(tmp_path, str(secret)))
    assert len(text) < 2_000, text
    for line in lines:
        if len(line.strip()) > 2 * EXCERPT:
            assert line.strip() not in text, text


def test_the_cannot_resume_notice_quotes_only_an_excerpt(tmp_path, secret_file):
    source = str(extending(tmp_path, str(secret_file)))
    setup = GameSetup(source, 1, ("japan",))
    path = new_save_path(setup)
    write_save(path, SaveRecord(setup))
    with pytest.raises(SaveError) as caught:
        Game.resume(path)
    notice = str(caught.value)
    assert "cannot be loaded" in notice and "\n" not in notice
    assert_no_leak(notice)
