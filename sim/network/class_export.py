"""The class debrief on paper: Markdown, a CSV gradebook and PNG charts.

``class.md`` sets the tables side by side — scores, deals issue by issue, bottom lines —
then against the all-AI batch (``sim.network.debrief``): each headline issue's agreed value
at each table as a percentile of the batch's deals, each score as a percentile of the
batch's scores, each deal's distance to its track's Pareto frontier; then the charts and
every table's timeline. ``gradebook.csv`` has one row per team. The charts are drawn on a
matplotlib ``Figure`` made here (Agg, never pyplot's global state), and every file is
written atomically (``sim.io``), so writing again over an earlier debrief leaves no half file.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from sim.engine.utility import IssueSpace
from sim.io import atomic_path, write_atomic
from sim.network.codes import printed
from sim.network.debrief import (
    ClassRecord,
    Headline,
    Reference,
    TableDebrief,
    TrackOutcome,
    headline_issues,
    percentile,
)

DASH = "—"
LINE_STYLES = ("-", "--", ":", "-.")
BINS = 30
"""The most bars a histogram has: an issue of more steps than that is binned evenly."""
GRADEBOOK = ("table", "party", "code", "score", "undiscounted", "bottom_lines_kept")
"""The gradebook's columns."""


def write_debrief(record: ClassRecord, batch: Reference, folder: Path) -> list[Path]:
    """Write class.md, gradebook.csv, issues.png and frontiers.png into ``folder``.

    Returns:
        The files written, the Markdown first.
    """
    folder.mkdir(parents=True, exist_ok=True)
    headlines = headline_issues(record.scenario)
    charts = [
        issues_chart(record, batch, headlines, folder / "issues.png"),
        frontiers_chart(record, batch, folder / "frontiers.png"),
    ]
    gradebook = folder / "gradebook.csv"
    write_atomic(gradebook, gradebook_csv(record))
    markdown = folder / "class.md"
    write_atomic(markdown, class_markdown(record, batch, headlines, charts))
    return [markdown, gradebook, *charts]


def gradebook_rows(record: ClassRecord) -> list[dict]:
    """One row per team: its table, party, join code, score, score of the terms alone and
    whether it kept its bottom lines."""
    rows = []
    for table in record.tables:
        for party in table.game.rules.party_ids:
            result = table.outcome.parties[party]
            rows.append(
                {
                    "table": table.number,
                    "party": table.game.name(party),
                    "code": printed(table.codes[party]),
                    "score": round(result.score, 2),
                    "undiscounted": round(result.undiscounted, 2),
                    "bottom_lines_kept": "yes" if result.bottom_lines_kept else "no",
                }
            )
    return rows


def gradebook_csv(record: ClassRecord) -> str:
    """The gradebook as CSV text, with a header row."""
    text = io.StringIO()
    writer = csv.DictWriter(text, GRADEBOOK, lineterminator="\n")
    writer.writeheader()
    writer.writerows(gradebook_rows(record))
    return text.getvalue()


def class_markdown(
    record: ClassRecord, batch: Reference, headlines: list[Headline], charts: list[Path]
) -> str:
    """The debrief as Markdown: the tables side by side, then against the batch."""
    scenario, tables = record.scenario, record.tables
    first = tables[0].game
    runs = len(batch.outcomes)
    numbers = [f"table {t.number}" for t in tables]
    lines = [
        f"# Class debrief: {scenario.title}",
        "",
        f"Scenario {record.source}"
        + (f" with {', '.join(record.overrides)}" if record.overrides else "")
        + f" · base seed {record.seed} · {len(tables)} tables "
        + "("
        + ", ".join(f"{t.number}: seed {t.seed}" for t in tables)
        + ")"
        + f" · all-AI batch of {runs} games on the class's seeds",
        "",
    ]
    unfinished = [str(t.number) for t in tables if not t.finished]
    if unfinished:
        lines += [
            f"Still playing: table {', '.join(unfinished)} (an open track counts as no deal).",
            "",
        ]
    lines += [
        "## Scores",
        "",
        "Each party's score (0 no deal, 100 the best deal there was; discounted for a late "
        "deal), the score of the terms alone in brackets, ✗ where a bottom line was broken.",
        "",
        _row(["party", *numbers, "batch mean"]),
        _rule(len(numbers) + 1),
    ]
    for party in first.rules.party_ids:
        cells = []
        for table in tables:
            result = table.outcome.parties[party]
            mark = "" if result.bottom_lines_kept else " ✗"
            cells.append(f"{result.score:.0f} ({result.undiscounted:.0f}){mark}")
        scores = batch.scores(party)
        mean = f"{sum(scores) / len(scores):.0f}" if scores else DASH
        lines.append(_row([first.name(party), *cells, mean]))
    lines += ["", "## Deals", ""]
    for track in first.rules.tracks:
        lines += [f"### {track.name}", "", _row(["", *numbers]), _rule(len(numbers))]
        outcomes = [t.outcome.tracks[track.id] for t in tables]
        lines.append(_row(["status", *(o.status for o in outcomes)]))
        rounds = (DASH if o.deal_round is None else str(o.deal_round) for o in outcomes)
        lines.append(_row(["deal round", *rounds]))
        for space in track.spaces:
            shown = (DASH if o.package is None else _shown(space, o.package) for o in outcomes)
            lines.append(_row([space.name, *shown]))
        distances = (_distance(o) for o in outcomes)
        lines += [_row(["distance to the frontier", *distances]), ""]
    lines += _against_markdown(record, batch, headlines)
    lines += ["## Charts", ""]
    lines += [f"![{chart.stem}]({chart.name})\n" for chart in charts]
    lines += ["## Timelines", ""]
    for table in tables:
        lines += [f"### Table {table.number}", "", "```text", *table.timeline, "```", ""]
        lines += _timed_markdown(table)
    return "\n".join(lines)


