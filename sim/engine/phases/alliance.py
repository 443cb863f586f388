"""Japan–Korea coordination: consultation, joint floors, the parity pact and precedent.

The commentary's argument is that Tokyo and Seoul do better facing Washington when they
"quietly consult on their respective bottom lines, to avoid one government taking a 'bad'
deal with the US that sets a negative precedent for the other", and when they pool
purchases "to increase deal size and leverage". Here that is mechanics, not outcome:

- *Sharing bottom lines* moves each ally toward the **joint floor** (on each paired issue
  the stricter of their two limits) as far as it trusts its partner. An AI ally never
  crosses its limits, so it holds what it took.
- A *parity pact* is public and binds the whole floor (breaking it costs trust, sentiment
  and ``defection_cost`` of utility) and turns a partner's closed deal into a floor for
  the other ally rather than a ceiling; the US, knowing it, offers inside it. Its terms
  become known when an ally first cites it, refusing an ask that crosses them.
- A *joint purchase* changes numbers both US tracks see (effects in the scenario).
- *Precedent*: when one US track closes, the common counterpart's demands on the other
  track move toward the closed terms (``precedent.pull``); a pact blunts that pull.

Every option needs trust at or above its threshold; each round of agreement builds trust.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.engine.utility import EPS, Limits

if TYPE_CHECKING:
    from sim.engine.model import NegotiationModel
    from sim.engine.rules import Rules, TrackRules
    from sim.engine.talks import Offer
    from sim.scenario.politics import ConsultKind

OPTIONS: tuple[ConsultKind, ...] = ("share_bottom_lines", "parity_pact", "joint_purchase")


class Channel:
    """The consultation channel during one game: what the allies have agreed so far."""

    def __init__(self, model: NegotiationModel) -> None:
        self.model = model
        self.config = model.rules.scenario.consultation
        track = next(t for t in model.rules.scenario.tracks if t.id == self.config.channel)
        self.allies: tuple[str, str] = track.parties
        self.pairs, self.paired = model.rules.derive(("allied pairs", self.allies), self._pairs)
        """Each pair of paired issues that lie on the two allies' US tracks, as (ally,
        track, issue) of each, and those issues: what the joint floor and the pact are
        about (the same in every game of the scenario, so the rules keep them)."""
        self.agreed: set[str] = set()
        """Options in force: ``share_bottom_lines``, ``parity_pact``, ``joint_purchase``."""
        self.ever: set[str] = set()
        """Options agreed at some point of the game, in force or not."""
        self.offers: dict[str, dict[str, bool]] = {
            a: {} if a in model.humans else dict(model.rules.consult_answers[a])
            for a in self.allies
        }
        """Each ally's answer per option: a human's standing answer, an AI's policy."""
        self.before_pact: dict[tuple[str, str], Limits] = {}
        """(ally, track) → its limits before the pact bound them."""
        self.cited = False
        """Whether an ally has cited the pact in force, making its terms known to the US."""
        self.floor_held = 0.0
        """How far toward the joint floor the allies hold their limits, 0 to 1 (it stays
        once bottom lines are known)."""
        self.options = [
            (option, settings.trust - EPS)
            for option in OPTIONS
            if (settings := getattr(self.config, option)) is not None and settings.enabled
        ]
        """The options on offer in this scenario, each with the trust it needs."""

    def _pairs(self) -> tuple[tuple, frozenset[str]]:
        rules = self.model.rules

        def seat(issue: str) -> tuple[str, str, str]:
            track = rules.track[rules.issue_track[issue]]
            return next((p for p in track.parties if p in self.allies), ""), track.id, issue

        every = (tuple(map(seat, pair)) for pair in rules.scenario.precedent.pairs)
        pairs = tuple(s for s in every if {ally for ally, _, _ in s} == set(self.allies))
        return pairs, frozenset(issue for seats in pairs for _, _, issue in seats)

    def willing(self, party: str, option: str) -> bool:
        """Whether an ally agrees to an option this round."""
        return self.offers[party].get(option, False)

    def consult(self) -> None:
        """Phase 2: agree, renew or let lapse each option by trust and willingness."""
        if not self.config.enabled:
            return
        world, agreed = self.model.world, self.agreed
        first, second = self.offers.values()
        renewed = False
        for option, trust_needed in self.options:
            if not (
                world.trust >= trust_needed
                and first.get(option, False)
                and second.get(option, False)
            ):
                if option == "parity_pact" and option in agreed:
                    self._end_pact("lapsed")
                continue
            if option not in agreed:
                agreed.add(option)
                self.ever.add(option)
                self.model.record("consultation", option, "agreed")
                self._take_effect(option)
            renewed = True
        if renewed:
            world.build_trust(self.config.trust_gain, self.config.sentiment_gain)

    def _take_effect(self, option: str) -> None:
        if option == "parity_pact":
            self._bind()
        if option in ("share_bottom_lines", "parity_pact"):
            # Shared bottom lines are weighed by how far each trusts the other's word; a
            # pact commits both to the whole joint floor.
            held = self.model.world.trust if option == "share_bottom_lines" else 1.0
            if held > self.floor_held + EPS:
                self._hold_joint_floor(held)
                self.floor_held = held
        if option == "parity_pact":
            for talks in self.model.talks.values():
                if talks.status == "agreed":
                    _hold_partner_terms(self.model, talks.deal)
        elif option == "joint_purchase":
            for effect in self.config.joint_purchase.effects:
                self.model.world.apply(effect)

    def _hold_joint_floor(self, held: float) -> None:
        """Each ally moves its limit on each paired issue the share ``held`` of the way to
        the intersection of both allies' limits.

        The result depends only on the limits going in (in most games of a batch, the
        scenario's own) and ``held``, so the rules keep it: later games skip the work and
        share the tightened limits, with what those have learnt about packages.
        """
        world, rules = self.model.world, self.model.rules
        key = ("joint floor", self.allies, held, tuple(world.limits.values()))
        joint = rules.derive(key, lambda: self._joint_limits(world.limits, held))
        for (party, track), limits in joint.items():
            if limits is not world.limits[(party, track)]:
                world.tighten(party, track, limits)

    def _joint_limits(self, limits: dict[tuple[str, str], Limits], held: float) -> dict:
        """(party, track) → limits, moved ``held`` of the way to the joint floor on every
        paired issue (on the issue's grid, on the side of the ally's own limit)."""
        rules, limits = self.model.rules, dict(limits)
        for seats in self.pairs:
            bounds = [limits[(ally, track)].bounds[rules.position(i)] for ally, track, i in seats]
            lo, hi = max(b[0] for b in bounds), min(b[1] for b in bounds)
            if lo > hi + EPS:
                continue
            for ally, track, issue in seats:
                seat = (ally, track)
                pos, space = rules.position(issue), rules.spaces[issue]
                own_lo, own_hi = limits[seat].bounds[pos]
                moved_lo = space.snap(own_lo + held * (lo - own_lo), own_lo)
                moved_hi = space.snap(own_hi - held * (own_hi - hi), own_hi)
                limits[seat] = _with_bounds(rules, limits[seat], pos, moved_lo, moved_hi)
        return limits

    def cite(self, track: TrackRules, ally: str, lines: tuple[int, ...]) -> None:
        """``ally`` refused an ask that crosses its limits at ``lines``: if one of them is a
        paired issue and a public pact binds, the ally cites the pact, and its terms — the
        joint floor on every paired issue, at both tables — become known to the US.

        A commitment binds only as far as the other side knows it (Schelling 1960), and it
        is made known where it bites: when Washington first asks past it. Once cited, the
        terms stay known while the pact holds."""
        if self.cited or "parity_pact" not in self.agreed or ally not in self.allies:
            return
        if self.config.parity_pact.public and any(track.issue_ids[p] in self.paired for p in lines):
            self.cited = True
            self._announce()

    def _announce(self) -> None:
        """Make each ally's limit on each open paired issue public (``_publish``)."""
        model, rules = self.model, self.model.rules
        for seats in self.pairs:
            for ally, track, issue in seats:
                if not model.talks[track].open:
                    continue
                pos = rules.position(issue)
                _publish(model, rules.track[track], ally, pos)
                lo, hi = model.world.limits[(ally, track)].bounds[pos]
                model.record("consultation", issue, f"announced {lo:g}..{hi:g}", ally)

    def _bind(self) -> None:
        """Keep each ally's limits on its US tracks from before the pact (its share of the
        joint floor as it trusted, not yet the whole), to restore them when it ends."""
        limits = self.model.world.limits
        for track in self.model.rules.tracks:
            for ally in self.allies:
                if ally in track.parties:
                    self.before_pact[(ally, track.id)] = limits[(ally, track.id)]

    def _end_pact(self, how: str) -> None:
        """The pact lapses or is broken: the partner's terms stop binding, the allies' own
        limits return (the joint floor of shared bottom lines stays: what is known stays known)."""
        self.agreed.discard("parity_pact")
        self.cited = False
        for (ally, track), limits in self.before_pact.items():
            self.model.world.tighten(ally, track, limits)
            counterpart = self.model.countries[self.model.rules.track[track].other(ally)]
            if not counterpart.human:
                counterpart.seats[track].forget_public_limits()
        self.before_pact.clear()
        self.model.record("consultation", "parity_pact", how)

    def unbound(self, party: str, track: str) -> Limits | None:
        """An ally's limits on a track as they were before the parity pact bound them; None
        when no pact binds it there."""
        if "parity_pact" not in self.agreed:
            return None
        return self.before_pact.get((party, track))

    def defects(self, party: str, offer: Offer) -> bool:
        """Whether accepting ``offer`` breaks the parity pact (terms worse than the partner
        got, or past the joint floor, on paired issues); if so, trust and sentiment pay for
        it, and the ally gives up ``defection_cost`` of utility on the track."""
        if "parity_pact" not in self.agreed or party not in self.allies:
            return False
        world = self.model.world
        if world.limits[(party, offer.track)].allow(offer.package):
            return False
        world.lose_trust(self.config.defection_trust, self.config.defection_sentiment)
        world.pay(party, offer.track, self.config.defection_cost)
        self._end_pact(f"broken by {party}")
        return True


