"""A party's chair on one track: what its policy may look at, and how it prices its choices.

The seat reads the live game (the party's valuation, floor, limits, patience), holds what
the party believes it can attain (``sim.engine.beliefs``), its reading of the other side
and the red lines the other side has named, and prices asks by expected value under that
belief, the risk of breakdown and patience, by backward induction from the deadline
(docs/mechanics.md, "Bargaining"). Policies (``sim.engine.strategies``) decide from it.
"""

from __future__ import annotations

from functools import lru_cache
from math import inf
from typing import TYPE_CHECKING

from sim.engine.red_lines import RedLines
from sim.engine.utility import EPS

if TYPE_CHECKING:
    from sim.engine.beliefs import Belief
    from sim.engine.concession import ConcessionPath
    from sim.engine.model import NegotiationModel
    from sim.engine.rules import TrackRules
    from sim.engine.talks import Talks
    from sim.engine.utility import Limits, Valuation


class Seat:
    """One party's chair on one track during a game: everything its policy may look at.

    It reads the live game rather than copying it, so a policy always sees the world as
    events left it; one seat per party and track lives for the whole game. Besides the
    party's own numbers it holds what the party believes it can attain
    (``sim.engine.beliefs``), its reading of the other side's priorities (which shapes
    its packages), the red lines the other side has named, and it prices the choices in
    front of the party by expected value (``plan``).
    """

    __slots__ = (
        "_base",
        "_grid",
        "_grid_key",
        "_keeps",
        "_lines",
        "_no_deal",
        "_path",
        "_place",
        "_plan",
        "_ranks",
        "_read",
        "_received",
        "belief",
        "breaking",
        "model",
        "other",
        "party",
        "public",
        "reading",
        "red_lines",
        "talks",
        "track",
    )

    def __init__(
        self, model: NegotiationModel, party: str, talks: Talks, reading: Valuation
    ) -> None:
        self.model = model
        self.party = party
        self.talks = talks
        self.track: TrackRules = talks.track
        self._place = (party, talks.track.id)
        self.other = talks.track.other(party)
        self.reading = reading
        """The party's reading of what the other side values, drawn for the game."""
        self.belief: Belief | None = None
        """What the party believes it can attain; moves update it (set by its agent)."""
        self.red_lines = RedLines(talks.track.spaces)
        """What the red lines the other side has named taught the party (learnt during
        the game): the ranges it keeps its offers in."""
        self.public: dict[int, tuple[float, float]] = {}
        """Position → the other side's limit there, while a public commitment (a parity
        pact) binds it."""
        self._base: tuple | None = None
        """(limits, weights, the path they give before any red line is heard)."""
        self._path: ConcessionPath | None = None
        """The base path within the red lines heard: what ``path`` gives."""
        self._ranks: tuple | None = None
        """What ``path`` weighed breaking ranks under (``_pact_terms``)."""
        self.breaking = 0.0
        """What proposing on ``path`` costs the party: ``defection_cost`` while the path
        breaks ranks with a parity pact (``_breaking_ranks``), else nothing."""
        self._plan: tuple | None = None
        """(what the last plan was made under, that plan): kept within a decision."""
        self._grid_key: tuple | None = None
        self._grid: tuple[float, ...] = ()
        self._no_deal = 0.0
        self._read: int | None = None
        """The world's ``version`` when ``grid`` last read the floor, best and no-deal
        utility (None: not since the seat's own bounds changed): until the world changes,
        the seat's ladder and no-deal utility are the ones it read then."""
        self._lines: tuple | None = None
        """(the chances of the asks, each ask's line: what ``plan`` weighs, the gain if
        accepted and the share of a refusal's value it keeps): answering and proposing
        the next round often price under the same belief."""
        self._keeps: tuple | None = None
        """(the track's risks, patience, what waiting keeps each round under them)."""
        self._received: tuple[int, int, float, float] = (0, 0, 0.0, 0.0)
        """(offers of the history read, how many were the other side's, the first and
        the latest of those worth to the party): the history only grows."""

    @property
    def round(self) -> int:
        """The current round, from 1."""
        return self.model.round

    @property
    def rounds(self) -> int:
        """The deadline."""
        return self.model.rounds

    @property
    def valuation(self) -> Valuation:
        """The party's utility over the track's packages."""
        return self.model.world.valuation(self.party, self.track.id)

    @property
    def path(self) -> ConcessionPath:
        """How the party builds a package at a target utility: logrolling toward its reading
        of the other side, inside its own limits and the red lines it has heard."""
        world = self.model.world
        limits, weights = world.limits[self._place], world.weights[self.party]
        base = self._base
        if base is None or base[0] is not limits or base[1] is not weights:
            path = self.model.rules.path(self.party, self.track.id, weights, limits, self.reading)
            self._base = (limits, weights, path)
            self._path = None
        ranks = self._pact_terms()
        if self._path is None or ranks != self._ranks:
            self._ranks = ranks
            broken = None if ranks is None else self._breaking_ranks(*ranks)
            self.breaking = 0.0 if broken is None else self.model.channel.config.defection_cost
            self._path = broken or self._within(self._base[2], limits.bounds)
        return self._path

    def _pact_terms(self) -> tuple[Limits, float] | None:
        """(the party's limits from before the parity pact that binds it here, its floor
        now): what breaking ranks is weighed under; None while no pact binds it."""
        unbound = self._unbound()
        return None if unbound is None else (unbound, self.floor)

    def _unbound(self) -> Limits | None:
        """The party's limits from before the parity pact that binds it here, if one does."""
        channel = self.model.channel
        return None if channel is None else channel.unbound(self.party, self.track.id)

    def _within(self, path: ConcessionPath, own: tuple[tuple[float, float], ...]) -> ConcessionPath:
        """``path`` kept inside the red lines heard so far and the limits made public, each
        within the party's limits ``own`` as they stand now (a joint floor or a precedent
        can tighten them after a red line was heard): where the two do not meet, the
        party's own limits win, since no AI crosses its bottom lines. The games of a batch
        hear the same red lines (their bounds sit on a grid), so they share the result."""
        bounds = {pos: _inside(kept, own[pos]) for pos, kept in self.red_lines.bounds.items()}
        for pos, public in self.public.items():
            bounds[pos] = _inside(public, bounds.get(pos, own[pos]))
        if not bounds:
            return path
        key = ("within", path, tuple(sorted(bounds.items())))
        return self.model.rules.derive(key, lambda: path.within(bounds))

    def _breaking_ranks(self, unbound: Limits, floor: float) -> ConcessionPath | None:
        """The path past a parity pact's bounds, if the party would break ranks to propose
        on it; None if it keeps the pact.

        It breaks ranks when the red lines it has heard say the other side signs nothing
        inside the pact on some issue, its own limits from before the pact (``unbound``)
        reach them, and a deal on that path would still be worth its ``floor`` after what
        breaking ranks costs (``consultation.defection_cost``): a side deal that beats the
        pact's cost (docs/mechanics.md, "Consultation")."""
        world = self.model.world
        bound = world.limits[self._place].bounds
        heard = self.red_lines.bounds.items()
        if all(_meet(kept, bound[pos]) for pos, kept in heard):
            return None
        if not all(_meet(kept, unbound.bounds[pos]) for pos, kept in heard):
            return None  # its own limits rule out a deal with or without the pact
        base = self.model.rules.path(
            self.party, self.track.id, world.weights[self.party], unbound, self.reading
        )
        path = self._within(base, unbound.bounds)
        cost = self.model.channel.config.defection_cost
        return path if path.top - cost >= floor - EPS else None

    @property
    def believed(self) -> Valuation:
        """What the party believes the other side's utility is on this track."""
        return self.reading

    @property
    def floor(self) -> float:
        """The least it should settle for: its reservation or its no-deal utility."""
        return self.model.world.floor(self.party, self.track)

    @property
    def no_deal(self) -> float:
        """What the party gets if the track ends without a deal."""
        return self.model.world.no_deal_utility(self.party, self.track)

    @property
    def best(self) -> float:
        """The party's best utility within its bottom lines."""
        return self.path.top

    @property
    def top(self) -> float:
        """The most the party believes it can get, its opening: the highest ask the other
        side might accept, with a chance of at least ``OPENING_CHANCE``."""
        levels = self.grid()
        chances = self.belief.chances(levels)
        for k in range(len(levels) - 1, 0, -1):
            if chances[k] >= OPENING_CHANCE:
                return levels[k]
        return levels[0]

    @property
    def patience(self) -> float:
        """The party's discount factor δ."""
        return self.model.world.patience[self.party]

    @property
    def other_patience(self) -> float:
        """The other side's discount factor."""
        return self.model.world.patience[self.other]

    @property
    def received(self) -> tuple[tuple[float, ...], ...]:
        """The other side's proposals on this track so far, oldest first."""
        return self.talks.received(self.party)

    def time(self, round_: int) -> float:
        """Round as a fraction of the way to the deadline: 0 in round 1, 1 in the last."""
        rounds = self.model.rounds
        return 1.0 if rounds <= 1 else min((round_ - 1) / (rounds - 1), 1.0)

    def heard_red_line(self, pos: int, offered: float) -> None:
        """The other side named the issue at ``pos`` a red line of a package that had
        ``offered`` there (``RedLines.heard_red_line``)."""
        if self.red_lines.heard_red_line(pos, offered, self._own_limits()):
            self._path = self._read = None

    def heard_ask(self, package: tuple[float, ...]) -> None:
        """The other side proposed ``package`` (``RedLines.heard_ask``)."""
        if self.red_lines.heard_ask(package, self._own_limits()):
            self._path = self._read = None

    def heard_talks(self) -> None:
        """Hear the track's whole history at once, as a seat made mid-game must
        (``RedLines.replay``)."""
        talks = self.talks
        if self.red_lines.replay(talks.history, talks.red_lines, self.party, self._own_limits()):
            self._path = self._read = None

    def _own_limits(self) -> tuple[tuple[float, float], ...]:
        """The limits the party learns red lines against: its own, or while a parity pact
        binds it, its own from before the pact, so that it hears what the other side would
        sign past the pact (``_within`` keeps its offers inside unless it breaks ranks)."""
        return (self._unbound() or self.model.world.limits[self._place]).bounds

    def knows_limit(self, pos: int, lo: float, hi: float) -> None:
        """The other side's limit on the issue at ``pos`` is public (a parity pact binds it
        to its partner's terms): keep later offers inside [lo, hi] while it binds."""
        if self.public.get(pos) != (lo, hi):
            self.public[pos] = (lo, hi)
            self._path = self._read = None

    def forget_public_limits(self) -> None:
        """The commitment that made the other side's limits public has ended."""
        if self.public:
            self.public.clear()
            self._path = self._read = None

    def grid(self) -> tuple[float, ...]:
        """The asks the party weighs: ``_LEVELS`` levels from its floor to its best.

        It runs several times a decision, so it reads the floor, the best and the no-deal
        utility (``_no_deal``) again only once the world or the seat's bounds have changed
        (``World.version``, ``_read``): nothing else moves them."""
        world = self.model.world
        if self._read != world.version:
            floor = world.floor(self.party, self.track)
            best = self.path.top
            key = (floor, best)
            if key != self._grid_key:
                self.belief.place(floor, best)
                self._grid = _ladder(floor, best)
                self._grid_key = key
            self._no_deal = world.no_deal_utility(self.party, self.track)
            self._read = world.version
        return self._grid

    def ask(self, round_: int) -> float:
        """The ask with the highest expected value when proposing in ``round_`` (``plan``)."""
        return self.plan(round_)[0]

    def going_on(self, round_: int) -> float:
        """What refusing the offer on the table in ``round_`` is worth: the expected value
        of proposing next round, after the risk that talks break down first, discounted
        by patience; no deal after the last round (``plan``)."""
        return self.plan(round_ + 1)[2]

    def least_going_on(self, round_: int) -> float:
        """What ``going_on(round_)`` is surely worth, at a small part of its cost: never
        more than it but for rounding far below ``_MARGIN`` (minus infinity where no cheap
        bound is to be had).

        A refusal next round is answered by the other side's expected offer or by proposing
        again, whichever is worth more, so it is worth at least that offer; and proposing
        next round is worth at least each ask's line at a refusal worth that much. Every
        step of the induction is increasing in what follows it (chances and what waiting
        keeps are between 0 and 1), so the bound holds without running it.
        """
        levels, go_on = self.grid(), self._go_on()
        no_deal = self._no_deal  # as ``grid`` read it
        proposing, last = round_ + 1, self.model.rounds
        if proposing >= last or not (levels[0] >= -_REACH and levels[-1] <= _REACH):
            return -inf  # at the deadline the plan is one line anyway; beyond, no bound
        offer = no_deal
        received = self._received_offers()
        if received is not None:
            latest, trend = received
            now = self.model.round
            offer = latest + trend * (proposing + 1 - now if proposing >= now else 0) / 2
            offer = min(offer, self._grid_key[1])  # up to the best ``grid`` just read
            if not -_REACH <= offer <= _REACH:
                return -inf
        refused = no_deal + go_on[proposing] * (offer - no_deal)
        value = max([gain + keep * refused for gain, keep in self._lines_for(levels)])
        return no_deal + go_on[round_] * (value - no_deal)

    def plan(self, round_: int) -> tuple[float, float, float]:
        """(best ask, its expected value, that value seen from the round before) for a
        proposal in ``round_``, by backward induction from the deadline.

        With the current belief held fixed, proposing in round ``r`` is worth
        ``P(r) = max_a q(a)·a + (1 − q(a))·C(r)``, where ``q`` is the believed chance the
        other side accepts and ``C(r)`` what a refusal leaves: talks break down with risk
        ``b_r``; otherwise, a round on, the other side's expected offer ``o`` or, if that
        is worth less, proposing again a round later. The no-deal world holds while the
        talks go on, so delay discounts only the gain over it:
        ``C(r) = u + (1 − b_r)·δ·(max(o, u + (1 − b_{r+1})·δ·(P(r+2) − u)) − u)`` with
        ``u`` the no-deal utility. After the deadline everything is worth ``u``.

        The induction runs over every round left each time the belief moves, so it is the
        engine's innermost loop: what stays the same from one of its rounds to the next
        (each ask's gain and chance, each round's risk, the expected offers) is worked
        out before it, and the best ask's value is read off one line while ``_leading``
        can vouch that no other ask beats it; only the last round weighs every ask.
        """
        model = self.model
        history = len(self.talks.history)
        key = (round_, model.round, self.belief.version, self._grid_key, history)
        kept = self._plan
        if kept is not None and kept[0] == key:
            return kept[1]
        levels = self.grid()
        no_deal = self._no_deal  # as ``grid`` read it
        go_on = self._go_on()
        received = self._received_offers()
        moving = received is not None and received[1] != 0.0
        last = model.rounds
        if round_ > last:
            result = (no_deal, no_deal, no_deal)
            self._plan = (key, result)
            return result
        lines = self._lines_for(levels)
        # Rounding stays below _MARGIN for values within _REACH (utilities are 0..1).
        vouch = levels[0] >= -_REACH and levels[-1] <= _REACH
        # The other side's offer in the round after r is expected to be worth its latest
        # plus ``trend`` per offer, r + 1 - now rounds on (one offer every other round),
        # up to the party's best; no deal before it has offered. Going back from the
        # deadline that offer can only fall: ``offer`` holds the last one worked out, and
        # while proposing again beats it, it beats this round's too, so only a round where
        # it does not needs this round's offer.
        offer = no_deal
        if received is not None:
            latest, trend = received
            best, now = self._grid_key[1], model.round  # the best ``grid`` just read
            offer = best if moving or best < latest else latest
        later = no_deal  # proposing after the deadline
        lo, hi, gain, keep = 1.0, 0.0, 0.0, 0.0  # no line vouched for yet
        ahead = round_ + _VOUCHED_AHEAD if vouch else last  # rounds worth vouching for
        for r in range(last - (last - round_) % 2, round_ - 1, -2):
            if r == last:
                refused = no_deal
            else:
                again = no_deal + go_on[r + 1] * (later - no_deal)
                if moving and again <= offer:
                    # min(latest + trend·max(r + 1 - now, 0)/2, best); builtins cost more
                    offer = latest + trend * (r + 1 - now if r >= now else 0) / 2
                    if best < offer:
                        offer = best
                answer = again if again > offer else offer  # max(offer, again), tie alike
                refused = no_deal + go_on[r] * (answer - no_deal)
            if r == round_:
                break
            if lo <= refused <= hi:  # P(r): the line vouched for is still the best
                later = gain + keep * refused
            elif r > ahead:
                later, lo, hi, gain, keep = _leading(lines, refused)
            else:
                later = max([gain + keep * refused for gain, keep in lines])
        # The best value, and the highest ask within EPS of it (a near tie goes to asking
        # more): what scanning the asks upward, keeping each within EPS of the best value
        # so far, ends on, since past the first best that value is the best itself.
        values = [gain + keep * refused for gain, keep in lines]
        value = max(values)
        least = value - EPS
        pick = len(values) - 1
        while values[pick] < least:
            pick -= 1
        result = (levels[pick], value, no_deal + go_on[round_ - 1] * (value - no_deal))
        self._plan = (key, result)
        return result

    def _lines_for(self, levels: tuple[float, ...]) -> list[tuple[float, float]]:
        """Each ask's line in the value of a refusal: (the gain if accepted, the share of a
        refusal's value it keeps), under the current belief."""
        chances = self.belief.chances(levels)
        lines = self._lines
        if lines is None or lines[0] is not chances:  # the belief kept them: so are these
            found = [(q * a, 1.0 - q) for q, a in zip(chances, levels, strict=True)]
            lines = self._lines = (chances, found)
        return lines[1]

    def _go_on(self) -> tuple[float, ...]:
        """Round → what waiting through a refusal then keeps of the gain over no deal: the
        chance the talks survive it times patience (kept while neither changes, and shared
        by the games that meet the same risks and patience)."""
        model = self.model
        risks, delta = model.breakdowns(self.track.id), model.world.patience[self.party]
        found = self._keeps
        if found is None or found[0] is not risks or found[1] != delta:
            keeps = model.rules.derive(
                ("keeps", risks, delta), lambda: tuple((1.0 - b) * delta for b in risks)
            )
            found = self._keeps = (risks, delta, keeps)
        return found[2]

    def _received_offers(self) -> tuple[float, float] | None:
        """What the other side's offers so far were worth to the party: the latest and the
        average concession per offer (None before it has offered)."""
        history, party = self.talks.history, self.party
        seen, count, first, latest = self._received
        if seen < len(history):
            for offer in history[seen:]:
                if offer.proposer != party:
                    latest = offer.worth[party]
                    if not count:
                        first = latest
                    count += 1
            self._received = (len(history), count, first, latest)
        if not count:
            return None
        return latest, max((latest - first) / (count - 1), 0.0) if count > 1 else 0.0


