"""What one team may see at the table, as plain data for the widgets.

Privacy is decided here, once, rather than in each widget: a *viewer* (the party whose
team has the keyboard) sees the public record — the news, who moved on which track,
the status quo and what holds without a deal — plus its own private numbers: its ideal,
its bottom lines, its utilities. Packages on a track are seen only by the two parties at
that table. Another party's weights, bottom lines and utilities are never in a view;
``viewer=None`` (nobody's turn, the curtain is down) gives the public record alone.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from sim.classroom.game import Game
from sim.engine.rules import TrackRules
from sim.engine.talks import Talks
from sim.engine.utility import EPS, IssueSpace, Limits, ValueFunction, best_allowed

DASH = "—"


@dataclass(frozen=True, slots=True)
class IssueRow:
    """One issue of the track being decided, as the viewer sees it."""

    space: IssueSpace
    unit: str
    status_quo: str
    no_deal: str
    on_table: str
    ideal: str
    bottom_line: str
    crosses: bool
    """Whether the package on the table crosses the viewer's bottom line on this issue."""
    draft: str
    """What the composer starts from: the viewer's own last offer on the track, else its
    opening (``opening``)."""


@dataclass(frozen=True, slots=True)
class TrackMeter:
    """A track's state for the meters: public status, and the viewer's utilities if seated."""

    id: str
    name: str
    status: str
    seated: bool
    offer: float | None = None
    """The viewer's utility of the package on the table."""
    no_deal: float | None = None
    reservation: float | None = None


@dataclass(frozen=True, slots=True)
class Preview:
    """What a draft package is worth to the viewer, and what is wrong with it."""

    worth: float
    no_deal: float
    reservation: float
    warnings: tuple[str, ...]
    crossing: frozenset[str] = frozenset()
    """The issues on which the package crosses the viewer's bottom line."""


def number_text(x: float) -> str:
    """A number as a person types it: ``15``, ``2.5``."""
    return f"{x:g}"


def draft_text(space: IssueSpace, x: float) -> str:
    """An encoded value as the composer shows it: a number, an option, ``true``/``false``."""
    if space.kind == "numeric":
        return number_text(space.decode(x))
    return space.choices[round(x)]


def issue_rows(game: Game, viewer: str, track_id: str) -> list[IssueRow]:
    """The issues of a track with the viewer's ideal and bottom lines beside the offer."""
    model, rules = game.model, game.rules
    track = rules.track[track_id]
    world = model.world
    talks = model.talks[track_id]
    limits = world.limits[(viewer, track_id)]
    values = rules.values[viewer]
    no_deal = world.no_deal(track)
    table = talks.on_table.package if talks.on_table is not None else None
    own = [o.package for o in talks.history if o.proposer == viewer]
    start = own[-1] if own else opening(game, viewer, track_id)
    rows = []
    for pos, space in enumerate(track.spaces):
        status_quo = world.status_quo[space.id]
        offered = table[pos] if table is not None else None
        rows.append(
            IssueRow(
                space=space,
                unit=space.unit,
                status_quo=bare(space, status_quo),
                no_deal=bare(space, no_deal[pos]),
                on_table=DASH if offered is None else bare(space, offered),
                ideal=rules.derive(
                    ("ideal text", viewer, space.id),
                    lambda space=space: _ideal(space, values.get(space.id)),
                ),
                bottom_line=bottom_line_text(
                    space, *limits.bounds[pos], limits.refused[pos], show=bare
                ),
                crosses=offered is not None and crosses(limits, pos, offered),
                draft=draft_text(space, start[pos]),
            )
        )
    return rows


def opening(game: Game, viewer: str, track_id: str) -> tuple[float, ...]:
    """The viewer's opening package on a track (encoded): on each issue it weighs, its best
    value within its bottom lines; on the others, the value nearest today's they allow.

    An AI seat opens the same way on the issues it weighs (``ConcessionPath.ideal``) but
    gives the others to its reading of the other side; a team's draft rests on the team's
    own numbers alone, so those stay as near today as its bottom lines let them.
    """
    world = game.model.world
    limits = world.limits[(viewer, track_id)]
    terms = world.valuation(viewer, track_id).terms
    package = []
    for pos, space in enumerate(game.rules.track[track_id].spaces):
        (lo, hi), refused = limits.bounds[pos], limits.refused[pos]
        weight, value = terms[pos]
        if weight and value is not None:
            package.append(best_allowed(value, space, lo, hi, refused))
        else:
            package.append(_nearest_allowed(space, world.status_quo[space.id], lo, hi, refused))
    return tuple(package)