def apply_precedent(model: NegotiationModel, offer: Offer) -> None:
    """Phase 6: a closed deal sets what the common counterpart expects on the paired track.

    The counterpart (the US) now expects the other ally to sign terms like the ones just
    closed: on each open paired track its belief of what it can attain moves toward what
    the deal it expected there would be worth with the closed terms on the paired issues, the
    more firmly the greater ``precedent.pull`` — a bad first deal makes it ask more of the
    second ally, a good one less. With a parity pact the pull is blunted
    (``pact_blunting``), and the partner ally takes the closed terms as its own floor: it
    will not accept less than its partner got.
    """
    config = model.rules.scenario.precedent
    pact = model.channel is not None and "parity_pact" in model.channel.agreed
    pull = config.pull * (1.0 - config.pact_blunting) if pact else config.pull
    closed = model.rules.track[offer.track]
    terms: dict[str, dict[int, float]] = {}
    for track, pos, _, value in _paired_terms(model, offer):
        terms.setdefault(track.id, {})[pos] = value
    if pact:
        _hold_partner_terms(model, offer)
    for track_id, closed_terms in terms.items():
        track = model.rules.track[track_id]
        counterpart = next(p for p in track.parties if p in closed.parties)
        _expect(model, counterpart, track_id, closed_terms, pull)
        if not model.countries[counterpart].human:
            for pos, value in closed_terms.items():
                _hold(model, counterpart, track_id, pos, track.issue_ids[pos], value, pull)