OPENING_CHANCE = 0.02
"""The least chance of acceptance a party's opening ask is believed to have."""

_LEVELS = 12
"""How many asks, from floor to best, a party weighs when it prices its choices."""


def _leading(
    lines: list[tuple[float, float]], x: float
) -> tuple[float, float, float, float, float]:
    """(the maximum of ``gain + keep·x`` over ``lines``; the range of ``x`` over which the
    line that gives it is surely the maximum, empty if none can be vouched for; that
    line's gain and keep).

    The asks are lines in the value ``x`` of a refusal, and the induction wants their
    maximum at one ``x`` per round; from one round to the next the best line rarely
    changes. Where it leads every other line by at least ``_MARGIN`` no rounding (below
    1e-12 while values stay within ``_REACH``) can make another come out higher, so the
    maximum over all of them is its value, bit for bit: the range is where that lead
    holds, each other line gaining on it at the difference of their slopes.
    """
    values = [gain + keep * x for gain, keep in lines]
    value = max(values)
    gain, keep = lines[values.index(value)]
    if not -_REACH <= x <= _REACH:
        return value, 1.0, 0.0, gain, keep
    lo, hi, base = -_REACH, _REACH, _MARGIN - gain
    for g, k in lines:
        # the lead (gain - g) + (keep - k)·x ≥ _MARGIN, solved for x
        if k < keep:
            t = (base + g) / (keep - k)
            if t > lo:
                lo = t
        elif k > keep:
            t = (base + g) / (keep - k)
            if t < hi:
                hi = t
        elif g != gain and g > -base:  # a near tie no range can vouch for (a twin is harmless)
            return value, 1.0, 0.0, gain, keep
    return value, lo, hi, gain, keep


