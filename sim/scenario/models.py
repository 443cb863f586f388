"""The scenario: everything a game is made of, as strict pydantic models.

A scenario file is written by teachers and researchers, so the models refuse anything
they do not know (``extra="forbid"``) and every field carries a docstring that becomes
its description in the JSON Schema. Cross-checks that span several parts of a file
(every referenced party, issue and track exists; bottom lines lie inside their issue's
range) run after the fields themselves are valid, and raise errors located at the
offending field so the loader can point at the exact line.

The shape follows docs/mechanics.md: parties value issues additively, issues belong to
bilateral tracks, events change numbers in the world.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError, ValidationError

from sim.scenario.bargaining import Bargaining, Beliefs
from sim.scenario.base import (
    GRID_POINTS,
    ISSUE_VALUES,
    MAGNITUDE,
    WEIGHT,
    Id,
    IssueValue,
    Number,
    Share,
    Strict,
    require,
)
from sim.scenario.effects import Effect
from sim.scenario.expectations import Expectations
from sim.scenario.politics import (
    Consultation,
    ConsultPolicy,
    Precedent,
    Ratification,
    Security,
    Sensitivity,
    Signals,
)
from sim.scenario.references import reference_problems
from sim.scenario.yaml_safe import show


def _asked(question: str) -> str:
    """A debrief question must say something: a blank one is a slip of the pen."""
    if not question.strip():
        raise PydanticCustomError("invalid", "a debrief question must not be blank")
    return question


Question = Annotated[str, AfterValidator(_asked)]
"""A debrief question, as a teacher would ask it aloud."""


class Issue(Strict):
    """One negotiable issue on one track: a number, a choice among options, or yes/no."""

    id: Id
    """Identifier used by preferences, bottom lines and events, e.g. ``jp_tariff``."""
    name: str
    """Human-readable name shown in transcripts, briefings and the UI where there is room."""
    short: str | None = Field(default=None, min_length=1, max_length=24)
    """A short name for narrow columns, e.g. ``autos tariff``: the words that tell this issue
    from the others on its track. Left out, the issue's id in words (``jp_autos`` →
    ``jp autos``)."""
    track: Id
    """The bargaining track this issue is negotiated on, e.g. ``us-japan``."""
    kind: Literal["numeric", "categorical", "boolean"] = "numeric"
    """``numeric`` (a number in [min, max]), ``categorical`` (one of ``options``) or ``boolean``."""
    unit: str = ""
    """Unit shown after numbers, e.g. ``%`` or ``$bn``."""
    description: str = ""
    """What the issue means in the world; shown in briefings."""
    min: Number | None = None
    """Lowest value a package may give a numeric issue."""
    max: Number | None = None
    """Highest value a package may give a numeric issue."""
    step: float | None = Field(default=None, gt=0)
    """Granularity of offers on a numeric issue; leave out for a continuous issue. The range
    may hold at most ``ISSUE_VALUES`` (10,001) steps' values."""
    options: list[str] | None = None
    """The possible values of a categorical issue, in order."""
    status_quo: IssueValue
    """The value that holds today, and after a failed negotiation unless ``escalation`` is set."""
    escalation: IssueValue | None = None
    """The value that holds if the track ends without a deal (a threat), if not the status quo."""

    @model_validator(mode="after")
    def _check_kind(self) -> Issue:
        if self.kind == "numeric":
            require(self.min is not None, "min", "a numeric issue needs a min")
            require(self.max is not None, "max", "a numeric issue needs a max")
            require(
                self.max > self.min, "max", f"max ({self.max:g}) must be above min ({self.min:g})"
            )
            require(self.options is None, "options", "only a categorical issue has options")
            if self.step is not None:  # a continuous issue has its GRID_POINTS
                require(
                    self.value_count <= ISSUE_VALUES,
                    "step",
                    f"a step of {self.step:g} gives {self.value_count:,.0f} values from "
                    f"{self.min:g} to {self.max:g}; an issue may take at most {ISSUE_VALUES:,} "
                    "(take a larger step)",
                )
            for field in ("status_quo", "escalation"):
                value = getattr(self, field)
                if value is None:
                    continue
                require(
                    isinstance(value, int | float) and not isinstance(value, bool),
                    field,
                    f"{field} of a numeric issue must be a number, not {show(value)}",
                )
                require(
                    self.min <= value <= self.max,
                    field,
                    f"{field} {value:g} lies outside the issue's range {self.min:g}..{self.max:g}",
                )
        elif self.kind == "categorical":
            require(bool(self.options), "options", "a categorical issue needs options")
            require(
                len(set(self.options)) == len(self.options), "options", "options must be distinct"
            )
            require(
                self.value_count <= ISSUE_VALUES,
                "options",
                f"{self.value_count:,} options; an issue may take at most {ISSUE_VALUES:,}",
            )
            for field in ("min", "max", "step"):
                require(getattr(self, field) is None, field, f"a categorical issue has no {field}")
            for field in ("status_quo", "escalation"):
                value = getattr(self, field)
                require(
                    value is None or value in self.options,
                    field,
                    f"{field} {show(value)} is not one of the options {self.options}",
                )
        else:
            for field in ("min", "max", "step", "options"):
                require(getattr(self, field) is None, field, f"a boolean issue has no {field}")
            for field in ("status_quo", "escalation"):
                value = getattr(self, field)
                require(
                    value is None or isinstance(value, bool),
                    field,
                    f"{field} of a boolean issue must be true or false",
                )
        return self

    @property
    def short_name(self) -> str:
        """The name for narrow columns: ``short``, or the id in words when it is left out
        (an id is unique and already chosen by the author, so it tells issues apart)."""
        return self.short or self.id.replace("_", " ").replace("-", " ")

    @property
    def value_count(self) -> float:
        """How many values the issue can take: its grid's (``GRID_POINTS`` if continuous),
        its options or true and false. A float: a range over a tiny step gives a huge one."""
        if self.kind == "categorical":
            return len(self.options)
        if self.kind == "boolean":
            return 2
        if self.step is None:
            return GRID_POINTS
        return round((self.max - self.min) / self.step, 0) + 1

    @property
    def choices(self) -> list[str] | None:
        """The option names of a categorical or boolean issue, in index order."""
        if self.kind == "categorical":
            return list(self.options)
        if self.kind == "boolean":
            return ["false", "true"]
        return None