def _paired_terms(model: NegotiationModel, offer: Offer):
    """(open track, position, issue, closed value) for each issue paired with one of the
    closed deal's."""
    closed = model.rules.track[offer.track]
    values = dict(zip(closed.issue_ids, offer.package, strict=True))
    for pair in model.rules.scenario.precedent.pairs:
        if not any(i in values for i in pair):
            continue
        source, target = pair if pair[0] in values else pair[::-1]
        track = model.rules.track[model.rules.issue_track[target]]
        if model.talks[track.id].open:
            yield track, model.rules.position(target), target, values[source]


def _hold_partner_terms(model: NegotiationModel, offer: Offer) -> None:
    """Under a pact, the other ally takes a closed deal's terms as its floor on the paired
    issues, and the US, knowing the pact, offers inside it."""
    closed = model.rules.track[offer.track]
    for track, pos, issue, value in _paired_terms(model, offer):
        ally = next(p for p in track.parties if p not in closed.parties)
        _hold(model, ally, track.id, pos, issue, value)
        _publish(model, track, ally, pos)


def _expect(model: NegotiationModel, party: str, track: str, terms: dict, pull: float) -> None:
    """``party`` (an AI) now expects a deal on ``track`` like the one it expected there,
    with ``terms`` (position → value) on the paired issues: evidence of weight ``pull``."""
    agent = model.countries[party]
    seat = agent.seats[track]
    if agent.human or pull <= 0:
        return
    seat.grid()  # places the belief at the party's current floor and best
    like = list(seat.path.package(seat.belief.expected()))
    for pos, value in terms.items():
        space = seat.track.spaces[pos]
        like[pos] = min(max(value, space.lo), space.hi)
    worth = seat.valuation(tuple(like))
    seat.belief.expect(worth, pull)
    model.record("precedent", track, f"{party} now expects about {worth:.2f}", party)