def _against_markdown(
    record: ClassRecord, batch: Reference, headlines: list[Headline]
) -> list[str]:
    tables, first = record.tables, record.tables[0].game
    numbers = [f"table {t.number}" for t in tables]
    runs = len(batch.outcomes)
    lines = [
        "## Against the all-AI batch",
        "",
        f"The same scenario played {runs} times by the AI alone, on seeds from the class's "
        "base seed (its first games are the tables' own seeds). The headline issues are, on "
        "each track, the numeric issue each side weighs most by the scenario's weights. A "
        "table's value is shown with its percentile among the batch's deals on that track "
        "(50 is the batch's median; the share below it plus half the share equal to it).",
        "",
        _row(["issue", "weighed most by", *numbers, "batch median", "batch deals"]),
        _rule(len(numbers) + 2, words=2),
    ]
    for headline in headlines:
        track = first.rules.track[headline.track]
        pos = track.issue_ids.index(headline.issue)
        space = track.spaces[pos]
        values = batch.values(headline.track, headline.issue)
        cells = []
        for table in tables:
            value = table.outcome.value(headline.track, headline.issue)
            if value is None:
                cells.append("no deal")
            else:
                cells.append(f"{space.show(value)} ({_percent(percentile(value, values))})")
        median = space.show(float(np.median(values))) if values else DASH
        who = " and ".join(first.name(p) for p in headline.parties)
        lines.append(_row([space.name, who, *cells, median, f"{len(values)} of {runs}"]))
    lines += [
        "",
        "Each party's score as a percentile of its scores in the batch:",
        "",
        _row(["party", *numbers]),
        _rule(len(numbers)),
    ]
    for party in first.rules.party_ids:
        scores = batch.scores(party)
        cells = [_percent(percentile(t.outcome.parties[party].score, scores)) for t in tables]
        lines.append(_row([first.name(party), *cells]))
    lines += [
        "",
        "Each deal's distance to its track's Pareto frontier (0: no package gives both sides "
        "more), against the batch's deals:",
        "",
        _row(["track", *numbers, "batch median", "batch on the frontier"]),
        _rule(len(numbers) + 2),
    ]
    for track in first.rules.tracks:
        distances = batch.distances(track.id)
        cells = []
        cells = [_distance(table.outcome.tracks[track.id]) for table in tables]
        median = f"{np.median(distances):.3f}" if distances else DASH
        on = sum(d <= 1e-9 for d in distances)
        share = f"{on} of {len(distances)} deals" if distances else DASH
        lines.append(_row([track.name, *cells, median, share]))
    return [*lines, ""]


def _distance(outcome: TrackOutcome) -> str:
    """A deal's distance to its track's frontier; no deal has none to show."""
    return f"{outcome.distance_to_frontier:.3f}" if outcome.status == "agreed" else "no deal"


def _timed_markdown(table: TableDebrief) -> list[str]:
    """The moves the round timer played at a table: the timeline tells them as the team's,
    and a teacher grading the team wants to know they were its AI's."""
    if not table.timed:
        return []
    game = table.game
    played = [
        f"round {t['round']}, {game.name(t['party'])} on "
        f"{game.rules.track[t['track']].name if t['track'] else 'the table'} ({t['kind']})"
        for t in table.timed
    ]
    return [f"The timer played for the team (its AI's move): {'; '.join(played)}.", ""]


