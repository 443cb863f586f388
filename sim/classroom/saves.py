"""Autosaves: every game is written to disk after every move, so nothing is ever lost.

A game is its scenario, its seed and its move log (docs/architecture.md, "Same seed, same
game"), so a save holds just that — where the scenario came from and the ``--set`` overrides
applied to it, the seed, which parties are human, facilitator mode, and the log — and
resuming replays the log. Each write is atomic (``sim.io.write_atomic``): a crash or a quit
in the middle of a write leaves the previous save whole, never half a file.

Saves live in ``$TRILATERAL_SAVES`` if set (tests point it at a temporary folder), else
``$XDG_DATA_HOME/trilateral/saves``, else ``~/.local/share/trilateral/saves``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sim.io import write_atomic

SAVES_ENV = "TRILATERAL_SAVES"
"""The environment variable that overrides the saves folder."""
FORMAT = "trilateral-save"
VERSION = 1


class SaveError(Exception):
    """A save could not be found, read or continued; the message says why, in plain words."""


@dataclass(frozen=True, slots=True)
class GameSetup:
    """How a local game was set up: everything besides its moves that replaying it needs."""

    source: str
    """The scenario: a bundled scenario's name or the path of a scenario file."""
    seed: int
    """The seed of the game's random generator."""
    humans: tuple[str, ...]
    """The parties played by people, in the scenario's order."""
    overrides: tuple[str, ...] = ()
    """``--set KEY=VALUE`` overrides applied to the scenario (strategies chosen included)."""
    facilitator: bool = False
    """Whether the facilitator's controls are on."""

    @property
    def hot_seat(self) -> bool:
        """Whether several teams share one keyboard: a privacy curtain stands between them."""
        return len(self.humans) > 1


@dataclass(frozen=True, slots=True)
class Save:
    """A game on disk: its setup and its log, plus a few facts for listing saves."""

    setup: GameSetup
    log: tuple[dict, ...] = ()
    """The engine's log entries (moves and interventions) as plain data."""
    title: str = ""
    round: int = 0
    finished: bool = False
    saved: str = field(default="")
    """When the save was written, ISO 8601 local time."""

    def to_dict(self) -> dict:
        """The save as JSON-ready data."""
        setup = self.setup
        return {
            "format": FORMAT,
            "version": VERSION,
            "scenario": {"source": setup.source, "overrides": list(setup.overrides)},
            "title": self.title,
            "seed": setup.seed,
            "humans": list(setup.humans),
            "facilitator": setup.facilitator,
            "round": self.round,
            "finished": self.finished,
            "saved": self.saved,
            "log": list(self.log),
        }

    @classmethod
    def from_dict(cls, data: object) -> Save:
        """A save read back from JSON data.

        Raises:
            SaveError: the data is not a save of this format.
        """
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise SaveError("not a trilateral save")
        if data.get("version") != VERSION:
            raise SaveError(f"save format version {data.get('version')!r} is not supported")
        try:
            scenario = data["scenario"]
            setup = GameSetup(
                source=str(scenario["source"]),
                seed=int(data["seed"]),
                humans=tuple(str(h) for h in data["humans"]),
                overrides=tuple(str(o) for o in scenario.get("overrides", ())),
                facilitator=bool(data.get("facilitator", False)),
            )
            log = tuple(dict(entry) for entry in data["log"])
        except (KeyError, TypeError, ValueError) as error:
            raise SaveError(f"the save is damaged ({error})") from None
        return cls(
            setup,
            log,
            str(data.get("title", "")),
            int(data.get("round", 0)),
            bool(data.get("finished", False)),
            str(data.get("saved", "")),
        )


def saves_dir() -> Path:
    """The folder saves are written to (not created here)."""
    if os.environ.get(SAVES_ENV):
        return Path(os.environ[SAVES_ENV])
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "trilateral" / "saves"


def new_save_path(scenario_source: str, seed: int, now: datetime | None = None) -> Path:
    """A fresh file name for a new game: scenario, start time and seed, never an existing file."""
    now = now or datetime.now()
    stem = Path(scenario_source).stem or "game"
    folder = saves_dir()
    base = f"{stem}-{now:%Y%m%d-%H%M%S}-seed{seed}"
    path, n = folder / f"{base}.json", 1
    while path.exists():
        n += 1
        path = folder / f"{base}-{n}.json"
    return path


def write_save(path: Path, save: Save) -> None:
    """Write a save atomically, creating the saves folder if need be."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(save.to_dict(), indent=1, sort_keys=True) + "\n")


def read_save(path: Path) -> Save:
    """Read a save.

    Raises:
        SaveError: the file cannot be read or is not a save.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SaveError(f"{path}: cannot read: {error.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SaveError(f"{path}: not a trilateral save (not JSON)") from None
    try:
        return Save.from_dict(data)
    except SaveError as error:
        raise SaveError(f"{path}: {error}") from None


def list_saves() -> list[Path]:
    """Every save in the saves folder, newest first."""
    folder = saves_dir()
    if not folder.is_dir():
        return []
    found = [p for p in folder.glob("*.json") if p.is_file()]
    return sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)


def find_save(name: str | None) -> Path:
    """The save to resume: the newest when ``name`` is empty, else a path or a save's name.

    Raises:
        SaveError: there is no such save (or none at all).
    """
    if not name:
        saves = list_saves()
        if not saves:
            raise SaveError(f"there is no saved game in {saves_dir()}")
        return saves[0]
    for candidate in (Path(name), saves_dir() / name, saves_dir() / f"{name}.json"):
        if candidate.is_file():
            return candidate
    raise SaveError(f"no saved game {name!r} (saves are in {saves_dir()})")


def timestamp() -> str:
    """The time now, as written in a save."""
    return datetime.now().isoformat(timespec="seconds")
