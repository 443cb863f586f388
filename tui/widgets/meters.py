"""The meters: the deadline, each track's status, and what the offer is worth to the team.

Only what the engine measures is shown. Trust, approval and threat meters belong here
once the engine keeps those numbers; until then there is no bar for them, not even an
empty one, so a class never reads a made-up number.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from sim.classroom.views import TrackMeter

BAR = 20


def utility_text(x: float) -> str:
    """A utility with two decimals, never ``-0.00``."""
    return f"{round(x, 2) + 0.0:.2f}"


def bar(value: float, width: int, mark: float | None = None, style: str = "") -> Text:
    """A bar filled to ``value`` (0..1), with a ``│`` at ``mark`` (the no-deal point)."""
    filled = round(max(0.0, min(1.0, value)) * width)
    cells = ["█"] * filled + ["░"] * (width - filled)
    where = None if mark is None else min(width - 1, round(max(0.0, min(1.0, mark)) * width))
    text = Text()
    for n, cell in enumerate(cells):
        if n == where:
            text.append("│" if cell == "░" else "┃", style="bold")
        else:
            text.append(cell, style=style if cell == "█" else "dim")
    return text


class Meters(Widget):
    """The deadline and every track at a glance; the team's utilities where it sits."""

    round: reactive[int] = reactive(0)
    """The round being played."""
    rounds: reactive[int] = reactive(1)
    """The deadline (the last round)."""
    tracks: reactive[tuple[TrackMeter, ...]] = reactive((), layout=True)
    """Each track's meter, from ``sim.classroom.views.meters``."""

    def render(self) -> Text:
        width = max(6, min(BAR, self.size.width - 40))
        text = Text()
        text.append(f"Round {self.round} of {self.rounds} ", style="bold")
        text.append_text(bar(self.round / max(self.rounds, 1), width, style="blue"))
        for meter in self.tracks:
            text.append("\n")
            text.append(meter.name, style="bold")
            text.append(f"  {meter.status}")
            if not meter.seated:
                continue
            text.append("\n  offer ")
            if meter.offer is None:
                text.append("—   ")
                text.append_text(bar(0.0, width, meter.no_deal))
            else:
                style = "green" if meter.offer >= max(meter.no_deal, meter.reservation) else "red"
                text.append(utility_text(meter.offer), style=f"bold {style}")
                text.append(" ")
                text.append_text(bar(meter.offer, width, meter.no_deal, style=style))
            text.append(f" no deal {utility_text(meter.no_deal)}")
            text.append(f" · floor {utility_text(meter.reservation)}", style="dim")
        return text
