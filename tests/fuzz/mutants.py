"""Mutants of the bundled scenarios, and what ``validate`` then ``run`` make of each.

A scenario file may come from anyone, so no file may end in a traceback or a game that does
not end. This module makes files to try that with: it reads a bundled scenario with the
project's own safe reader, changes a few nodes of the parsed tree (a value replaced by one of
another kind, a hostile one or a copy of another node; a key dropped, added or renamed; a list
item deleted or repeated; an id swapped for another id of the scenario), writes the mutant
as YAML and runs the CLI on it in process, as a user would. One seeded mutator serves both
the test suite (a few mutants) and ``benchmarks/fuzz.py`` (thousands), so what the benchmark
finds the tests can reproduce.
"""

from __future__ import annotations

import copy
import random
import signal
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from typer.testing import CliRunner

from sim.cli.app import build_app
from sim.scenario.loading import bundled_scenarios
from sim.scenario.yaml_safe import read_yaml

NUMBERS: tuple[Any, ...] = (
    0,
    -1,
    -0.5,
    1,
    2,
    1e-320,
    1e308,
    -1e308,
    10**30,
    2**63,
    float("nan"),
    float("inf"),
    float("-inf"),
    "NaN",
    "-inf",
    "1e999",
)
"""Numbers a file may hold that arithmetic dislikes, and text that looks like a number."""
TEXTS: tuple[str, ...] = (
    "",
    " ",
    "[bold red]markup[/] [link=https://example.org]here[/link]",
    "[/]",
    "\x1b[2J\x1b[31mescape",
    "line\nbreak\rreturn\ttab\x07bell\x00nul",
    "\u202eright-to-left\u200bzero-width",
    "x" * 10_000,
    "ünïcödé 日本語 한국어",
)
"""Text that could take over a screen, break a line or swamp a message."""
OTHERS: tuple[Any, ...] = (None, True, False, [], {}, [1, 2], {"x": 1})
"""Values of another kind altogether."""
JUNK_KEYS: tuple[str, ...] = ("x", "id", "weight", "min", "max", "extends", "remove", "round")
"""Keys to add: unknown ones, and ones the schema knows but not in every place."""


Where = tuple[Any, ...]
"""Where a node is in the tree: the keys and list indexes that lead to it."""


def nodes(tree: Any, path: Where = ()) -> Iterator[tuple[Where, Any]]:
    """Every node of ``tree`` below the root, with its path, depth first."""
    if isinstance(tree, dict):
        items = tree.items()
    else:
        items = enumerate(tree) if isinstance(tree, list) else ()
    for key, value in items:
        yield (*path, key), value
        yield from nodes(value, (*path, key))


def ids_in(tree: Any) -> list[str]:
    """The ids a scenario gives (of parties, issues, tracks, events, ...): what a mutant may
    swap one for another."""
    found = {value for path, value in nodes(tree) if path[-1] == "id" and isinstance(value, str)}
    return sorted(found)


def keys_in(tree: Any) -> list[str]:
    """Every string key the scenario uses anywhere (some of them ids: ``preferences.jp_tariff``)."""
    found = {path[-1] for path, _ in nodes(tree) if isinstance(path[-1], str)}
    return sorted(found)


ACTIONS = (
    *("replace", "replace", "replace", "retype", "delete"),
    *("duplicate", "add key", "rename", "transplant"),
)
"""What a change does to the node it picks; a same-kind replacement most often, as it is
the change most likely to leave a valid scenario, whose game then meets the odd value.
A transplant puts a copy of another node of the scenario in its place (an issue where a
party was, an effect's list where a number was)."""
CHANGES = (1, 1, 1, 2, 2, 3)
"""How many nodes a mutant changes: one most often, so that many stay valid."""


def mutate(tree: Any, rng: random.Random) -> tuple[Any, list[str]]:
    """A mutant of ``tree`` (which is not changed) and a description of each change."""
    mutant = copy.deepcopy(tree)
    ids, keys = ids_in(tree), keys_in(tree)
    changes = []
    for _ in range(rng.choice(CHANGES)):
        places = list(nodes(mutant))
        if not places:
            break
        path, value = rng.choice(places)
        changes.append(_change(mutant, path, value, rng, ids, keys))
    return mutant, changes


