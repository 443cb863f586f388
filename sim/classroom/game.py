"""One game at the classroom table: the engine's model plus autosave, resume and undo.

This layer knows nothing of Textual, so tests drive it directly and the screens stay
thin. Everything that changes the game goes through ``Game.submit``, ``Game.intervene``
or ``Game.undo``, and each of them keeps the game before it returns — writes its save
file, or, at a class server, hands it to the server's database (``keep``): a quit, a crash
or a resize can never lose a move. Undo and resume both *replay* the log (same
scenario, seed and moves ⇒ the same game), so there is no second way to rebuild a game.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from sim.classroom.saves import (
    GameSetup,
    Save,
    SaveError,
    new_save_path,
    read_save,
    timestamp,
    write_save,
)
from sim.engine.model import NegotiationModel, replay
from sim.engine.moves import DecisionRequest, Intervention, InvalidMove, Move, entry_from_dict
from sim.engine.rules import Rules
from sim.engine.strategies import spec_problem
from sim.engine.utility import Limits
from sim.scenario.loading import ScenarioError, load_scenario
from sim.scenario.models import Scenario

SIDE_MOVES = frozenset({"signal", "consult"})
"""Moves a team makes beside its decision: they take effect at once, where the team sees it."""


@dataclass(frozen=True, slots=True)
class Standing:
    """Where a team stood when it moved: its own numbers on each of its tracks, and how
    many politics notes and news items the game had. The round summary compares the game
    with it (``sim.classroom.summary``)."""

    notes: int
    news: int
    floors: dict[str, float]
    """Track → the team's reservation utility."""
    limits: dict[str, Limits]
    """Track → the team's bottom lines as they stood."""
    no_deal: dict[str, tuple[float, ...]]
    """Track → the package no deal means."""
    worth: dict[str, float]
    """Track → what no deal was worth to the team."""

    @classmethod
    def of(cls, model: NegotiationModel, party: str) -> Standing:
        """The team's standing in ``model`` as it is now."""
        world = model.world
        tracks = [t for t in model.rules.tracks if party in t.parties]
        return cls(
            len(model.datacollector.tables["politics"]["round"]),
            len(model.news),
            {t.id: world.reservation[party][t.id] for t in tracks},
            {t.id: world.limits[(party, t.id)] for t in tracks},
            {t.id: world.no_deal(t) for t in tracks},
            {t.id: world.no_deal_utility(party, t) for t in tracks},
        )


@dataclass(frozen=True, slots=True)
class Undone:
    """What an undo takes back: a team's move, and how many later entries go with it.

    Attributes:
        move: The human move taken back.
        dropped: How many entries logged after it go too.
        others: The other human parties whose moves are among those entries, in the order
            they moved: in hot-seat play those teams must agree first.
    """

    move: Move
    dropped: int
    others: tuple[str, ...]


