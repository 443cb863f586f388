"""Ask where to export the transcript; refuse a path that is a file, inline."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from tui.written import as_written


class ExportDialog(ModalScreen[Path | None]):
    """A folder for transcript.md, game.json and the PNG charts; Enter exports."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Cancel")]

    def __init__(self, default: Path) -> None:
        super().__init__()
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Export the transcript", classes="dialog-title")
            yield Static("Folder for transcript.md, game.json and the PNG charts:")
            yield Input(str(self.default), id="folder")
            yield Static("", id="problem")

    @on(Input.Submitted, "#folder")
    def _export(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        problem = ""
        if not text:
            problem = "Give a folder."
        else:
            folder = Path(text).expanduser()
            if folder.exists() and not folder.is_dir():
                problem = f"{folder} is a file, not a folder."
        if problem:
            self.query_one("#problem", Static).update(as_written(problem, style="bold red"))
            return
        self.dismiss(folder)

    def action_close(self) -> None:
        self.dismiss(None)