class Track(Strict):
    """A negotiation between two parties: a bargaining track or a consultation channel."""

    id: Id
    """Identifier, e.g. ``us-japan``."""
    name: str
    """Human-readable name."""
    parties: tuple[Id, Id]
    """The two parties on the track."""
    kind: Literal["bargaining", "consultation"] = "bargaining"
    """``bargaining`` tracks exchange offers; a ``consultation`` channel carries coordination."""
    first_proposer: Id | None = None
    """The party that proposes in round 1; the first of ``parties`` if left out."""

    @property
    def opener(self) -> str:
        """The party proposing in round 1."""
        return self.first_proposer or self.parties[0]


class Preference(Strict):
    """How much a party cares about one issue and which values it likes.

    Numeric issues use a piecewise-linear value in [0, 1]: ``rising`` (best at max),
    ``falling`` (best at min) or ``peaked`` (best at ``ideal``, falling linearly to 0 at
    both ends of the range). Categorical and boolean issues give a value per option.
    """

    weight: float = Field(gt=0, le=WEIGHT)
    """Relative importance; a party's weights are normalised to sum to 1. At most
    ``WEIGHT`` (a million)."""
    shape: Literal["rising", "falling", "peaked"] | None = None
    """Value function of a numeric issue."""
    ideal: float | None = None
    """The best value of a ``peaked`` numeric issue."""
    curve: float = Field(default=1.0, gt=0, le=1)
    """Diminishing returns of a numeric issue: a share ``s`` of the way from the worst
    value to the best is worth ``s^curve``, so below 1 the first steps from the worst end
    count most; 1 is linear."""
    values: dict[str, Share] | None = None
    """Value in [0, 1] of each option of a categorical or boolean issue (``true``/``false``)."""

    @field_validator("values", mode="before")
    @classmethod
    def _boolean_keys(cls, values: object) -> object:
        """YAML reads ``true:``/``false:`` keys as booleans; a boolean issue names them so."""
        if isinstance(values, dict):
            return {str(k).lower() if isinstance(k, bool) else k: v for k, v in values.items()}
        return values

    @model_validator(mode="after")
    def _check_shape(self) -> Preference:
        if self.values is None:
            require(self.shape is not None, "shape", "give a shape (numeric) or values (options)")
        else:
            require(self.shape is None, "shape", "give either a shape or values, not both")
        if self.shape == "peaked":
            require(self.ideal is not None, "ideal", "a peaked preference needs an ideal")
        else:
            require(self.ideal is None, "ideal", "only a peaked preference has an ideal")
        return self


