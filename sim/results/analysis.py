"""What a finished game achieved: Pareto frontiers, Nash solutions and scores.

The formulas are written out in docs/mechanics.md, "Scores" and "Analysis".

Each bargaining track is a two-person bargaining problem: the packages the two parties
can agree on, and the no-deal package as disagreement point. Its *Nash bargaining
solution* (Nash, "The Bargaining Problem", *Econometrica* 18(2), 1950) is the package
that maximises the product of both parties' gains over disagreement; a deal is judged by
its distance to that point and to the Pareto frontier, and each party by its score
``100·(U − U_batna)/(U_ideal − U_batna)``.

Why the frontier is computed the way it is: a track's packages are the product of its
issues' grids — about 10¹³ of them on the baseline US–Japan track — so enumerating them is
out of the question. But both utilities are additive over issues, and a package that is
Pareto-optimal over issues 1..k+1 must be made of a Pareto-optimal package over issues
1..k plus an undominated value of issue k+1 (otherwise swapping in the part that dominates
would dominate the whole). So the exact frontier of the discrete problem is built issue by
issue: combine the frontier so far with the next issue's utility pairs, prune dominated
points, keep back-pointers to rebuild each point's package. The intermediate frontiers
stay at a few thousand points; a step's candidates (frontier × issue values, up to about
10⁵ on the baseline) are mostly dominated, and screening those out by bucketing before
sorting the rest makes a baseline track's frontier about 2 ms with numpy.
The Nash solution then only needs the frontier: any feasible package is weakly dominated
by a frontier point, whose Nash product is at least as high.

A scenario may ask for far more than that: a few issues of thousands of values on one
track made a frontier of millions of points and a merge of tens of gigabytes. So each step
is bounded: an issue's undominated values are thinned to ``ISSUE_POINTS`` and the frontier
to ``FRONTIER_POINTS``, evenly along it and keeping both ends (each party's best). Below
those sizes — every bundled scenario, whose largest frontier has about 3,000 points — the
frontier is exact; above them it is a fine approximation, and each merge costs at most
``ISSUE_POINTS × FRONTIER_POINTS`` sums.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from sim.engine.utility import EPS, IssueSpace, Limits, Valuation
from sim.results.plain import plain
from sim.scenario.base import GRID_POINTS

if TYPE_CHECKING:
    from sim.engine.model import NegotiationModel
    from sim.engine.rules import TrackRules
    from sim.engine.talks import Talks
    from sim.engine.world import World

TIE = 1e-12
"""Utilities closer than this count as equal when pruning dominated points."""
ISSUE_POINTS = 1_001
"""The most undominated values of one issue a frontier step combines (exact up to here)."""
FRONTIER_POINTS = 8_000
"""The most points a frontier keeps after a step (exact up to here)."""
SCREENED = 4_096
"""Above this many candidates, a merge screens out the plainly dominated before sorting."""
BUCKETS = 4_096
"""How many ranges of the first party's utility that screening compares."""


@dataclass(frozen=True, eq=False)
class Frontier:
    """The Pareto frontier of a track for two parties, sorted by ``ua`` ascending."""

    ua: np.ndarray
    """The first party's track utility at each frontier point."""
    ub: np.ndarray
    """The second party's track utility at each frontier point (descending)."""
    steps: tuple[tuple[np.ndarray, np.ndarray], ...]
    """Per issue, for each point of the frontier over the issues so far: the issue's value
    and the index of the point it extends in the frontier over the issues before."""

    def __len__(self) -> int:
        return len(self.ua)

    def package(self, k: int) -> tuple[float, ...]:
        """The package (encoded, in the track's issue order) of frontier point ``k``."""
        values = []
        for chosen, parent in reversed(self.steps):
            values.append(float(chosen[k]))
            k = int(parent[k])
        return tuple(reversed(values))


@dataclass(frozen=True, slots=True)
class NashPoint:
    """The Nash bargaining solution of a track: its package and both parties' utilities."""

    package: tuple[float, ...]
    ua: float
    ub: float


