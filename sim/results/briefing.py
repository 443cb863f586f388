"""A party's confidential role sheet, as Markdown.

In a classroom each team reads its own sheet before the talks open (README.md, "Playing in class",
*Briefing*). The sheet tells the team what only it knows — its situation, how much it
cares about each issue (the weights, normalised and sorted), its bottom lines, its
reservation utility on each track, its points per issue (a classroom score sheet, what
a broken bottom line costs) and its patience — and what everyone knows: the
issues, their status quo and what holds if talks fail, and which way each other party
wants each issue to move. It never shows another party's weights, bottom lines,
reservation utilities or role: those are that party's private numbers.

Which way a party wants an issue to go is public, as in the engine's own readings of the
other side (``Rules._readings``): trade positions are stated in public, how much each one
matters is only read from them, roughly.

The facilitator gets a sheet of their own: the scenario's events (when or how likely, the
news, the effects), the signals the AI parties have scheduled, how to fire events or
make up new ones in the terminal UI's facilitator mode, and the scenario's questions for
the debrief.

Sheets are plain Markdown built from the scenario alone, so the terminal UI shows them
with a Markdown widget and ``trilateral brief`` prints them.
"""

from __future__ import annotations

from sim.engine.rules import Rules
from sim.engine.utility import IssueSpace
from sim.engine.world import World
from sim.results.points import score_sheet
from sim.scenario.effects import GRAMMAR, Effect, Target, TargetKind
from sim.scenario.models import Event, Issue, Party, Preference, Scenario


def role_sheet(scenario: Scenario | Rules, party: str, rooms: dict[str, int] | None = None) -> str:
    """The confidential role sheet of ``party`` as Markdown.

    Args:
        scenario: The scenario, or its rules.
        party: Whose sheet.
        rooms: The game's draw of each party's bottom lines (``NegotiationModel.rooms``),
            for the sheet of one game; without it, a bottom line with a spread is given as
            the range its games draw from.

    Raises:
        KeyError: ``party`` is not a party of the scenario.
    """
    rules = scenario if isinstance(scenario, Rules) else Rules(scenario)
    scenario = rules.scenario
    if party not in rules.party_ids:
        raise KeyError(f"unknown party {party!r} (parties: {', '.join(rules.party_ids)})")
    me = scenario.party(party)
    world = World(rules)
    for other, room in (rooms or {}).items():
        world.give_room(other, room)
    issues = {i.id: i for i in scenario.issues}
    lines = [
        f"# {me.name}: confidential role sheet",
        "",
        f"*{scenario.title}* — talks end after round {scenario.rounds}. "
        "Keep this sheet to your team.",
        "",
    ]
    if me.role.strip():
        lines += ["## Your situation", "", " ".join(me.role.split()), ""]
    lines += _tracks(rules, world, me)
    lines += _priorities(me, issues)
    lines += _bottom_lines(rules, world, me, scenario.scoring.breach, drawn=rooms is not None)
    lines += _points(rules, world, me, scenario.scoring.breach)
    lines += _patience(me)
    lines += _at_home(scenario, me)
    lines += _signals(scenario, me, issues)
    lines += _channel(scenario, me)
    lines += _security(scenario, me, issues)
    lines += _issues(rules, world, issues)
    lines += _others(scenario, me, issues)
    return "\n".join(lines).rstrip() + "\n"


def _tracks(rules: Rules, world: World, me: Party) -> list[str]:
    mine = [t for t in rules.tracks if me.id in t.parties]
    if not mine:
        return []
    names = {p.id: p.name for p in rules.scenario.parties}
    lines = [
        "## Your talks",
        "",
        "Utilities run from 0 (your worst package on a track) to 1 (your best).",
        "",
        "| track | across the table | no deal is worth | you accept nothing below |",
        "|---|---|---|---|",
    ]
    for track in mine:
        no_deal = world.no_deal_utility(me.id, track)
        reservation = world.reservation[me.id][track.id]
        lines.append(
            f"| {track.name} | {names[track.other(me.id)]} | {no_deal:.2f} | {reservation:.2f} |"
        )
    lines += [
        "",
        "*No deal is worth* is your utility if the talks fail, as the world stands at the "
        "start; events can change it. *You accept nothing below* is your reservation "
        "utility: your government will not sign a deal worth less.",
        "",
    ]
    return lines


