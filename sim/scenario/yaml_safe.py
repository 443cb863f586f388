"""Reading YAML safely into plain data, remembering where every value was written.

Scenario files are written by teachers and researchers, and may come from anyone, so reading one
must neither run code nor hang nor answer a typo with a traceback (scenarios/README.md). This module
therefore composes ruamel.yaml's node graph instead of letting a constructor build objects: every
tag, alias and key is inspected before any Python value exists. Only standard tags pass, aliases
are expanded under a node budget (so "billion laughs" stops early), nesting depth and file size are
bounded, and duplicate keys are errors.

While building plain data it grows a ``Locator`` tree beside it: where each key and list item was
written. Because every node of that tree names its own file, values keep their origin when a
scenario inherits from another (``extends``) or a command-line override replaces them, and any
later error can be walked back to the file, line and column to blame — the approach of rendercv's
``schema/yaml_reader.py``.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from ruamel.yaml import YAML
from ruamel.yaml.composer import ComposerError, MaxDepthExceededError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

MAX_BYTES = 1024 * 1024
MAX_NODES = 100_000
MAX_DEPTH = 64

_STD = "tag:yaml.org,2002:"
_MAP, _SEQ, _MERGE, _TIMESTAMP = (f"{_STD}{t}" for t in ("map", "seq", "merge", "timestamp"))
_SCALAR_TAGS = {f"{_STD}{t}" for t in ("str", "int", "float", "bool", "null")} | {
    _MERGE,
    _TIMESTAMP,
}
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
        if not self.path:
            return f"{where}: {self.message}"
        # A path is made of the file's keys: as long as a real one, not as long as any line.
        return f"{where}: {excerpt(self.path, 3 * EXCERPT)}: {self.message}"


class ScenarioError(Exception):
    """A scenario could not be loaded; ``problems`` says every reason found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(format_problems(self.problems))

    def __reduce__(self) -> tuple:
        """Rebuilt from its problems, not its message: a game played in another process
        (a batch's workers) reports the same error, not its message letter by letter."""
        return type(self), (self.problems,)


def format_problems(problems: Sequence[Problem]) -> str:
    """The problems one per line, as ``FILE:LINE:COL: path: message``."""
    return "\n".join(str(problem) for problem in problems)


EXCERPT = 40
"""The most characters of a file's text a message quotes: whatever a scenario names (by
``extends``, say) is read, and an error must not print a file that is not a scenario."""


