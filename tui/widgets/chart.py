"""A chart of utilities by round, drawn by plotext as text.

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

PALETTE = (12, 10, 9, 14, 13, 11)
"""plotext's colours for successive signals (256-colour indices), for our own legend."""

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
    for _, points in series:
        signal = fig.signal([p[0] for p in points], [p[1] for p in points], marker="braille")
        signal.lines()
        fig.draw(signal)
    for _, level in levels:
        line = fig.signal([1, max(rounds, 2)], [level, level], marker="·")
        line.lines()
        fig.draw(line)
    fig.legend(active=False)
    fig.ruler("y").lim(0, 1)
    fig.ruler("x").lim(1, max(rounds, 2))
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
    """Utility of the package on the table by round, one line per series, levels dotted."""

    series: reactive[Series] = reactive(())
    """(label, ((round, utility), ...)) per line."""
    levels: reactive[tuple[tuple[str, float], ...]] = reactive(())
    """(label, utility) horizontal levels, such as the no-deal utility."""
    rounds: reactive[int] = reactive(1)
    """The deadline, the right end of the x axis."""

    def render(self) -> Text:
        if not self.series:
            return Text("No offers on the table yet.", style="dim")
        width, height = self.size
        if width < 24 or height < 6:
            return Text("(make the window larger to see the chart)", style="dim")
        legend = Text()
        n = len(self.series)
        for k, (label, _) in enumerate(self.series):
            legend.append("━ ", style=f"color({PALETTE[k % len(PALETTE)]})")
            legend.append(f"{label}  ")
        for k, (label, _) in enumerate(self.levels):
            legend.append("·· ", style=f"color({PALETTE[(n + k) % len(PALETTE)]})")
            legend.append(f"{label}  ")
        lines = list(legend.wrap(self.app.console, width))[:3]
        chart = plot(self.series, self.levels, self.rounds, width, height - len(lines))
        return Text("\n").join([chart, *lines])
