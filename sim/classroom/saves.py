"""Autosaves: every game is written to disk after every move, so nothing is ever lost.

A game is its scenario, its seed and its move log (docs/architecture.md, "Same seed, same
game"), so a save holds just that — where the scenario came from and the ``--set`` overrides
applied to it, the seed, which parties are human, facilitator mode, and the log — and
resuming replays the log. Each write is atomic (``sim.io.write_atomic``): a crash or a quit
in the middle of a write leaves the previous save whole, never half a file.

A save is named by its scenario, its teams and the minute it started
(``baseline-2025-japan-korea-20261201-1353``), so a class sharing one machine can tell its
games apart in ``trilateral saves`` and pass that name to ``trilateral play --resume``. It
also keeps, for that listing, the scenario's title, the teams' names, the round and the last
move in words; saves written before those were kept list what they have and load as ever.

Saves live in ``$TRILATERAL_SAVES`` if set (tests point it at a temporary folder), else
``$XDG_DATA_HOME/trilateral/saves``, else ``~/.local/share/trilateral/saves``.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sim.engine import MAX_SEED
from sim.io import write_atomic, write_problem
from sim.scenario.loading import is_file
from sim.scenario.yaml_safe import excerpt

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
    teams: tuple[str, ...] = ()
    """The human parties' names as people read them (empty in older saves)."""
    last_move: str = ""
    """The last move or intervention in words, e.g. "Japan proposes (US–Japan talks)"."""
    fingerprint: str = ""
    """The scenario's ``Scenario.fingerprint`` when the game was saved (empty in older saves):
    a save is not resumed into a scenario edited since."""

    def to_dict(self) -> dict:
        """The save as JSON-ready data."""
        setup = self.setup
        scenario = {
            "source": setup.source,
            "overrides": list(setup.overrides),
            "fingerprint": self.fingerprint,
        }
        data = {
            "format": FORMAT,
            "version": VERSION,
            "scenario": scenario,
            "title": self.title,
            "seed": setup.seed,
            "humans": list(setup.humans),
            "facilitator": setup.facilitator,
            "round": self.round,
            "finished": self.finished,
            "saved": self.saved,
            "teams": list(self.teams),
            "last_move": self.last_move,
            "log": list(self.log),
        }
        data["check"] = _check(data)
        return data

    @classmethod
    def from_dict(cls, data: object) -> Save:
        """A save read back from JSON data, every field checked before anything is replayed.

        Raises:
            SaveError: the data is not a save of this format, a field is not what a save
                holds there, or the game's part of it was edited since it was written.
        """
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise SaveError("not a trilateral save")
        if data.get("version") != VERSION:
            raise SaveError(f"save format version {data.get('version')!r} is not supported")
        try:
            stored = _Stored.model_validate(data)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "the save"
            raise SaveError(f"the save is damaged ({where}: {first['msg']})") from None
        if stored.check and stored.check != _check(data):
            raise SaveError(
                "the save was edited since the game wrote it: its scenario, seed, teams or "
                "moves are not the ones it saved, so resuming would play another game"
            )
        setup = GameSetup(
            stored.scenario.source,
            stored.seed,
            tuple(stored.humans),
            tuple(stored.scenario.overrides),
            stored.facilitator,
        )
        return cls(
            setup,
            tuple(stored.log),
            stored.title,
            stored.round,
            stored.finished,
            stored.saved,
            tuple(stored.teams),
            stored.last_move,
            stored.scenario.fingerprint,
        )


class _Source(BaseModel):
    """Where a saved game's scenario came from."""

    model_config = ConfigDict(strict=True)
    source: str
    overrides: list[str] = []
    fingerprint: str = ""


class _Stored(BaseModel):
    """What a save file must hold, field by field (JSON types, strictly: a seed is an
    integer, never a string, a float or a list), so a damaged or hand-edited save is refused
    with the field named instead of failing somewhere in the replay."""

    model_config = ConfigDict(strict=True)
    scenario: _Source
    seed: int = Field(ge=0, le=MAX_SEED)
    humans: list[str]
    facilitator: bool = False
    title: str = ""
    round: int = Field(default=0, ge=0)
    finished: bool = False
    saved: str = ""
    teams: list[str] = []
    last_move: str = ""
    log: list[dict[str, Any]]
    check: str = ""


def _check(data: dict) -> str:
    """A digest of the part of a save that decides the game (scenario, seed, teams and
    moves): written with it, so an edit by hand is found before it replays another game."""
    game = {key: data.get(key) for key in ("scenario", "seed", "humans", "facilitator", "log")}
    return hashlib.sha256(json.dumps(game, sort_keys=True).encode()).hexdigest()


def saves_dir() -> Path:
    """The folder saves are written to (not created here)."""
    if os.environ.get(SAVES_ENV):
        return Path(os.environ[SAVES_ENV])
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "trilateral" / "saves"


