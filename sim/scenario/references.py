"""Cross-references inside a scenario: every party, issue and track named must exist.

Field-level checks live on the models; what spans several parts of a file — a bottom line
on an issue, an event's effect on a party, a threat on a track — is checked here, after
the fields themselves are valid. Each problem is located at the offending field so the
loader can point at its line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic_core import InitErrorDetails, PydanticCustomError

from sim.scenario.base import TRACK_PACKAGES
from sim.scenario.effects import TARGET_HINT, TargetError
from sim.scenario.yaml_safe import show

if TYPE_CHECKING:
    from sim.scenario.base import StrategyCheck
    from sim.scenario.effects import Effect
    from sim.scenario.expectations import Expectations
    from sim.scenario.models import BottomLine, Issue, Party, Preference, Scenario


def reference_problems(
    scenario: Scenario, strategies: StrategyCheck | None = None
) -> list[InitErrorDetails]:
    """Every dangling or inconsistent reference of a scenario, located; with ``strategies``,
    also every strategy that check finds unplayable."""
    errors: list[InitErrorDetails] = []

    def fail(loc: tuple, message: str) -> None:
        errors.append(
            InitErrorDetails(type=PydanticCustomError("reference", message), loc=loc, input=None)
        )

    _unique(scenario.parties, "parties", fail)
    _unique(scenario.tracks, "tracks", fail)
    _unique(scenario.issues, "issues", fail)
    _unique(scenario.events, "events", fail)
    _check_tracks(scenario, fail)
    _check_issues(scenario, fail)
    for n, party in enumerate(scenario.parties):
        _check_party(scenario, ("parties", n), party, strategies, fail)
    for n, event in enumerate(scenario.events):
        _check_effects(scenario, event.effects, ("events", n, "effects"), fail)
    _check_politics(scenario, fail)
    _check_claims(scenario, scenario.expectations, fail)
    return errors


def _check_tracks(scenario: Scenario, fail) -> None:
    """Each track sits two different parties of the scenario, one of them proposing first."""
    party_ids = {p.id for p in scenario.parties}
    for n, track in enumerate(scenario.tracks):
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


def _check_issues(scenario: Scenario, fail) -> None:
    """Each issue belongs to a bargaining track of the scenario, and no track offers more
    than ``TRACK_PACKAGES`` packages."""
    tracks = {t.id: t for t in scenario.tracks}
    packages = dict.fromkeys(tracks, 1.0)
    for n, issue in enumerate(scenario.issues):
        if issue.track not in tracks:
            fail(("issues", n, "track"), f"unknown track {issue.track!r}{_known(set(tracks))}")
        elif tracks[issue.track].kind != "bargaining":
            fail(("issues", n, "track"), f"track {issue.track!r} is not a bargaining track")
        else:
            packages[issue.track] *= issue.value_count
    for n, track in enumerate(scenario.tracks):
        if packages[track.id] > TRACK_PACKAGES:
            fail(
                ("tracks", n, "id"),
                f"its issues offer {packages[track.id]:.1e} packages (the product of their "
                f"values); a track may offer at most {TRACK_PACKAGES:.0e} (fewer issues or "
                "larger steps)",
            )


def _check_party(
    scenario: Scenario, here: tuple, party: Party, strategies: StrategyCheck | None, fail
) -> None:
    """A party's strategy plays, and its preferences and bottom lines name its issues."""
    problem = strategies and strategies(party.strategy.name, party.strategy.params)
    if problem:
        # At the parameter the problem names, so an override of it is blamed, not the file.
        named = [k for k in party.strategy.params if problem.startswith(k) or repr(k) in problem]
        where = ("name",) if problem.startswith("unknown strategy") else ("params", *named[:1])
        fail((*here, "strategy", *where), problem)
    issues = {i.id: i for i in scenario.issues}
    for section, check in (
        ("preferences", _check_preference),
        ("bottom_lines", _check_bottom_line),
    ):
        for issue_id, entry in getattr(party, section).items():
            loc = (*here, section, issue_id)
            issue = issues.get(issue_id)
            if issue is None:
                fail(loc, f"unknown issue {issue_id!r}{_known(set(issues))}")
            else:
                check(issue, entry, loc, fail)
    _check_seats(scenario, here, party, fail)


