"""A chart of offers by round, drawn by plotext as text: per track, what the team's own and
the other side's latest offers are worth to the team, against its floor and no deal.

plotext draws into a matrix of coloured characters that is turned into Rich text at the
widget's current size, so the chart redraws itself when the terminal is resized.
``textual-plotext`` would do the same, but it pins plotext below the 6.x we run.
plotext keeps one global figure, so charts are drawn on the UI thread only.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Span, Text
from textual.reactive import reactive
from textual.widget import Widget

from sim.classroom.views import OfferLines
from tui.widgets.meters import utility_text

PALETTE = (12, 10, 9, 14, 13, 11)
"""plotext's colours for successive signals (256-colour indices), for our own legend:
``plot`` draws the levels first, then the series."""

STACKED_ROWS = 10
"""The fewest rows a track's chart gets when the charts of two tracks stand one above the
other; with less height they stand side by side."""

Series = tuple[tuple[str, tuple[tuple[int, float], ...]], ...]


def plot(
    series: Series, levels: tuple[tuple[str, float], ...], rounds: int, w: int, h: int
) -> Text:
    """Series of (round, utility) points and horizontal levels as a ``w`` × ``h`` chart."""
    import plotext  # imported here: only a game under way draws charts

    fig = plotext.figure
    fig.clear()
    fig.plot_size(w, h)
    fig.theme("simple")
    # Levels first: what is drawn later covers a cell, and an offer must not hide behind one.
    # A level is a row of single braille dots, one every other column: as fine in height as
    # the lines, so a floor and a no-deal value close together stay apart.
    right, dots = max(rounds, 2), max(2, (w - 6) // 2)
    xs = [1 + (right - 1) * k / (dots - 1) for k in range(dots)]
    for _, level in levels:
        fig.draw(fig.signal(xs, [level] * dots, marker="braille"))
    for _, points in series:
        signal = fig.signal([p[0] for p in points], [p[1] for p in points], marker="braille")
        signal.lines()
        fig.draw(signal)
    fig.legend(active=False)
    fig.ruler("y").lim(0, 1)
    # Quarters where there are rows enough to keep them apart, else only the ends and middle.
    fig.ruler("y").ticks([0, 0.25, 0.5, 0.75, 1] if h >= 12 else [0, 0.5, 1])
    fig.ruler("x").lim(1, right)
    step = max(1, round(rounds / max(2, (w - 8) // 8)))
    fig.ruler("x").ticks(sorted({*range(1, rounds + 1, step), rounds}))
    text = Text.from_ansi(fig.build().string().rstrip("\n"))
    # Drop plotext's backgrounds so the chart sits on the app's theme.
    text.spans = [
        Span(s.start, s.end, Style(color=s.style.color) if isinstance(s.style, Style) else s.style)
        for s in text.spans
    ]
    return text


class UtilityChart(Widget):
    """Per track, what the team's own and the other side's latest offers are worth to it,
    round by round, with its floor and the no-deal value as dotted levels."""

    tracks: reactive[tuple[OfferLines, ...]] = reactive(())
    """The lines of each track shown, one chart above the other or side by side."""
    rounds: reactive[int] = reactive(1)
    """The deadline, the right end of the x axis."""
    named: reactive[bool] = reactive(False)
    """Whether each chart's title names whose worth it shows (the debrief shows every
    party's; at the table it is always the team's own)."""

    def render(self) -> Text:
        shown = [t for t in self.tracks if t.own or t.theirs]
        if not shown:
            return Text("No offers on the table yet.", style="dim")
        width, height = self.size
        n = len(shown)
        # One chart above the other where there is height for it, else side by side.
        stacked = height // n >= STACKED_ROWS
        w, h = (width, height // n) if stacked else ((width - n + 1) // n, height)
        if w < 24 or h < 6:
            return Text("(make the window larger to see the chart)", style="dim")
        charts = [self._track(lines, w, h) for lines in shown]
        if stacked:
            return Text("\n").join(charts)
        columns = [chart.split("\n") for chart in charts]
        rows = []
        for k in range(h):
            row = Text()
            for column in columns:
                cell = column[k] if k < len(column) else Text()
                cell.pad_right(w - cell.cell_len)
                row.append_text(cell)
                row.append(" ")
            row.rstrip()
            rows.append(row)
        return Text("\n").join(rows)

    def _track(self, lines: OfferLines, width: int, height: int) -> Text:
        """One track's chart with its title and legend above it, ``height`` rows in all."""
        # Only lines with points: plotext gives the next colour to the next line drawn.
        series = tuple(
            (label, points)
            for label, points in (
                (lines.party if self.named else "you", lines.own),
                (lines.other, lines.theirs),
            )
            if points
        )
        levels = (
            (f"floor {utility_text(lines.floor)}", lines.floor),
            (f"no deal {utility_text(lines.no_deal)}", lines.no_deal),
        )
        head = Text(f"{lines.track}, worth to {lines.party}" if self.named else lines.track)
        head.stylize("bold")
        head.append(" ")
        for k, (label, _) in enumerate(series):
            head.append("━ ", style=f"color({PALETTE[len(levels) + k]})")
            head.append(f"{label} ")
        for k, (label, _) in enumerate(levels):
            head.append(" ·· ", style=f"color({PALETTE[k]})")
            head.append(label)
        rows = list(head.wrap(self.app.console, width))[:3]
        chart = plot(series, levels, self.rounds, width, height - len(rows))
        return Text("\n").join([*rows, chart])