class BottomLine(Strict):
    """A hard limit on one issue: the party never proposes or accepts beyond it."""

    min: float | None = None
    """The lowest acceptable value of a numeric issue."""
    max: float | None = None
    """The highest acceptable value of a numeric issue."""
    reject: list[IssueValue] | None = None
    """Options of a categorical or boolean issue the party never accepts."""
    spread: float | None = Field(default=None, gt=0, le=MAGNITUDE)
    """How far the game's true ``min``/``max`` may lie from the written one, in the
    issue's units: a party's bottom lines are its own, so each game draws how much room
    its government has (Rules.room), and the other side cannot read them off the file."""


class Strategy(Strict):
    """The AI policy that plays a party when no human does."""

    name: str = "linear"
    """A registered strategy: boulware, linear, conceder, tit-for-tat, hardliner, equilibrium."""
    params: dict[str, float] = Field(default_factory=dict)
    """Strategy parameters, e.g. ``exponent`` of a time-dependent concession."""


class Party(Strict):
    """A country at the table: what it values, how patient it is, where it stops."""

    id: Id
    """Identifier, e.g. ``japan``."""
    name: str
    """Human-readable name."""
    role: str = ""
    """A paragraph of situation for the party's confidential role sheet."""
    patience: float = Field(gt=0, le=1)
    """Discount factor δ per round: utility of a deal in round t is multiplied by δ^(t-1)."""
    strategy: Strategy = Field(default_factory=Strategy)
    """The AI policy that plays this party when it is not human."""
    preferences: dict[Id, Preference]
    """Issue id → how the party values that issue."""
    bottom_lines: dict[Id, BottomLine] = Field(default_factory=dict)
    """Issue id → hard limits on that issue."""
    reservation: dict[Id, Share] = Field(default_factory=dict)
    """Track id → the least track utility (0..1) the party accepts on that track."""
    ratification: Ratification = Field(default_factory=Ratification)
    """How the party's public judges a deal before it takes effect."""
    signals: Signals = Field(default_factory=Signals)
    """Threats, commitments and outside options the party may use."""
    consult: ConsultPolicy = Field(default_factory=ConsultPolicy)
    """What the party agrees to in the Japan–Korea channel when it is an AI."""
    security: Sensitivity = Field(default_factory=dict)
    """Issue id → how much the party's weight on it grows with the security threat."""
    beliefs: Beliefs = Field(default_factory=Beliefs)
    """What the party believes of the other side before the talks, when the AI plays it."""


