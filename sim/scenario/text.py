"""Scenario text is plain text: no control characters.

Titles, names, roles, news and units reach terminals, window titles, briefs and saves. An
escape character in them could clear a student's screen or retitle the window, a bidi
override could make a line read backwards, so the loader refuses them with the place they
were written, and a facilitator's custom news is held to the same rule. Tabs and line
breaks are text. (Markup and emoji codes are a different matter: they are harmless
characters that the programs printing them must not interpret — see ``sim.cli.output``.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""C0 and C1 control characters but tab and line feed, the bidirectional overrides, and
lone surrogates (a YAML escape such as ``\\ud800`` makes one; no terminal can print it)."""


def control_problem(text: str) -> str | None:
    """Why ``text`` is not plain text (the first control character in it), or None.

    A lone surrogate is named a control character too: to a reader it is one thing more
    that a terminal cannot show."""
    found = _CONTROL.search(text)
    if found is None:
        return None
    return f"contains the control character U+{ord(found.group()):04X}; write plain text"


def without_controls(text: str) -> str:
    """``text`` with the characters ``control_problem`` names dropped (tabs and line breaks
    stay): for text shown that no loader checked, such as a file's name."""
    return _CONTROL.sub("", text)


def control_problems(data: Any, at: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """(location, problem) for every key and string in a scenario's data tree that is not
    plain text."""
    if isinstance(data, str):
        problem = control_problem(data)
        if problem:
            yield at, problem
    elif isinstance(data, dict):
        for key, value in data.items():
            problem = control_problem(key) if isinstance(key, str) else None
            if problem:
                yield (*at, key), f"the key {problem.replace('contains', 'has')}"
            yield from control_problems(value, (*at, key))
    elif isinstance(data, list):
        for n, value in enumerate(data):
            yield from control_problems(value, (*at, n))