class Game:
    """A game in play: its setup, its scenario, the live model and where it is saved."""

    def __init__(
        self,
        setup: GameSetup,
        scenario: Scenario,
        log: tuple[Move | Intervention, ...] = (),
        save_path: Path | None = None,
        keep: Callable[[Game], None] | None = None,
    ) -> None:
        """Start a game, or rebuild one from its log.

        Args:
            setup: How the game is set up.
            scenario: The scenario loaded from ``setup``.
            log: The log to replay.
            save_path: The save file (a new one in the saves folder if None).
            keep: How the game is kept after each change instead of a save file (the class
                server's database); with it the game has no save file.

        Raises:
            ValueError: the setup does not fit the scenario (an unknown party, say).
            InvalidMove: the log does not fit the scenario (it was edited since).
        """
        self.setup = setup
        self.scenario = scenario
        self.rules = Rules(scenario)
        self.model: NegotiationModel = replay(self.rules, setup.seed, setup.humans, log)
        self.keep = keep
        self.save_path = None if keep is not None else save_path or new_save_path(setup)
        self.standings: dict[int, tuple[Move, Standing]] = {}
        """Log index → a team's move made here through ``submit``, and where the team stood
        (before a decision, after a side move): the round summary reads it instead of
        replaying the game up to that move for every view."""

    @classmethod
    def start(cls, setup: GameSetup, scenario: Scenario) -> Game:
        """A new game, played on to the first human decision and saved at once.

        A scenario file is saved by its absolute path, so the game resumes from any folder.

        Raises:
            ValueError: the setup does not fit the scenario (an unknown party, say).
        """
        source = Path(setup.source)
        if source.is_file():
            setup = replace(setup, source=str(source.resolve()))
        game = cls(setup, scenario)
        game.save()
        return game

    @classmethod
    def resume(cls, path: Path) -> Game:
        """Continue a saved game where it stopped.

        Raises:
            SaveError: the save cannot be read, its scenario cannot be loaded, or its moves
                no longer fit the scenario.
        """
        save = read_save(path)
        setup = save.setup
        try:
            scenario = load_scenario(setup.source, setup.overrides, spec_problem)
        except ScenarioError as error:
            # One problem, as a notice can show it; the command that lists them all is named.
            first, more = error.problems[0], len(error.problems) - 1
            rest = f" (and {more} more: trilateral validate {setup.source})" if more else ""
            raise SaveError(f"{path}: its scenario cannot be loaded: {first}{rest}") from None
        if save.fingerprint and save.fingerprint != scenario.fingerprint():
            raise SaveError(
                f"{path}: its scenario {setup.source} has changed since the game was saved, "
                "so its moves would replay into other numbers; put the scenario back as it "
                "was to resume, or start a new game"
            )
        try:
            log = tuple(entry_from_dict(entry) for entry in save.log)
            return cls(setup, scenario, log, save_path=path)
        except (InvalidMove, ValueError, TypeError) as error:
            raise SaveError(
                f"{path}: the saved moves no longer fit the scenario: {error}"
            ) from None

    # -- the state of play ----------------------------------------------------------

    @property
    def request(self) -> DecisionRequest | None:
        """The decision a human party must make now, or None when the game is over."""
        return self.model.pending

    @property
    def finished(self) -> bool:
        """Whether the deadline has passed or every track is closed."""
        return self.model.finished

    def name(self, party: str) -> str:
        """A party's name as people read it."""
        return self.model.countries[party].name

    def human_moves(self) -> list[Move]:
        """The moves people made, in order."""
        return [m for m in self.model.moves if m.party in self.model.humans]

    # -- changing the game (each call autosaves) ------------------------------------

    def submit(self, move: Move) -> None:
        """Answer the pending decision; AI parties play on to the next human decision.

        Raises:
            InvalidMove: the move was refused; nothing changed.
        """
        at, side = len(self.model.log), move.kind in SIDE_MOVES
        stood = None if side else Standing.of(self.model, move.party)
        self.model.submit(move)
        self.standings[at] = (self.model.log[at], stood or Standing.of(self.model, move.party))
        self.save()

    def intervene(self, act: Intervention) -> None:
        """Carry out a facilitator's intervention now.

        Interventions are made while a human decision is pending, which is where replay
        carries them out again, so a resumed game sees them at the same point.

        Raises:
            InvalidMove: the intervention was refused; nothing changed.
        """
        if self.model.pending is None:
            raise InvalidMove("the facilitator acts while a team is deciding")
        self.model.intervene(act)
        self.model.advance()
        self.save()

    def undoing(self, party: str | None = None) -> Undone:
        """What ``undo(party)`` would take back, without taking it back.

        Raises:
            InvalidMove: ``party`` (any human party, if None) has made no move yet.
        """
        log = self.model.log
        humans = (party,) if party is not None else self.model.humans
        last = next(
            (
                n
                for n in range(len(log) - 1, -1, -1)
                if isinstance(log[n], Move) and log[n].party in humans
            ),
            None,
        )
        if last is None:
            raise InvalidMove(
                "there is no move to take back yet"
                if party is None
                else f"{self.name(party)} has no move to take back yet"
            )
        move = log[last]
        later = [
            e.party
            for e in log[last + 1 :]
            if isinstance(e, Move) and e.party in self.model.humans and e.party != move.party
        ]
        return Undone(move, len(log) - last - 1, tuple(dict.fromkeys(later)))

    def undo(self, party: str | None = None) -> Undone:
        """Take back ``party``'s last move (any human party's, if None) and everything
        logged after it: other teams' moves among that is what ``Undone.others`` names.

        Raises:
            InvalidMove: ``party`` (any human party, if None) has made no move yet.
        """
        undone = self.undoing(party)
        log = self.model.log
        kept = len(log) - undone.dropped - 1
        self.model = replay(self.rules, self.setup.seed, self.setup.humans, log[:kept])
        self.standings = {n: stood for n, stood in self.standings.items() if n < kept}
        self.save()
        return undone

    def save(self) -> Path | None:
        """Keep the game: write its save file (atomically) and return the path, or hand the
        game to ``keep`` (None)."""
        if self.keep is not None:
            self.keep(self)
            return None
        # record imports this module (it words a Game), so it is imported here, not at the top
        from sim.classroom.record import last_move

        model = self.model
        write_save(
            self.save_path,
            Save(
                self.setup,
                tuple(entry.to_dict() for entry in model.log),
                self.scenario.title,
                model.round,
                model.finished,
                timestamp(),
                tuple(self.name(party) for party in self.setup.humans),
                last_move(self),
                self.scenario.fingerprint(),
            ),
        )
        return self.save_path