def saves_problem() -> str | None:
    """Why games cannot be saved in the saves folder, or None if they can.

    ``play`` asks before a game starts, so a class never plays a game it cannot keep: the
    folder, or the nearest of its parents that exists (the rest are made on the first save),
    must take new files.
    """
    folder = saves_dir()
    existing = next(p for p in (folder, *folder.parents) if p.exists())
    if existing.is_dir():
        problem = write_problem(existing, folder=True)
    else:
        problem = f"{existing} is not a folder"
    return None if problem is None else f"cannot save games in {folder}: {problem}"


def _slug(text: str) -> str:
    """``text`` as a piece of a file name: lower case, runs of other characters as one dash."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def new_save_path(setup: GameSetup, now: datetime | None = None) -> Path:
    """A fresh file for a new game, named by scenario, teams and start time, and claimed at
    once: created empty and exclusively, so that two games started in the same minute, even
    by two programs at once, never write the same file (the second gets ``-2``).

    Raises:
        OSError: the saves folder cannot be created or written.
    """
    now = now or datetime.now()
    parts = [_slug(Path(setup.source).stem) or "game", *map(_slug, setup.humans)]
    folder = saves_dir()
    folder.mkdir(parents=True, exist_ok=True)
    base = "-".join([*filter(None, parts), f"{now:%Y%m%d-%H%M}"])
    path, n = folder / f"{base}.json", 1
    while True:
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            n += 1
            path = folder / f"{base}-{n}.json"
        else:
            return path


def write_save(path: Path, save: Save) -> None:
    """Write a save atomically, creating the saves folder if need be, and sweep away the
    temporaries of this save that a killed program left behind (``sim.io.atomic_path``
    removes its own on any error it lives to see; a ``kill -9`` mid-write leaves one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(save.to_dict(), indent=1, sort_keys=True) + "\n")
    stale = time.time() - STALE_SECONDS
    for temporary in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        with contextlib.suppress(OSError):  # another program's, or gone already
            if temporary.stat().st_mtime < stale:
                temporary.unlink()


STALE_SECONDS = 60
"""How old a save's temporary must be to count as left behind (no write takes so long)."""


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
    except RecursionError:
        raise SaveError(f"{path}: not a trilateral save (nested too deeply)") from None
    except ValueError:  # an integer longer than Python converts (sys.int_info)
        raise SaveError(f"{path}: not a trilateral save (a number too long)") from None
    try:
        return Save.from_dict(data)
    except SaveError as error:
        raise SaveError(f"{path}: {error}") from None


def list_saves() -> list[Path]:
    """Every save in the saves folder, newest first (not a file a new game has claimed
    and not yet written: ``new_save_path``)."""
    folder = saves_dir()
    if not folder.is_dir():
        return []
    found = [p for p in folder.glob("*.json") if p.is_file() and p.stat().st_size]
    return sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)


def save_name(path: Path) -> str:
    """The name a save is listed under and resumed by: its file name without ``.json``."""
    return path.stem


@dataclass(frozen=True, slots=True)
class Listed:
    """One line of the list of saves: which game it is and how far it got."""

    name: str
    """What ``trilateral play --resume`` takes."""
    path: Path
    scenario: str
    """The scenario as it was chosen: a bundled name, or a scenario file's name."""
    teams: tuple[str, ...]
    """The teams' names (their party ids in saves that predate the names)."""
    round: int
    finished: bool
    saved: datetime | None
    """When the last move was saved (None if the save does not say)."""
    last_move: str


def listing() -> tuple[list[Listed], list[SaveError]]:
    """Every save in the folder, newest first, and the files there that could not be read."""
    rows, problems = [], []
    for path in list_saves():
        try:
            save = read_save(path)
        except SaveError as error:
            problems.append(error)
            continue
        try:
            saved = datetime.fromisoformat(save.saved)
        except ValueError:
            saved = None
        rows.append(
            Listed(
                save_name(path),
                path,
                Path(save.setup.source).name,
                save.teams or save.setup.humans,
                save.round,
                save.finished,
                saved,
                save.last_move,
            )
        )
    return rows, problems


def find_save(name: str | None) -> Path:
    """The save to resume: the newest when ``name`` is empty, else a path, a save's name
    or the start of exactly one save's name.

    Raises:
        SaveError: there is no such save (or none at all), or the start fits several.
    """
    saves = list_saves()
    if not name:
        if not saves:
            raise SaveError(f"there is no saved game in {saves_dir()}")
        return saves[0]
    for candidate in (Path(name), saves_dir() / name, saves_dir() / f"{name}.json"):
        if is_file(candidate):
            return candidate
    starting = [p for p in saves if save_name(p).startswith(name)]
    if len(starting) == 1:
        return starting[0]
    if starting:
        names = ", ".join(save_name(p) for p in starting)
        raise SaveError(f"{name!r} could be any of {len(starting)} saved games: {names}")
    raise SaveError(
        f"no saved game {excerpt(name)!r} (trilateral saves lists them; they are in {saves_dir()})"
    )


def timestamp() -> str:
    """The time now, as written in a save."""
    return datetime.now().isoformat(timespec="seconds")
