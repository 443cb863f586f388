"""Fixtures for the terminal UI's tests: a steady cursor.

As in Harlequin's functional tests, the cursor is stopped from blinking for every test,
so that a screenshot taken half a second later shows the same thing.
"""

from __future__ import annotations

import pytest
from textual.reactive import reactive
from textual.widgets import Input


@pytest.fixture(autouse=True)
def steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inputs are created with ``cursor_blink`` off."""
    blink = reactive(False, init=False)
    blink.__set_name__(Input, "cursor_blink")
    monkeypatch.setattr(Input, "cursor_blink", blink)