def pareto_frontier(
    a: Valuation,
    b: Valuation,
    spaces: tuple[IssueSpace, ...],
    points: int = GRID_POINTS,
    limits: tuple[Limits, ...] = (),
) -> Frontier:
    """The exact Pareto frontier of two parties' utilities over every issue's grid.

    Args:
        a: The first party's valuation of the track.
        b: The second party's valuation of the track.
        spaces: The track's issue spaces, in package order.
        points: How many evenly spaced values stand for a continuous issue.
        limits: Bottom lines that every package must keep (usually both parties'):
            a package either side would never sign is not a feasible agreement.

    Returns:
        The frontier, cached per arguments: valuations and limits are immutable values,
        so equal ones from other games share it (each game draws its bottom lines, so a
        batch meets about a thousand; a miss costs ~2 ms). Empty if the limits leave no
        package.
    """
    return _frontier(a, b, tuple(spaces), points, tuple(limits))


@lru_cache(maxsize=2048)
def _frontier(
    a: Valuation,
    b: Valuation,
    spaces: tuple[IssueSpace, ...],
    points: int,
    limits: tuple[Limits, ...],
) -> Frontier:
    ua, ub = np.zeros(1), np.zeros(1)
    steps = []
    for pos, space in enumerate(spaces):
        grid = _grid(space, points)
        for lim in limits:
            grid = grid[_keeps(lim, pos, grid)]
        if not len(grid):
            return Frontier(_frozen(np.zeros(0)), _frozen(np.zeros(0)), ())
        ca, cb = _contribution(a, pos, grid), _contribution(b, pos, grid)
        useful = _thinned(_undominated(ca, cb), ISSUE_POINTS)
        grid, ca, cb = grid[useful], ca[useful], cb[useful]
        merged = _undominated((ua[:, None] + ca).ravel(), (ub[:, None] + cb).ravel())
        keep = _thinned(merged, FRONTIER_POINTS)
        parent, pick = np.divmod(keep, len(grid))
        ua, ub = ua[parent] + ca[pick], ub[parent] + cb[pick]
        steps.append((_frozen(grid[pick]), _frozen(parent)))
    return Frontier(_frozen(ua), _frozen(ub), tuple(steps))


@lru_cache(maxsize=256)
def _grid(space: IssueSpace, points: int) -> np.ndarray:
    """An issue's grid as an array, made once per issue: every frontier of a track needs it."""
    return _frozen(np.asarray(space.grid(points), dtype=float))


def _keeps(limits: Limits, pos: int, grid: np.ndarray) -> np.ndarray:
    """Which values of the issue at ``pos`` keep the limits there."""
    lo, hi = limits.bounds[pos]
    keeps = (grid >= lo - EPS) & (grid <= hi + EPS)
    if limits.refused[pos]:
        keeps &= ~np.isin(grid, list(limits.refused[pos]))
    return keeps


def _contribution(valuation: Valuation, pos: int, grid: np.ndarray) -> np.ndarray:
    """What each grid value of one issue adds to a party's track utility."""
    weight, value = valuation.terms[pos]
    if not weight:
        return np.zeros(len(grid))
    return weight * np.interp(grid, value.xs, value.ys)


def _undominated(ua: np.ndarray, ub: np.ndarray) -> np.ndarray:
    """Indices of the points no other point dominates (one per tie), by ``ua`` ascending."""
    if len(ua) > SCREENED:
        survivors = _screened(ua, ub)
        return survivors[_pruned(ua[survivors], ub[survivors])]
    return _pruned(ua, ub)


def _pruned(ua: np.ndarray, ub: np.ndarray) -> np.ndarray:
    """``_undominated`` by sorting every point: by ``ua`` descending (rounded, so that sums
    equal but for float error tie), ``ub`` descending, index; keep each point that beats
    the best ``ub`` before it by more than ``TIE``."""
    order = np.lexsort((-ub, -np.round(ua, 12)))
    ub_sorted = ub[order]
    keep = np.ones(len(order), dtype=bool)
    keep[1:] = ub_sorted[1:] > np.maximum.accumulate(ub_sorted)[:-1] + TIE
    return order[keep][::-1]