def _change(root: Any, path: Where, value: Any, rng: random.Random, ids, keys) -> str:
    parent = root
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    where = ".".join(str(part) for part in path)
    action = rng.choice(ACTIONS)
    if action == "delete":
        del parent[last]
        return f"delete {where}"
    if action == "duplicate" and isinstance(parent, list):
        parent.insert(rng.randint(0, len(parent)), copy.deepcopy(value))
        return f"duplicate {where}"
    if action in ("duplicate", "rename") and isinstance(parent, dict):
        key = rng.choice((*ids, *keys))
        parent[key] = parent.pop(last) if action == "rename" else copy.deepcopy(value)
        return f"{action} {where} as {key!r}"
    if action == "add key":
        target = value if isinstance(value, dict) else parent
        if isinstance(target, dict):
            key = rng.choice((*JUNK_KEYS, *keys))
            target[key] = copy.deepcopy(rng.choice((*NUMBERS, *TEXTS[:3], *ids, *OTHERS)))
            return f"add {key!r} in {where}"
    if action == "transplant":
        new = rng.choice(list(nodes(root)))[1]
    elif action == "replace":
        new = _like(value, rng, ids)
    else:
        new = rng.choice((*NUMBERS, *TEXTS, *OTHERS, *ids))
        action = "retype"
    parent[last] = copy.deepcopy(new)
    return f"{action} {where} with {str(new)[:40]!r}"


def _like(value: Any, rng: random.Random, ids: list[str]) -> Any:
    """A hostile value of the same kind as ``value``."""
    if isinstance(value, bool):
        return rng.choice((not value, None, 0, "yes"))
    if isinstance(value, int | float):
        if rng.random() < 0.5:  # near the number written: valid often, and at an edge
            near = (value * 2, value / 2, -value, value + 1, value - 1, value * 1000, value / 1000)
            return rng.choice((*near, 0, 1, 1e-9, 0.999999))
        return rng.choice(NUMBERS)
    if isinstance(value, str):
        return rng.choice((*TEXTS, *ids)) if ids and rng.random() < 0.5 else rng.choice(TEXTS)
    if isinstance(value, list):
        return rng.choice(([], value * 3, [*value, None], value[::-1], value[1:]))
    if isinstance(value, dict):
        return rng.choice(({}, dict(list(value.items())[: len(value) // 2])))
    return rng.choice((*NUMBERS, *TEXTS))


def write_yaml(tree: Any, path: Path) -> None:
    """Write ``tree`` as a YAML file."""
    yaml = YAML(typ="safe", pure=True)
    yaml.width = 100
    with path.open("w", encoding="utf-8") as file:
        yaml.dump(tree, file)


@dataclass(frozen=True)
class Outcome:
    """What the CLI made of one mutant.

    Attributes:
        validated: ``validate``'s exit status.
        ran: ``run --quiet``'s exit status, or None when ``validate`` refused the file.
        error: The traceback of an exception that escaped either command, or None.
        seconds: Wall time of both commands.
    """

    validated: int
    ran: int | None
    error: str | None
    seconds: float

    @property
    def kind(self) -> str:
        """``traceback``, ``invalid`` (refused by validate), ``played`` or ``refused``."""
        if self.error is not None:
            return "traceback"
        if self.ran is None:
            return "invalid"
        return "played" if self.ran == 0 else "refused"


class Hang(BaseException):
    """Raised by the alarm in a command that takes too long; a BaseException, so no
    ``except Exception`` in the game swallows it."""


def _ring(signum: int, frame: Any) -> None:
    raise Hang


def try_file(path: Path, timeout: float | None = None) -> Outcome:
    """Run ``validate`` then, if it passes, ``run --quiet`` on ``path`` in process.

    Args:
        path: The scenario file.
        timeout: Seconds after which a command is stopped and counted as a traceback
            ("no answer"); None for no limit (tests: no timing in a test).
    """
    runner, app = CliRunner(), build_app()
    start = time.perf_counter()
    codes: list[int] = []
    error = None
    previous = signal.signal(signal.SIGALRM, _ring) if timeout else None
    try:
        for args in (["validate", str(path)], ["run", str(path), "--quiet"]):
            if timeout:
                signal.setitimer(signal.ITIMER_REAL, timeout)
            try:
                result = runner.invoke(app, args)
            except Hang:
                error = f"{args[0]}: no answer after {timeout:g} s"
                break
            finally:
                if timeout:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                error = "".join(traceback.format_exception(result.exception))
                break
            codes.append(result.exit_code)
            if result.exit_code != 0:
                break
    finally:
        if previous is not None:
            signal.signal(signal.SIGALRM, previous)
    seconds = time.perf_counter() - start
    validated = codes[0] if codes else -1
    return Outcome(validated, codes[1] if len(codes) > 1 else None, error, seconds)


def trees() -> dict[str, Any]:
    """Name → parsed tree of every bundled scenario."""
    return {name: read_yaml(path)[0] for name, path in bundled_scenarios().items()}


def write_mutant(tree: Any, seed: int, folder: Path, name: str) -> tuple[Path, list[str]]:
    """Write the mutant of ``tree`` that ``seed`` makes into ``folder`` as ``name``.yaml."""
    mutant, changes = mutate(tree, random.Random(seed))
    path = folder / f"{name}.yaml"
    write_yaml(mutant, path)
    return path, changes