def _nearest_allowed(
    space: IssueSpace, x: float, lo: float, hi: float, refused: frozenset[float]
) -> float:
    """The value nearest ``x`` that is on the grid and inside the limits (``x`` on the
    grid if the limits allow none: the field then shows as crossing them)."""
    if space.step is None:
        return min(max(x, lo), hi)
    allowed = [v for v in space.grid() if lo - EPS <= v <= hi + EPS and v not in refused]
    return min(allowed, key=lambda v: abs(v - x), default=space.nearest(x))


def crosses(limits: Limits, pos: int, x: float) -> bool:
    """Whether value ``x`` at position ``pos`` of a package crosses these limits."""
    lo, hi = limits.bounds[pos]
    return x < lo - EPS or x > hi + EPS or x in limits.refused[pos]


def bare(space: IssueSpace, x: float) -> str:
    """A value without its unit, for a table whose row names the unit once: ``15``, ``yes``."""
    if space.kind == "numeric":
        return number_text(space.decode(x))
    return space.show(x)


def _ideal(space: IssueSpace, value: ValueFunction | None) -> str:
    if value is None:
        return DASH
    if space.discrete:
        return bare(space, max(space.grid(), key=value))
    return bare(space, value.best(space.lo, space.hi))


def bottom_line_text(
    space: IssueSpace,
    lo: float,
    hi: float,
    refused: frozenset[float],
    show: Callable[[IssueSpace, float], str] = IssueSpace.show,
) -> str:
    """A bottom line in short: ``≤ 25%``, ``≥ 45 thousand``, ``not dc``; a dash if none."""
    parts = []
    if lo > space.lo:
        parts.append(f"≥ {show(space, lo)}")
    if hi < space.hi:
        parts.append(f"≤ {show(space, hi)}")
    parts += [f"not {show(space, x)}" for x in sorted(refused)]
    return ", ".join(parts) or DASH


def read_draft(track: TrackRules, texts: dict[str, str]) -> tuple[dict, dict[str, str]]:
    """The composer's fields read as issue values, and the problem with each field that has
    one: the values are a package only when there are no problems.

    Numbers may carry the issue's unit (``15%``); empty fields, text in a number, values
    off the range or off the grid are problems, so nothing invalid ever reaches the engine.
    """
    values: dict = {}
    problems: dict[str, str] = {}
    for space in track.spaces:
        value, problem = read_value(space, texts.get(space.id, ""))
        if problem:
            problems[space.id] = problem
        else:
            values[space.id] = value
    return values, problems


def read_value(space: IssueSpace, text: str) -> tuple[object, str | None]:
    """One field of the composer read as an issue value, or the problem with it."""
    text = text.strip()
    if not text:
        return None, f"{space.name}: fill in a value"
    if space.kind == "boolean":
        return text.lower() == "true", None
    if space.kind == "categorical":
        return text, space.problem(text)
    if space.unit and text.endswith(space.unit):
        text = text[: -len(space.unit)].strip()
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        return None, f"{space.name}: {text!r} is not a number"
    return value, space.problem(value)


def preview(game: Game, viewer: str, track_id: str, package: dict) -> Preview:
    """The viewer's utility of a package, against no deal and its reservation, with warnings."""
    world, rules = game.model.world, game.rules
    track = rules.track[track_id]
    encoded = track.encode(package)
    valuation = world.valuation(viewer, track_id)
    worth = valuation(encoded)
    no_deal = world.no_deal_utility(viewer, track)
    reservation = world.reservation[viewer][track_id]
    limits = world.limits[(viewer, track_id)]
    warnings = list(limits.breaches(encoded, track.spaces))
    if len(warnings) > 2:
        warnings = [f"crosses your bottom line on {len(warnings)} issues (shaded)"]
    if worth < reservation:
        warnings.append(f"worth {worth:.2f}, below your reservation utility {reservation:.2f}")
    elif worth < no_deal:
        warnings.append(f"worth {worth:.2f}, less than no deal ({no_deal:.2f})")
    return Preview(
        worth, no_deal, reservation, tuple(warnings), crossing(game, viewer, track_id, package)
    )


