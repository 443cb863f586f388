"""Points: a party's track utility issue by issue, as on a classroom score sheet.

A party's utility on a track is ``Σᵢ ωᵢ·vᵢ(xᵢ)`` (sim/engine/utility.py); its *points* are
that times 100, so issue i is worth up to ``100·ωᵢ`` points and a package's points add up
to 100 times its utility. Role-play score sheets hand each team this table (Raiffa, *The
Art and Science of Negotiation*, 1982): each issue's points at a few values — the team's
best, its bottom line, today's value, what holds without a deal, a few in between — so a
team can price a concession by adding and subtracting, without a formula.

The role sheet shows a party its own sheet; the debrief shows every party's points of the
deals struck. docs/mechanics.md, "Scores", says how points become the score.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.engine.utility import EPS, IssueSpace, Limits, Valuation, best_allowed

BETWEEN = 2
"""How many evenly spaced values a sheet shows between a party's best and its limit."""


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One value of an issue on a score sheet and the points it is worth."""

    value: float
    """The value, encoded (``IssueSpace.show`` reads it out)."""
    points: float
    notes: tuple[str, ...]
    """What the value is to the party: ``your best``, ``today``, ``if no deal``,
    ``your limit``, ``ruled out``."""


@dataclass(frozen=True, slots=True)
class IssueSheet:
    """An issue's lines on a party's score sheet, from the most points to the fewest."""

    space: IssueSpace
    most: float
    """The most points the issue can give the party: ``100·ωᵢ``."""
    rows: tuple[SheetRow, ...]


def issue_points(valuation: Valuation, package: tuple[float, ...]) -> tuple[float, ...]:
    """Each issue's points of a package, in the track's issue order (0 where unweighted).

    They add up to ``100 · valuation(package)``.
    """
    return tuple(
        100.0 * weight * value(x) if weight else 0.0
        for (weight, value), x in zip(valuation.terms, package, strict=True)
    )


def score_sheet(
    valuation: Valuation,
    spaces: tuple[IssueSpace, ...],
    limits: Limits,
    status_quo: tuple[float, ...],
    no_deal: tuple[float, ...],
) -> tuple[IssueSheet, ...]:
    """A party's score sheet for one track: every issue it weighs, heaviest first.

    Args:
        valuation: The party's valuation of the track.
        spaces: The track's issue spaces, in package order.
        limits: The party's bottom lines on the track.
        status_quo: Today's package.
        no_deal: The package that holds if the talks fail.
    """
    sheets = []
    for pos, ((weight, value), space) in enumerate(zip(valuation.terms, spaces, strict=True)):
        if not weight:
            continue
        lo, hi = limits.bounds[pos]
        refused = limits.refused[pos]
        best = best_allowed(value, space, lo, hi, refused)
        marked = [(best, "your best")]
        if space.discrete:
            marked += [(x, "ruled out" if x in refused else "") for x in space.grid()]
        else:
            for end in (lo, hi):
                marked += [(x, "") for x in _between(space, best, end)]
                marked.append((end, "your limit" if end not in (space.lo, space.hi) else ""))
        marked += [(status_quo[pos], "today"), (no_deal[pos], "if no deal")]
        notes: dict[float, list[str]] = {}
        for x, text in marked:
            found = notes.setdefault(x, [])
            if text and text not in found:
                found.append(text)
        rows = (SheetRow(x, 100.0 * weight * value(x), tuple(notes[x])) for x in notes)
        ranked = sorted(rows, key=lambda row: (-round(row.points, 9), row.value))
        sheets.append(IssueSheet(space, 100.0 * weight, tuple(ranked)))
    return tuple(sorted(sheets, key=lambda sheet: -sheet.most))


def _between(space: IssueSpace, best: float, end: float) -> list[float]:
    """``BETWEEN`` evenly spaced values from ``best`` toward ``end``, on the issue's grid."""
    if abs(end - best) <= EPS:
        return []
    steps = range(1, BETWEEN + 1)
    return [round(space.snap(best + (end - best) * k / (BETWEEN + 1), best), 10) for k in steps]
