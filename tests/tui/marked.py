"""Scenarios whose text is markup, emoji codes and links: what the screens must show as
written (the robustness issue, class 1)."""

from __future__ import annotations

from pathlib import Path

from sim.scenario.yaml_safe import read_yaml
from tests.factories import CLASSROOM
from tests.fuzz.mutants import write_yaml

MARKUP = "[/bold][/States]:x:[@click=app.quit]q[/][link=https://example.com]l[/link]"
"""What every text field ends with: closing tags that crash a markup parser, an action a
click would run, a hyperlink and an emoji code."""
SHORT = "[/b]:x:"
"""For the fields with a length limit (an issue's short name)."""
TEXT_FIELDS = {"title", "summary", "teaches", "name", "role", "news", "unit", "description"}


def marked(value: object, key: object = None) -> object:
    """``value`` (a scenario's data) with ``MARKUP`` after every line of text but the AI
    strategies' names, which name code."""
    if isinstance(value, dict):
        return {k: v if k == "strategy" else marked(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [marked(v, key) for v in value]
    if isinstance(value, str) and key in TEXT_FIELDS:
        return f"{value.strip()} {MARKUP}"
    if isinstance(value, str) and key == "short":
        return f"{value} {SHORT}"
    return value


def marked_scenario(folder: Path, source: str = CLASSROOM, name: str = "marked.yaml") -> str:
    """The classroom scenario with markup after every line of text, and a debrief question
    of it, written to ``folder``; its path."""
    data = marked(read_yaml(Path(source))[0])
    data["debrief"] = [f"Question {MARKUP}?"]
    path = folder / name
    write_yaml(data, path)
    return str(path)


def with_text(folder: Path, text: str) -> str:
    """The classroom scenario with ``text`` as its title, Japan's name, the US–Japan
    track's name, an issue's unit and an event's news, written to ``folder``; its path."""
    data = read_yaml(Path(CLASSROOM))[0]
    data["title"] = text
    next(p for p in data["parties"] if p["id"] == "japan")["name"] = text
    next(t for t in data["tracks"] if t["id"] == "us-japan")["name"] = text
    data["issues"][0]["unit"] = text
    data["events"][0]["news"] = text
    path = folder / "generated.yaml"
    write_yaml(data, path)
    return str(path)
