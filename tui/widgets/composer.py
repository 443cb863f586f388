"""The package on the table, issue by issue, beside the team's own counter-offer.

One row per issue: the status quo, what holds with no deal, the offer on the table, the
team's ideal and bottom line, and a field for the team's value. A draft starts from the
team's own last offer on the track, or its opening (``sim.classroom.views.opening``), so
a counter-offer is built from where the team stood, not from the other side's package.
The fields keep what the team typed until the decision changes (a new offer arrives,
another track comes up): resizing the terminal, a facilitator's event or a redraw never
wipe a half-built offer. Enter moves on to the next field, as in a spreadsheet; only
``Ctrl+S`` sends.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.validation import ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import Input, Label, Select

from sim.classroom.views import IssueRow, draft_text, number_text, read_value
from sim.engine.utility import IssueSpace
from tui.written import as_written


@dataclass(frozen=True, slots=True)
class Desk:
    """What the composer shows: one decision on one track and its issues."""

    decision: tuple
    """Identifies the decision (party, track, kind, round); a new one starts a fresh draft."""
    rows: tuple[IssueRow, ...]


class IssueValue(Validator):
    """Checks one field as the engine will: a number in range and on the grid, or an option."""

    def __init__(self, space: IssueSpace) -> None:
        super().__init__()
        self.space = space

    def validate(self, value: str) -> ValidationResult:
        _, problem = read_value(self.space, value)
        return self.failure(problem) if problem else self.success()


class OfferField(Input):
    """A number field of the offer: ``Ctrl+A`` selects its text, so typing replaces it (as
    focusing it does), rather than moving the cursor to the start; Enter and ``↓`` move to
    the next field, ``↑`` to the one before.

    The moves are priority bindings, which the app runs as it reads the key, before it
    hands on the next one: a student who types ``15 Enter 10`` in one burst gets 15 and 10
    in two fields (a message from the field would move the focus only after ``10`` had
    gone into the first)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+a", "select_all", "Select all", show=False),
        Binding("enter,down", "step(1)", "Next issue", show=False, priority=True),
        Binding("up", "step(-1)", "Previous issue", show=False, priority=True),
    ]

    def action_step(self, by: int) -> None:
        """Move the cursor ``by`` fields on, round from the last to the first."""
        fields = list(self.screen.query("#fields > .field"))
        self.screen.set_focus(fields[(fields.index(self) + by) % len(fields)])


class PackageComposer(Widget):
    """The issues of the track being decided, with a field per issue for the team's offer.

    Between edits nothing on the table has the focus, so the table's one-letter keys
    (a, c, w…) act and switching panes moves no focus (a change of focus rebuilds the
    footer's keys, the slowest thing on a keypress); Enter or ``c`` puts the cursor in
    the first field, Enter in a field moves it to the next (from the last, back to the
    first), Escape takes it out.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "app.focus_next", "Next issue", show=False),
        Binding("up", "app.focus_previous", "Previous issue", show=False),
        Binding("escape", "leave", "Done editing"),
    ]

    desk: reactive[Desk | None] = reactive(None, recompose=True)
    """The decision and its issues, set by the table screen."""
    crossing: reactive[frozenset[str]] = reactive(frozenset(), repaint=False)
    """Issues whose drafted value crosses the team's bottom line (their fields are shaded)."""
    draft: reactive[dict[str, str]] = reactive(dict, repaint=False)
    """What the team has typed: issue id → text, for the fields it touched. The screen
    watches it and re-prices the draft within the same keystroke, so the field and the
    preview are redrawn together (a message would arrive a frame later)."""

    class Leave(Message):
        """The team is done editing; focus goes back to the table."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._editing = False
        """Put the cursor in the first field once the fields exist (they are rebuilt
        after every decision)."""

    def watch_desk(self, old: Desk | None, new: Desk | None) -> None:
        """A new decision starts a fresh draft (``IssueRow.draft``), not the last one."""
        if old is None or new is None or old.decision != new.decision:
            self.draft = {}

    def watch_crossing(self, crossing: frozenset[str]) -> None:
        for field in self.query("#fields > .field"):
            field.set_class(str(field.id).removeprefix("offer-") in crossing, "-crosses")

    @property
    def texts(self) -> dict[str, str]:
        """The draft as typed: issue id → text (defaults for the fields not touched)."""
        if self.desk is None:
            return {}
        return {row.space.id: self.draft.get(row.space.id, row.draft) for row in self.desk.rows}

    def compose(self) -> ComposeResult:
        if self.desk is None:
            return
        texts = self.texts
        fields = Vertical(id="fields")
        # As wide as the longest value, so the issues' names keep the room.
        fields.styles.width = max(5, *(_field_width(row.space) for row in self.desk.rows))
        with Horizontal(id="package"):
            yield IssueTable(self.desk.rows)
            with fields:
                yield Label("Your\noffer", classes="head")
                for row in self.desk.rows:
                    yield self._field(row.space, texts[row.space.id])

    def _field(self, space: IssueSpace, text: str) -> Input | Select:
        field_id = f"offer-{space.id}"
        classes = "field -crosses" if space.id in self.crossing else "field"
        if space.kind == "numeric":
            return OfferField(
                text,
                id=field_id,
                classes=classes,
                compact=True,
                validators=[IssueValue(space)],
                tooltip=as_written(f"{space.name} ({space.lo:g}–{space.hi:g}{space.unit})"),
            )
        return Select(
            [(as_written(space.show(float(n))), choice) for n, choice in enumerate(space.choices)],
            value=text,
            allow_blank=False,
            id=field_id,
            classes=classes,
            compact=True,
        )

    async def recompose(self) -> None:
        had_focus = self.has_focus_within
        await super().recompose()
        for field in self.query("#fields > .field"):
            issue = str(field.id).removeprefix("offer-")
            self.watch(field, "value", partial(self._typed, issue), init=False)
        if self._editing:
            self.focus_first()
        elif had_focus:  # the field went with the old decision: back to the table's keys
            self.screen.set_focus(None)

    def focus_first(self) -> None:
        """Put the cursor in the first field, to start building an offer."""
        fields = self.query("#fields > .field")
        self._editing = not fields
        if fields:
            # At once, not after the queued events as ``focus()`` does: in a burst of keys
            # (``c20``) the next key must already find the cursor in the field.
            self.screen.set_focus(fields.first())

    def reset(self) -> None:
        """Throw the draft away and start again from the team's last offer or opening."""
        self.draft = {}
        self.refresh(recompose=True)

    def _typed(self, issue: str, value: object) -> None:
        self.draft = {**self.draft, issue: str(value)}

    def action_leave(self) -> None:
        self.post_message(self.Leave())