def _priorities(me: Party, issues: dict[str, Issue]) -> list[str]:
    total = sum(p.weight for p in me.preferences.values())
    ranked = sorted(me.preferences.items(), key=lambda item: (-item[1].weight, item[0]))
    lines = [
        "## Your priorities",
        "",
        "How much each issue counts in your overall result (the weights add up to 100%).",
        "",
        "| issue | weight | you want |",
        "|---|---:|---|",
    ]
    for issue_id, pref in ranked:
        issue = issues[issue_id]
        share = 100 * pref.weight / total
        lines.append(f"| {issue.name} | {share:.0f}% | {_wish(issue, pref)} |")
    return [*lines, ""]


def _bottom_lines(rules: Rules, world: World, me: Party, cost: float, drawn: bool) -> list[str]:
    lines = ["## Your bottom lines", ""]
    below = "a deal worth less than your reservation utility"
    if not me.bottom_lines:
        text = (
            f"You have no hard limits on any issue, but {below} costs {cost:g} points of your "
            "score."
        )
        return [*lines, text, ""]
    lines += [
        "Hard limits: never propose or accept a package beyond them. Each bottom line you "
        f"break costs {cost:g} points of your score, and so does {below}.",
        "",
        "| issue | bottom line |",
        "|---|---|",
    ]
    spread = False
    for issue_id, line in me.bottom_lines.items():
        track, pos = rules.track[rules.issue_track[issue_id]], rules.position(issue_id)
        space = track.spaces[pos]
        # A sheet for no game in particular gives each spread limit's range over the rooms.
        rooms = rules.rooms.get(me.id, ()) if not drawn and line.spread else ()
        spread = spread or bool(rooms)
        bounds = [room[track.id].bounds[pos] for room in rooms] or [
            world.bottom_lines[(me.id, track.id)].bounds[pos]
        ]
        limits = []
        if line.min is not None:
            limits.append(f"at least {_values(space, [lo for lo, _ in bounds])}")
        if line.max is not None:
            limits.append(f"at most {_values(space, [hi for _, hi in bounds])}")
        if line.reject:
            issue = rules.scenario.issue(issue_id)
            limits.append("never " + " or ".join(_option(issue, v) for v in line.reject))
        lines.append(f"| {space.name} | {', '.join(limits)} |")
    if spread:
        lines += [
            "",
            "Where a limit is a range, how far your government can go is drawn when a game "
            "starts: the sheet of one game (`trilateral brief --seed`, or the briefing at the "
            "table) gives the figure.",
        ]
    return [*lines, ""]


def _values(space: IssueSpace, values: list[float]) -> str:
    """One value, or the range of several (a limit drawn per game)."""
    low, high = min(values), max(values)
    return space.show(low) if low == high else f"{space.show(low)} to {space.show(high)}"


def _points(rules: Rules, world: World, me: Party, cost: float) -> list[str]:
    tracks = [t for t in rules.tracks if world.valuation(me.id, t.id).share > 0]
    if not tracks:
        return []
    lines = [
        "## Your points",
        "",
        "Your score sheet: what each issue is worth to you in points at a few values. A "
        "package's points on a track are the sum over its issues (your utility × 100), so "
        "you can price a concession by adding and subtracting.",
        "",
        "How points become your score: 0 is no deal, 100 the best deal the other side's "
        "bottom lines allow you, and in between the points your deals gain you over no deal, "
        "each track counted by its share of your priorities. A deal's gain shrinks with each "
        f"round of delay (your patience, below), and each bottom line you break takes "
        f"{cost:g} points off your score.",
        "",
    ]
    for track in tracks:
        valuation = world.valuation(me.id, track.id)
        status_quo = tuple(world.status_quo[i] for i in track.issue_ids)
        no_deal = world.no_deal(track)
        if me.id in track.parties:
            floor = 100 * world.reservation[me.id][track.id]
            worth = f"; your government signs nothing below {floor:.1f}."
        else:
            worth = "; you do not sit at this table."
        lines += [
            f"**{track.name}**, {100 * valuation.share:.0f}% of your score. No deal is worth "
            f"{100 * world.no_deal_utility(me.id, track):.1f} points{worth}",
            "",
        ]
        sheets = score_sheet(
            valuation, track.spaces, world.bottom_lines[(me.id, track.id)], status_quo, no_deal
        )
        for sheet in sheets:
            # ``15%→12.4`` without spaces: a narrow screen never parts a value from its points.
            values = ", ".join(
                f"{sheet.space.show(row.value)}→{row.points:.1f}"
                + (f" ({', '.join(row.notes)})" if row.notes else "")
                for row in sheet.rows
            )
            lines.append(f"- **{sheet.space.name}**, up to {sheet.most:.1f} points: {values}")
        lines.append("")
    return lines


