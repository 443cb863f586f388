"""A batch's results on disk: chunk files while it runs, one Parquet file when it is done.

While a batch runs, its chunks go to a folder beside the results file, ``OUT.partial/``:
``manifest.json`` holds the plan, and each finished chunk ``k`` becomes
``runs-k.parquet`` (and ``rounds-k.parquet`` with ``--per-round``). Every file is
written atomically (``sim.io.atomic_path``) and the runs file of a chunk is written last,
so a chunk counts as done exactly when its runs file exists: a batch killed at any moment
resumes with no run lost or played twice. Memory stays flat — a chunk is on disk as soon
as it is finished.

When every chunk is done the parts are joined, in chunk (hence run) order, into
``OUT`` — one row group per chunk — and ``OUT.rounds.parquet``; the plan goes into
their file metadata under ``trilateral``, which is what ``trilateral report`` reads.

The folder is the batch's own or it is not used. Before any game the store checks where
the results go and claims the folder: it takes an ``flock`` on ``lock`` in it for as long
as the batch runs (a second batch on the same file stops at once rather than racing), and
it goes on only if the folder is empty or holds a manifest that says trilateral wrote it
and nothing but that batch's chunks. A folder of the user's, a link, a damaged manifest
or a stray file is refused with a message and left as it was; a chunk file that does not
read back is played again. At the end the store removes only the names it writes.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.experiments.batch import BatchError
from sim.io import atomic_path, write_atomic

METADATA_KEY = b"trilateral"
"""The key of the batch's plan in the results files' metadata."""


def rounds_path(out: Path) -> Path:
    """The per-round results file that goes with a results file: ``OUT.rounds.parquet``."""
    if out.suffix == ".parquet":
        return out.with_name(f"{out.stem}.rounds.parquet")
    return out.with_name(f"{out.name}.rounds.parquet")


def read_metadata(path: Path) -> dict:
    """The batch metadata of a results file.

    Raises:
        BatchError: if the file cannot be read or is not a batch's results file.
    """
    try:
        schema = pq.read_schema(path)
    except (OSError, pa.ArrowException) as error:
        raise BatchError(f"{path}: cannot read it as Parquet ({error})") from None
    found = (schema.metadata or {}).get(METADATA_KEY)
    if found is None:
        raise BatchError(f"{path}: not the results of `trilateral batch` (no batch metadata)")
    try:
        metadata = json.loads(found)
    except ValueError as error:
        raise BatchError(f"{path}: its batch metadata is not valid JSON ({error})") from None
    if not isinstance(metadata, dict):
        raise BatchError(f"{path}: its batch metadata is not a JSON object")
    try:
        _Metadata.model_validate(metadata)
    except ValidationError as error:
        problems = [
            " ".join(filter(None, [".".join(map(str, e["loc"])), f"({e['msg'].lower()})"]))
            for e in error.errors()
        ]
        raise BatchError(
            f"{path}: not the results of `trilateral batch`: in its batch metadata, "
            + ", ".join(problems[:3])
            + (", …" if len(problems) > 3 else "")
        ) from None
    return metadata


class _Problem(BaseModel):
    """SALib's problem of a Sobol' design."""

    model_config = ConfigDict(strict=True)

    num_vars: int
    names: list[str]
    bounds: list[list[float]]


class _Design(BaseModel):
    model_config = ConfigDict(strict=True)

    kind: str
    keys: list[str]
    factors: list[str]
    cells: list[list[str]]
    samples: int | None
    problem: _Problem | None

    @model_validator(mode="after")
    def _sobol_problem_fits_keys(self) -> _Design:
        if self.kind != "sobol":
            return self
        problem = self.problem
        if problem is None or not (
            problem.names == self.keys and problem.num_vars == len(self.keys) == len(problem.bounds)
        ):
            raise ValueError("a sobol design needs a problem over its keys")
        return self


class _Spec(BaseModel):
    model_config = ConfigDict(strict=True)

    source: str
    fixed: list[str]
    runs: int
    seed: int
    per_round: bool
    design: _Design


class _Metadata(BaseModel):
    """What ``summary`` and ``report`` read of a results file's metadata (more keys may follow)."""

    model_config = ConfigDict(strict=True)

    title: str
    parties: list[str]
    tracks: dict[str, list[str]] = Field(min_length=1)
    spec: _Spec

    @model_validator(mode="after")
    def _track_parties_are_parties(self) -> _Metadata:
        strangers = {p for parties in self.tracks.values() for p in parties} - set(self.parties)
        if strangers:
            raise ValueError(f"tracks name parties not in parties: {', '.join(sorted(strangers))}")
        return self


