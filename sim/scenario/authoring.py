"""Scenario variations: a file that ``extends`` another, and the starter file for one.

As scenarios/README.md puts it, a teacher changes three values without copying two hundred
lines. A file with ``extends:`` is laid over its parent (itself resolved first, if it
extends another) in three steps:

1. ``remove:`` drops inherited entries — a key, or a list item named by its id or index;
2. the file's nested values are merged in: mappings key by key; a list whose items all carry
   an ``id`` item by item (an item with a new id is appended); any other list, and any other
   value, replaces the inherited one;
3. each top-level key written as a dotted path (``parties.korea.patience: 0.9``) sets one
   value, exactly as ``--set`` does on the command line.

A child that switches a party's strategy must also say what becomes of the params it would
inherit, as an override must (``sim.scenario.switches``).

Paths have one syntax wherever they appear — ``--set``, dotted keys, ``remove:``, batch
sweeps: mapping keys by name, list items by their ``id`` or their index. Every value keeps the
``Locator`` of the file it came from, so a problem in an inherited value points at the parent's
line and a problem in the child at the child's.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import Field

from sim.scenario.base import Strict
from sim.scenario.switches import strategy_names, switches
from sim.scenario.yaml_safe import Locator, Problem, ScenarioError, show


class Inheritance(Strict):
    """The keys that make a file a variation of another scenario.

    The loader takes them out before the merged scenario is validated; the JSON Schema
    offers them in files that extend another.
    """

    extends: str
    """The scenario this file varies: a path relative to this file (``my-base.yaml``) if
    there is such a file, otherwise the name of a bundled scenario (``baseline-2025``)."""
    remove: list[str] = Field(default_factory=list)
    """Dotted paths of inherited entries to drop before this file's values are merged in: a
    list item by its id or index (``events.grievance-flare-up``,
    ``parties.japan.signals.tie_hands.0``) or a key (``events.grievance-flare-up.probability``)."""


HEADER = tuple(Inheritance.model_fields)
"""The top-level keys that say how a file inherits; they are not scenario fields."""


def inherit(
    parent: dict, parent_at: Locator, child: dict, child_at: Locator
) -> tuple[dict, Locator]:
    """``child`` laid over ``parent``: removals, then nested values, then dotted keys.

    Both are consumed: the result is built from their values and Locators. ``child`` still
    holds its header (``extends``, ``remove``), already checked against ``Inheritance``.

    Raises:
        ScenarioError: a removal or a dotted key leads nowhere, an id repeats in a list, or
            the child switches a strategy and keeps the old one's params
            (``sim.scenario.switches``).
    """
    problems: list[Problem] = []
    names = strategy_names(parent)
    removals = child.get("remove", [])
    if removals:
        _remove(parent, parent_at, removals, child_at.inner["remove"].inner, problems)
    body = {k: v for k, v in child.items() if k not in HEADER and not _dotted(k)}
    data, at = _merge(parent, parent_at, body, child_at, problems)
    for key, value in child.items():
        if _dotted(key):
            key_at = child_at.inner[key]
            try:
                at.place(set_path(data, key.split("."), value), key_at)
            except ValueError as error:
                problems.append(Problem(*key_at.origin, key, str(error)))
    file = child_at.origin.file
    for switch in switches(names, data, lambda loc: at.written_in(loc, file)):
        message = switch.message(f"{switch.path}.params", ": ")
        problems.append(Problem(*at.where((*switch.loc, "name")), f"{switch.path}.name", message))
    if problems:
        raise ScenarioError(sorted(problems, key=lambda p: (p.line, p.column)))
    return data, at


def standalone_problems(data: dict, at: Locator) -> list[Problem]:
    """What a file that extends nothing may not use: ``remove`` and dotted keys."""
    problems = []
    for key in data:
        if key == "remove":
            message = "a file removes inherited entries only if it extends another (add extends:)"
        elif _dotted(key):
            message = (
                "a dotted key changes an inherited value: write it nested, "
                "or make the file extend another (extends: baseline-2025)"
            )
        else:
            continue
        problems.append(Problem(*at.inner[key].origin, key, message))
    return problems


def set_path(data: Any, parts: list[str], value: Any) -> tuple:
    """Set the value at a dotted path; the loc set, with list ids turned into indices.

    Mapping keys missing on the way are created, so a path may add new keys.

    Raises:
        ValueError: the path leads through a value that is not a mapping or list, or names
            a list item that does not exist.
    """
    node, loc = data, []
    for depth, part in enumerate(parts):
        where = ".".join(parts[:depth]) or "the top level"
        if isinstance(node, dict):
            key: Any = part
            if depth < len(parts) - 1 and node.get(key) is None:
                node[key] = {}  # a new key may lead to further new keys
        elif isinstance(node, list):
            key = _find_item(node, part, where)
            last = depth == len(parts) - 1
            if last and isinstance(node[key], dict) and not isinstance(value, dict):
                # Items are named by their ids: replaced by anything but a mapping, none would.
                path = ".".join(parts)
                raise ValueError(
                    f"expected a mapping, got {show(value)} (set one of its keys: {path}.KEY=VALUE)"
                )
        else:
            raise ValueError(f"{where} is {show(node)}, not a mapping or list")
        loc.append(key)
        if depth == len(parts) - 1:
            node[key] = value
        node = node[key]
    return tuple(loc)


def _find_item(items: list, part: str, where: str) -> int:
    """Index of the list item whose id is ``part``, or of the item numbered ``part``.

    Raises:
        ValueError: no such item; the message lists the ids there are.
    """
    ids = [item.get("id") for item in items if isinstance(item, dict)]
    for n, item in enumerate(items):
        if isinstance(item, dict) and item.get("id") == part:
            return n
    if part.isdigit():
        if int(part) < len(items):
            return int(part)
        raise ValueError(f"no item {part} in {where}: it has {len(items)} (counting from 0)")
    known = f" (known: {', '.join(map(str, ids))})" if ids else ""
    raise ValueError(f"no item with id {show(part)} in {where}{known}")


def starter(name: str, parent: str, schema: str) -> str:
    """A commented starter file named ``name`` that extends ``parent`` and validates as is.

    ``schema`` is what the ``$schema`` line points at, relative to the new file or absolute.
    A parent whose name is not plain letters, digits and ``_ . / -`` is written as a quoted
    YAML string, so a file name with ``: `` or ``#`` in it reads back as written; in the
    comments and prose it appears without control characters.
    """
    title = name.replace("-", " ").replace("_", " ").capitalize()
    said = re.sub(r"[\x00-\x1f\x7f]", "?", parent)
    written = parent if re.fullmatch(r"[\w./-]+", parent, re.ASCII) else json.dumps(parent)
    return f"""\