def parity_gap(model: NegotiationModel, party: str, track: str, package: tuple) -> float:
    """How much better (by ``party``'s own values) its partner's closed deal is on paired issues.

    0 when there is no closed partner deal or the party did at least as well.
    """
    rules = model.rules
    gap = 0.0
    for pair in rules.scenario.precedent.pairs:
        tracks = [rules.issue_track[i] for i in pair]
        if track not in tracks:
            continue
        mine, theirs = pair if tracks[0] == track else pair[::-1]
        other = model.talks[rules.issue_track[theirs]]
        if other.status != "agreed":
            continue
        w, value = model.world.valuation(party, track).terms[rules.position(mine)]
        if not w:
            continue
        space = rules.spaces[mine]
        partner_term = min(max(other.deal.package[rules.position(theirs)], space.lo), space.hi)
        gap += w * (value(partner_term) - value(package[rules.position(mine)]))
    return max(gap, 0.0)


def _hold(
    model, party: str, track: str, pos: int, issue: str, term: float, share: float = 1.0
) -> None:
    """Move ``party``'s limit on an issue ``share`` of the way to ``term`` where that is
    better for it. Under a parity pact an ally goes all the way: it takes no worse than its
    partner got. After a first deal the counterpart goes ``π`` of the way: conceding more
    to the second ally than the first got would cost it at home and with the first."""
    direction = model.rules.direction(party, issue)
    space = model.rules.spaces[issue]
    limits = model.world.limits[(party, track)]
    lo, hi = limits.bounds[pos]
    # On the grid, toward the old limit, and never past it (a limit may be off the grid)
    if direction > 0 and term > lo:
        lo = max(lo, min(space.snap(lo + share * (term - lo), lo), hi))
    elif direction < 0 and term < hi:
        hi = min(hi, max(space.snap(hi - share * (hi - term), hi), lo))
    tightened = _with_bounds(model.rules, limits, pos, lo, hi)
    if tightened is not limits:  # a share too small for one step of the grid moves nothing
        model.world.tighten(party, track, tightened)
        model.record("precedent", issue, f"{party} now holds {lo:g}..{hi:g}")


def _publish(model: NegotiationModel, track: TrackRules, ally: str, pos: int) -> None:
    """The pact is public, and so is the floor it gives the ally on a paired issue: an AI
    counterpart keeps its offers inside it instead of learning it from refusals."""
    counterpart = model.countries[track.other(ally)]
    if not counterpart.human:
        lo, hi = model.world.limits[(ally, track.id)].bounds[pos]
        counterpart.seats[track.id].knows_limit(pos, lo, hi)


def _with_bounds(rules: Rules, limits: Limits, pos: int, lo: float, hi: float) -> Limits:
    """``limits`` with the range at ``pos`` replaced (the same object if it is unchanged)."""
    if limits.bounds[pos] == (lo, hi):
        return limits
    bounds = list(limits.bounds)
    bounds[pos] = (lo, hi)
    return rules.shared(Limits(tuple(bounds), limits.refused))