MANIFEST = "manifest.json"
LOCK = "lock"
WRITER = "trilateral batch"
"""What a manifest says under ``written_by``: a chunk folder without it is not ours."""
_OURS = re.compile(r"manifest\.json|lock|(runs|rounds)-(0|[1-9][0-9]*)\.parquet")
"""The names a batch writes in its chunk folder."""
_TEMPORARY = re.compile(r"\.(manifest\.json|(runs|rounds)-[0-9]+\.parquet)\.[0-9a-f]{8}\.tmp")
"""A temporary ``sim.io.atomic_path`` makes for one of them, left by a killed write."""


@dataclass(frozen=True)
class Interrupted:
    """What an interrupted batch left in its chunk folder."""

    chunk_size: int
    done: frozenset[int]
    """The chunks whose files are whole."""
    damaged: tuple[str, ...]
    """Chunk files that could not be read back (removed: their chunks are played again)."""


class ResultStore:
    """The files of one batch: its chunks while it runs, its results when it is done."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.rounds = rounds_path(out)
        self.parts = out.with_name(out.name + ".partial")
        self._lock: int | None = None

    def complete(self, spec: dict) -> bool:
        """Whether the results file exists and holds a finished batch of this plan."""
        if self.parts.is_symlink() or self.parts.exists() or not self.out.is_file():
            return False
        try:
            return read_metadata(self.out)["spec"] == _read_back(spec)
        except BatchError:
            return False

    @contextmanager
    def claim(self, spec: dict, total: int, resume: bool) -> Iterator[Interrupted | None]:
        """Check where the batch writes and hold its chunk folder for the ``with`` block.

        The folder is locked (``flock``) while the block runs, so a second batch writing to
        the same file stops at once instead of racing this one. A folder is only used if it
        is empty or holds a valid manifest written by trilateral and nothing but this
        batch's chunks: a folder of the user's own files is never written to or removed.

        Args:
            spec: The plan as JSON-ready data.
            total: Runs in the batch.
            resume: Whether to continue an interrupted batch of the same plan.

        Yields:
            The interrupted batch found, or None for a new batch (then call ``start``).

        Raises:
            BatchError: if the results file cannot be written there, the folder is not
                ours, another batch holds it, or an interrupted batch is in the way and
                ``resume`` is not set or it was started with a different plan.
        """
        self._check_paths(spec)
        if not self.parts.exists():
            try:
                self.parts.mkdir()
            except FileExistsError:
                pass  # another batch made it just now: the lock below decides
            except OSError as error:
                raise BatchError(f"{self.parts}: cannot create it: {error.strerror}") from None
        else:
            self._check_ours()
        try:
            self._lock = _take_lock(self.parts / LOCK)
        except OSError as error:
            raise BatchError(f"{self.parts / LOCK}: cannot lock it: {error.strerror}") from None
        try:
            yield self._interrupted(spec, total, resume)
        except BaseException:
            if not (self.parts / MANIFEST).exists():
                self._remove_folder()  # nothing of the batch was kept: leave nothing behind
            raise
        finally:
            self._release()

    def start(self, spec: dict, chunk_size: int) -> None:
        """Begin a new batch in the claimed folder: write its manifest."""
        manifest = {"written_by": WRITER, "spec": spec, "chunk_size": chunk_size}
        with _writing(self.parts / MANIFEST):
            write_atomic(self.parts / MANIFEST, json.dumps(manifest, indent=1))

    def save(self, index: int, runs: pa.Table, rounds: pa.Table | None) -> None:
        """Write a finished chunk; it counts as done once this returns."""
        if rounds is not None:
            _write_table(rounds, self.parts / f"rounds-{index}.parquet")
        _write_table(runs, self.parts / f"runs-{index}.parquet")

    def finish(self, chunks: int, metadata: dict) -> None:
        """Join the chunks into the results file(s) and remove the chunk folder."""
        note = {METADATA_KEY: json.dumps(metadata, sort_keys=True).encode()}
        if metadata["spec"]["per_round"]:
            _join([self.parts / f"rounds-{k}.parquet" for k in range(chunks)], self.rounds, note)
        _join([self.parts / f"runs-{k}.parquet" for k in range(chunks)], self.out, note)
        self._remove_folder()

    def _check_paths(self, spec: dict) -> None:
        """Stop before any game if the results or the chunks cannot go where asked."""
        if self.out.is_dir():
            raise BatchError(
                f"{self.out} is a folder: give the results file a name, "
                f"such as {self.out / 'results.parquet'}"
            )
        if spec["per_round"] and self.rounds.is_dir():
            raise BatchError(f"{self.rounds} is a folder, in the way of the per-round results")
        if not self.out.parent.is_dir():
            raise BatchError(f"{self.out.parent}: no such folder")
        if self.parts.is_symlink():
            raise BatchError(
                f"{self.parts} is a symbolic link: trilateral keeps a batch's chunks only in "
                "a folder of its own; remove the link or choose another --out"
            )
        if self.parts.exists() and not self.parts.is_dir():
            raise BatchError(
                f"{self.parts} is in the way (a file, not a batch's chunk folder): "
                "move it or choose another --out"
            )

    def _check_ours(self) -> None:
        """Refuse a folder that holds files but no manifest of trilateral's."""
        names = [name for name in _names(self.parts) if not _TEMPORARY.fullmatch(name)]
        if names and names != [LOCK] and _manifest(self.parts / MANIFEST) is None:
            raise BatchError(
                f"{self.parts} is in the way and is not a trilateral batch's chunk folder "
                f"(no valid {MANIFEST} written by trilateral): move it or choose another --out"
            )

    def _interrupted(self, spec: dict, total: int, resume: bool) -> Interrupted | None:
        """The interrupted batch in the locked folder, checked, or None if there is none."""
        self._check_ours()  # again, now that no other batch can be changing it
        manifest = _manifest(self.parts / MANIFEST)
        if manifest is None:
            return None
        if not resume:
            raise BatchError(
                f"{self.parts} holds an interrupted batch: add --resume to finish it, "
                "or delete that folder to start over"
            )
        spec = _read_back(spec)
        changed = [key for key in spec if manifest["spec"].get(key) != spec[key]]
        if changed:
            raise BatchError(
                f"{self.parts} holds a batch started with a different "
                f"{', '.join(changed)}: resume it with the same scenario and options, "
                "or delete that folder to start over"
            )
        size = manifest["chunk_size"]
        chunks = -(-total // size)
        expected = {MANIFEST, LOCK}
        for k in range(chunks):
            expected |= {f"runs-{k}.parquet", f"rounds-{k}.parquet"}
        stray = []
        for name in _names(self.parts):
            if _TEMPORARY.fullmatch(name):
                with _writing(self.parts / name):
                    (self.parts / name).unlink()  # the leftover of a killed write
            elif name not in expected:
                stray.append(name)
        if stray:
            shown = ", ".join(sorted(stray)[:3]) + (", …" if len(stray) > 3 else "")
            raise BatchError(
                f"{self.parts} holds files that are not this batch's ({shown}): "
                "move them out of that folder, then resume"
            )
        done, damaged = set(), []
        for k in range(chunks):
            files = [self.parts / f"runs-{k}.parquet"]
            if not files[0].exists():
                continue
            if spec["per_round"]:
                files.append(self.parts / f"rounds-{k}.parquet")
            rows = [_rows(path) for path in files]
            broken = [path for path, count in zip(files, rows, strict=True) if count is None]
            if not broken and rows[0] == min(size, total - k * size):
                done.add(k)
                continue
            damaged += [path.name for path in broken or files[:1]]
            for path in files:  # its runs file first: the chunk is no longer done
                with _writing(path):
                    path.unlink(missing_ok=True)
        return Interrupted(size, frozenset(done), tuple(damaged))

    def _remove_folder(self) -> None:
        """Remove this batch's files, its lock last, then the folder if nothing else is left.

        Only names a batch writes are removed: a file someone put there meanwhile stays,
        and so does the folder with it.
        """
        ours = [
            name
            for name in _names(self.parts)
            if (_OURS.fullmatch(name) or _TEMPORARY.fullmatch(name)) and name != LOCK
        ]
        for name in [*ours, LOCK]:
            with _writing(self.parts / name):
                (self.parts / name).unlink(missing_ok=True)
        with suppress(OSError):
            self.parts.rmdir()

    def _release(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # closing the file releases the lock
            self._lock = None


def _take_lock(path: Path) -> int:
    """Open and lock the lock file; BatchError if another batch holds it."""
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(handle)
        raise BatchError(
            f"{path.parent} is in use by another `trilateral batch` running now: "
            "wait for it to finish, or choose another --out"
        ) from None
    return handle


def _names(folder: Path) -> list[str]:
    try:
        return sorted(path.name for path in folder.iterdir())
    except OSError as error:
        raise BatchError(f"{folder}: cannot read it: {error.strerror}") from None


def _manifest(path: Path) -> dict | None:
    """The manifest a batch wrote there, or None if there is no valid one of trilateral's."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    valid = (
        isinstance(found, dict)
        and found.get("written_by") == WRITER
        and isinstance(found.get("spec"), dict)
        and type(found.get("chunk_size")) is int
        and found["chunk_size"] > 0
    )
    return found if valid else None


def _rows(path: Path) -> int | None:
    """The rows of a chunk file, or None if it is not there or does not read as Parquet."""
    try:
        return pq.read_metadata(path).num_rows
    except (OSError, pa.ArrowException):
        return None


@contextmanager
def _writing(path: Path) -> Iterator[None]:
    """Turn a failed write or removal of a batch's file into a BatchError naming it."""
    try:
        yield
    except OSError as error:
        raise BatchError(f"{path}: cannot write: {error.strerror or error}") from None


def _join(parts: list[Path], target: Path, metadata: dict[bytes, bytes]) -> None:
    """Concatenate part files into one, a row group each, reading one at a time."""
    with _writing(target):
        try:
            _concatenate(parts, target, metadata)
        except pa.ArrowException as error:  # a chunk file that is not this batch's
            raise BatchError(f"{target}: cannot join the chunks into it ({error})") from None


def _concatenate(parts: list[Path], target: Path, metadata: dict[bytes, bytes]) -> None:
    schemas = [pq.read_schema(part) for part in parts]
    # A column that is empty in one chunk (no deal yet, say) reads as null-typed there.
    schema = pa.unify_schemas(schemas, promote_options="permissive").with_metadata(metadata)
    with atomic_path(target) as temporary, pq.ParquetWriter(temporary, schema) as writer:
        for part in parts:
            writer.write_table(pq.read_table(part).cast(schema))


def _write_table(table: pa.Table, path: Path) -> None:
    with _writing(path), atomic_path(path) as temporary:
        pq.write_table(table, temporary)


def _read_back(spec: dict) -> dict:
    """The spec as it reads back from the JSON it is stored as (tuples become lists).

    Not ``sim.io.plain``: a stored spec is compared exactly, so no float is rounded.
    """
    return json.loads(json.dumps(spec))
