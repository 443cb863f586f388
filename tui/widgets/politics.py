"""Alliance politics at a glance: approval at home, JP–KR trust, the threat, signals.

Every number here is one the engine keeps (``World.approval``, ``trust``,
``sentiment``, ``threat``; the consultation channel; the signal board). A scenario
without a consultation channel simply shows no channel lines.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from sim.classroom.politics import Politics
from tui.widgets.meters import bar, utility_text


class PoliticsPanel(Widget):
    """Approval, trust, sentiment and threat meters, the channel's options and the signals."""

    state: reactive[Politics] = reactive(Politics, layout=True)
    """What the team at the keyboard may see of alliance politics
    (``sim.classroom.politics.politics``)."""

    def render(self) -> Text:
        state = self.state
        width = max(6, min(20, self.size.width - 30))
        text = Text()
        for n, (name, approval) in enumerate(state.approval):
            if n:
                text.append("\n")
            text.append(f"Approval {name[:14]:<14} ", style="bold")
            text.append_text(bar(approval, width, style="cyan"))
            text.append(f" {utility_text(approval)}")
        if state.threshold:
            text.append(f"\n  you need {utility_text(state.threshold)} to ratify a deal", "dim")
        for label, value, style in (
            ("JP–KR trust", state.trust, "green"),
            ("JP–KR mood", state.sentiment, "green"),
            ("Security threat", state.threat, "red"),
        ):
            if value is not None:
                text.append(f"\n{label:<23} ", style="bold")
                text.append_text(bar(value, width, style=style))
                text.append(f" {utility_text(value)}")
        if state.options:
            text.append(f"\n{state.channel}", style="bold")
            for option in state.options:
                text.append(f"\n  {option.name}: ")
                text.append("in force" if option.agreed else "not agreed", style="bold")
                text.append(f" (needs trust {utility_text(option.trust)})", style="dim")
                if option.answer is not None:
                    text.append(" · you say ")
                    text.append("yes" if option.answer else "no", style="bold")
                    text.append(f", {state.partner} ")
                    text.append("yes" if option.partner else "no", style="bold")
        if state.signals:
            text.append("\nSignals you can send (m): ", style="bold")
            text.append(", ".join(label for _, _, label in state.signals))
        return text
