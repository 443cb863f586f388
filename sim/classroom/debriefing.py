"""The debrief as Markdown: scores, each party's points, each deal against no deal, the
bottom lines and the Nash solution; then the scenario's questions for the class.

After the game every number is revealed, so the debrief shows all parties side by side.
Each party's points per issue (sim/results/points.py) read like the score sheet its role
sheet gave it, so a team can check its score by adding up.
The same text is the debrief screen's outcome page and the head of the exported
transcript, so what the class discussed is what it takes home. The questions a scenario
writes (``debrief:``) follow the outcome there, and have a page of their own on the screen.
"""

from __future__ import annotations

from sim.classroom.game import Game
from sim.classroom.views import DASH, bottom_line_text
from sim.results.analysis import analyse
from sim.results.briefing import debrief_questions, possessive
from sim.results.points import issue_points
from sim.results.transcript import transcript


def outcome_markdown(game: Game, analysis: dict | None = None) -> str:
    """Scores, then each track: utilities against no deal and Nash, the package issue by issue."""
    analysis = analysis or analyse(game.model).to_dict()
    model, rules = game.model, game.rules
    humans = model.humans
    lines = [
        f"# Debrief: {game.scenario.title}",
        "",
        f"Seed {game.setup.seed} · ended after round {model.round} of {model.rounds} · "
        + ", ".join(f"{game.name(p)} ({'team' if p in humans else 'AI'})" for p in rules.party_ids),
        "",
        "## Scores",
        "",
        "Score = 100 × (utility − no deal) / (best possible − no deal): 0 is no better "
        "than walking away, 100 is the best deal the other side's bottom lines allowed. "
        "Utility is discounted by patience (a late deal is worth less); the terms alone "
        "score as shown under *terms*. Each broken bottom line costs "
        f"{game.scenario.scoring.breach:g} points of both.",
        "",
        "| party | utility | no deal | best possible | score | terms | bottom lines |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for party in rules.party_ids:
        result = analysis["parties"][party]
        kept = "kept"
        if not result["bottom_lines_kept"]:
            broken = "; ".join(breach["text"] for breach in result["breaches"])
            kept = f"broken (−{_deduction(result):g}): {broken}"
        lines.append(
            f"| {game.name(party)} | {result['utility']:.2f} | {result['batna']:.2f} | "
            f"{result['best']:.2f} | {result['score']:.0f} | {result['undiscounted']:.0f} | "
            f"{kept} |"
        )
    lines += ["", *_points_markdown(game, analysis)]
    for track in rules.tracks:
        lines += ["", *_track_markdown(game, track.id, analysis["tracks"][track.id])]
    return "\n".join(lines) + "\n"


def questions_markdown(game: Game) -> str:
    """The scenario's questions for the class, numbered; empty if it writes none."""
    questions = debrief_questions(game.scenario)
    if not questions:
        return ""
    return "\n".join(["## Questions for the class", "", *questions]) + "\n"


def _deduction(result: dict) -> float:
    """The score points a party's broken bottom lines cost it."""
    return sum(breach["cost"] for breach in result["breaches"])


def _points_markdown(game: Game, analysis: dict) -> list[str]:
    """Each party's points on every track it struck a deal on, issue by issue, then its score."""
    model, world = game.model, game.model.world
    lines = [
        "## Points",
        "",
        "A party's points on a track are its utility × 100, issue by issue, as on its score "
        "sheet; *no deal* is what each issue would have given it without the deal.",
    ]
    for party in game.rules.party_ids:
        lines += ["", f"### {game.name(party)}", ""]
        for track in game.rules.tracks:
            talks = model.talks[track.id]
            valuation = world.valuation(party, track.id)
            if talks.status != "agreed" or valuation.share <= 0:
                continue
            package, no_deal = talks.deal.package, world.no_deal(track)
            got, fallback = issue_points(valuation, package), issue_points(valuation, no_deal)
            lines += [
                f"**{track.name}**, deal in round {talks.deal.round}, "
                f"{100 * valuation.share:.0f}% of the score",
                "",
                "| issue | agreed | points | no deal |",
                "|---|---|---:|---:|",
            ]
            for space, x, points, base in zip(track.spaces, package, got, fallback, strict=True):
                lines.append(f"| {space.name} | {space.show(x)} | {points:.1f} | {base:.1f} |")
            bonus = 100 * world.bonus[party][track.id]
            if bonus:
                lines.append(f"| outside options | {DASH} | {DASH} | {bonus:.1f} |")
            lines += [f"| **total** | | **{sum(got):.1f}** | **{sum(fallback) + bonus:.1f}** |", ""]
        result = analysis["parties"][party]
        score = f"Score **{result['score']:.0f}**, terms {result['undiscounted']:.0f}"
        if result["bottom_lines_kept"]:
            lines.append(f"{score}.")
        else:
            count = len(result["breaches"])
            lines.append(
                f"{score}: both after {_deduction(result):g} points off for "
                f"{count} broken bottom line{'s' if count > 1 else ''}."
            )
    return lines


def _track_markdown(game: Game, track_id: str, info: dict) -> list[str]:
    track = game.rules.track[track_id]
    a, b = track.parties
    status = {
        "agreed": f"deal in round {info['deal_round']}",
        "walked": "talks broken off",
        "broke-down": "talks broke down after a refusal",
        "no-deal": "no deal by the deadline",
        "open": "still open",
    }[info["status"]]
    lines = [
        f"## {track.name}: {status}",
        "",
        f"| utility | {game.name(a)} | {game.name(b)} |",
        "|---|---:|---:|",
    ]
    outcome = "deal" if info["status"] == "agreed" else "outcome (no deal)"
    rows = [(outcome, info["utility"]), ("no deal (BATNA)", info["batna"])]
    if info["nash_utility"] is not None:
        rows.append(("Nash solution", info["nash_utility"]))
    for label, utilities in rows:
        lines.append(f"| {label} | {utilities[a]:.2f} | {utilities[b]:.2f} |")
    distance = f"{info['distance_to_frontier']:.3f}"
    to_nash = info["distance_to_nash"]
    lines += [
        "",
        f"Distance to the Pareto frontier {distance}"
        + ("" if to_nash is None else f" · to the Nash solution {to_nash:.3f}"),
        "",
        f"| issue | {'deal' if info['package'] else 'outcome'} | no deal | Nash | "
        f"{possessive(game.name(a))} line | {possessive(game.name(b))} line |",
        "|---|---|---|---|---|---|",
    ]
    world = game.model.world
    no_deal = world.no_deal(track)
    package = track.encode(info["package"]) if info["package"] else no_deal
    nash = track.encode(info["nash_package"]) if info["nash_package"] else None
    for pos, space in enumerate(track.spaces):
        line_a, line_b = (_line(game, party, track_id, pos) for party in (a, b))
        lines.append(
            f"| {space.name} | {space.show(package[pos])} | {space.show(no_deal[pos])} | "
            f"{DASH if nash is None else space.show(nash[pos])} | {line_a} | {line_b} |"
        )
    return lines


def _line(game: Game, party: str, track_id: str, pos: int) -> str:
    limits = game.model.world.bottom_lines[(party, track_id)]
    space = game.rules.track[track_id].spaces[pos]
    return bottom_line_text(space, *limits.bounds[pos], limits.refused[pos])


def timeline(game: Game) -> list[str]:
    """The game round by round, as the transcript tells it."""
    return list(transcript(game.model))