_MARGIN = 1e-9
"""The lead over every other ask that rounding cannot overturn (see ``_Leader``)."""

_REACH = 1e3
"""The magnitude of utilities up to which ``_MARGIN`` is that safe (utilities are 0..1)."""

_VOUCHED_AHEAD = 8
"""Working out where a line stays the best pays only with more rounds than this left to
the plan's round: with fewer, weighing every ask costs less."""


def _meet(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Whether two ranges share a value."""
    return max(a[0], b[0]) <= min(a[1], b[1])


def _inside(wanted: tuple[float, float], kept: tuple[float, float]) -> tuple[float, float]:
    """``wanted`` narrowed to ``kept``; where the two do not meet, the end of ``kept``
    nearest to ``wanted``: as far toward it as the party's own limits go."""
    if _meet(wanted, kept):
        return max(wanted[0], kept[0]), min(wanted[1], kept[1])
    end = kept[0] if wanted[1] < kept[0] else kept[1]
    return end, end


@lru_cache(maxsize=4096)
def _ladder(floor: float, best: float) -> tuple[float, ...]:
    """``_LEVELS`` asks from ``floor`` to ``best`` (all at the floor if best is below it).

    Cached: the games of a batch meet the same floors and bests, and the belief's
    acceptance tables are then looked up by the very same tuple."""
    top = max(best, floor)
    return tuple(floor + (top - floor) * m / (_LEVELS - 1) for m in range(_LEVELS))
