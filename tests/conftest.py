"""Fixtures for every test: saves go to a temporary folder, never to the user's own.

On CI (``CI`` set), hypothesis draws the same examples on every run, so a landing is
decided by the code, not by the draw; at a desk it keeps exploring (and remembers what
failed in its database).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

if os.environ.get("CI"):
    settings.register_profile("ci-derandomized", derandomize=True, database=None, deadline=None)
    settings.load_profile("ci-derandomized")


@pytest.fixture(autouse=True)
def saves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Saves go to a fresh folder per test, never to the user's own saves."""
    folder = tmp_path / "saves"
    monkeypatch.setenv("TRILATERAL_SAVES", str(folder))
    return folder