def _field_width(space: IssueSpace) -> int:
    """The columns a field needs for the longest value the issue takes: a number and the
    cursor after it, or an option and the arrow of its list."""
    if space.choices is not None:
        return max(cell_len(draft_text(space, float(n))) for n in range(len(space.choices))) + 3
    values = [space.lo, space.hi, space.hi - (space.step or 0.01)]
    return max(len(number_text(value)) for value in values) + 1


class TrackWatch(Widget):
    """The team's own tracks while another team decides: each one's issues as the table
    shows them, without fields (there is nothing to offer until play comes back)."""

    tracks: reactive[tuple[tuple[str, tuple[IssueRow, ...]], ...]] = reactive((), recompose=True)
    """(title, rows) of each track the team sits at."""

    def compose(self) -> ComposeResult:
        for title, rows in self.tracks:
            yield Label(title, classes="watched")
            yield IssueTable(rows)


class IssueTable(Widget):
    """The package's read-only columns, one line per issue beside the team's fields.

    Drawn as one Rich table rather than a label per cell: the sixty-odd labels made
    showing the table pane take some 25 ms more. The headers take two lines so that the
    value columns are as narrow as their numbers, which leaves the room to the issues'
    names: an issue shows its full name where the column holds it and its short name where
    not, so autos and steel never both read "Section 232 tariff on…"; issues whose names
    begin with the same word go short together, so siblings read alike. The *No deal*
    column (what holds if the track ends without a deal: a carried-out threat shows here)
    shows whenever the short names still fit beside it.
    """

    NO_DEAL = "No\ndeal"

    def __init__(self, rows: tuple[IssueRow, ...]) -> None:
        super().__init__()
        self.rows = rows

    def _columns(self) -> list[tuple[str, list[Text]]]:
        """Each value column's two-line header and cells, left to right; *No deal* only
        when the short names still fit beside it."""
        accent, error = self.app.theme_variables["accent"], self.app.theme_variables["error"]
        rows = self.rows
        columns = [
            ("\nUnit", [Text(row.unit, style="dim") for row in rows]),
            ("Status\nquo", [Text(row.status_quo) for row in rows]),
            (self.NO_DEAL, [Text(row.no_deal) for row in rows]),
            (
                "On\ntable",
                [Text(row.on_table, style=f"bold {error}" if row.crosses else "") for row in rows],
            ),
            ("\nIdeal", [Text(row.ideal, style=accent) for row in rows]),
            ("Bottom\nline", [Text(row.bottom_line, style=accent) for row in rows]),
        ]
        shortest = max((cell_len(row.space.short) for row in rows), default=0)
        if _room(self.size.width, columns) < shortest:
            columns = [column for column in columns if column[0] != self.NO_DEAL]
        return columns

    def render(self) -> Table:
        table = Table(
            box=None,
            expand=True,
            pad_edge=False,
            padding=(0, 1, 0, 0),
            header_style="bold underline dim",
        )
        columns = self._columns()
        room = _room(self.size.width, columns)
        table.add_column("\nIssue", ratio=1, no_wrap=True, overflow="ellipsis")
        for header, cells in columns:
            table.add_column(header, width=_width(header, cells), no_wrap=True)
        # Siblings read alike: if one "Section 232 tariff on…" must be short, so are the rest.
        cut = {_first_word(row.space.name) for row in self.rows if cell_len(row.space.name) > room}
        for n, row in enumerate(self.rows):
            space = row.space
            name = space.short if _first_word(space.name) in cut else space.name
            table.add_row(Text(name), *(cells[n] for _, cells in columns))
        return table


def _first_word(name: str) -> str:
    return name.split(maxsplit=1)[0] if name.strip() else ""


def _width(header: str, cells: list[Text]) -> int:
    """A column as wide as its widest header line or cell."""
    return max([*map(cell_len, header.split("\n")), *(cell.cell_len for cell in cells)])


def _room(width: int, columns: list[tuple[str, list[Text]]]) -> int:
    """The width left to the issues' names beside these columns, a space after each name."""
    return width - sum(_width(*column) + 1 for column in columns)
