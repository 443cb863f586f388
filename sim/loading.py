"""Loading scenario files: safe YAML in; a ``Scenario``, or plain-English located problems, out.

Scenario files are written by teachers and researchers, and may come from anyone, so reading one
must neither run code nor hang nor answer a typo with a traceback (DESIGN.md §4). The loader
therefore composes ruamel.yaml's node graph instead of letting a constructor build objects: every
tag, alias and key is inspected before any Python value exists. Only standard tags pass, aliases
are expanded under a node budget (so "billion laughs" stops early), nesting depth and file size are
bounded, and duplicate keys are errors. While building plain data it records where each key and
list item was written, so every pydantic error can be walked back to a line and column.

The error rewriting follows rendercv (``schema/yaml_reader.py`` and
``pydantic_error_handling.py``): walk each error's ``loc`` to a position, then turn pydantic's
wording into a sentence a scenario author understands.
"""

from __future__ import annotations

import copy
import difflib
import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple, get_args

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.composer import ComposerError, MaxDepthExceededError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

import scenarios
from sim.scenario import Scenario

BUNDLED_DIR = Path(scenarios.__file__).parent
"""The folder of the scenario files shipped with the game."""

MAX_BYTES = 1024 * 1024
MAX_NODES = 100_000
MAX_DEPTH = 64
OVERRIDE = "--set"
"""The file name given to problems caused by a command-line override."""

_STD = "tag:yaml.org,2002:"
_MAP, _SEQ, _MERGE, _TIMESTAMP = (f"{_STD}{t}" for t in ("map", "seq", "merge", "timestamp"))
_SCALAR_TAGS = {f"{_STD}{t}" for t in ("str", "int", "float", "bool", "null")} | {
    _MERGE,
    _TIMESTAMP,
}
_ID = re.compile(r"[a-z][a-z0-9_-]*")  # as scenario.Id: only such ids name items in paths
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # the breaks ruamel counts as lines


class Problem(NamedTuple):
    """One thing wrong with a scenario, located for the person who wrote it."""

    file: str
    line: int
    """1-based line; 0 when unknown."""
    column: int
    """1-based column; 0 when unknown."""
    path: str
    """Dotted path, list items named by their id: ``parties.japan.patience``."""
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ScenarioError(Exception):
    """A scenario could not be loaded; ``problems`` says every reason found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(format_problems(self.problems))


def format_problems(problems: Sequence[Problem]) -> str:
    """The problems one per line, as ``FILE:LINE:COL: path: message``."""
    return "\n".join(str(problem) for problem in problems)


class Locator:
    """Where each key and list item of a parsed file was written.

    Args:
        file: The file name problems should carry.
        positions: Loc tuple (keys and indices into the plain data) → 1-based (line, column);
            a mapping key maps to the key's position, ``()`` to the document's start.
    """

    def __init__(self, file: str, positions: dict[tuple, tuple[int, int]]) -> None:
        self.file = file
        self.positions = positions

    def position(self, loc: Sequence[Any]) -> tuple[int, int]:
        """The deepest known position along ``loc``; elements never written are skipped."""
        prefix: tuple = ()
        best = self.positions.get((), (0, 0))
        for part in loc:
            if (*prefix, part) in self.positions:
                prefix = (*prefix, part)
                best = self.positions[prefix]
        return best


def bundled_scenarios() -> dict[str, Path]:
    """Name (file stem) → path of every scenario shipped with the game, sorted by name."""
    return {path.stem: path for path in sorted(BUNDLED_DIR.glob("*.yaml"))}


def resolve(source: str | Path) -> Path:
    """The file a scenario source names: an existing path, or a bundled scenario's name.

    Raises:
        ScenarioError: if ``source`` is neither.
    """
    path = Path(source)
    if path.is_file():
        return path
    bundled = bundled_scenarios()
    if str(source) in bundled:
        return bundled[str(source)]
    known = ", ".join(bundled) or "none"
    message = f"neither a file nor a bundled scenario (bundled: {known})"
    raise ScenarioError([Problem(str(source), 0, 0, "", message)])


def read_yaml(path: Path) -> tuple[Any, Locator]:
    """Read a scenario file safely into plain dicts, lists and scalars, keeping positions.

    Raises:
        ScenarioError: if the file is too large, not UTF-8, malformed, uses a non-standard tag,
            repeats a key, expands past the node budget or is not a mapping at the top.
    """
    file = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            message = f"the file is {size:,} bytes; a scenario file may be at most 1 MiB"
            raise ScenarioError([Problem(file, 0, 0, "", message)])
        raw = path.read_bytes()
    except OSError as error:
        raise ScenarioError([Problem(file, 0, 0, "", f"cannot read: {error.strerror}")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ScenarioError([Problem(file, line, 0, "", "the file is not UTF-8 text")]) from None
    root = _compose(text, file)
    if root is None:
        message = "the file is empty: a scenario is a mapping with title, rounds, parties, ..."
        raise ScenarioError([Problem(file, *_Lines(text).at(None), "", message)])
    if not isinstance(root, MappingNode):
        what = "a list" if isinstance(root, SequenceNode) else f"the single value {root.value!r}"
        message = f"the top level must be a mapping of keys (title: ..., rounds: ...), not {what}"
        raise ScenarioError([Problem(file, *_Lines(text).at(root), "", message)])
    builder = _Builder(text, file)
    return builder.run(root), Locator(file, builder.positions)


def apply_overrides(data: Any, overrides: Sequence[str]) -> Any:
    """A copy of ``data`` with each ``KEY=VALUE`` override applied.

    KEY is a dotted path: mapping keys by name, list items by their ``id`` or index
    (``parties.korea.patience``). VALUE is read as a YAML value, so ``0.9`` is a number,
    ``true`` a boolean and ``[a, b]`` a list; text that only parses as block YAML stays text.

    Raises:
        ScenarioError: with file ``--set`` for a malformed override or a path that leads nowhere.
    """
    return _apply(data, overrides)[0]


def load_scenario(source: str | Path, overrides: Sequence[str] = ()) -> Scenario:
    """Resolve, read, override and validate a scenario.

    Raises:
        ScenarioError: listing every problem found, sorted by position.
    """
    data, locator = read_yaml(resolve(source))
    data, touched = _apply(data, overrides)
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(_explain(error, data, locator, touched)) from None


def _compose(text: str, file: str) -> Node | None:
    """Parse ``text`` into ruamel's node graph, turning any YAML error into one Problem."""
    yaml = YAML(typ="safe", pure=True)
    yaml.max_depth = MAX_DEPTH
    lines = _Lines(text)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. a reused anchor name: legal YAML
            return yaml.compose(text)
    except MaxDepthExceededError as error:
        where, message = lines.at(error.problem_mark), f"nested more than {MAX_DEPTH} levels deep"
    except MarkedYAMLError as error:
        where = lines.at(error.problem_mark or error.context_mark)
        message = _syntax_message(error, lines)
    except ReaderError as error:
        where = lines.at_offset(error.position)
        code = error.character if isinstance(error.character, int) else ord(error.character)
        message = f"invalid YAML: character U+{code:04X} is not allowed"
    except YAMLError as error:
        where, message = lines.at(None), "invalid YAML: " + " ".join(str(error).split())
    raise ScenarioError([Problem(file, *where, "", message)])