def _screened(ua: np.ndarray, ub: np.ndarray) -> np.ndarray:
    """The indices, ascending, of the points that may matter to ``_pruned``: without the
    others, it keeps the same points in the same order.

    A merge's candidates are mostly dominated, and sorting them all was most of a
    frontier's cost. Point ``j`` can go if some point ``i`` that sorts before it in every
    case (``ua`` higher by far more than the rounding, so its rounded ``ua`` is higher) has
    ``ub[i] >= ub[j]``: ``j`` is not kept, and the best ``ub`` before any later point is
    unchanged (``i``, or one that screened out ``i`` in turn, is still there). Such ``i``
    are found without sorting: ``ua`` is cut into ``BUCKETS`` equal ranges, and ``j`` goes if
    a point two ranges or more above its own has ``ub`` at least as high.
    """
    lo, hi = float(ua.min()), float(ua.max())
    width = (hi - lo) / BUCKETS * (1 + 1e-6)  # so that ``hi`` falls in the last range
    if not width > 1e-9:  # too narrow for ranges two apart to differ by more than rounding
        return np.arange(len(ua))
    bucket = ((ua - lo) / width).astype(np.intp)
    highest = np.full(BUCKETS + 2, -np.inf)
    np.maximum.at(highest, bucket, ub)
    above = np.maximum.accumulate(highest[::-1])[::-1]
    return np.flatnonzero(ub > above[bucket + 2])


def _thinned(indices: np.ndarray, most: int) -> np.ndarray:
    """At most ``most`` of a frontier's point indices, evenly spaced along it, both ends kept."""
    if len(indices) <= most:
        return indices
    return indices[np.unique(np.linspace(0, len(indices) - 1, most).round().astype(np.intp))]