def _patience(me: Party) -> list[str]:
    delta = me.patience
    later = 100 * delta**4
    return [
        "## Your patience",
        "",
        f"Patience δ = {delta:g}: what a deal gains you over no deal shrinks to "
        f"{100 * delta:.0f}% with each round of delay (a deal in round 5 keeps {later:.0f}% "
        "of the gain of the same deal in round 1).",
        "",
    ]


def _at_home(scenario: Scenario, me: Party) -> list[str]:
    vote = me.ratification
    lines = ["## At home", ""]
    if vote.threshold <= 0:
        lines.append(
            f"Your government's approval stands at {vote.approval:.2f}; your deals need no "
            "ratification vote."
        )
        return [*lines, ""]
    trails = ""
    if vote.parity_weight:
        trails = f", minus {vote.parity_weight:g} × how far it trails your partner's deal"
    lines.append(
        f"Your government's approval stands at {vote.approval:.2f}. A deal is ratified "
        f"only if approval plus {vote.utility_weight:g} × what the deal gains you over the "
        f"least you would take (your reservation, or no deal if that is worth more)"
        f"{trails}, give or take a swing of about {vote.noise:g}, reaches "
        f"{vote.threshold:.2f}. A failed vote costs {vote.failure_cost:.2f} approval and "
        "reopens the talks."
    )
    return [*lines, ""]


def _signals(scenario: Scenario, me: Party, issues: dict[str, Issue]) -> list[str]:
    config = me.signals
    if not (config.threats or config.tie_hands or config.outside_options):
        return []
    tracks = {t.id: t.name for t in scenario.tracks}
    lines = ["## Your signals", "", "Each can be sent once, in public.", ""]
    for threat in config.threats:
        space = IssueSpace.of(issues[threat.issue])
        lines.append(
            f"- **{threat.name}** ({tracks[threat.track]}): {space.name} at "
            f"{space.show(threat.value)} if there is no deal; carried out after "
            f"{threat.deadline} rounds with a {100 * threat.resolve:.0f}% chance. Others "
            f"believe {100 * config.credibility:.0f}% of it."
        )
    for tie in config.tie_hands:
        lines.append(
            f"- **Tie your hands** on {tracks[tie.track]}: your floor rises by "
            f"{tie.floor_rise:.2f}; if the talks then fail you lose {tie.audience_cost:.2f} "
            "approval."
        )
    for option in config.outside_options:
        lines.append(f"- **{option.name}**: pays off {option.delay} rounds after you pursue it.")
    return [*lines, ""]


def _channel(scenario: Scenario, me: Party) -> list[str]:
    config = scenario.consultation
    if config is None or not config.enabled:
        return []
    channel = next((t for t in scenario.tracks if t.id == config.channel), None)
    if channel is None or me.id not in channel.parties:
        return []
    partner = scenario.party(next(p for p in channel.parties if p != me.id))
    options = []
    for key, label in (
        ("share_bottom_lines", "share bottom lines"),
        ("parity_pact", "a parity pact"),
        ("joint_purchase", "a joint purchase"),
    ):
        settings = getattr(config, key, None)
        if settings is not None and settings.enabled:
            options.append(f"{label} (trust {settings.trust:.2f} or more)")
    lines = [
        f"## {channel.name}",
        "",
        f"You may consult {partner.name}. Trust between the governments starts at "
        f"{config.trust:.2f}, public sentiment at {config.sentiment:.2f}. Both of you must "
        f"say yes, and trust must be high enough, for: {', '.join(options)}.",
    ]
    pact = config.parity_pact
    if pact is not None and pact.enabled:
        lines.append(
            "A parity pact is public: neither of you takes worse terms than the other got on "
            f"paired issues. Breaking it costs you {config.defection_cost:g} of the deal's "
            f"worth to you, and trust {config.defection_trust:g}."
        )
    lines.append("")
    return lines


def _security(scenario: Scenario, me: Party, issues: dict[str, Issue]) -> list[str]:
    if not me.security:
        return []
    cares = ", ".join(issues[i].name for i in me.security if i in issues)
    return [
        "## Security",
        "",
        f"The security threat stands at {scenario.security.threat:.2f}; as it rises you "
        f"care more about {cares}.",
        "",
    ]


def _issues(rules: Rules, world: World, issues: dict[str, Issue]) -> list[str]:
    lines = ["## The issues (public)", ""]
    for track in rules.tracks:
        no_deal = world.no_deal(track)
        lines += [
            f"**{track.name}**",
            "",
            "| issue | range | status quo | if no deal |",
            "|---|---|---|---|",
        ]
        for space, fallback in zip(track.spaces, no_deal, strict=True):
            issue = issues[space.id]
            lines.append(
                f"| {space.name} | {_range(issue, space)} | "
                f"{space.show(space.encode(issue.status_quo))} | {space.show(fallback)} |"
            )
        lines.append("")
    return lines


