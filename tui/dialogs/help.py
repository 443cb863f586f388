"""The help screen: the keys and the rules of the game in one page."""

from __future__ import annotations

from typing import ClassVar

from rich.markdown import Markdown
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

HELP = """\
# Playing trilateral

Each round, on every open track, one side **proposes** a package and the other
**accepts**, **counters** (rejects and proposes its own package next round) or
**walks away**. After the last round open tracks end with **no deal** and the
escalations hold. Your utility runs from 0 (your worst package) to 1 (your best);
a deal worth less than no deal, or crossing a bottom line, leaves you worse off.

## At the table

| key | what it does |
|---|---|
| `a` | accept the offer on the table |
| `c` / `Enter` | build an offer in *Your offer*: it starts from your last one (or your opening) |
| `Enter` on a round summary | put the summary away, nothing more |
| `Enter` / `↓` in a field | on to the next issue (`Ctrl+A` selects the field, to type over it) |
| `Ctrl+S` | send the offer you built |
| `Esc` | stop editing (your draft is kept) |
| `r` | reset your draft to your last offer (or your opening) |
| `w` | walk away from these talks |
| `u` | undo your last move |
| `b` | read your briefing again |
| `1`–`5` | on a small screen: table, meters, chart, news, history |
| `Ctrl+P` | command palette: every command by name |
| `?` / `F1` | this help |
| `Ctrl+Q` | quit — the game is saved after every move |

Facilitator mode adds `f` (fire an event, a custom event or extend the deadline)
and `p` (pause: hide the table while the class talks; only `p` resumes).

## Several teams on one keyboard

Between turns a curtain asks to pass the keyboard; press Enter only when your team
sits at the screen. The table only ever shows the numbers of the team whose turn it is.
`u` takes back only your own last move; if another team has moved since, it must agree.

## Saves

Every move is saved at once. `trilateral saves` lists the saved games;
`trilateral play --resume NAME` continues one (with no name: the only one, or you pick).
"""


class HelpDialog(ModalScreen[None]):
    """Keys and rules; any of Escape, q or ? closes it."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark,f1", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Static(Markdown(HELP), id="help-text")  # one widget: it opens on a keypress

    def action_close(self) -> None:
        self.dismiss()