def _frozen(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


def nash_solution(frontier: Frontier, da: float, db: float) -> NashPoint | None:
    """The Nash bargaining solution: the frontier point maximising ``(ua − da)·(ub − db)``.

    Args:
        frontier: The track's Pareto frontier.
        da: The first party's disagreement (no-deal) utility.
        db: The second party's disagreement (no-deal) utility.

    Returns:
        The point among those that leave both parties at least their disagreement
        utility, or None if there is none (no zone of agreement).
    """
    gain_a, gain_b = frontier.ua - da, frontier.ub - db
    feasible = (gain_a >= -EPS) & (gain_b >= -EPS)
    if not feasible.any():
        return None
    product = np.where(feasible, np.maximum(gain_a, 0.0) * np.maximum(gain_b, 0.0), -1.0)
    k = int(np.argmax(product))
    return NashPoint(frontier.package(k), float(frontier.ua[k]), float(frontier.ub[k]))


def distance_to_frontier(frontier: Frontier, ua: float, ub: float) -> float:
    """How far a point in utility space lies from the frontier (Euclidean).

    Returns:
        0 if no frontier point dominates the point (it is on or beyond the frontier),
        else the distance to the nearest frontier point.
    """
    fa, fb = frontier.ua, frontier.ub
    better = (fa >= ua - EPS) & (fb >= ub - EPS) & ((fa > ua + EPS) | (fb > ub + EPS))
    if not better.any():
        return 0.0
    return float(np.min(np.hypot(fa - ua, fb - ub)))


@dataclass(frozen=True, slots=True)
class TrackAnalysis:
    """How one bargaining track ended, against its frontier and Nash solution."""

    track: str
    parties: tuple[str, str]
    status: str
    """``agreed``, ``walked``, ``no-deal`` (or ``open`` if the game is not over)."""
    deal_round: int | None
    package: dict | None
    """The deal as people read it (issue id → value), or None without a deal."""
    utility: dict[str, float]
    """Each party's undiscounted track utility of the outcome (the deal, else no-deal)."""
    batna: dict[str, float]
    """Each party's track utility of the no-deal package: the disagreement point."""
    nash_package: dict | None
    nash_utility: dict[str, float] | None
    distance_to_frontier: float
    distance_to_nash: float | None
    frontier: list[list[float]]
    """The frontier as ``[ua, ub]`` pairs in the order of ``parties``, for plotting."""


@dataclass(frozen=True, slots=True)
class Breach:
    """A bottom line a deal broke, and what it cost the party's score."""

    text: str
    """The breach in words, naming the track and the issue (or the reservation utility)."""
    cost: float
    """Score points deducted for it: the scenario's ``scoring.breach``."""


@dataclass(frozen=True, slots=True)
class PartyResult:
    """What a party got out of the game, over every track it has weight on."""

    party: str
    utility: float
    """Discounted utility. The no-deal world holds while talks go on, so a deal in round t
    adds δ^(t−1) times its gain over no-deal: U = u_nd + δ^(t−1)·(u_deal − u_nd)."""
    batna: float
    best: float
    """The most the party could have got: on each of its tracks the best deal within the
    other side's bottom lines (its issue limits and its floor), at the end of the game."""
    score: float
    """``100·(U − U_batna)/(U_best − U_batna)`` less the cost of each breach: 0 is no deal,
    100 the best deal there was (discounted, so a late deal scores less); 0 if the party
    had nothing to gain."""
    undiscounted: float
    """The same score of the terms alone, as if every deal had been struck in round 1
    (breaches cost the same)."""
    bottom_lines_kept: bool
    breaches: list[Breach]
    """Every bottom line the deals broke; their costs are taken off both scores."""


@dataclass(frozen=True, slots=True)
class Analysis:
    """The results of a game as plain data."""

    round: int
    tracks: tuple[TrackAnalysis, ...]
    parties: tuple[PartyResult, ...]

    def to_dict(self) -> dict:
        """A JSON-ready dict: keys sorted, plain Python types, floats rounded to 9 places."""
        tracks = {}
        for track in self.tracks:
            # The frontier is the bulk of the data and already plain floats rounded to 6.
            data = {f.name: getattr(track, f.name) for f in fields(track) if f.name != "frontier"}
            tracks[track.track] = plain({**data, "frontier": None})
            tracks[track.track]["frontier"] = [list(pair) for pair in track.frontier]
        parties = {p.party: asdict(p) for p in self.parties}
        return {"parties": plain(parties), "round": self.round, "tracks": tracks}


def analyse(model: NegotiationModel) -> Analysis:
    """Analyse a (finished) game with the world as it stands at the end.

    Utilities use the valuations and patience at game end; an open track counts as no-deal.
    """
    world = model.world
    tracks = tuple(_track_analysis(world, model.talks[t.id]) for t in model.rules.tracks)
    parties = tuple(party_result(world, model.talks, p) for p in model.rules.party_ids)
    return Analysis(model.round, tracks, parties)


def track_outcome(world: World, talks: Talks) -> tuple[float, ...]:
    """The package that holds on a track: its deal if agreed, else the no-deal package."""
    return talks.deal.package if talks.status == "agreed" else world.no_deal(talks.track)


def _track_analysis(world: World, talks: Talks) -> TrackAnalysis:
    track = talks.track
    agreed = talks.status == "agreed"
    outcome = track_outcome(world, talks)
    a, b = (world.valuation(p, track.id) for p in track.parties)
    batna = tuple(world.no_deal_utility(p, track) for p in track.parties)
    # Without a deal each side gets its no-deal utility, outside options included.
    utility = (a(outcome), b(outcome)) if agreed else batna
    limits = tuple(world.bottom_lines[(p, track.id)] for p in track.parties)
    frontier = pareto_frontier(a, b, track.spaces, limits=limits)
    nash = nash_solution(frontier, *batna)
    nash_package = nash_utility = distance_to_nash = None
    if nash is not None:
        nash_package = track.decode(nash.package)
        nash_utility = dict(zip(track.parties, (nash.ua, nash.ub), strict=True))
        distance_to_nash = float(np.hypot(utility[0] - nash.ua, utility[1] - nash.ub))
    return TrackAnalysis(
        track=track.id,
        parties=track.parties,
        status=talks.status,
        deal_round=talks.deal.round if agreed else None,
        package=track.decode(outcome) if agreed else None,
        utility=dict(zip(track.parties, utility, strict=True)),
        batna=dict(zip(track.parties, batna, strict=True)),
        nash_package=nash_package,
        nash_utility=nash_utility,
        distance_to_frontier=distance_to_frontier(frontier, *utility),
        distance_to_nash=distance_to_nash,
        frontier=np.round(np.column_stack((frontier.ua, frontier.ub)), 6).tolist(),
    )


def party_result(world: World, all_talks: dict[str, Talks], party: str) -> PartyResult:
    """A party's discounted utility, score and bottom lines over every track it weighs.

    The score reads like a classroom points sheet: 0 is no deal and 100 the best deal the
    party could have got within the other side's bottom lines, found on the track's Pareto
    frontier (cached per valuations and limits, which recur from game to game, so a batch
    computes each frontier once).

    Args:
        world: The world as it stands at the end of the game.
        all_talks: Every bargaining track's talks, by track id.
        party: The party to judge.
    """
    utility = plain = batna = best = 0.0
    broken: list[str] = []
    for talks in all_talks.values():
        track = talks.track
        valuation = world.valuation(party, track.id)
        if valuation.share <= 0:
            continue
        no_deal = world.no_deal_utility(party, track)
        agreed = talks.status == "agreed"
        got = kept = no_deal
        if agreed:
            gain = valuation(talks.deal.package) - world.paid[party][track.id] - no_deal
            got += world.patience[party] ** (talks.deal.round - 1) * gain
            kept += gain
        utility += valuation.share * got
        plain += valuation.share * kept
        batna += valuation.share * no_deal
        if party in track.parties:
            reachable = max(_best_deal(world, track, party), no_deal)
            other = world.bottom_lines[(track.other(party), track.id)]
            if agreed and other.allow(talks.deal.package):
                # The deal itself was within the other side's bottom lines: the frontier,
                # built on a grid and at the end's floors, can miss it (it was struck
                # before events moved them), and no score should pass 100.
                reachable = max(reachable, valuation(talks.deal.package))
            best += valuation.share * reachable
        else:
            best += valuation.share * _ideal(valuation, track.spaces)
        if agreed and party in track.parties:
            limits = world.bottom_lines[(party, track.id)]
            if not limits.allow(talks.deal.package):  # remembered, and the usual answer
                broken += limits.breaches(talks.deal.package, track.spaces)
            # Judged as the party saw the deal when it signed (valuations can move later).
            worth, floor = talks.deal.worth[party], world.reservation[party][track.id]
            if worth < floor - EPS:
                broken.append(
                    f"{track.name}: the deal is worth {worth:.3f}, below the reservation "
                    f"utility {floor:.3f}"
                )
    cost = world.rules.scenario.scoring.breach
    breaches = [Breach(text, cost) for text in broken]
    deduction = sum(breach.cost for breach in breaches)
    span = best - batna
    score = 100.0 * (utility - batna) / span if span > 1e-12 else 0.0
    undiscounted = 100.0 * (plain - batna) / span if span > 1e-12 else 0.0
    return PartyResult(
        party,
        utility,
        batna,
        best,
        score - deduction,
        undiscounted - deduction,
        not breaches,
        breaches,
    )


def _best_deal(world: World, track: TrackRules, party: str) -> float:
    """The most ``party`` could get on a track within the other side's bottom lines: the
    frontier point best for it among those the other side's limits and floor allow."""
    first, second = track.parties  # one frontier a track serves both sides' results
    limits = world.bottom_lines
    frontier = pareto_frontier(
        world.valuation(first, track.id),
        world.valuation(second, track.id),
        track.spaces,
        limits=(limits[(first, track.id)], limits[(second, track.id)]),
    )
    # Along the frontier ``ua`` rises and ``ub`` falls, both strictly: the points the other
    # side allows come first for the first party, last for the second, and the last of them
    # (the first) is the best for ``party``.
    floor = world.floor(track.other(party), track) - EPS
    if party == first:
        allowed = len(frontier) - int(frontier.ub[::-1].searchsorted(floor))
        return float(frontier.ua[allowed - 1]) if allowed else 0.0
    refused = int(frontier.ua.searchsorted(floor))
    return float(frontier.ub[refused]) if refused < len(frontier) else 0.0


@lru_cache(maxsize=256)
def _ideal(valuation: Valuation, spaces: tuple[IssueSpace, ...]) -> float:
    """The best utility a track offers a party, computed once per valuation.

    It is the same for every game on a scenario and the costliest part of a party's result.
    """
    return valuation.best(spaces)
