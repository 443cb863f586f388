"""The scenario: everything a game is made of, as strict pydantic models.

A scenario file is written by teachers and researchers, so the models refuse anything
they do not know (``extra="forbid"``) and every field carries a docstring that becomes
its description in the JSON Schema. Cross-checks that span several parts of a file
(every referenced party, issue and track exists; bottom lines lie inside their issue's
range) run after the fields themselves are valid, and raise errors located at the
offending field so the loader can point at the exact line.

The shape follows DESIGN.md §§1–2: parties value issues additively, issues belong to
bilateral tracks, events change numbers in the world.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError

from sim.politics import (
    Consultation,
    ConsultPolicy,
    Precedent,
    Ratification,
    Security,
    Sensitivity,
    Signals,
)
from sim.schema import Effect, Id, IssueValue, Share, Strict, require


class Issue(Strict):
    """One negotiable issue on one track: a number, a choice among options, or yes/no."""

    id: Id
    """Identifier used by preferences, bottom lines and events, e.g. ``jp_tariff``."""
    name: str
    """Human-readable name shown in transcripts and the UI."""
    track: Id
    """The bargaining track this issue is negotiated on, e.g. ``us-japan``."""
    kind: Literal["numeric", "categorical", "boolean"] = "numeric"
    """``numeric`` (a number in [min, max]), ``categorical`` (one of ``options``) or ``boolean``."""
    unit: str = ""
    """Unit shown after numbers, e.g. ``%`` or ``$bn``."""
    description: str = ""
    """What the issue means in the world; shown in briefings."""
    min: float | None = None
    """Lowest value a package may give a numeric issue."""
    max: float | None = None
    """Highest value a package may give a numeric issue."""
    step: float | None = Field(default=None, gt=0)
    """Granularity of offers on a numeric issue; leave out for a continuous issue."""
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
            for field in ("status_quo", "escalation"):
                value = getattr(self, field)
                if value is None:
                    continue
                require(
                    isinstance(value, int | float) and not isinstance(value, bool),
                    field,
                    f"{field} of a numeric issue must be a number, not {value!r}",
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
            for field in ("min", "max", "step"):
                require(getattr(self, field) is None, field, f"a categorical issue has no {field}")
            for field in ("status_quo", "escalation"):
                value = getattr(self, field)
                require(
                    value is None or value in self.options,
                    field,
                    f"{field} {value!r} is not one of the options {self.options}",
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

    weight: float = Field(gt=0)
    """Relative importance; a party's weights are normalised to sum to 1."""
    shape: Literal["rising", "falling", "peaked"] | None = None
    """Value function of a numeric issue."""
    ideal: float | None = None
    """The best value of a ``peaked`` numeric issue."""
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


class Event(Strict):
    """Something that happens in the world: scheduled in a round or drawn at random."""

    id: Id
    """Identifier, e.g. ``steel-50``."""
    name: str
    """Short title."""
    news: str
    """The line of news the feed shows when the event fires."""
    round: int | None = Field(default=None, ge=1)
    """The round in which a scheduled event fires."""
    probability: float | None = Field(default=None, gt=0, le=1)
    """The chance per round that a random event fires (drawn from the game's seed)."""
    repeat: bool = False
    """Whether a random event can fire more than once."""
    effects: list[Effect] = Field(default_factory=list)
    """What the event changes."""

    @model_validator(mode="after")
    def _when(self) -> Event:
        require(
            (self.round is None) != (self.probability is None),
            "round",
            "an event needs exactly one of round (scheduled) or probability (random)",
        )
        return self


