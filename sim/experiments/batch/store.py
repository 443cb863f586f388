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
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

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
    return json.loads(found)


class ResultStore:
    """The files of one batch: its chunks while it runs, its results when it is done."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.rounds = rounds_path(out)
        self.parts = out.with_name(out.name + ".partial")

    def complete(self, spec: dict) -> bool:
        """Whether the results file exists and holds a finished batch of this plan."""
        if self.parts.exists() or not self.out.exists():
            return False
        try:
            return read_metadata(self.out)["spec"] == _read_back(spec)
        except BatchError:
            return False

    def begin(self, spec: dict, chunk_size: int, resume: bool) -> tuple[int, set[int]]:
        """Prepare the chunk folder; the chunk size to use and the chunks already done.

        Args:
            spec: The plan as JSON-ready data.
            chunk_size: Runs per chunk for a new batch; a resumed one keeps its own.
            resume: Whether to continue an interrupted batch of the same plan.

        Raises:
            BatchError: if an interrupted batch is in the way and ``resume`` is not set,
                or it was started with a different plan.
        """
        manifest = self.parts / "manifest.json"
        if self.parts.exists() and manifest.exists():
            if not resume:
                raise BatchError(
                    f"{self.parts} holds an interrupted batch: add --resume to finish it, "
                    "or delete that folder to start over"
                )
            saved, spec = json.loads(manifest.read_text()), _read_back(spec)
            changed = [key for key in spec if saved["spec"].get(key) != spec[key]]
            if changed:
                raise BatchError(
                    f"{self.parts} holds a batch started with a different "
                    f"{', '.join(changed)}: resume it with the same scenario and options, "
                    "or delete that folder to start over"
                )
            done = {int(path.stem.partition("-")[2]) for path in self.parts.glob("runs-*.parquet")}
            return saved["chunk_size"], done
        self.parts.mkdir(parents=True, exist_ok=True)
        write_atomic(manifest, json.dumps({"spec": spec, "chunk_size": chunk_size}, indent=1))
        return chunk_size, set()

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
        shutil.rmtree(self.parts)


def _join(parts: list[Path], target: Path, metadata: dict[bytes, bytes]) -> None:
    """Concatenate part files into one, a row group each, reading one at a time."""
    schemas = [pq.read_schema(part) for part in parts]
    # A column that is empty in one chunk (no deal yet, say) reads as null-typed there.
    schema = pa.unify_schemas(schemas, promote_options="permissive").with_metadata(metadata)
    with atomic_path(target) as temporary, pq.ParquetWriter(temporary, schema) as writer:
        for part in parts:
            writer.write_table(pq.read_table(part).cast(schema))


def _write_table(table: pa.Table, path: Path) -> None:
    with atomic_path(path) as temporary:
        pq.write_table(table, temporary)


def _read_back(spec: dict) -> dict:
    """The spec as it reads back from the JSON it is stored as (tuples become lists).

    Not ``sim.io.plain``: a stored spec is compared exactly, so no float is rounded.
    """
    return json.loads(json.dumps(spec))