class Event(Strict):
    """Something that happens in the world: scheduled in a round, drawn at random, or
    both: due in a round whose outcome is uncertain (an election, a summit), so a scenario
    need not write in an outcome its authors could not know."""

    id: Id
    """Identifier, e.g. ``steel-50``."""
    name: str
    """Short title."""
    news: str
    """The line of news the feed shows when the event fires."""
    round: int | None = Field(default=None, ge=1)
    """The round in which a scheduled event fires (with ``probability``: may fire)."""
    probability: float | None = Field(default=None, gt=0, le=1)
    """The chance per round that a random event fires, or with ``round`` the chance that
    it fires in that round (drawn from the game's seed)."""
    repeat: bool = False
    """Whether a random event can fire more than once."""
    effects: list[Effect] = Field(default_factory=list)
    """What the event changes."""

    @model_validator(mode="after")
    def _when(self) -> Event:
        require(
            self.round is not None or self.probability is not None,
            "round",
            "an event needs a round (scheduled), a probability (random), or both "
            "(a round whose outcome is uncertain)",
        )
        require(
            not (self.repeat and self.round is not None),
            "repeat",
            "an event with a round happens once; drop repeat or the round",
        )
        return self


class Scoring(Strict):
    """What a broken bottom line costs a party's score, as its role sheet tells it."""

    breach: float = Field(default=10.0, ge=0, le=100)
    """Score points (of the 0..100 score) deducted for each bottom line a deal breaks: each
    issue beyond one of the party's bottom lines, and a deal worth less than its reservation
    utility. The default is a judgment: a tenth of the way from no deal to the best deal,
    enough that a breach is never a free way to close."""


MAX_ROUNDS = 1000
"""The latest deadline a game may have, in the file or after a facilitator extends it."""


class Scenario(Strict):
    """A whole game: parties, tracks, issues, events and the deadline."""

    title: str
    """Title shown in lists and reports."""
    summary: str = ""
    """A paragraph: the situation the scenario puts players in."""
    teaches: str = ""
    """What playing it teaches: the question it asks and the mechanism that answers it."""
    rounds: int = Field(ge=1, le=MAX_ROUNDS, strict=True)
    """The deadline: open tracks end without a deal after this round."""
    parties: list[Party]
    """The countries at the table."""
    tracks: list[Track]
    """Bilateral bargaining tracks and consultation channels."""
    issues: list[Issue]
    """Every negotiable issue, each on one track."""
    events: list[Event] = Field(default_factory=list)
    """Scheduled and random events."""
    consultation: Consultation | None = None
    """The Japan–Korea consultation channel, if the scenario has one."""
    precedent: Precedent = Field(default_factory=Precedent)
    """How a closed track weighs on the other, and which issues are paired."""
    security: Security = Field(default_factory=Security)
    """The security environment."""
    bargaining: Bargaining = Field(default_factory=Bargaining)
    """The risk that talks break down while the parties wait, and how they learn."""
    expectations: Expectations | None = None
    """What the scenario claims about its outcomes against a reference scenario, as
    ``trilateral check`` tests them."""
    scoring: Scoring = Field(default_factory=Scoring)
    """What the score deducts for a broken bottom line."""
    debrief: list[Question] = Field(default_factory=list)
    """Questions for the class once the game is over, in the order to ask them: shown on
    the debrief screen, in the exported transcript and on the facilitator's sheet."""

    def fingerprint(self) -> str:
        """SHA-256 of everything the scenario says, after ``extends`` and overrides: a save
        keeps it, so a game never replays silently into a scenario edited since."""
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()

    @model_validator(mode="after")
    def _cross_check(self, info: ValidationInfo) -> Scenario:
        """Every reference between the parts of the file must resolve (``references``), and
        the strategies must be playable when the validation context holds a ``strategies``
        check (``load_scenario`` passes the engine's)."""
        errors = reference_problems(self, (info.context or {}).get("strategies"))
        if errors:
            raise ValidationError.from_exception_data("Scenario", errors)
        return self

    def party(self, party_id: str) -> Party:
        """The party with this id."""
        return next(p for p in self.parties if p.id == party_id)

    def track(self, track_id: str) -> Track:
        """The track with this id."""
        return next(t for t in self.tracks if t.id == track_id)

    def issue(self, issue_id: str) -> Issue:
        """The issue with this id."""
        return next(i for i in self.issues if i.id == issue_id)