def _check_seats(scenario: Scenario, here: tuple, party: Party, fail) -> None:
    """A party's reservations name tracks, and it values some issue of each track it sits at."""
    track_ids = {t.id for t in scenario.tracks}
    for track_id in party.reservation:
        if track_id not in track_ids:
            fail((*here, "reservation", track_id), f"unknown track {track_id!r}{_known(track_ids)}")
    for track in scenario.tracks:
        if track.kind == "bargaining" and party.id in track.parties:
            on_track = [i.id for i in scenario.issues if i.track == track.id]
            if not any(i in party.preferences for i in on_track):
                fail(
                    (*here, "preferences"),
                    f"party {party.id!r} values no issue of its track {track.id!r}",
                )


def _check_effects(scenario: Scenario, effects: list[Effect], loc: tuple, fail) -> None:
    """Each effect's target names a number of the scenario's world."""
    for k, effect in enumerate(effects):
        problem = effect_problem(effect, scenario)
        if problem:
            fail((*loc, k, "target"), problem)


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
    if pref.curve != 1:
        # An option's value is given outright: there is no way from worst to best to bend.
        fail(
            (*loc, "curve"),
            f"issue {issue.id!r} is {issue.kind}: curve applies to numeric issues only",
        )
    if pref.values is None:
        fail((*loc, "shape"), f"issue {issue.id!r} is {issue.kind}: give values per option")
        return
    choices = issue.choices
    for option in pref.values:
        if option not in choices:
            fail((*loc, "values", option), f"unknown option {show(option)} (options: {choices})")
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
        if line.spread is not None and line.min is None and line.max is None:
            fail((*loc, "spread"), "a spread moves a min or a max: this bottom line has neither")
        if line.reject is not None:
            fail((*loc, "reject"), f"issue {issue.id!r} is numeric: use min or max, not reject")
        return
    if line.min is not None or line.max is not None:
        fail((*loc, "min"), f"issue {issue.id!r} is {issue.kind}: use reject, not min or max")
    if line.spread is not None:
        fail((*loc, "spread"), f"issue {issue.id!r} is {issue.kind}: only a numeric limit spreads")
    choices = issue.choices
    for k, option in enumerate(line.reject or []):
        name = str(option).lower() if isinstance(option, bool) else option
        if name not in choices:
            fail((*loc, "reject", k), f"unknown option {show(option)} (options: {choices})")
    if line.reject and len({str(o).lower() for o in line.reject}) >= len(choices):
        fail((*loc, "reject"), "a bottom line cannot reject every option")


def effect_problem(effect: Effect, scenario: Scenario) -> str | None:
    """Why an effect's target names no number in the world, or None if it does."""
    parties = {p.id for p in scenario.parties}
    try:
        target = effect.parsed_target
    except TargetError as error:
        if error.party is not None and error.party not in parties:
            return f"unknown party {error.party!r}{_known(parties)}"
        return TARGET_HINT
    if target.kind in ("trust", "sentiment") and scenario.consultation is None:
        return "the scenario has no consultation channel (add a consultation section)"
    if target.kind in ("status_quo", "escalation"):
        return _issue_problem(target.issue, scenario)
    if target.party is not None and target.party not in parties:
        return f"unknown party {target.party!r}{_known(parties)}"
    tracks = {t.id for t in scenario.tracks}
    if target.track is not None and target.track not in tracks:
        return f"unknown track {target.track!r}{_known(tracks)}"
    if target.kind == "weight" and target.issue not in scenario.party(target.party).preferences:
        return f"party {target.party!r} has no preference for issue {target.issue!r}"
    return None


def _issue_problem(issue: str, scenario: Scenario) -> str | None:
    """Why an issue cannot be the target of an effect (events change numbers only), or None."""
    issues = {i.id for i in scenario.issues}
    if issue not in issues:
        return f"unknown issue {issue!r}{_known(issues)}"
    if scenario.issue(issue).kind != "numeric":
        return f"issue {issue!r} is not numeric: events change numbers only"
    return None