class Scenario(Strict):
    """A whole game: parties, tracks, issues, events and the deadline."""

    title: str
    """Title shown in lists and reports."""
    summary: str = ""
    """A paragraph: the situation the scenario puts players in."""
    teaches: str = ""
    """What playing it teaches: the question it asks and the mechanism that answers it."""
    rounds: int = Field(ge=1, le=1000, strict=True)
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

    @model_validator(mode="after")
    def _cross_check(self) -> Scenario:
        errors: list[InitErrorDetails] = []

        def fail(loc: tuple, message: str) -> None:
            errors.append(
                InitErrorDetails(
                    type=PydanticCustomError("reference", message), loc=loc, input=None
                )
            )

        party_ids = _unique(self.parties, "parties", fail)
        track_ids = _unique(self.tracks, "tracks", fail)
        issue_ids = _unique(self.issues, "issues", fail)
        _unique(self.events, "events", fail)
        tracks = {t.id: t for t in self.tracks}
        issues = {i.id: i for i in self.issues}

        for n, track in enumerate(self.tracks):
            for k, party in enumerate(track.parties):
                if party not in party_ids:
                    fail(("tracks", n, "parties", k), f"unknown party {party!r}{_known(party_ids)}")
            if track.parties[0] == track.parties[1]:
                fail(("tracks", n, "parties"), "a track needs two different parties")
            if track.first_proposer is not None and track.first_proposer not in track.parties:
                fail(
                    ("tracks", n, "first_proposer"),
                    f"first_proposer {track.first_proposer!r} is not a party of the track",
                )
        for n, issue in enumerate(self.issues):
            if issue.track not in track_ids:
                fail(("issues", n, "track"), f"unknown track {issue.track!r}{_known(track_ids)}")
            elif tracks[issue.track].kind != "bargaining":
                fail(("issues", n, "track"), f"track {issue.track!r} is not a bargaining track")

        from sim.strategies import spec_problem  # the registry imports the engine

        for n, party in enumerate(self.parties):
            here = ("parties", n)
            problem = spec_problem(party.strategy.name, party.strategy.params)
            if problem:
                field = "name" if problem.startswith("unknown strategy") else "params"
                fail((*here, "strategy", field), problem)
            for section, check in (
                ("preferences", _check_preference),
                ("bottom_lines", _check_bottom_line),
            ):
                for issue_id, entry in getattr(party, section).items():
                    loc = (*here, section, issue_id)
                    issue = issues.get(issue_id)
                    if issue is None:
                        fail(loc, f"unknown issue {issue_id!r}{_known(issue_ids)}")
                    else:
                        check(issue, entry, loc, fail)
            for track_id in party.reservation:
                if track_id not in track_ids:
                    loc = (*here, "reservation", track_id)
                    fail(loc, f"unknown track {track_id!r}{_known(track_ids)}")
            for track in self.tracks:
                if track.kind == "bargaining" and party.id in track.parties:
                    on_track = [i.id for i in self.issues if i.track == track.id]
                    if not any(i in party.preferences for i in on_track):
                        fail(
                            (*here, "preferences"),
                            f"party {party.id!r} values no issue of its track {track.id!r}",
                        )
        for n, event in enumerate(self.events):
            for k, effect in enumerate(event.effects):
                problem = effect_problem(effect.target, self)
                if problem:
                    fail(("events", n, "effects", k, "target"), problem)
        _check_politics(self, fail)
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


def _known(ids: set[str]) -> str:
    return f" (known: {', '.join(sorted(ids))})" if ids else ""


def _unique(items: list, where: str, fail) -> set[str]:
    seen: set[str] = set()
    for n, item in enumerate(items):
        if item.id in seen:
            fail((where, n, "id"), f"duplicate id {item.id!r}")
        seen.add(item.id)
    return seen


def _check_preference(issue: Issue, pref: Preference, loc: tuple, fail) -> None:
    if issue.kind == "numeric":
        if pref.shape is None:
            fail((*loc, "values"), f"issue {issue.id!r} is numeric: give a shape, not values")
        elif pref.shape == "peaked" and not issue.min <= pref.ideal <= issue.max:
            fail(
                (*loc, "ideal"),
                f"ideal {pref.ideal:g} lies outside the issue's range {issue.min:g}..{issue.max:g}",
            )
        return
    if pref.values is None:
        fail((*loc, "shape"), f"issue {issue.id!r} is {issue.kind}: give values per option")
        return
    choices = issue.choices
    for option in pref.values:
        if option not in choices:
            fail((*loc, "values", option), f"unknown option {option!r} (options: {choices})")
    missing = [c for c in choices if c not in pref.values]
    if missing:
        fail((*loc, "values"), f"missing a value for option(s) {missing}")


def _check_bottom_line(issue: Issue, line: BottomLine, loc: tuple, fail) -> None:
    if issue.kind == "numeric":
        for field in ("min", "max"):
            value = getattr(line, field)
            if value is not None and not issue.min <= value <= issue.max:
                fail(
                    (*loc, field),
                    f"bottom line {field} {value:g} lies outside the range "
                    f"{issue.min:g}..{issue.max:g} of issue {issue.id!r}",
                )
        if line.min is not None and line.max is not None and line.min > line.max:
            fail((*loc, "max"), f"bottom line max {line.max:g} is below its min {line.min:g}")
        if line.reject is not None:
            fail((*loc, "reject"), f"issue {issue.id!r} is numeric: use min or max, not reject")
        return
    if line.min is not None or line.max is not None:
        fail((*loc, "min"), f"issue {issue.id!r} is {issue.kind}: use reject, not min or max")
    choices = issue.choices
    for k, option in enumerate(line.reject or []):
        name = str(option).lower() if isinstance(option, bool) else option
        if name not in choices:
            fail((*loc, "reject", k), f"unknown option {option!r} (options: {choices})")
    if line.reject and len({str(o).lower() for o in line.reject}) >= len(choices):
        fail((*loc, "reject"), "a bottom line cannot reject every option")


