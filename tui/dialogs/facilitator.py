"""The facilitator's desk: fire a scenario event, announce a custom one, extend the deadline.

The dialog hands each intervention to ``carry_out``, which the screen that opens it
gives: at the local table, the game in a worker thread, as the table does with a team's
move (the engine applies it, may play on, and the save is written to disk); at the
teacher's console, the class server (``tui.console``). The screen keeps answering keys
meanwhile. A refusal (an unknown effect target, a deadline stretched too far) is shown in
the dialog and changes nothing. On success the dialog dismisses with the intervention,
already carried out.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Input,
    Label,
    OptionList,
    Select,
    Static,
    TabbedContent,
    TabPane,
)
from textual.widgets.option_list import Option

from sim.engine.moves import Intervention, InvalidMove
from tui.written import as_written


class FacilitatorDialog(ModalScreen[Intervention | None]):
    """Fire, announce or extend; Escape closes without doing anything."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close")]

    def __init__(
        self,
        events: Iterable[tuple[str, str]],
        carry_out: Callable[[Intervention], Awaitable[object]],
        title: str = "Facilitator",
    ) -> None:
        """Offer ``events`` (each one's id and label, ``event_label``) and carry out what is
        chosen with ``carry_out``, which raises ``InvalidMove`` with the reason for a
        refusal."""
        super().__init__()
        self.events = tuple(events)
        self.carry_out = carry_out
        self.heading = title
        self.working = False
        """Whether an intervention is being carried out: the dialog takes no other."""
        self.carried_out: Intervention | None = None
        """The intervention made, once the game has it."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog facilitator"):
            yield Label(as_written(self.heading), classes="dialog-title")
            with TabbedContent():
                with TabPane("Fire an event", id="fire"):
                    yield OptionList(
                        *[Option(as_written(label), id=id_) for id_, label in self.events],
                        id="events",
                        compact=True,
                    )
                with TabPane("Custom event", id="custom"):
                    yield Input(placeholder="The line of news the class reads", id="news")
                    with Horizontal(classes="effect"):
                        yield Input(placeholder="target, e.g. parties.japan.patience", id="target")
                        yield Select(
                            [("add", "add"), ("set to", "set")],
                            value="add",
                            allow_blank=False,
                            id="change",
                        )
                        yield Input(placeholder="amount", id="amount")
                    yield Button("Announce", id="announce", variant="primary", compact=True)
                with TabPane("Deadline", id="deadline"):
                    with Horizontal(classes="effect"):
                        yield Label("Extend by", classes="field-label")
                        yield Input("2", id="rounds")
                        yield Label("rounds", classes="field-label")
                    yield Button(
                        "Extend the deadline", id="extend", variant="primary", compact=True
                    )
            yield Static("", id="problem")

    def on_mount(self) -> None:
        self.query_one("#events").focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action == "close" and self.working)

    def _apply(self, act: Intervention) -> None:
        if not self.working:
            self.intervene(act)

    @work
    async def intervene(self, act: Intervention) -> None:
        """Carry out ``act`` in a thread; close with it, or show why it was refused."""
        self.working = True
        try:
            await self.carry_out(act)
        except InvalidMove as error:
            self._problem(str(error))
            return
        finally:
            self.working = False
        self.carried_out = act
        if self.is_active:
            self.dismiss(act)

    def on_screen_resume(self) -> None:
        if self.carried_out is not None:  # made while the help was open over the dialog
            self.dismiss(self.carried_out)

    def _problem(self, text: str) -> None:
        self.query_one("#problem", Static).update(as_written(text, style="bold red"))

    @on(OptionList.OptionSelected, "#events")
    def _fire(self, event: OptionList.OptionSelected) -> None:
        self._apply(Intervention("fire", event=event.option.id))

    @on(Button.Pressed, "#announce")
    @on(Input.Submitted, "#news, #target, #amount")
    def _announce(self) -> None:
        news = self.query_one("#news", Input).value.strip()
        target = self.query_one("#target", Input).value.strip()
        amount_text = self.query_one("#amount", Input).value.strip()
        if not news:
            self._problem("Write the line of news the class will read.")
            return
        effects: tuple[dict, ...] = ()
        if target or amount_text:
            if not target or not amount_text:
                self._problem("An effect needs both a target and an amount (or leave both empty).")
                return
            try:
                amount = float(amount_text)
            except ValueError:
                amount = math.nan
            if not math.isfinite(amount):
                self._problem(f"Amount: {amount_text!r} is not a number.")
                return
            change = str(self.query_one("#change", Select).value)
            effects = ({"target": target, change: amount},)
        self._apply(Intervention("custom", news=news, effects=effects))

    @on(Button.Pressed, "#extend")
    @on(Input.Submitted, "#rounds")
    def _extend(self) -> None:
        text = self.query_one("#rounds", Input).value.strip()
        try:
            rounds = int(text)
        except ValueError:
            self._problem(f"Rounds: {text!r} is not a whole number.")
            return
        self._apply(Intervention("extend", rounds=rounds))

    def action_close(self) -> None:
        self.dismiss(None)


def event_label(
    name: str, round: int | None, probability: float | None, fired: Sequence[int] = ()
) -> str:
    """A scenario event as the list offers it: its name, when it fires, and the rounds in
    which it has fired at this table already (firing it again is the teacher's call)."""
    when = [f"round {round}"] if round is not None else []
    when += [f"p={probability:g}"] if probability is not None else []
    label = f"{name} ({', '.join(when)})"
    if fired:
        label += f" · fired in round {', '.join(map(str, fired))}"
    return label
