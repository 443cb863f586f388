"""The news feed and the move history: the public record of the game, newest last."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import DataTable, Static, Tab

from sim.classroom.record import Entry
from sim.classroom.summary import Summary


class NewsFeed(Static):
    """The news: every event that fired, by round, and the team's round summaries."""

    items: reactive[tuple[tuple[int, str, str], ...]] = reactive(())
    """(round, headline, line of news) per event, oldest first."""
    summaries: reactive[tuple[Summary, ...]] = reactive(())
    """The round summaries shown to the team at the keyboard, oldest first: each kept after
    the news of its round (its moves are in the history, its news above it)."""

    def watch_items(self) -> None:
        self.show()

    def watch_summaries(self) -> None:
        self.show()

    def show(self) -> None:
        """The news and the summaries, merged by round."""
        if not (self.items or self.summaries):
            self.update(Text("No news yet.", style="dim"))
            return
        blocks: list[tuple[int, int, Text]] = []
        for round_, headline, news in self.items:
            blocks.append(
                (round_, 0, Text.assemble((f"R{round_} {headline}", "bold"), f" — {news}"))
            )
        for kept in self.summaries:
            lines = kept.changes + kept.notes
            if lines:
                text = Text(f"R{kept.round} {kept.title}", style="bold")
                for line in lines:
                    text.append(f"\n  • {line}", style="yellow" if line in kept.changes else "")
                blocks.append((kept.round, 1, text))
        blocks.sort(key=lambda block: block[:2])  # stable: news in order, then the summary
        self.update(Text("\n").join(block for _, _, block in blocks))

    def on_resize(self) -> None:
        """New lines make the feed taller: its pane shows the newest (once they are laid
        out; scrolling as they are set would scroll to the old end)."""
        if self.parent is not None:
            self.parent.scroll_end(animate=False)


class RoundSummary(Vertical):
    """What happened since the team's last move, above the table until a key acts: each
    change to the team's own numbers in full, then the rest one line each."""

    DEFAULT_CSS = """
    RoundSummary { height: auto; }
    RoundSummary Static { height: auto; }
    RoundSummary #happened { text-wrap: nowrap; text-overflow: ellipsis; }
    """
    LINES = 4
    """At most this many lines of what happened (half as many on a terminal under ``TALL``
    rows, so the package still shows below): the rest is in the news and the history."""
    TALL = 30

    summary: reactive[Summary | None] = reactive(None)
    """The summary on show; None hides the panel."""

    def compose(self) -> ComposeResult:
        yield Static(id="changes")
        yield Static(id="happened")

    def watch_summary(self, summary: Summary | None) -> None:
        self.display = summary is not None and not summary.empty
        if not self.display:
            return
        changes = Text(f"{summary.title} · any key goes on", style="bold")
        for line in summary.changes:
            changes.append(f"\n• {line}", style="yellow")
        self.query_one("#changes", Static).update(changes)
        lines = summary.moves + summary.notes + summary.news
        shown = self.LINES if self.app.size.height >= self.TALL else self.LINES // 2
        # More moves than lines: the newest are shown, for the last is the one that brought
        # play back (the other side's answer), after the allies' consultations, say.
        start = max(0, len(summary.moves) - shown)
        kept = lines[start : start + shown]
        happened = Text("\n").join(Text(f"• {line}") for line in kept)
        if len(lines) > shown:
            happened.append(f"\n… {len(lines) - shown} more: {self._where()}", style="dim")
        self.query_one("#happened", Static).update(happened)

    def _where(self) -> str:
        """Where the rest is: the news and history panes' tabs, as the screen numbers them
        (``4 News, 5 History`` at the local table, ``3 News, 4 History`` at a networked
        one, which has no chart)."""
        tabs = {tab.id: str(tab.label) for tab in self.screen.query(Tab)}
        keys = [tabs[id_] for id_ in ("tab-news", "tab-moves") if id_ in tabs]
        return ", ".join(keys) or "the news and the history"


class SummaryKeys:
    """The keys of a table screen that shows a ``RoundSummary``: any key that reaches the
    table puts the summary away; Enter builds a counter-offer, as ``c`` does, unless it
    found the summary on screen.

    The summary says "any key goes on", and a team that presses Enter to go on means only
    that: were that Enter to edit the offer too, the ``c`` the team types next would land
    in the offer's first field as text. The screen has ``action_counter``.
    """

    unread = False
    """Whether the key being handled found a round summary still on screen (a new
    decision's, on a networked table)."""

    def on_key(self) -> None:
        panel = self.query_one(RoundSummary)
        self.unread = panel.display
        panel.summary = None

    def action_edit(self) -> None:
        if self.unread:
            self.unread = False
            return
        self.action_counter()


class MoveHistory(DataTable):
    """Every move, AI and human, and every facilitator's intervention, in order.

    Nothing in a row is cut off: every cell wraps at word boundaries and the row grows to
    hold it. The package (every issue by its full name) gets at least half the width; the
    other columns are as wide as their longest entry in the rest, narrower on a narrow
    terminal.
    """

    COLUMNS = (("Rnd", 3), ("Track", 15), ("Who", 13), ("Move", 20))
    """The columns before the package, each with the most it is given."""
    UNMEASURED = 160
    """The width assumed while the table is hidden (another pane, the curtain) and cannot
    measure itself; it is laid out again when it is shown."""

    entries: reactive[tuple[Entry, ...]] = reactive(())
    """The history as the team at the keyboard may see it (``sim.classroom.record.history``)."""

    def on_mount(self) -> None:
        # A record to read, not a list to pick from: no cursor (and Textual releases draw a
        # cursor over a row of several lines differently).
        self.cursor_type = "none"
        self.zebra_stripes = True
        self._lay_out()

    def on_resize(self) -> None:
        if self._widths() != [column.width for column in self.ordered_columns]:
            self._lay_out()

    def watch_entries(self) -> None:
        if self.is_mounted:
            self._lay_out()

    def _rows(self) -> list[tuple[str, ...]]:
        """Each entry's cells as text."""
        return [(str(e.round), e.track, e.who, e.what, e.detail) for e in self.entries]

    def _widths(self) -> list[int]:
        """Each column's width for the table's width and the entries in it: a column before
        the package is never narrower than its longest word, so no word is broken."""
        width = self.size.width or self.UNMEASURED
        room = width - self.styles.scrollbar_size_vertical - 2 * self.cell_padding * 5
        columns = [
            [label, *(row[n] for row in self._rows())] for n, (label, _) in enumerate(self.COLUMNS)
        ]
        wanted = [
            min(most, max(map(cell_len, texts)))
            for texts, (_, most) in zip(columns, self.COLUMNS, strict=True)
        ]
        words = [max(map(cell_len, " ".join(texts).split())) for texts in columns]
        share = min(1.0, room / 2 / sum(wanted))
        short = [max(word, int(w * share)) for w, word in zip(wanted, words, strict=True)]
        return [*short, max(10, room - sum(short))]

    def _lay_out(self) -> None:
        """The columns for the table's width, and every entry in them, scrolled to the last."""
        self.clear(columns=True)
        labels = [*(label for label, _ in self.COLUMNS), "Package"]
        for label, width in zip(labels, self._widths(), strict=True):
            self.add_column(label, width=width)
        for row in self._rows():
            *cells, package = row
            self.add_row(*map(Text, cells), Text(package, style="dim"), height=None)
        self.scroll_end(animate=False)