def _syntax_message(error: MarkedYAMLError, lines: _Lines) -> str:
    """ruamel's complaint as one plain sentence, without its banner or the file excerpt."""
    problem = " ".join((error.problem or "").split()).replace("end of stream", "end of the file")
    problem = re.sub(r"'?<([a-z ]+)>'?", lambda m: _TOKENS.get(m[1], m[1]), problem)
    context = " ".join((error.context or "").split())
    if isinstance(error, ComposerError) and "single document" in context:
        return "invalid YAML: the file holds more than one document (---); a scenario is one"
    if problem.startswith("found undefined alias"):
        name = problem.split()[-1].strip("'")
        return f"invalid YAML: alias *{name} refers to no anchor &{name} defined before it"
    if re.match(r"expected the end of the block, but found (an indented|'-'|'\?')", problem):
        problem = "inconsistent indentation"
    elif problem == "expected the end of the block, but found a value":
        problem = "more text after a complete value (quote the whole value if it is text)"
    elif problem == "mapping values are not allowed here":
        problem = "unexpected ':' (quote text that contains ': ', or check the indentation)"
    if context.startswith("while ") and error.context_mark is not None and problem:
        thing = re.sub(r"^while (parsing|scanning) (an? )?", "", context)
        thing = _PLAIN_WORDS.get(thing, thing)
        line, column = lines.at(error.context_mark)
        return f"invalid YAML: {problem} (in the {thing} at line {line}, column {column})"
    return f"invalid YAML: {problem or context or 'cannot parse this'}"


_TOKENS = {  # ruamel's token names, as a reader of the file would say them
    "stream end": "the end of the file",
    "block end": "the end of the block",
    "document start": "'---'",
    "block mapping start": "an indented mapping",
    "block sequence start": "an indented list",
    "block entry": "'-'",
    "scalar": "a value",
    "tag": "a tag",
    "anchor": "an anchor",
    "alias": "an alias",
}
_PLAIN_WORDS = {
    "block mapping": "mapping",
    "block collection": "indented block",
    "block sequence": "list",
    "flow mapping": "{...} mapping",
    "flow sequence": "[...] list",
    "quoted scalar": "quoted text",
    "simple key": "key",
}