def crossing(game: Game, viewer: str, track_id: str, values: dict) -> frozenset[str]:
    """The issues whose value in ``values`` (issue id → value, all issues or only some)
    crosses the viewer's bottom line: a field's shading depends on its own value only."""
    track = game.rules.track[track_id]
    limits = game.model.world.limits[(viewer, track_id)]
    return frozenset(
        space.id
        for pos, space in enumerate(track.spaces)
        if space.id in values and crosses(limits, pos, space.encode(values[space.id]))
    )


def meters(game: Game, viewer: str | None) -> list[TrackMeter]:
    """Every track's status; the viewer's utilities on the tracks where it sits."""
    model = game.model
    world = model.world
    found = []
    for track in game.rules.tracks:
        talks = model.talks[track.id]
        status = status_text(game, talks)
        if viewer is None or viewer not in track.parties:
            found.append(TrackMeter(track.id, track.name, status, False))
            continue
        valuation = world.valuation(viewer, track.id)
        offer = talks.deal or talks.on_table
        found.append(
            TrackMeter(
                track.id,
                track.name,
                status,
                True,
                None if offer is None else valuation(offer.package),
                world.no_deal_utility(viewer, track),
                world.reservation[viewer][track.id],
            )
        )
    return found


def status_text(game: Game, talks: Talks) -> str:
    """A track's status in words: open and whose turn, or how and when it ended."""
    if talks.status == "agreed":
        return f"deal in round {talks.closed_round}"
    if talks.status == "walked":
        walker = next(
            (
                m.party
                for m in reversed(game.model.moves)
                if m.track == talks.track.id and m.kind == "walk"
            ),
            None,
        )
        who = game.name(walker) if walker else "a party"
        return f"{who} walked out in round {talks.closed_round}"
    if talks.status == "broke-down":
        return f"talks broke down after a refusal in round {talks.closed_round}"
    if talks.status == "no-deal":
        return "no deal by the deadline"
    if talks.track.id in game.model.accepted:
        return "accepted: the publics vote when the round ends"
    request = game.request
    if request is not None and request.track == talks.track.id:
        verb = "to answer" if request.kind == "respond" else "to propose"
        return f"open: {game.name(request.party)} {verb}"
    return "open"


@dataclass(frozen=True, slots=True)
class OfferLines:
    """One track's offers, round by round, as worth to the viewer: its own latest offer and
    the other side's latest offer, against its floor and what no deal is worth to it.

    The chart shows latest offers rather than each offer in turn: proposers alternate, so
    offer by offer the worth zig-zags between the two sides' packages.
    """

    track: str
    party: str
    """The viewer's name."""
    other: str
    """The other side's name."""
    own: tuple[tuple[int, float], ...]
    """(round, worth) of the viewer's latest offer by the end of each round, from its first."""
    theirs: tuple[tuple[int, float], ...]
    """(round, worth) of the other side's latest offer by the end of each round."""
    floor: float
    """The viewer's reservation utility on the track, as it stands now."""
    no_deal: float


def offer_lines(game: Game, viewer: str) -> list[OfferLines]:
    """The viewer's ``OfferLines`` on each track where it sits, in the scenario's order.

    Each offer counts at its worth when it was made (``Offer.worth``); the lines run to the
    round the talks closed in, or to the round being played.
    """
    model, world = game.model, game.model.world
    found = []
    for track in game.rules.tracks:
        if viewer not in track.parties:
            continue
        talks = model.talks[track.id]
        last = talks.closed_round or min(model.round, model.rounds)
        other = track.other(viewer)
        found.append(
            OfferLines(
                track.name,
                game.name(viewer),
                game.name(other),
                _latest_by_round(talks, viewer, viewer, last),
                _latest_by_round(talks, other, viewer, last),
                world.reservation[viewer][track.id],
                world.no_deal_utility(viewer, track),
            )
        )
    return found


def _latest_by_round(
    talks: Talks, proposer: str, viewer: str, last: int
) -> tuple[tuple[int, float], ...]:
    """(round, worth to ``viewer``) of ``proposer``'s latest offer at the end of each round
    from its first offer to round ``last``."""
    latest: dict[int, float] = {}
    for offer in talks.history:
        if offer.proposer == proposer:
            latest[offer.round] = offer.worth[viewer]  # a later offer in a round replaces it
    points, worth = [], None
    for round_ in range(min(latest, default=last + 1), last + 1):
        worth = latest.get(round_, worth)
        points.append((round_, worth))
    return tuple(points)