def effect_problem(target: str, scenario: Scenario) -> str | None:
    """Why an effect's target path names no number in the world, or None if it does."""
    parties = {p.id for p in scenario.parties}
    issues = {i.id for i in scenario.issues}
    tracks = {t.id for t in scenario.tracks}
    parts = target.split(".")
    hint = (
        "an effect target is issues.ID.status_quo, issues.ID.escalation, parties.ID.patience, "
        "parties.ID.approval, parties.ID.credibility, parties.ID.reservation.TRACK, "
        "parties.ID.batna.TRACK, parties.ID.preferences.ISSUE.weight, alliance.trust, "
        "alliance.sentiment or security.threat"
    )
    if parts in (["alliance", "trust"], ["alliance", "sentiment"]):
        if scenario.consultation is None:
            return "the scenario has no consultation channel (add a consultation section)"
        return None
    if parts == ["security", "threat"]:
        return None
    if len(parts) == 3 and parts[0] == "issues" and parts[2] in ("status_quo", "escalation"):
        if parts[1] not in issues:
            return f"unknown issue {parts[1]!r}{_known(issues)}"
        if scenario.issue(parts[1]).kind != "numeric":
            return f"issue {parts[1]!r} is not numeric: events change numbers only"
        return None
    if len(parts) >= 3 and parts[0] == "parties":
        if parts[1] not in parties:
            return f"unknown party {parts[1]!r}{_known(parties)}"
        party = scenario.party(parts[1])
        if parts[2:] in (["patience"], ["approval"], ["credibility"]):
            return None
        if len(parts) == 4 and parts[2] in ("reservation", "batna"):
            return None if parts[3] in tracks else f"unknown track {parts[3]!r}{_known(tracks)}"
        if len(parts) == 5 and parts[2] == "preferences" and parts[4] == "weight":
            if parts[3] not in party.preferences:
                return f"party {parts[1]!r} has no preference for issue {parts[3]!r}"
            return None
    return hint


def _check_politics(scenario: Scenario, fail) -> None:
    """Cross-check the alliance-dynamics sections against parties, tracks and issues."""
    tracks = {t.id: t for t in scenario.tracks}
    issues = {i.id: i for i in scenario.issues}

    def effects(items, loc) -> None:
        for k, effect in enumerate(items):
            problem = effect_problem(effect.target, scenario)
            if problem:
                fail((*loc, k, "target"), problem)

    channel = scenario.consultation
    if channel is not None:
        track = tracks.get(channel.channel)
        if track is None or track.kind != "consultation":
            fail(
                ("consultation", "channel"),
                f"{channel.channel!r} is not a consultation track of the scenario",
            )
        if channel.joint_purchase is not None:
            effects(channel.joint_purchase.effects, ("consultation", "joint_purchase", "effects"))
    for k, pair in enumerate(scenario.precedent.pairs):
        for side, issue_id in enumerate(pair):
            if issue_id not in issues:
                fail(("precedent", "pairs", k, side), f"unknown issue {issue_id!r}")
            elif issues[issue_id].kind != "numeric":
                fail(("precedent", "pairs", k, side), f"issue {issue_id!r} is not numeric")
        if all(i in issues for i in pair) and issues[pair[0]].track == issues[pair[1]].track:
            fail(("precedent", "pairs", k), "paired issues must be on different tracks")
    for n, party in enumerate(scenario.parties):
        here = ("parties", n)
        for issue_id in party.security:
            if issue_id not in party.preferences:
                fail(
                    (*here, "security", issue_id),
                    f"party {party.id!r} has no preference for issue {issue_id!r}",
                )
        signals = party.signals
        for k, threat in enumerate(signals.threats):
            loc = (*here, "signals", "threats", k)
            track = tracks.get(threat.track)
            if track is None or party.id not in track.parties:
                fail((*loc, "track"), f"{party.id!r} is not a party of track {threat.track!r}")
            issue = issues.get(threat.issue)
            if issue is None or issue.track != threat.track or issue.kind != "numeric":
                fail(
                    (*loc, "issue"),
                    f"{threat.issue!r} is not a numeric issue of track {threat.track!r}",
                )
            elif not issue.min <= threat.value <= issue.max:
                fail(
                    (*loc, "value"),
                    f"value {threat.value:g} lies outside the issue's range "
                    f"{issue.min:g}..{issue.max:g}",
                )
        for k, tie in enumerate(signals.tie_hands):
            track = tracks.get(tie.track)
            if track is None or party.id not in track.parties:
                fail(
                    (*here, "signals", "tie_hands", k, "track"),
                    f"{party.id!r} is not a party of track {tie.track!r}",
                )
        for k, option in enumerate(signals.outside_options):
            loc = (*here, "signals", "outside_options", k)
            effects(option.cost, (*loc, "cost"))
            effects(option.effects, (*loc, "effects"))