def _unagreed(status: str) -> str:
    """What a chart's legend adds to a table without a deal on the track."""
    return {"agreed": "", "open": " (still playing)"}.get(status, " (no deal)")


def _shown(space: IssueSpace, package: dict) -> str:
    """An issue's value in a deal (as people read it), with its unit."""
    return space.show(space.encode(package[space.id]))


def _percent(value: float | None) -> str:
    """A percentile as the tables show it: ``p62``, or — without a batch to rank in."""
    return DASH if value is None else f"p{value:.0f}"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _rule(numbers: int, words: int = 1) -> str:
    """A table's header rule: ``words`` columns on the left, then ``numbers`` on the right."""
    return "|" + "---|" * words + "---:|" * numbers


def issues_chart(
    record: ClassRecord, batch: Reference, headlines: list[Headline], path: Path
) -> Path:
    """A histogram per headline issue of the batch's agreed values, each table a marker."""
    from matplotlib.figure import Figure

    rules = record.tables[0].game.rules
    count = max(len(headlines), 1)
    across = min(count, 3)
    down = -(-count // across)
    figure = Figure(figsize=(4.5 * across, 3.4 * down), layout="constrained")
    for n, headline in enumerate(headlines, start=1):
        axes = figure.add_subplot(down, across, n)
        track = rules.track[headline.track]
        space = track.spaces[track.issue_ids.index(headline.issue)]
        values = batch.values(headline.track, headline.issue)
        if values:
            axes.hist(values, bins=_bins(space), color="lightgrey")
        for k, table in enumerate(record.tables):
            value = table.outcome.value(headline.track, headline.issue)
            if value is not None:
                # Tables often agree on the same value: the line styles keep each one seen.
                axes.axvline(
                    value,
                    color=f"C{k % 10}",
                    linestyle=LINE_STYLES[k % len(LINE_STYLES)],
                    linewidth=2,
                    label=f"table {table.number}",
                )
        axes.set(xlabel=f"{space.name} ({space.unit})" if space.unit else space.name)
        margin = 0.03 * (space.hi - space.lo)  # a table at either end stays in sight
        axes.set(ylabel="batch deals", xlim=(space.lo - margin, space.hi + margin))
        axes.set_title(f"{track.name}: {space.short}", fontsize="medium")
        axes.grid(alpha=0.3)
        if axes.get_legend_handles_labels()[0]:
            axes.legend(fontsize="x-small")
    with atomic_path(path) as temporary:
        figure.savefig(temporary, dpi=120, format="png")
    return path


def _bins(space: IssueSpace) -> np.ndarray:
    """A bar per value of a stepped issue (centred on it), else ``BINS`` even bins over the
    issue's whole range, so that every table's histogram of an issue looks alike."""
    if space.step and (space.hi - space.lo) / space.step < BINS:
        return np.arange(space.lo - space.step / 2, space.hi + space.step, space.step)
    return np.linspace(space.lo, space.hi, BINS + 1)


def frontiers_chart(record: ClassRecord, batch: Reference, path: Path) -> Path:
    """Per track: each table's Pareto frontier and deal, over the batch's deals in grey."""
    from matplotlib.figure import Figure

    game = record.tables[0].game
    tracks = game.rules.tracks
    figure = Figure(figsize=(4.5 * len(tracks), 4.5), layout="constrained")
    for n, track in enumerate(tracks, start=1):
        a, b = track.parties
        axes = figure.add_subplot(1, len(tracks), n)
        deals = [o.tracks[track.id] for o in batch.outcomes if o.tracks[track.id].package]
        if deals:
            axes.scatter(
                [d.utility[a] for d in deals],
                [d.utility[b] for d in deals],
                s=8,
                color="lightgrey",
                label="all-AI deals",
            )
        for k, table in enumerate(record.tables):
            colour = f"C{k % 10}"
            frontier = table.frontiers[track.id]
            if frontier:
                xs, ys = zip(*frontier, strict=True)
                axes.plot(xs, ys, color=colour, linewidth=0.8, alpha=0.6)
            outcome = table.outcome.tracks[track.id]
            marker = "*" if outcome.status == "agreed" else "x"
            axes.plot(
                outcome.utility[a],
                outcome.utility[b],
                marker,
                color=colour,
                markersize=12,
                label=f"table {table.number}" + _unagreed(outcome.status),
            )
        axes.set(xlabel=f"{game.name(a)} utility", ylabel=f"{game.name(b)} utility")
        axes.set_title(f"{track.name}: deals and frontiers", fontsize="medium")
        axes.grid(alpha=0.3)
        axes.legend(fontsize="x-small")
    with atomic_path(path) as temporary:
        figure.savefig(temporary, dpi=120, format="png")
    return path