def show(value: Any) -> str:
    """A value as the author wrote it in YAML, shortened to an excerpt."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    if isinstance(value, float) and value.is_integer():  # 3.0 as 3, but 1e308 not in full
        return str(int(value)) if abs(value) < 1e9 else f"{value:g}"
    return excerpt(repr(value))


def excerpt(text: str, most: int = EXCERPT) -> str:
    """``text`` as a message quotes it: its first line, at most ``most`` characters."""
    line = _LINE_BREAK.split(text, maxsplit=1)[0]
    return line if len(line) <= most and line == text else line[: most - 1] + "…"


class Origin(NamedTuple):
    """Where a value was written: a file, and a 1-based line and column (0, 0: unknown)."""

    file: str
    line: int
    column: int


class Locator:
    """Where a value was written, and where each of its keys or list items was.

    A tree beside the plain data: the root stands for the document; a mapping's ``inner``
    maps each key to the Locator of its value (placed at the key), a list's ``inner`` holds
    one Locator per item. A value put in place whole (a command-line override) has no
    ``inner``: everything inside it is blamed on its origin.

    Args:
        origin: Where this value (its key, or the list item) was written.
        inner: Locators of its keys (a dict) or items (a list), or None.
    """

    __slots__ = ("inner", "origin")

    def __init__(self, origin: Origin, inner: dict | list | None = None) -> None:
        self.origin = origin
        self.inner = inner

    def where(self, loc: Sequence[Any]) -> Origin:
        """The deepest known origin along ``loc``; elements never written are skipped."""
        node = self
        for part in loc:
            child = _child(node.inner, part)
            if child is not None:
                node = child
        return node.origin

    def place(self, loc: Sequence[Any], locator: Locator) -> None:
        """Put ``locator`` at ``loc``; mapping keys missing on the way get its origin."""
        node = self
        for depth, part in enumerate(loc):
            if depth == len(loc) - 1:
                if isinstance(node.inner, dict | list):
                    node.inner[part] = locator
                return
            child = _child(node.inner, part)
            if child is None:
                if not isinstance(node.inner, dict):
                    return  # inside a value put whole: its origin already answers
                child = node.inner[part] = Locator(locator.origin, {})
            elif child.inner is None:
                child.inner = {}  # a value that was empty becomes a mapping on the way
            node = child

    def written_in(self, loc: Sequence[Any], file: str) -> bool:
        """Whether ``file`` wrote the value at ``loc``: it, something inside it, or a value
        put whole that holds it."""
        node = self
        for part in loc:
            child = _child(node.inner, part)
            if child is None:
                return node.origin.file == file
            node = child
        return node._mentions(file)

    def _mentions(self, file: str) -> bool:
        inner = self.inner.values() if isinstance(self.inner, dict) else self.inner or ()
        return self.origin.file == file or any(child._mentions(file) for child in inner)

    def drop(self, loc: Sequence[Any]) -> None:
        """Forget the entry at ``loc``, as its value is deleted from the data."""
        node: Locator | None = self
        for part in loc[:-1]:
            node = _child(node.inner, part)
            if node is None:
                return
        if _child(node.inner, loc[-1]) is not None:
            del node.inner[loc[-1]]


def _child(inner: dict | list | None, part: Any) -> Locator | None:
    if isinstance(inner, dict):
        return inner.get(part)
    if isinstance(inner, list) and type(part) is int and 0 <= part < len(inner):
        return inner[part]
    return None


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
        single = isinstance(root, ScalarNode)
        what = f"the single value {show(root.value)}" if single else "a list"
        message = f"the top level must be a mapping of keys (title: ..., rounds: ...), not {what}"
        raise ScenarioError([Problem(file, *_Lines(text).at(root), "", message)])
    return _Builder(text, file).run(root)


def read_value(text: str, file: str) -> Any:
    """One value written on a command line, read as YAML with the same safety as a file.

    ``0.9`` is a number, ``true`` a boolean and ``[a, b]`` a list; text that only parses as
    block YAML stays text ("Trade war: round 2" is a title, not a mapping).

    Raises:
        ScenarioError: the text is not valid YAML or uses what a file may not.
    """
    root = _compose(text, file)
    if root is None:
        return None
    if not isinstance(root, ScalarNode) and not root.flow_style:
        return text.strip()
    return _Builder(text, file).run(root)[0]


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
    """Builds plain data and its Locator from a node graph, checking tags, keys and budget."""

    def __init__(self, text: str, file: str) -> None:
        self.file = file
        self.at = _Lines(text).at
        self.constructor = YAML(typ="safe", pure=True).constructor
        self.problems: list[Problem] = []
        self.count = 0
        self.seen: set[int] = set()
        self.active: set[int] = set()

    def origin(self, where: Any) -> Origin:
        return Origin(self.file, *self.at(where))

    def problem(self, where: Any, message: str) -> Problem:
        return Problem(*self.origin(where), "", message)

    def fail(self, where: Any, message: str) -> None:
        self.problems.append(self.problem(where, message))

    def run(self, root: Node) -> tuple[Any, Locator]:
        data, inner = self.build(root, 0, None, root)
        if self.problems:
            raise ScenarioError(sorted(self.problems, key=lambda p: (p.line, p.column)))
        return data, Locator(self.origin(root), inner)

    def build(self, node: Node, depth: int, alias: Any, ref: Any) -> tuple[Any, Any]:
        """Plain value of ``node`` and the Locators inside it (``inner``).

        ``alias`` is the outermost alias being expanded, to blame when the budget runs out.
        """
        if id(node) in self.active:
            raise ScenarioError([self.problem(ref, "an alias refers to a value that contains it")])
        if alias is None and id(node) in self.seen:
            alias = ref
        self.seen.add(id(node))
        self.count += 1
        if self.count > MAX_NODES:
            message = (
                f"the file expands to more than {MAX_NODES:,} values (aliases repeat too much)"
            )
            raise ScenarioError([self.problem(alias or node, message)])
        if depth > MAX_DEPTH:
            raise ScenarioError([self.problem(alias or node, "values nest too deeply")])
        allowed = _SCALAR_TAGS if isinstance(node, ScalarNode) else {_MAP, _SEQ}
        if node.tag not in allowed or (node.tag == _MAP) != isinstance(node, MappingNode):
            self.fail(node, f"tags are not allowed: {node.tag.replace(_STD, '!!', 1)}")
            return None, None
        if isinstance(node, ScalarNode):
            return self.scalar(node), None
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                items, inner = [], []
                for child in node.value:
                    value, within = self.build(child, depth + 1, alias, node)
                    items.append(value)
                    inner.append(Locator(self.origin(child), within))
                return items, inner
            return self.mapping(node, depth, alias)
        finally:
            self.active.discard(id(node))

    def mapping(self, node: MappingNode, depth: int, alias: Any) -> tuple[dict, dict]:
        merged: dict = {}
        merged_inner: dict = {}
        for key_node, value_node in node.value:  # merges first, so explicit keys win
            if key_node.tag != _MERGE:
                continue
            many = isinstance(value_node, SequenceNode) and value_node.tag == _SEQ
            for source in value_node.value if many else [value_node]:
                if not isinstance(source, MappingNode):
                    self.fail(source, "a merge (<<) takes a mapping or a list of mappings")
                    continue
                values, inner = self.build(source, depth, alias, key_node)
                for key, value in (values or {}).items():
                    if key not in merged:
                        merged[key], merged_inner[key] = value, inner[key]
        result: dict = {}
        result_inner: dict = {}
        first: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                continue
            if not isinstance(key_node, ScalarNode):
                self.fail(key_node, "a key must be a single value, not a list or mapping")
                continue
            key = self.build(key_node, depth, alias, key_node)[0]
            if key in first:
                line = first[key].line
                self.fail(key_node, f"duplicate key {show(key)} (first given on line {line})")
                continue
            first[key] = self.origin(key_node)
            value, inner = self.build(value_node, depth + 1, alias, key_node)
            result[key], result_inner[key] = value, Locator(first[key], inner)
        return {**merged, **result}, {**merged_inner, **result_inner}

    def scalar(self, node: ScalarNode) -> Any:
        if node.tag in (_TIMESTAMP, _MERGE):
            return node.value  # scenarios hold no dates: keep what was written
        try:
            return self.constructor.construct_object(node, deep=True)
        except (LookupError, ValueError, YAMLError):
            tag = node.tag.replace(_STD, "!!", 1)
            self.fail(node, f"{show(node.value)} cannot be read as {tag}")
            return None
