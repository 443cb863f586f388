"""The news feed and the move history: the public record of the game, newest last."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import DataTable, Static

from sim.classroom.record import Entry


class NewsFeed(Static):
    """The news: every event that fired, by round."""

    items: reactive[tuple[tuple[int, str, str], ...]] = reactive(())
    """(round, headline, line of news) per event, oldest first."""

    def watch_items(self, items: tuple[tuple[int, str, str], ...]) -> None:
        if not items:
            self.update(Text("No news yet.", style="dim"))
            return
        text = Text()
        for n, (round_, headline, news) in enumerate(items):
            if n:
                text.append("\n")
            text.append(f"R{round_} ", style="bold")
            text.append(headline, style="bold")
            text.append(f" — {news}")
        self.update(text)
        if self.parent is not None:
            self.parent.scroll_end(animate=False)


class MoveHistory(DataTable):
    """Every move, AI and human, and every facilitator's intervention, in order."""

    entries: reactive[tuple[Entry, ...]] = reactive(())
    """The history as the team at the keyboard may see it (``sim.classroom.record.history``)."""

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        # Fixed widths: rows often arrive while the table is hidden (another pane, the
        # curtain), when it cannot measure itself.
        for label, width in (("Rnd", 3), ("Track", 15), ("Who", 13), ("Move", 20)):
            self.add_column(label, width=width)
        self.add_column("Package", width=160)
        self.watch_entries(self.entries)

    def watch_entries(self, entries: tuple[Entry, ...]) -> None:
        if not self.columns:
            return
        self.clear()
        for entry in entries:
            self.add_row(
                str(entry.round),
                entry.track,
                entry.who,
                entry.what,
                Text(entry.detail, style="dim", overflow="ellipsis", no_wrap=True),
            )
        if entries:
            self.move_cursor(row=len(entries) - 1, animate=False)
