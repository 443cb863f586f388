"""The ``trilateral`` command: the engine's commands plus ``play``.

The command line is put together here, in the UI layer, because the engine (``sim``)
must never import the terminal UI; the UI is imported only when ``play`` runs, so the
headless commands start fast.
"""

from __future__ import annotations

from sim.cli import app

__all__ = ["app"]
