"""The negotiation as a Mesa model: one step is one round (docs/mechanics.md, "A round").

A round runs its phases in order: *events* (scheduled and random events change the
world), *consultation* (the Japan–Korea channel), *signals* (threats, tied hands, outside
options), *offers* (on each open track the round's proposer puts a package on the table
and the responder accepts, rejects — possibly announcing a counter-offer — or walks
away; proposers alternate; each AI party learns from what it saw, and a refusal may end
the talks), *ratification* (an accepted package becomes the deal if both publics approve),
*precedent* (a deal weighs on the paired track) and *collect* (the DataCollector records
the round). After the deadline, open tracks end without a deal and their escalations hold.

The game is written as a generator that yields a ``DecisionRequest`` wherever a human
party must decide, so the same code serves AI-only batch runs, the terminal UI and
tests: ``step()`` plays a round (stopping early at a human decision), ``advance()``
plays on until a human must decide, ``submit()`` answers the pending request. All
randomness comes from the model's seeded ``self.random``: the game's set-up draws from it
directly, and what happens during play from streams derived from it (``draws``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import mesa
from pydantic import ValidationError

from sim.engine.agents import CountryAgent
from sim.engine.collection import RoundCollector
from sim.engine.draws import Draws
from sim.engine.moves import DecisionRequest, Intervention, InvalidMove, Move, package_problem
from sim.engine.phases.alliance import OPTIONS, Channel, apply_precedent
from sim.engine.phases.ratification import ratify
from sim.engine.phases.signals import SignalBoard
from sim.engine.rules import Rules, TrackRules
from sim.engine.talks import Offer, Talks
from sim.engine.world import World
from sim.scenario.effects import Effect
from sim.scenario.models import MAX_ROUNDS, Event, Scenario
from sim.scenario.references import effect_problem
from sim.scenario.text import control_problem

_ROUND_DONE = object()


class NegotiationModel(mesa.Model):
    """A game of trilateral: a scenario, a seed, and the moves of its human parties."""

    def __init__(
        self,
        scenario: Scenario | Rules,
        seed: int | None = None,
        humans: Iterable[str] = (),
        collect: bool = True,
    ) -> None:
        super().__init__(seed=seed)
        self.seed = seed
        self.rules = scenario if isinstance(scenario, Rules) else Rules(scenario)
        scenario = self.rules.scenario
        humans = frozenset(humans)
        unknown = humans - set(self.rules.party_ids)
        if unknown:
            raise ValueError(
                f"unknown party {sorted(unknown)[0]!r} (parties: {', '.join(self.rules.party_ids)})"
            )
        self.humans = humans
        self.world = World(self.rules)
        self.rooms = self.rules.draw_rooms(self.random)
        """Party → the level of ``ROOMS`` its bottom lines were drawn at for this game."""
        for party, room in self.rooms.items():
            self.world.give_room(party, room)
        self.round = 0
        self.rounds = scenario.rounds
        self.talks = {t.id: Talks(t, t.opener) for t in self.rules.tracks}
        self.channel = Channel(self) if scenario.consultation is not None else None
        self.countries = {p.id: CountryAgent(self, p, p.id in humans) for p in scenario.parties}
        self.draws = Draws(self.random)
        """The streams events, breakdowns, threats and votes draw from (sim/engine/draws.py);
        made after the set-up's own draws."""
        # Mesa 3.3 numbers agents with a counter per model kept in a class-level dict that
        # holds the model strongly: every game would stay in memory for good. No agent is
        # created after this point, so the counter can go.
        mesa.Agent._ids.pop(self, None)
        self._log_entries: list[tuple | Intervention] = []
        self._readable_log: list[Move | Intervention] = []
        """The first entries of ``_log_entries`` as ``log`` gives them, decoded once: the
        class server reads the log several times for every move (each view's history)."""
        self.news: list[tuple[int, Event]] = []
        self._fired: set[str] = set()
        self.pending: DecisionRequest | None = None
        self.accepted: dict[str, Offer] = {}
        """Track → the package accepted there this round, which the publics vote on when
        the round's bargaining is done (phase 5)."""
        self.finished = False
        self.collecting = collect
        self.signals = SignalBoard(self)
        self._breakdowns: dict[str, tuple[tuple, tuple[float, ...]]] = {}
        self.datacollector = RoundCollector(
            model_reporters=self.rules.reporters(self.channel is not None),
            tables={
                "offers": ["round", "track", "proposer", "package", "response"],
                "events": ["round", "event", "news"],
                "politics": ["round", "phase", "party", "subject", "outcome"],
            },
        )
        if collect:
            self.datacollector.collect(self)
        self._game = self._play()

    # -- driving the game -------------------------------------------------------------

    def step(self) -> None:
        """Play one round, or up to the next human decision within it."""
        if self.pending is None and not self.finished:
            self._resume(None, until_round_end=True)

    def advance(self) -> DecisionRequest | None:
        """Play on until a human party must decide (returned) or the game is over (None)."""
        while self.pending is None and not self.finished:
            self._resume(None, until_round_end=False)
        return self.pending

    def run(self) -> None:
        """Play an all-AI game to the end."""
        if self.advance() is not None:
            raise RuntimeError("a human party must decide: use advance() and submit()")

    def close(self) -> None:
        """Let a finished game be freed as soon as it is dropped.

        A game's parts point back at the model — Mesa's agents and its step wrapper, the
        seats, the consultation channel, the signal board — so a dropped game is garbage
        that only Python's cycle collector finds, and in a batch of many games that
        collector costs about a tenth of the run time. ``close`` cuts those references:
        the results (world, talks, data collector, news, log) stay readable, but the
        game can no longer be played.
        """
        self._game.close()
        self.finished = True
        self.pending = None
        for wrapper in ("step", "_user_step"):  # Mesa's step wrapper: bound to the model
            self.__dict__.pop(wrapper, None)
        for country in self.countries.values():
            country.model = None
            for seat in country.seats.values():
                seat.model = None
        if self.channel is not None:
            self.channel.model = None
        self.signals.model = None

    def submit(self, move: Move) -> DecisionRequest | None:
        """Answer the pending decision and play on to the next one (or the end).

        A ``signal`` or ``consult`` move from a human party is carried out at once and
        leaves the pending decision open (it returns that same request).

        Raises:
            InvalidMove: the move does not answer the pending request or its package is
                not valid; nothing changed.
        """
        request = self.pending
        if request is None:
            raise InvalidMove("no decision is pending" if not self.finished else "the game is over")
        if move.kind in ("signal", "consult"):
            reason = self._side_problem(move)
            if reason:
                raise InvalidMove(reason)
            self._side_move(move)
            return request
        reason = self._problem(request, move)
        if reason:
            raise InvalidMove(reason)
        self.pending = None
        self._resume(move, until_round_end=False)
        return self.advance()

    def stand_in(self) -> Move:
        """The move the pending human party's AI policy would make for the pending decision
        (``CountryAgent.stand_in``), for a team whose time is up. It changes nothing, so
        submitting it plays on as any human move does, and replay repeats it from the log.

        Raises:
            InvalidMove: no decision is pending.
            ValueError: the party's AI policy cannot play this track (``Rules.unplayable``).
        """
        request = self.pending
        if request is None:
            raise InvalidMove("no decision is pending" if not self.finished else "the game is over")
        track = self.rules.track[request.track]
        kind, package = self.countries[request.party].stand_in(
            self.talks[request.track], request.kind
        )
        readable = None if package is None else track.decode(package)
        return Move(request.party, request.track, kind, readable, request.round)

    def _resume(self, move: Move | None, until_round_end: bool) -> None:
        while True:
            try:
                item = self._game.send(move)
            except StopIteration:
                self.finished = True
                self.running = False
                return
            move = None
            if isinstance(item, DecisionRequest):
                self.pending = item
                return
            if until_round_end:
                return

    # -- the rounds -------------------------------------------------------------------

    def _play(self) -> Iterator:
        while self.round < self.rounds and any(t.open for t in self.talks.values()):
            self.round += 1
            self._fire_events()
            if self.channel is not None:
                self.channel.consult()
            self.signals.play()
            accepted = self.accepted
            for talks in self.talks.values():
                if talks.open:
                    offer = yield from self._bargain(talks)
                    if offer is not None:
                        accepted[talks.track.id] = offer
            ratified = [o for t, o in accepted.items() if self._ratify(self.talks[t], o)]
            accepted.clear()
            for offer in ratified:
                apply_precedent(self, offer)
            if self.collecting:
                self.datacollector.collect(self)
            yield _ROUND_DONE
        for talks in self.talks.values():
            if talks.open:
                talks.close("no-deal", self.round)
        self.signals.settle_audience_costs()

    def record(self, phase: str, subject: str, outcome: str, party: str | None = None) -> None:
        """Note what consultation, signals, ratification or precedent did this round."""
        if self.collecting:
            self.datacollector.add_row("politics", self.round, phase, party, subject, outcome)

    def _fire_events(self) -> None:
        fired, draws = self._fired, self.draws
        for event, chance, recurs in self.rules.events_in(self.round):
            if chance is None or (
                (recurs or event.id not in fired) and draws(f"event:{event.id}").random() < chance
            ):
                self._fire(event)

    def _fire(self, event: Event) -> None:
        self._fired.add(event.id)
        for effect in event.effects:
            self.world.apply(effect)
        self.news.append((self.round, event))
        if self.collecting:
            self.datacollector.add_row("events", self.round, event.id, event.news)

    def _bargain(self, talks: Talks) -> Iterator:
        """One exchange on a track: a proposal, then the answer; returns an accepted offer.

        The AI parties learn from the offer as it carries itself (its worth to each side,
        worked out once as it is made), and a refusal's risk is read off the track's table
        of risks (``breakdowns``), which the parties' pricing keeps at hand anyway."""
        track, humans, countries = talks.track, self.humans, self.countries
        proposer, responder = talks.proposer, talks.responder
        package = talks.counters.pop(proposer, None)
        if package is None:
            if proposer in humans:
                move = yield self._request(talks, proposer, "propose")
                package = None if move.kind == "walk" else track.encode(move.package)
            else:
                package = countries[proposer].propose(talks)
                self._log(talks, proposer, "walk" if package is None else "propose", package)
            if package is None:
                talks.close("walked", self.round)
                return None
        offer = self._offer(talks, proposer, package)
        if responder in humans:
            move = yield self._request(talks, responder, "respond")
            answer = move.kind
            if move.kind == "reject" and move.package is not None:
                talks.counters[responder] = track.encode(move.package)
        else:
            country = countries[responder]
            country.saw_offer(offer)
            answer = country.respond(talks, package, offer.worth[responder])
            self._log(talks, responder, answer, None)
        if self.collecting:
            self.datacollector.add_row("offers", self.round, track.id, proposer, package, answer)
        talks.proposer = responder
        if answer == "accept":
            return offer
        if answer == "walk":
            talks.close("walked", self.round)
            return None
        lines = self.world.limits[(responder, track.id)].crossed(package)
        if proposer not in humans:
            countries[proposer].saw_refusal(offer, lines)
        elif lines:
            talks.red_lines.append((offer, lines))
        if lines and self.channel is not None:
            self.channel.cite(track, responder, lines)
        risk = self.breakdowns(track.id)[self.round]  # ``breakdown(track.id, self.round)``
        if risk and self.draws(f"breakdown:{track.id}").random() < risk:
            talks.close("broke-down", self.round)
        return None

    def breakdown(self, track: str, round_: int) -> float:
        """The chance that talks on ``track`` collapse if a proposal in ``round_`` is refused:
        the scenario's ``bargaining.breakdown``, plus its ``threat_breakdown`` for each
        threat on the track falling due in that round (public, so every party can price it)."""
        settings = self.rules.scenario.bargaining
        risk = settings.breakdown
        if settings.threat_breakdown:
            for pending in self.signals.threats:
                if pending.due == round_ and pending.threat.track == track:
                    risk += settings.threat_breakdown
        return min(risk, 1.0)

    def breakdowns(self, track: str) -> tuple[float, ...]:
        """``breakdown(track, r)`` for every round ``r`` from 0 to one past the deadline.

        A party pricing its asks reads the risk of every round left (``Seat.plan``), several
        times a round: the table is kept while the deadline and the threats pending on
        the track stay the same, the only things the risk depends on (the threats only
        if they add to it).
        """
        key: tuple = (self.rounds,)
        threats = self.signals.threats
        if threats and self.rules.scenario.bargaining.threat_breakdown:
            key += tuple([p.due for p in threats if p.threat.track == track])
        found = self._breakdowns.get(track)
        if found is None or found[0] != key:
            # The games of a batch meet the same deadlines and threats: they share tables.
            table = self.rules.derive(("breakdowns", track, key), lambda: self._risks(key))
            found = self._breakdowns[track] = (key, table)
        return found[1]

    def _risks(self, key: tuple) -> tuple[float, ...]:
        """``breakdowns`` for a deadline and the rounds the track's pending threats fall
        due in (``key``), summed as ``breakdown`` sums them."""
        settings = self.rules.scenario.bargaining
        rounds, dues = key[0], key[1:]
        table = []
        for r in range(rounds + 2):
            risk = settings.breakdown
            for due in dues:
                if due == r:
                    risk += settings.threat_breakdown
            table.append(min(risk, 1.0))
        return tuple(table)

    def _ratify(self, talks: Talks, offer: Offer) -> bool:
        """An accepted package becomes the deal if both publics ratify it; else talks reopen."""
        rejected = ratify(self, offer)
        if not rejected:
            if self.channel is not None:  # a deal that takes effect may break the pact
                for party in talks.track.parties:
                    self.channel.defects(party, offer)
            talks.close("agreed", self.round, offer)
            return True
        talks.on_table = None
        talks.failed_votes += 1
        # The other side's public would not take these terms: to an AI party whose own
        # public passed them, that is a refusal of the package, and it learns from it.
        for party in talks.track.parties:
            if party not in rejected and party not in self.humans:
                self.countries[party].saw_refusal(offer, ())
        return False

    def _offer(self, talks: Talks, proposer: str, package: tuple[float, ...]) -> Offer:
        world, track = self.world, talks.track.id
        first, second = talks.track.parties
        worth = {
            first: world.valuation(first, track)(package),
            second: world.valuation(second, track)(package),
        }
        offer = Offer(self.round, track, proposer, package, worth)
        talks.on_table = offer
        talks.history.append(offer)
        return offer

    def _log(self, talks: Talks, party: str, kind: str, package) -> None:
        self._log_entries.append((party, talks.track.id, kind, package, self.round))

    @property
    def log(self) -> list[Move | Intervention]:
        """Every move, AI and human, and every intervention, in order: the game's log."""
        readable = self._readable_log
        if len(readable) < len(self._log_entries):  # entries are only ever appended
            tracks = self.rules.track
            readable += [
                entry
                if isinstance(entry, Intervention)
                else Move(entry[0], entry[1], entry[2], _readable(tracks, entry), entry[4])
                for entry in self._log_entries[len(readable) :]
            ]
        return list(readable)

    @property
    def moves(self) -> list[Move]:
        """Every move so far, AI and human, in order."""
        return [entry for entry in self.log if isinstance(entry, Move)]

    # -- the facilitator --------------------------------------------------------------

    def intervene(self, act: Intervention) -> None:
        """Carry out a facilitator's intervention now, between decisions.

        Raises:
            InvalidMove: the intervention is not possible or not valid; nothing changed.
        """
        reason = self._intervention_problem(act)
        if reason:
            raise InvalidMove(reason)
        if act.kind == "fire":
            self._fire(next(e for e in self.rules.scenario.events if e.id == act.event))
        elif act.kind == "custom":
            event = Event(
                id="custom",
                name="Facilitator's event",
                news=act.news,
                round=self.round or 1,
                effects=[Effect(**e) for e in act.effects],
            )
            self._fire(event)
        else:
            self.rounds += act.rounds
        self._log_entries.append(
            Intervention(act.kind, act.event, act.news, tuple(act.effects), act.rounds, self.round)
        )

    def _intervention_problem(self, act: Intervention) -> str | None:
        if self.finished:
            return "the game is over"
        if act.kind == "fire":
            known = [e.id for e in self.rules.scenario.events]
            if act.event not in known:
                return f"unknown event {act.event!r} (events: {', '.join(known)})"
        elif act.kind == "custom":
            return self._custom_problem(act)
        elif act.kind == "extend":
            if not 1 <= act.rounds <= 100:
                return "extend the deadline by 1 to 100 rounds"
            if self.rounds + act.rounds > MAX_ROUNDS:
                return f"the deadline is round {self.rounds}; it cannot pass round {MAX_ROUNDS}"
        else:
            return f"unknown intervention {act.kind!r}: fire, custom or extend"
        return None

    def _custom_problem(self, act: Intervention) -> str | None:
        """Why a custom event cannot fire: no news, or an effect that is not valid here."""
        if not (act.news or "").strip():
            return "a custom event needs a line of news"
        unplain = control_problem(act.news)
        if unplain:
            return f"the news {unplain}"
        for effect in act.effects:
            try:
                parsed = Effect(**effect)
            except (TypeError, ValidationError) as error:
                return f"bad effect {effect!r}: {_first_message(error)}"
            problem = effect_problem(parsed, self.rules.scenario)
            if problem:
                return problem
        return None

    # -- human decisions --------------------------------------------------------------

    def _request(self, talks: Talks, party: str, kind: str) -> DecisionRequest:
        on_table = None
        allowed = ("propose", "walk")
        if kind == "respond":
            on_table = talks.track.decode(talks.on_table.package)
            allowed = ("accept", "reject", "walk")
        return DecisionRequest(party, talks.track.id, kind, self.round, on_table, allowed)

    def _problem(self, request: DecisionRequest, move: Move) -> str | None:
        """Why a move does not answer the request, or None; a valid move is logged."""
        if move.party != request.party or move.track != request.track:
            return f"it is {request.party}'s turn on {request.track}"
        if move.kind not in request.allowed:
            return f"{move.kind} is not possible now: {' / '.join(request.allowed)}"
        if move.round and move.round != request.round:
            return f"the move is for round {move.round}, but this is round {request.round}"
        needs_package = move.kind == "propose"
        if needs_package and move.package is None:
            return "a proposal needs a package"
        if move.package is not None:
            if move.kind not in ("propose", "reject"):
                return f"{move.kind} takes no package"
            problem = package_problem(self.rules.track[request.track], move.package)
            if problem:
                return problem
        track = self.rules.track[move.track]
        package = None if move.package is None else track.encode(move.package)
        self._log_entries.append((move.party, move.track, move.kind, package, request.round))
        return None

    def _side_problem(self, move: Move) -> str | None:
        """Why a signal or consultation move cannot be made now, or None."""
        if move.party not in self.humans:
            return f"{move.party} is not played by a human"
        if move.round and move.round != self.round:
            return f"the move is for round {move.round}, but this is round {self.round}"
        package = move.package or {}
        if move.kind == "signal":
            key = (package.get("signal"), package.get("id"))
            usable = {(kind, ident) for kind, ident, _ in self.signals.available(move.party)}
            if key not in usable:
                names = ", ".join(f"{k}:{i}" for k, i in sorted(usable)) or "none"
                return f"no such signal available now: {key[0]}:{key[1]} (available: {names})"
            return None
        if self.channel is None or move.party not in self.channel.allies:
            return f"{move.party} has no consultation channel"
        if package.get("option") not in OPTIONS or not isinstance(package.get("agree"), bool):
            return (
                f"a consultation move is {{'option': one of {', '.join(OPTIONS)}, 'agree': bool}}"
            )
        return None

    def _side_move(self, move: Move) -> None:
        package = move.package
        if move.kind == "signal":
            self.signals.send(move.party, package["signal"], package["id"])
        else:
            self.channel.offers[move.party][package["option"]] = package["agree"]
        self._log_entries.append((move.party, move.track, move.kind, dict(package), self.round))


def _readable(tracks: dict[str, TrackRules], entry: tuple) -> dict | None:
    """A logged package as people write it (side moves are logged readable already)."""
    package = entry[3]
    if package is None or isinstance(package, dict):
        return package
    return tracks[entry[1]].decode(package)


def replay(
    scenario: Scenario | Rules,
    seed: int | None,
    humans: Iterable[str],
    log: Iterable[Move | Intervention],
    collect: bool = True,
) -> NegotiationModel:
    """Rebuild a game from its scenario, seed and log.

    Human moves are submitted and interventions carried out in order; AI moves in the log
    are skipped, since the AI plays them again identically.
    """
    model = NegotiationModel(scenario, seed=seed, humans=humans, collect=collect)
    model.advance()
    for entry in log:
        if isinstance(entry, Intervention):
            model.intervene(entry)
            model.advance()
        elif entry.party in model.humans:
            model.submit(entry)
    return model


def _first_message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return f"{where}: {first['msg']}" if where else first["msg"]
    return str(error)
