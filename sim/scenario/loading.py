"""Loading scenarios: a file or bundled name in; a ``Scenario``, or located problems, out.

A scenario is read safely (``sim.scenario.yaml_safe``), laid over the scenario it
``extends`` if it names one (``sim.scenario.authoring``), changed by ``--set KEY=VALUE``
overrides and validated. Every problem found on the way is reported as
``FILE:LINE:COL: path: message`` in plain words (scenarios/README.md): each value remembers the
file and line it came from, so a mistake in a parent file points at the parent, one in the
child at the child, one in an override at ``--set``.

The error rewriting follows rendercv (``schema/yaml_reader.py`` and
``pydantic_error_handling.py``): walk each error's ``loc`` to a position, then turn pydantic's
wording into a sentence a scenario author understands.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

import scenarios
from sim.scenario.authoring import HEADER, Inheritance, inherit, set_path, standalone_problems
from sim.scenario.base import StrategyCheck
from sim.scenario.models import Scenario
from sim.scenario.references import claims_missing_in
from sim.scenario.switches import strategy_names, switches
from sim.scenario.text import control_problems
from sim.scenario.yaml_safe import (
    Locator,
    Origin,
    Problem,
    ScenarioError,
    format_problems,
    read_value,
    read_yaml,
    show,
)

__all__ = [
    "BUNDLED_DIR",
    "OVERRIDE",
    "Problem",
    "ScenarioError",
    "apply_overrides",
    "bundled_scenarios",
    "format_problems",
    "load_scenario",
    "load_with_reference",
    "read_scenario",
    "read_yaml",
    "resolve",
    "scenario_files",
]

BUNDLED_DIR = Path(scenarios.__file__).parent
"""The folder of the scenario files shipped with the game."""

OVERRIDE = "--set"
"""The file name given to problems caused by a command-line override."""

_ID = re.compile(r"[a-z][a-z0-9_-]*")  # as scenario.Id: only such ids name items in paths


def bundled_scenarios() -> dict[str, Path]:
    """Name (file stem) → path of every scenario shipped with the game, sorted by name."""
    return {path.stem: path for path in sorted(BUNDLED_DIR.glob("*.yaml"))}


def is_file(path: Path) -> bool:
    """Whether ``path`` is a file; a name too long to be one (which ``Path.is_file`` raises
    for) is not."""
    try:
        return path.is_file()
    except OSError:
        return False


def resolve(source: str | Path) -> Path:
    """The file a scenario source names: an existing path, or a bundled scenario's name.

    Raises:
        ScenarioError: if ``source`` is neither.
    """
    path = Path(source)
    if is_file(path):
        return path
    bundled = bundled_scenarios()
    if str(source) in bundled:
        return bundled[str(source)]
    known = ", ".join(bundled) or "none"
    message = f"neither a file nor a bundled scenario (bundled: {known})"
    raise ScenarioError([Problem(str(source), 0, 0, "", message)])


def read_scenario(source: str | Path) -> tuple[dict, Locator]:
    """A scenario's data, laid over the scenarios it extends, not yet validated.

    Raises:
        ScenarioError: a file cannot be read, a parent is missing or extends loop back, or a
            removal or dotted key leads nowhere. A problem in a file it extends says so.
    """
    path = resolve(source)
    try:
        return _read_chain(path, ())
    except ScenarioError as error:
        raise ScenarioError(_extended_by(error.problems, str(path))) from None


def scenario_files(source: str | Path) -> list[Path]:
    """The file a scenario source names, then each file it extends, as far as the chain
    can be read: what a command that reads the scenario must never write over.

    Raises:
        ScenarioError: if ``source`` names no scenario or its own file cannot be read.
    """
    files = [resolve(source)]
    while True:
        try:
            data, locator = read_yaml(files[-1])
        except ScenarioError:
            if len(files) == 1:
                raise
            return files  # a parent that cannot be read: loading the scenario says so
        name = data.get("extends") if isinstance(data, dict) else None
        if not isinstance(name, str):
            return files
        try:
            parent = _parent(name, files[-1], locator.inner["extends"].origin)
        except ScenarioError:  # loading the scenario says what is wrong with it
            return files
        if any(parent.resolve() == file.resolve() for file in files):
            return files  # a loop, which loading reports
        files.append(parent)


def apply_overrides(data: Any, overrides: Sequence[str]) -> Any:
    """A copy of ``data`` with each ``KEY=VALUE`` override applied.

    KEY is a dotted path: mapping keys by name, list items by their ``id`` or index
    (``parties.korea.patience``). VALUE is read as a YAML value, so ``0.9`` is a number,
    ``true`` a boolean and ``[a, b]`` a list; text that only parses as block YAML stays text.

    Raises:
        ScenarioError: with file ``--set`` for a malformed override or a path that leads nowhere.
    """
    return _apply(data, overrides, Locator(Origin(OVERRIDE, 0, 0)))


def load_scenario(
    source: str | Path, overrides: Sequence[str] = (), strategies: StrategyCheck | None = None
) -> Scenario:
    """Resolve, read (with what it extends), override and validate a scenario.

    Args:
        source: a scenario file, or the name of a bundled scenario.
        overrides: ``KEY=VALUE`` changes, as ``--set`` takes them.
        strategies: the check of strategy names and parameters; commands pass the
            engine's registry (``sim.engine.strategies.spec_problem``). Without it a bad
            strategy is found only when the scenario is compiled for play.

    Raises:
        ScenarioError: listing every problem found, sorted by position.
    """
    return _load(source, overrides, strategies)[0]


def load_with_reference(
    source: str | Path, overrides: Sequence[str] = (), strategies: StrategyCheck | None = None
) -> tuple[Scenario, Scenario | None]:
    """A scenario and the one its expectations are measured against (None without any).

    ``against: NAME`` is loaded as it is (the ``overrides`` are the scenario's, not its
    reference's); ``against: {set: [...]}`` is the scenario with ``overrides`` and then those.

    Raises:
        ScenarioError: the scenario or its reference is not valid (a problem an override of
            ``against.set`` causes points at that list), or the reference lacks a track,
            party or issue that a claim names.
    """
    scenario, locator = _load(source, overrides, strategies)
    expectations = scenario.expectations
    if expectations is None:
        return scenario, None
    loc = ("expectations", "against")
    if isinstance(expectations.against, str):
        where = locator.where(loc)
        path = _parent(expectations.against, Path(where.file), where, ".".join(loc))
        reference = load_scenario(path, (), strategies)
    else:
        try:
            reference = load_scenario(source, (*overrides, *expectations.against.set), strategies)
        except ScenarioError as error:
            where = locator.where((*loc, "set"))
            raise ScenarioError(
                [
                    p._replace(
                        file=where.file,
                        line=where.line,
                        column=where.column,
                        message=f"in the reference: {p.message}",
                    )
                    if p.file == OVERRIDE
                    else p
                    for p in error.problems
                ]
            ) from None
    missing = [
        Problem(*locator.where(at), ".".join(map(str, at)), f"in the reference: {message}")
        for at, message in claims_missing_in(reference, expectations)
    ]
    if missing:
        raise ScenarioError(missing)
    return scenario, reference


def _load(
    source: str | Path, overrides: Sequence[str], strategies: StrategyCheck | None
) -> tuple[Scenario, Locator]:
    """The validated scenario and where each of its values was written.

    Raises:
        ScenarioError: listing every problem found, sorted by position.
    """
    data, locator = read_scenario(source)
    data = _apply(data, overrides, locator)
    unplain = [
        Problem(*locator.where(at), _dotted(data, at), why) for at, why in control_problems(data)
    ]
    if unplain:
        raise ScenarioError(_extended_by(unplain, locator.origin.file))
    try:
        scenario = Scenario.model_validate(data, context={"strategies": strategies})
    except ValidationError as error:
        problems = _explain(error, data, locator)
        raise ScenarioError(_extended_by(problems, locator.origin.file)) from None
    against = scenario.expectations and scenario.expectations.against
    if isinstance(against, str):  # a reference that names no file is found by validate
        where = locator.where(("expectations", "against"))
        try:
            _parent(against, Path(where.file), where, "expectations.against")
        except ScenarioError as error:
            raise ScenarioError(_extended_by(error.problems, locator.origin.file)) from None
    return scenario, locator


def _extended_by(problems: list[Problem], file: str) -> list[Problem]:
    """The problems, those in another file than ``file`` saying that ``file`` extends it."""
    return [
        p if p.file in (file, OVERRIDE) else p._replace(message=f"{p.message} (extended by {file})")
        for p in problems
    ]


def _read_chain(path: Path, chain: tuple[Path, ...]) -> tuple[dict, Locator]:
    """The data of ``path`` over its parents'; ``chain`` holds the files extending it."""
    data, locator = read_yaml(path)
    if "extends" not in data:
        problems = standalone_problems(data, locator)
        if problems:
            raise ScenarioError(problems)
        return data, locator
    header = {key: data[key] for key in HEADER if key in data}
    try:
        Inheritance.model_validate(header)
    except ValidationError as error:
        raise ScenarioError(_explain(error, header, locator)) from None
    where = locator.inner["extends"].origin
    parent = _parent(header["extends"], path, where)
    seen = [*chain, path]
    if any(parent.resolve() == file.resolve() for file in seen):
        loop = " → ".join(file.name for file in (*seen, parent))
        message = f"these files extend each other in a loop: {loop}"
        raise ScenarioError([Problem(*where, "extends", message)])
    parent_data, parent_locator = _read_chain(parent, tuple(seen))
    return inherit(parent_data, parent_locator, data, locator)


SCENARIO_SUFFIXES = (".yaml", ".yml")
"""What the name of a file another scenario extends ends with."""


def _parent(name: str, child: Path, where: Origin, key: str = "extends") -> Path:
    """The file ``extends: name`` (or another ``key``) names: beside the child, or bundled."""
    path = child.parent / name
    if is_file(path) and path.suffix in SCENARIO_SUFFIXES:
        return path
    if is_file(path):  # not read: an error about it could quote any file on the machine
        message = f"{show(name)} is not a scenario file (a {' or '.join(SCENARIO_SUFFIXES)} file)"
        raise ScenarioError([Problem(*where, key, message)])
    bundled = bundled_scenarios()
    if name in bundled:
        return bundled[name]
    close = difflib.get_close_matches(name, bundled, n=1)
    hint = f" — did you mean {close[0]!r}?" if close else f" (bundled: {', '.join(bundled)})"
    message = f"{show(name)} is neither a file next to this one nor a bundled scenario{hint}"
    raise ScenarioError([Problem(*where, key, message)])


def _apply(data: Any, overrides: Sequence[str], locator: Locator) -> Any:
    """Overridden copy of ``data``; ``locator`` learns that each value set came from ``--set``.

    Raises:
        ScenarioError: an override is malformed or leads nowhere, or switches a strategy and
            keeps the old one's params (``sim.scenario.switches``).
    """
    names = strategy_names(data)
    data = copy.deepcopy(data)
    problems: list[Problem] = []
    written: dict[tuple, str] = {}  # loc set → the key that set it, as written
    for override in overrides:
        key, equals, text = override.partition("=")
        key = key.strip()
        parts = key.split(".")
        try:
            if not equals or not all(parts):
                raise ValueError("an override is KEY=VALUE, e.g. parties.korea.patience=0.9")
            loc = set_path(data, parts, _override_value(text))
        except ValueError as error:
            problems.append(Problem(OVERRIDE, 0, 0, key or override, str(error)))
        else:
            locator.place(loc, Locator(Origin(OVERRIDE, 0, 0)))
            written[loc] = key
    if not problems:
        for switch in switches(names, data, lambda loc: any(_overlap(loc, w) for w in written)):
            key = written.get((*switch.loc, "name"), f"{switch.path}.name")
            params = key.removesuffix("name") + "params"
            problems.append(Problem(OVERRIDE, 0, 0, key, switch.message(params, "=")))
    if problems:
        raise ScenarioError(problems)
    return data


def _overlap(loc: tuple, other: tuple) -> bool:
    """Whether a value set at ``other`` is at ``loc``, inside it or holds it."""
    return other[: len(loc)] == loc or loc[: len(other)] == other


def _override_value(text: str) -> Any:
    """A command-line value read as YAML, with the same safety as a file."""
    try:
        return read_value(text, OVERRIDE)
    except ScenarioError as error:
        message = error.problems[0].message
        raise ValueError(f"cannot read the value {show(text)}: {message}") from None


_NOUNS = {
    "float_type": "a number",
    "float_parsing": "a number",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "string_type": "text",
    "bool_type": "true/false",
    "bool_parsing": "true/false",
    "list_type": "a list",
    "tuple_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}
_BOUNDS = {
    "greater_than": ("greater than", "gt"),
    "greater_than_equal": ("at least", "ge"),
    "less_than": ("less than", "lt"),
    "less_than_equal": ("at most", "le"),
}


def _explain(error: ValidationError, data: Any, locator: Locator) -> list[Problem]:
    """Every pydantic error as a located Problem, union fan-out merged, sorted by position."""
    found: dict[tuple, list] = {}  # (real loc, message kind) → [nouns or message, input]
    for detail in error.errors(include_url=False):
        loc = detail["loc"]
        real = _real_loc(data, loc)
        if detail["type"] in _NOUNS and len(real) < len(loc):  # one member of a union
            entry = found.setdefault((real, "expected"), [[], detail["input"]])
            entry[0].append(_NOUNS[detail["type"]])
        else:
            found.setdefault((real, _message(detail)), [None, None])
    problems = []
    for (real, message), (nouns, value) in found.items():
        if nouns is not None:
            nouns = list(dict.fromkeys(nouns))
            listed = ", ".join(nouns[:-1]) + " or " + nouns[-1] if len(nouns) > 1 else nouns[0]
            message = f"expected {listed}, got {show(value)}"
        problems.append(Problem(*locator.where(real), _dotted(data, real), message))
    return sorted(problems, key=lambda p: (_rank(p.file, locator), p.line, p.column))


def _rank(file: str, locator: Locator) -> tuple:
    """Problems come in this order: overrides, the file loaded, then the files it extends."""
    return (file != OVERRIDE, file != locator.origin.file, file)


def _message(detail: Any) -> str:
    """Pydantic's complaint rewritten as a plain sentence."""
    kind, loc, value = detail["type"], detail["loc"], detail["input"]
    ctx = detail.get("ctx", {})
    if kind == "missing":
        if type(loc[-1]) is int:  # a position of a fixed-length list, such as a track's pair
            return f"too few items: it needs an item {loc[-1] + 1}"
        return f"missing required key {show(loc[-1])}"
    if kind == "extra_forbidden":
        if len(loc) == 1 and loc[0] in HEADER:  # reached the model: given as an override
            return f"{loc[0]!r} says how a file inherits: write it in the file, not in --set"
        known = _fields_at(loc[:-1]) + (list(HEADER) if len(loc) == 1 else [])
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        return f"unknown key {show(loc[-1])}" + (f" — did you mean {close[0]!r}?" if close else "")
    if kind in _NOUNS:
        return f"expected {_NOUNS[kind]}, got {show(value)}"
    if kind in _BOUNDS:
        words, key = _BOUNDS[kind]
        return f"must be {words} {show(ctx[key])}, got {show(value)}"
    if kind == "string_pattern_mismatch":
        return (
            f"{show(value)} is not a valid id: use lower-case letters, digits, - and _ "
            "(starting with a letter)"
        )
    if kind == "literal_error":
        return f"must be one of {ctx['expected']}, got {show(value)}"
    if kind in ("too_short", "too_long"):
        bound = "at least" if kind == "too_short" else "at most"
        limit = ctx["min_length" if kind == "too_short" else "max_length"]
        return f"must have {bound} {limit} items, got {ctx['actual_length']}"
    if kind == "string_too_long":
        return f"must be at most {ctx['max_length']} characters long"
    return detail["msg"]  # our own errors ('invalid', 'reference') are already plain


def _real_loc(data: Any, loc: Sequence[Any]) -> tuple:
    """``loc`` without the parts that are not in the data (union tags, missing keys)."""
    real, node = [], data
    for part in loc:
        if isinstance(node, dict):
            keys = [key for key in node if key == part]  # a key written `true` comes back as 1
            if not keys:
                continue
            part = keys[0]
        elif isinstance(node, list):
            if type(part) is not int or not 0 <= part < len(node):
                continue
        else:
            break
        real.append(part)
        node = node[part]
    return tuple(real)


def _dotted(data: Any, loc: tuple) -> str:
    """A data loc as a dotted path, naming list items by their id as overrides do."""
    names, node = [], data
    for part in loc:
        child = node[part]
        ident = child.get("id") if isinstance(node, list) and isinstance(child, dict) else None
        if not (isinstance(ident, str) and _ID.fullmatch(ident)):
            ident = show(part) if isinstance(part, bool) else str(part)
        names.append(ident)
        node = child
    return ".".join(names)


def _fields_at(loc: Sequence[Any]) -> list[str]:
    """Field names of the model at ``loc``, found by walking Scenario's fields along it."""
    model: Any = Scenario
    for part in loc:  # indices and dict keys are not fields: the model stays the same
        field = model.model_fields.get(part) if isinstance(part, str) else None
        if field is not None and (model := _model_in(field.annotation)) is None:
            return []
    return [field.alias or name for name, field in model.model_fields.items()]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model class a field holds: itself, or inside ``list[...]``, ``dict[...]``, ``| None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next(filter(None, map(_model_in, get_args(annotation))), None)
