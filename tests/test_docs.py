"""The documentation agrees with the code it describes.

- The module map of docs/architecture.md names every module under ``sim/`` and ``tui/``,
  and nothing else, each with a line saying its job.
- Every page under docs/ that a docstring, a Markdown file or a YAML file cites exists,
  and so does every section quoted after the citation, as a heading of that page.
- Every relative link in README.md and the Markdown pages leads to a file.
- The layers drawn at the top of docs/architecture.md are those of the import-linter
  contract in pyproject.toml, in order.
"""

from __future__ import annotations

import ast
import os
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARCHITECTURE = ROOT / "docs" / "architecture.md"
MAPPED = ("sim", "tui")
"""The packages whose every module the module map must name."""

CITATION = re.compile(r"docs/([\w-]+\.md)((?:\s*(?:,|and)\s*\"[^\"]+\")*)")
"""A citation of a page in docs/ by its path, with the quoted sections that follow it, if any."""
QUOTED = re.compile(r"\"([^\"]+)\"")
MAP_ENTRY = re.compile(r"- `([^`]+)` — \S")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def repo_files(*suffixes: str) -> list[Path]:
    """The repository's files ending in ``suffixes``, outside hidden and build folders."""
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [
            d
            for d in dirs
            if not d.startswith(".")
            and d not in ("build", "dist", "__pycache__")
            and not d.endswith(".egg-info")
        ]
        found += [Path(folder, f) for f in files if f.endswith(suffixes)]
    return sorted(found)


def relative(path: Path) -> str:
    """A path as the docs write it: from the repository root, with forward slashes."""
    return path.relative_to(ROOT).as_posix()


def outside_fences(text: str) -> list[str]:
    """The lines of a Markdown text that are not inside fenced code blocks."""
    lines, fenced = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(line)
    return lines


def headings(path: Path) -> set[str]:
    """The text of every heading of a Markdown page."""
    found = set()
    for line in outside_fences(path.read_text(encoding="utf-8")):
        match = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
        if match:
            found.add(match.group(1))
    return found


def section(path: Path, heading: str) -> list[str]:
    """The lines of a page's ``## heading`` section, up to the next ``##`` heading."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index(f"## {heading}") + 1
    end = next((n for n in range(start, len(lines)) if lines[n].startswith("## ")), len(lines))
    return lines[start:end]


def docstrings(path: Path) -> list[str]:
    """Every docstring of a Python file (module, class, function and attribute docstrings),
    with runs of whitespace made single spaces so a citation may span lines."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        " ".join(node.value.value.split())
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    ]


def citations() -> list[tuple[str, str, tuple[str, ...]]]:
    """(citing file, cited page, quoted sections) for every citation of a page in docs/."""
    texts = [(relative(p), text) for p in repo_files(".py") for text in docstrings(p)]
    texts += [
        (relative(p), " ".join(p.read_text(encoding="utf-8").split()))
        for p in repo_files(".md", ".yaml", ".yml")
    ]
    return [
        (where, match.group(1), tuple(QUOTED.findall(match.group(2))))
        for where, text in texts
        for match in CITATION.finditer(text)
    ]


def test_the_module_map_names_every_module_and_only_those():
    tree = {
        relative(p)
        for package in MAPPED
        for p in (ROOT / package).rglob("*.py")
        if "__pycache__" not in p.parts
    }
    required = {m for m in tree if not m.endswith("/__init__.py")}
    lines = [line for line in section(ARCHITECTURE, "Module map") if line.startswith("- `")]
    malformed = [line for line in lines if not MAP_ENTRY.match(line)]
    mapped = [MAP_ENTRY.match(line).group(1) for line in lines if MAP_ENTRY.match(line)]
    twice = sorted({m for m in mapped if mapped.count(m) > 1})
    missing = sorted(required - set(mapped))
    unknown = sorted(set(mapped) - tree)
    problems = []
    if missing:
        problems.append("missing from the map (add a line under the package's heading):")
        problems += [f"  - `{m}` — …" for m in missing]
    if unknown:
        problems.append("named in the map but not in the tree (remove or rename the line):")
        problems += [f"  - `{m}`" for m in unknown]
    if twice:
        problems.append("named more than once:")
        problems += [f"  - `{m}`" for m in twice]
    if malformed:
        problems.append('not of the form "- `path/to/module.py` — its job":')
        problems += [f"  {line}" for line in malformed]
    assert not problems, 'docs/architecture.md, "Module map":\n' + "\n".join(problems)


def test_every_cited_page_and_section_exists():
    found = citations()
    assert found, "no citation of a page in docs/ was found: the pattern no longer matches"
    problems = []
    for where, page, sections in found:
        path = ROOT / "docs" / page
        if not path.is_file():
            problems.append(f"{where} cites docs/{page}, which does not exist")
            continue
        known = headings(path)
        problems += [
            f'{where} cites docs/{page}, "{s}": no such heading' for s in sections if s not in known
        ]
    assert not problems, "\n".join(sorted(set(problems)))


def test_every_relative_link_leads_to_a_file():
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    problems = []
    for page in pages:
        for line in outside_fences(page.read_text(encoding="utf-8")):
            for target in LINK.findall(line):
                if re.match(r"[a-z]+:|#", target):
                    continue
                if not (page.parent / target.split("#")[0]).exists():
                    problems.append(f"{relative(page)}: a link to {target} leads nowhere")
    assert not problems, "\n".join(problems)


def test_the_layers_drawn_are_the_import_contract():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    lines = section(ARCHITECTURE, "Layers")
    drawn = lines[lines.index("```") + 1]
    layers = [" ".join(layer.split()) for layer in drawn.split(">")]
    assert layers == [" ".join(layer.split()) for layer in contract["layers"]]