def _others(scenario: Scenario, me: Party, issues: dict[str, Issue]) -> list[str]:
    lines = [
        "## What you know of the others",
        "",
        "Which way each party wants an issue to move is public; how much it cares, and "
        "where its bottom lines are, is not.",
        "",
    ]
    for other in scenario.parties:
        if other.id == me.id:
            continue
        wishes = [
            f"{issue.name}: {_wish(issue, other.preferences[issue.id])}"
            for issue in issues.values()
            if issue.id in other.preferences
        ]
        lines += [f"**{other.name}** wants", ""]
        lines += [f"- {wish}" for wish in wishes] or ["- nothing on these tracks"]
        lines.append("")
    return lines


def _wish(issue: Issue, pref: Preference) -> str:
    """Which way a preference pulls an issue, in words."""
    if pref.shape == "rising":
        return "higher"
    if pref.shape == "falling":
        return "lower"
    space = IssueSpace.of(issue)
    if pref.shape == "peaked":
        return f"near {space.show(pref.ideal)}"
    ranked = sorted(issue.choices, key=lambda c: -pref.values[c])
    return " > ".join(_option(issue, c) for c in ranked)


def _option(issue: Issue, value: object) -> str:
    """An option as people read it: ``yes``/``no`` for a boolean issue."""
    if issue.kind == "boolean":
        return "yes" if str(value).lower() == "true" else "no"
    return str(value)


def _range(issue: Issue, space: IssueSpace) -> str:
    if issue.kind == "numeric":
        step = f", step {issue.step:g}" if issue.step is not None else ""
        low, high = space.show(space.lo), space.show(space.hi)
        if space.unit and low.endswith(space.unit):
            low = low[: -len(space.unit)].rstrip()
        return f"{low}–{high}{step}"
    return " / ".join(_option(issue, c) for c in issue.choices)


def facilitator_sheet(scenario: Scenario | Rules) -> str:
    """The facilitator's sheet as Markdown: events, scheduled signals, how to intervene."""
    rules = scenario if isinstance(scenario, Rules) else Rules(scenario)
    scenario = rules.scenario
    world = World(rules)
    lines = [f"# Facilitator's sheet: {scenario.title}", ""]
    if scenario.summary.strip():
        lines += [" ".join(scenario.summary.split()), ""]
    if scenario.teaches.strip():
        lines += [f"**What it teaches.** {' '.join(scenario.teaches.split())}", ""]
    parties = ", ".join(f"{p.name} (`{p.id}`)" for p in scenario.parties)
    lines += [
        f"Talks end after round {scenario.rounds}. Parties: {parties}. Each team gets its "
        "role sheet (`trilateral brief SCENARIO --party ID`); this sheet is yours alone.",
        "",
    ]
    meters = [f"security threat {world.threat:.2f}"]
    if scenario.consultation is not None:
        meters[:0] = [f"Japan–Korea trust {world.trust:.2f}", f"sentiment {world.sentiment:.2f}"]
    approval = ", ".join(f"{p.name} {world.approval[p.id]:.2f}" for p in scenario.parties)
    lines += ["## The world at the start", "", f"{'; '.join(meters)}. Approval: {approval}.", ""]
    scheduled = sorted((e for e in scenario.events if e.round is not None), key=_event_round)
    random = [e for e in scenario.events if e.round is None]
    lines += ["## Scheduled events", ""]
    lines += _event_table(scheduled, "round", _scheduled_when, scenario)
    lines += ["## Random events", ""]
    lines += _event_table(
        random,
        "chance per round",
        lambda e: f"{e.probability:.0%}" + (", may repeat" if e.repeat else ""),
        scenario,
    )
    lines += _signal_schedule(rules)
    lines += _interventions(scenario)
    lines += _debrief(scenario)
    return "\n".join(lines).rstrip() + "\n"


def possessive(name: str) -> str:
    """``Japan's``, but ``United States'``: a name ending in s takes the apostrophe alone."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def debrief_questions(scenario: Scenario) -> list[str]:
    """The scenario's debrief questions as a numbered Markdown list (none: no lines)."""
    return [f"{n}. {' '.join(q.split())}" for n, q in enumerate(scenario.debrief, start=1)]


