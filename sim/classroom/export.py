"""Take the game home: the transcript as Markdown and JSON, with PNG charts.

The Markdown is the debrief (``sim.classroom.debriefing``: the outcome and the scenario's
questions for the class) plus the timeline and the charts; the
JSON is the engine's own ``game_record`` (deterministic for scenario, seed and moves).
Charts are drawn with matplotlib's Agg canvas on a ``Figure`` made here, never through
pyplot's global state, so exporting from a worker thread is safe. Every file is written
atomically (``sim.io``): exporting again over an earlier export never leaves half a file.
"""

from __future__ import annotations

import json
from pathlib import Path

from sim.classroom.debriefing import outcome_markdown, questions_markdown, timeline
from sim.classroom.game import Game
from sim.classroom.views import offer_lines
from sim.io import atomic_path, write_atomic
from sim.results.analysis import analyse
from sim.results.transcript import game_record


def export_game(game: Game, folder: Path) -> list[Path]:
    """Write transcript.md, game.json, offers.png and frontiers.png into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    setup = game.setup
    analysis = analyse(game.model).to_dict()
    record = game_record(game.model, setup.source, setup.overrides)
    written = []
    path = folder / "game.json"
    write_atomic(path, json.dumps(record, indent=2, sort_keys=True) + "\n")
    written.append(path)
    charts = [offers_chart(game, folder / "offers.png")]
    charts.append(frontiers_chart(game, analysis, folder / "frontiers.png"))
    lines = [outcome_markdown(game, analysis)]
    questions = questions_markdown(game)
    if questions:
        lines.append(questions)
    lines += ["## Charts", ""]
    lines += [f"![{chart.stem}]({chart.name})\n" for chart in charts]
    lines += ["## Timeline", "", "```text", *timeline(game), "```", ""]
    path = folder / "transcript.md"
    write_atomic(path, "\n".join(lines))
    return [path, *written, *charts]


def offers_chart(game: Game, path: Path) -> Path:
    """For each party at each of its tracks, what its own and the other side's latest offers
    were worth to it by round, with its floor and no deal: the debrief's chart, on paper."""
    from matplotlib.figure import Figure

    seats = [lines for party in game.rules.party_ids for lines in offer_lines(game, party)]
    figure = Figure(figsize=(8, 2.2 * max(len(seats), 1)), layout="constrained")
    for n, lines in enumerate(seats, start=1):
        axes = figure.add_subplot(len(seats), 1, n)
        for label, points in (("own latest offer", lines.own), (lines.other, lines.theirs)):
            if points:
                xs, ys = zip(*points, strict=True)
                axes.plot(xs, ys, marker="o", label=label)
        axes.axhline(lines.floor, linestyle=":", color="grey", label="floor")
        axes.axhline(lines.no_deal, linestyle="--", color="grey", label="no deal")
        axes.set(ylabel="worth", ylim=(-0.02, 1.02), xlim=(0.5, game.model.rounds + 0.5))
        axes.set_title(f"{lines.track}, worth to {lines.party}", fontsize="medium")
        axes.grid(alpha=0.3)
        axes.legend(fontsize="x-small", loc="lower right")
    if seats:
        axes.set_xlabel("round")
    with atomic_path(path) as temporary:
        figure.savefig(temporary, dpi=120, format="png")
    return path


def frontiers_chart(game: Game, analysis: dict, path: Path) -> Path:
    """Per track: the Pareto frontier, no deal, the Nash solution and the outcome."""
    from matplotlib.figure import Figure

    tracks = game.rules.tracks
    figure = Figure(figsize=(4.5 * len(tracks), 4.5), layout="constrained")
    for n, track in enumerate(tracks, start=1):
        info = analysis["tracks"][track.id]
        a, b = track.parties
        axes = figure.add_subplot(1, len(tracks), n)
        frontier = info["frontier"]
        if frontier:
            axes.plot([p[0] for p in frontier], [p[1] for p in frontier], label="Pareto frontier")
        axes.plot(info["batna"][a], info["batna"][b], "ks", label="no deal")
        if info["nash_utility"]:
            axes.plot(info["nash_utility"][a], info["nash_utility"][b], "g^", label="Nash")
        outcome = "deal" if info["status"] == "agreed" else "outcome"
        axes.plot(info["utility"][a], info["utility"][b], "r*", markersize=12, label=outcome)
        axes.set(xlabel=f"{game.name(a)} utility", ylabel=f"{game.name(b)} utility")
        axes.set_title(track.name, fontsize="medium")
        axes.grid(alpha=0.3)
        axes.legend(fontsize="small")
    with atomic_path(path) as temporary:
        figure.savefig(temporary, dpi=120, format="png")
    return path
