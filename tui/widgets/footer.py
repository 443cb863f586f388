"""The key bar at the bottom of a screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.screen import Screen


class KeyFooter(Footer):
    """Textual's footer, rebuilt only when the keys it would show have changed.

    Textual rebuilds the footer's key widgets whenever the bindings may have changed: on
    a change of focus and whenever a dialog closes over the screen. Mostly they have not,
    and on a large terminal the rebuild was a fifth of the time a dialog took to open
    and close.
    """

    def __init__(self, *, compact: bool = False, show_command_palette: bool = True) -> None:
        super().__init__(compact=compact, show_command_palette=show_command_palette)
        self._shown: tuple = ()

    def bindings_changed(self, screen: Screen) -> None:
        if screen is self.screen:
            shown = tuple((b, on, tip) for _, b, on, tip in screen.active_bindings.values())
            if self._bindings_ready and shown == self._shown:
                return
            self._shown = shown
        super().bindings_changed(screen)