# yaml-language-server: $schema={schema}
# {name}: a variation of {said}; whatever is not written here is inherited.
# Authors' guide: scenarios/README.md. Say where each number comes from (a source, or judgment).
extends: {written}
title: "{title}"
summary: >
  One paragraph: the situation players face, and what is different from {said}.
teaches: >
  What playing it shows, and which mechanism (consultation, signals, ratification,
  precedent, security, outside options) carries the lesson.

# Change one value per line by its dotted path (the paths of --set; list items by id):
# parties.korea.patience: 0.9  # judgment
# consultation.trust: 0.7  # judgment
# issues.kr_tariff.escalation: 35  # judgment

# Or write nested values: mappings merge key by key, lists of things with an id merge
# item by item (a new id adds an item), other lists are replaced whole:
# events:
#   - id: grievance-flare-up
#     round: 2  # judgment: an early flare-up

# Drop inherited entries (a list item by id or index, or a key):
# remove: [events.grievance-flare-up.probability]

# Check it: trilateral validate FILE   Play it: trilateral run FILE --seed 1
"""


def _dotted(key: Any) -> bool:
    return isinstance(key, str) and "." in key


def _named(item: Any) -> bool:
    return isinstance(item, dict) and isinstance(item.get("id"), str)


def _merge(
    base: Any, base_at: Locator, over: Any, over_at: Locator, problems: list[Problem]
) -> tuple[Any, Locator]:
    """``over`` merged into ``base`` (which it reuses), with the Locators to match."""
    if isinstance(base, dict) and isinstance(over, dict):
        inner = dict(base_at.inner)
        for key, value in over.items():
            if key in base:
                base[key], inner[key] = _merge(
                    base[key], inner[key], value, over_at.inner[key], problems
                )
            else:
                base[key], inner[key] = value, over_at.inner[key]
        return base, Locator(over_at.origin, inner)
    if isinstance(base, list) and over and isinstance(over, list) and all(map(_named, over)):
        inner = list(base_at.inner)
        index = {item["id"]: n for n, item in enumerate(base) if _named(item)}
        given: dict[str, int] = {}
        for item, item_at in zip(over, over_at.inner, strict=True):
            ident = item["id"]
            if ident in given:
                message = f"duplicate id {show(ident)} (first given on line {given[ident]})"
                problems.append(Problem(*item_at.origin, "", message))
                continue
            given[ident] = item_at.origin.line
            n = index.get(ident)
            if n is None:
                index[ident] = len(base)
                base.append(item)
                inner.append(item_at)
            else:
                base[n], inner[n] = _merge(base[n], inner[n], item, item_at, problems)
        return base, Locator(over_at.origin, inner)
    return over, over_at


def _remove(
    data: dict, at: Locator, paths: list[str], paths_at: list[Locator], problems: list[Problem]
) -> None:
    """Delete each path's entry from ``data`` and ``at``; problems for paths that lead nowhere."""
    locs = set()
    for path, path_at in zip(paths, paths_at, strict=True):
        try:
            locs.add(_find(data, path.split(".")))
        except ValueError as error:
            problems.append(Problem(*path_at.origin, path, f"nothing to remove: {error}"))
    # The last entries first, so that removing a list item never shifts one still to remove.
    for loc in sorted(locs, key=_order, reverse=True):
        node = data
        for part in loc[:-1]:
            node = node[part]
        del node[loc[-1]]
        at.drop(loc)


def _order(loc: tuple) -> tuple:
    """A sort key for locs: list indices by number, keys by name."""
    return tuple((0, part, "") if type(part) is int else (1, 0, str(part)) for part in loc)


def _find(data: Any, parts: list[str]) -> tuple:
    """The loc of an existing entry named by a dotted path."""
    node, loc = data, []
    for depth, part in enumerate(parts):
        where = ".".join(parts[:depth]) or "the top level"
        if isinstance(node, dict):
            if part not in node:
                keys = ", ".join(map(str, node)) or "none"
                raise ValueError(f"{where} has no key {show(part)} (keys: {keys})")
            key: Any = part
        elif isinstance(node, list):
            key = _find_item(node, part, where)
        else:
            raise ValueError(f"{where} is {show(node)}, not a mapping or list")
        loc.append(key)
        node = node[key]
    return tuple(loc)