class _Lines:
    """Turns ruamel's 0-based marks and offsets into 1-based positions inside the text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = _LINE_BREAK.split(text)
        if self.lines[-1] == "":
            self.lines.pop()

    def at(self, node_or_mark: Any) -> tuple[int, int]:
        """(line, column) of a node or mark; (1, 1) if unknown, (0, 0) in an empty text."""
        mark = getattr(node_or_mark, "start_mark", node_or_mark)
        if not self.lines:
            return (0, 0)
        if mark is None:
            return (1, 1)
        if mark.line >= len(self.lines):  # marks at the end of the stream: the last line's end
            return (len(self.lines), len(self.lines[-1]) + 1)
        return (mark.line + 1, mark.column + 1)

    def at_offset(self, offset: int) -> tuple[int, int]:
        """(line, column) of a character offset."""
        breaks = list(_LINE_BREAK.finditer(self.text, 0, offset))
        return (len(breaks) + 1, offset - (breaks[-1].end() if breaks else 0) + 1)


class _Builder:
    """Builds plain data from a node graph, checking tags, keys and the node budget."""

    def __init__(self, text: str, file: str) -> None:
        self.file = file
        self.at = _Lines(text).at
        self.constructor = YAML(typ="safe", pure=True).constructor
        self.positions: dict[tuple, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self.count = 0
        self.seen: set[int] = set()
        self.active: set[int] = set()

    def problem(self, where: Any, message: str) -> Problem:
        return Problem(self.file, *self.at(where), "", message)

    def fail(self, where: Any, message: str) -> None:
        self.problems.append(self.problem(where, message))

    def run(self, root: Node) -> Any:
        self.positions[()] = self.at(root)
        data = self.build(root, (), None, root)
        if self.problems:
            raise ScenarioError(sorted(self.problems, key=lambda p: (p.line, p.column)))
        return data

    def build(self, node: Node, path: tuple, origin: Any, ref: Any) -> Any:
        """Plain value of ``node`` at ``path``; ``origin`` is the outermost alias being expanded."""
        if id(node) in self.active:
            raise ScenarioError([self.problem(ref, "an alias refers to a value that contains it")])
        if origin is None and id(node) in self.seen:
            origin = ref
        self.seen.add(id(node))
        self.count += 1
        if self.count > MAX_NODES:
            message = (
                f"the file expands to more than {MAX_NODES:,} values (aliases repeat too much)"
            )
            raise ScenarioError([self.problem(origin or node, message)])
        if len(path) > MAX_DEPTH:
            raise ScenarioError([self.problem(origin or node, "values nest too deeply")])
        allowed = _SCALAR_TAGS if isinstance(node, ScalarNode) else {_MAP, _SEQ}
        if node.tag not in allowed or (node.tag == _MAP) != isinstance(node, MappingNode):
            self.fail(node, f"tags are not allowed: {node.tag.replace(_STD, '!!', 1)}")
            return None
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                items = []
                for n, child in enumerate(node.value):
                    self.positions[(*path, n)] = self.at(child)
                    items.append(self.build(child, (*path, n), origin, node))
                return items
            return self.mapping(node, path, origin)
        finally:
            self.active.discard(id(node))

    def mapping(self, node: MappingNode, path: tuple, origin: Any) -> dict:
        merged: dict = {}
        for key_node, value_node in node.value:  # merges first, so explicit keys win
            if key_node.tag != _MERGE:
                continue
            many = isinstance(value_node, SequenceNode) and value_node.tag == _SEQ
            for source in value_node.value if many else [value_node]:
                if not isinstance(source, MappingNode):
                    self.fail(source, "a merge (<<) takes a mapping or a list of mappings")
                    continue
                for key, value in (self.build(source, path, origin, key_node) or {}).items():
                    merged.setdefault(key, value)
        result: dict = {}
        first: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                continue
            if not isinstance(key_node, ScalarNode):
                self.fail(key_node, "a key must be a single value, not a list or mapping")
                continue
            key = self.build(key_node, path, origin, key_node)
            if key in first:
                line = first[key][0]
                self.fail(key_node, f"duplicate key {key!r} (first given on line {line})")
                continue
            first[key] = self.positions[(*path, key)] = self.at(key_node)
            result[key] = self.build(value_node, (*path, key), origin, key_node)
        return {**merged, **result}

    def scalar(self, node: ScalarNode) -> Any:
        if node.tag in (_TIMESTAMP, _MERGE):
            return node.value  # scenarios hold no dates: keep what was written
        try:
            return self.constructor.construct_object(node, deep=True)
        except (LookupError, ValueError, YAMLError):
            tag = node.tag.replace(_STD, "!!", 1)
            self.fail(node, f"{node.value!r} cannot be read as {tag}")
            return None


def _apply(data: Any, overrides: Sequence[str]) -> tuple[Any, list[tuple]]:
    """Overridden copy of ``data`` and the loc of every value an override set."""
    data = copy.deepcopy(data)
    touched: list[tuple] = []
    problems: list[Problem] = []
    for override in overrides:
        key, equals, text = override.partition("=")
        key = key.strip()
        parts = key.split(".")
        try:
            if not equals or not all(parts):
                raise ValueError("an override is KEY=VALUE, e.g. parties.korea.patience=0.9")
            touched.append(_set(data, parts, _override_value(text)))
        except ValueError as error:
            problems.append(Problem(OVERRIDE, 0, 0, key or override, str(error)))
    if problems:
        raise ScenarioError(problems)
    return data, touched


def _override_value(text: str) -> Any:
    """A command-line value read as YAML, with the same safety as a file."""
    try:
        root = _compose(text, OVERRIDE)
        if root is None:
            return None
        if not isinstance(root, ScalarNode) and not root.flow_style:
            return text.strip()  # "Trade war: round 2" is a title, not a mapping
        return _Builder(text, OVERRIDE).run(root)
    except ScenarioError as error:
        raise ValueError(f"cannot read the value {text!r}: {error.problems[0].message}") from None


def _set(data: Any, parts: list[str], value: Any) -> tuple:
    """Set the value at a dotted path; the loc set, with list ids turned into indices."""
    node, loc = data, []
    for depth, part in enumerate(parts):
        where = ".".join(parts[:depth]) or "the top level"
        if isinstance(node, dict):
            key: Any = part
            if depth < len(parts) - 1 and node.get(key) is None:
                node[key] = {}  # a new key may lead to further new keys
        elif isinstance(node, list):
            key = _index(node, part, where)
        else:
            raise ValueError(f"{where} is {_show(node)}, not a mapping or list")
        loc.append(key)
        if depth == len(parts) - 1:
            node[key] = value
        node = node[key]
    return tuple(loc)


def _index(items: list, part: str, where: str) -> int:
    """Index of the list item whose id is ``part``, or of the item numbered ``part``."""
    ids = [item.get("id") for item in items if isinstance(item, dict)]
    for n, item in enumerate(items):
        if isinstance(item, dict) and item.get("id") == part:
            return n
    if part.isdigit():
        if int(part) < len(items):
            return int(part)
        raise ValueError(f"no item {part} in {where}: it has {len(items)} (counting from 0)")
    known = f" (known: {', '.join(map(str, ids))})" if ids else ""
    raise ValueError(f"no item with id {part!r} in {where}{known}")


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


def _explain(
    error: ValidationError, data: Any, locator: Locator, touched: list[tuple]
) -> list[Problem]:
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
            message = f"expected {listed}, got {_show(value)}"
        if any(real[: len(t)] == t for t in touched):
            where: tuple = (OVERRIDE, 0, 0)
        else:
            where = (locator.file, *locator.position(real))
        problems.append(Problem(*where, _dotted(data, real), message))
    return sorted(problems, key=lambda p: (p.line, p.column))


def _message(detail: Any) -> str:
    """Pydantic's complaint rewritten as a plain sentence."""
    kind, loc, value = detail["type"], detail["loc"], detail["input"]
    ctx = detail.get("ctx", {})
    if kind == "missing":
        return f"missing required key {loc[-1]!r}"
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(str(loc[-1]), _fields_at(loc[:-1]), n=1)
        return f"unknown key {loc[-1]!r}" + (f" — did you mean {close[0]!r}?" if close else "")
    if kind in _NOUNS:
        return f"expected {_NOUNS[kind]}, got {_show(value)}"
    if kind in _BOUNDS:
        words, key = _BOUNDS[kind]
        return f"must be {words} {_show(ctx[key])}, got {_show(value)}"
    if kind == "string_pattern_mismatch":
        return (
            f"{value!r} is not a valid id: use lower-case letters, digits, - and _ "
            "(starting with a letter)"
        )
    if kind == "literal_error":
        return f"must be one of {ctx['expected']}, got {_show(value)}"
    if kind in ("too_short", "too_long"):
        bound = "at least" if kind == "too_short" else "at most"
        limit = ctx["min_length" if kind == "too_short" else "max_length"]
        return f"must have {bound} {limit} items, got {ctx['actual_length']}"
    if kind == "string_too_long":
        return f"must be at most {ctx['max_length']} characters long"
    return detail["msg"]  # our own errors ('invalid', 'reference') are already plain


def _show(value: Any) -> str:
    """A value as the author wrote it in YAML, shortened."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


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
            ident = _show(part) if isinstance(part, bool) else str(part)
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
    return list(model.model_fields)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model class a field holds: itself, or inside ``list[...]``, ``dict[...]``, ``| None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next(filter(None, map(_model_in, get_args(annotation))), None)
