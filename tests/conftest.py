"""Fixtures for every test: saves go to a temporary folder, never to the user's own."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def saves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Saves go to a fresh folder per test, never to the user's own saves."""
    folder = tmp_path / "saves"
    monkeypatch.setenv("TRILATERAL_SAVES", str(folder))
    return folder