def _debrief(scenario: Scenario) -> list[str]:
    if not scenario.debrief:
        return []
    return [
        "## Questions for the debrief",
        "",
        "The scenario's questions for the class once the game is over; the debrief screen "
        "shows them too, after the outcome.",
        "",
        *debrief_questions(scenario),
        "",
    ]


def _event_round(event: Event) -> tuple[int, str]:
    return (event.round, event.id)


def _scheduled_when(event: Event) -> str:
    """``4``, or ``4 (50% chance)`` for an event due then whose outcome is uncertain."""
    if event.probability is None:
        return str(event.round)
    return f"{event.round} ({event.probability:.0%} chance)"


def _event_table(events: list[Event], when: str, show_when, scenario: Scenario) -> list[str]:
    if not events:
        return ["None.", ""]
    lines = [f"| {when} | event | id | news | effects |", "|---|---|---|---|---|"]
    for event in events:
        effects = "; ".join(_effect_text(e, scenario) for e in event.effects) or "news only"
        cells = (show_when(event), event.name, f"`{event.id}`", event.news, effects)
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return [*lines, ""]


def _signal_schedule(rules: Rules) -> list[str]:
    rows = []
    for round_ in sorted(rules.signal_schedule):
        for party_id, kind, key, _ in rules.signal_schedule[round_]:
            party = rules.parties[party_id]
            if kind == "threat":
                label = next(t.name for t in party.signals.threats if t.id == key)
            elif kind == "tie_hands":
                label = f"ties its hands on {rules.scenario.track(key).name}"
            else:
                label = next(o.name for o in party.signals.outside_options if o.id == key)
            rows.append(f"| {round_} | {party.name} | {label} |")
    if not rows:
        return []
    return [
        "## Signals the AI parties send",
        "",
        "When the party is played by the AI and its track is still open; a human team sends "
        "its signals when it chooses.",
        "",
        "| round | party | signal |",
        "|---|---|---|",
        *rows,
        "",
    ]


def _interventions(scenario: Scenario) -> list[str]:
    parties = ", ".join(p.id for p in scenario.parties)
    issues = ", ".join(i.id for i in scenario.issues if i.kind == "numeric")
    tracks = ", ".join(t.id for t in scenario.tracks)
    targets = [
        f"- {_paths('status_quo', 'escalation')} (numeric issues: {issues})",
        f"- {_paths('patience', 'approval', 'credibility')} (parties: {parties})",
        f"- {_paths('reservation', 'batna')} (tracks: {tracks})",
        f"- {_paths('weight')} (an issue the party values)",
    ]
    if scenario.consultation is not None:
        targets.append(f"- {_paths('trust', 'sentiment')}")
    targets.append(f"- {_paths('threat')}")
    return [
        "## Intervening",
        "",
        "Start the game with `trilateral play SCENARIO --facilitator` and press **f** at the "
        "table: *Fire an event* sets off any event above now (a scheduled one early, a random "
        "one at will); *Custom event* announces a line of news of your own, with one effect "
        "if you like; *Deadline* moves the end of the talks later. **p** pauses the game and "
        "hides the table. Every intervention is logged with the moves, so saves, undo and "
        "replays repeat it.",
        "",
        "A custom event's effect changes one number: give a target, and an amount to add or "
        "a value to set. Targets:",
        "",
        *targets,
        "",
    ]


def _paths(*kinds: TargetKind) -> str:
    return ", ".join(f"`{GRAMMAR[kind]}`" for kind in kinds)


def _effect_text(effect: Effect, scenario: Scenario) -> str:
    """An effect in words, e.g. ``Japan's patience −0.01`` or ``security threat set to 0.8``."""
    amount = f"set to {effect.set:g}" if effect.set is not None else f"{effect.add:+g}"
    return f"{_target_text(effect.parsed_target, scenario)} {amount.replace('-', '−')}"


def _target_text(target: Target, scenario: Scenario) -> str:
    plain = {
        "trust": "Japan–Korea trust",
        "sentiment": "Japan–Korea public sentiment",
        "threat": "security threat",
    }
    kind = target.kind
    if kind in plain:
        return plain[kind]
    issues = {i.id: i.name for i in scenario.issues}
    if kind in ("status_quo", "escalation"):
        what = "status quo" if kind == "status_quo" else "no-deal value"
        return f"{what} of {issues[target.issue]}"
    whose = possessive(scenario.party(target.party).name)
    if kind in ("patience", "approval", "credibility"):
        return f"{whose} {kind}"
    if kind == "weight":
        return f"{whose} weight on {issues[target.issue]}"
    what = "no-deal bonus" if kind == "batna" else "reservation utility"
    return f"{whose} {what} on {scenario.track(target.track).name}"