def _check_politics(scenario: Scenario, fail) -> None:
    """Cross-check the alliance-dynamics sections against parties, tracks and issues."""
    tracks = {t.id: t for t in scenario.tracks}
    _check_channel(scenario, fail)
    _check_pairs(scenario, fail)
    for n, party in enumerate(scenario.parties):
        here = ("parties", n)
        for issue_id in party.security:
            if issue_id not in party.preferences:
                fail(
                    (*here, "security", issue_id),
                    f"party {party.id!r} has no preference for issue {issue_id!r}",
                )
        _check_threats(scenario, here, party, fail)
        for k, tie in enumerate(party.signals.tie_hands):
            track = tracks.get(tie.track)
            if track is None or party.id not in track.parties:
                fail(
                    (*here, "signals", "tie_hands", k, "track"),
                    f"{party.id!r} is not a party of track {tie.track!r}",
                )
        for k, option in enumerate(party.signals.outside_options):
            loc = (*here, "signals", "outside_options", k)
            _check_effects(scenario, option.cost, (*loc, "cost"), fail)
            _check_effects(scenario, option.effects, (*loc, "effects"), fail)


def _check_channel(scenario: Scenario, fail) -> None:
    """The consultation section names a consultation track; its joint purchase, numbers."""
    channel = scenario.consultation
    if channel is None:
        return
    track = {t.id: t for t in scenario.tracks}.get(channel.channel)
    if track is None or track.kind != "consultation":
        fail(
            ("consultation", "channel"),
            f"{channel.channel!r} is not a consultation track of the scenario",
        )
    if channel.joint_purchase is not None:
        loc = ("consultation", "joint_purchase", "effects")
        _check_effects(scenario, channel.joint_purchase.effects, loc, fail)


def _check_pairs(scenario: Scenario, fail) -> None:
    """Precedent pairs two numeric issues of different tracks."""
    issues = {i.id: i for i in scenario.issues}
    for k, pair in enumerate(scenario.precedent.pairs):
        for side, issue_id in enumerate(pair):
            if issue_id not in issues:
                fail(("precedent", "pairs", k, side), f"unknown issue {issue_id!r}")
            elif issues[issue_id].kind != "numeric":
                fail(("precedent", "pairs", k, side), f"issue {issue_id!r} is not numeric")
        if all(i in issues for i in pair) and issues[pair[0]].track == issues[pair[1]].track:
            fail(("precedent", "pairs", k), "paired issues must be on different tracks")


def _check_threats(scenario: Scenario, here: tuple, party: Party, fail) -> None:
    """Each threat of a party is on a track it sits at, on a numeric issue, within range."""
    tracks = {t.id: t for t in scenario.tracks}
    issues = {i.id: i for i in scenario.issues}
    for k, threat in enumerate(party.signals.threats):
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


def claims_missing_in(reference: Scenario, expectations: Expectations) -> list[tuple[tuple, str]]:
    """Each claim naming a track, party or issue that ``reference`` lacks: (loc, message)."""
    found: list[tuple[tuple, str]] = []
    _check_claims(reference, expectations, lambda loc, message: found.append((loc, message)))
    return found


def _check_claims(scenario: Scenario, expectations: Expectations | None, fail) -> None:
    """Each claim names a bargaining track, a party or a numeric issue of ``scenario``."""
    if expectations is None:
        return
    tracks = {t.id for t in scenario.tracks if t.kind == "bargaining"}
    parties = {p.id for p in scenario.parties}
    issues = {i.id: i for i in scenario.issues}
    for k, claim in enumerate(expectations.claims):
        loc = ("expectations", "claims", k)
        if claim.track is not None and claim.track not in tracks:
            fail((*loc, "track"), f"unknown bargaining track {claim.track!r}{_known(tracks)}")
        if claim.party is not None and claim.party not in parties:
            fail((*loc, "party"), f"unknown party {claim.party!r}{_known(parties)}")
        if claim.issue is not None:
            issue = issues.get(claim.issue)
            if issue is None:
                fail((*loc, "issue"), f"unknown issue {claim.issue!r}{_known(set(issues))}")
            elif issue.kind != "numeric":
                fail(
                    (*loc, "issue"),
                    f"issue {claim.issue!r} is not numeric: a deal claim compares numbers",
                )
