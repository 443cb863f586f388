"""Atomic writes: a file is replaced whole or not at all, and no temporary is left behind.

What is not a file is not replaced: a link keeps linking to the file it names, and a FIFO
or a device is written as it is.
"""

from __future__ import annotations

import os
import stat

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.io import atomic_path, write_atomic

OLD = "the old file, whole\n"


@pytest.fixture
def target(tmp_path):
    path = tmp_path / "kept.json"
    path.write_text(OLD, encoding="utf-8")
    return path


def test_success_replaces_the_file_and_leaves_nothing_else(target):
    write_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert os.listdir(target.parent) == [target.name]


@pytest.mark.parametrize("failure", [RuntimeError("writer broke"), KeyboardInterrupt()])
def test_a_failing_writer_leaves_the_old_file_whole_and_no_temporary(target, failure):
    with pytest.raises(type(failure)), atomic_path(target) as temporary:
        temporary.write_text("half a fi", encoding="utf-8")
        raise failure
    assert target.read_text(encoding="utf-8") == OLD
    assert os.listdir(target.parent) == [target.name]


def test_a_failed_rename_leaves_the_old_file_whole_and_no_temporary(target, monkeypatch):
    def refuse(source, destination):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="No space"):
        write_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == OLD
    assert os.listdir(target.parent) == [target.name]


def test_the_content_is_synced_to_disk_before_the_rename(target, monkeypatch):
    calls = []
    sync, replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: calls.append("fsync") or sync(fd))
    monkeypatch.setattr(os, "replace", lambda a, b: calls.append("replace") or replace(a, b))
    write_atomic(target, "new\n")
    assert calls == ["fsync", "replace"]


def test_the_temporary_is_hidden_beside_the_target(target):
    with atomic_path(target) as temporary:
        assert temporary.parent == target.parent
        assert temporary.name.startswith(f".{target.name}.")
        assert temporary.suffix == ".tmp"  # never taken for a save (*.json) or a chunk
        assert target.read_text(encoding="utf-8") == OLD  # untouched until the rename


def test_a_new_file_gets_the_usual_permissions(tmp_path):
    umask = os.umask(0)
    os.umask(umask)
    write_atomic(tmp_path / "new.md", "# hello\n")
    assert (tmp_path / "new.md").stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize("mode", [0o600, 0o755], ids=oct)
def test_a_rewritten_file_keeps_its_permissions(target, mode):
    target.chmod(mode)  # 0o755 is no umask's: a new file would get 0o666 & ~umask
    write_atomic(target, "new\n")
    assert target.stat().st_mode & 0o777 == mode


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_a_file_rewritten_by_root_keeps_its_owner_and_group(target):
    """A teacher running as root rewrites a student's file: it stays the student's."""
    os.chown(target, 4321, 4322)
    write_atomic(target, "new\n")
    assert (target.stat().st_uid, target.stat().st_gid) == (4321, 4322)


def test_a_link_stays_a_link_and_the_file_it_names_is_replaced_in_its_folder(tmp_path):
    real = tmp_path / "real" / "kept.json"
    real.parent.mkdir()
    real.write_text(OLD, encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to("real/kept.json")
    write_atomic(link, "new\n")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new\n"
    assert sorted(os.listdir(tmp_path)) == ["link.json", "real"]
    assert os.listdir(real.parent) == ["kept.json"]


def test_a_fifo_is_written_in_place_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # so opening it to write does not wait
    try:
        write_atomic(fifo, "new\n")
        assert os.read(reader, 100) == b"new\n"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert os.listdir(tmp_path) == ["pipe"]


def test_a_path_writer_such_as_parquet_writes_through_it(tmp_path):
    table = pa.table({"run": [0, 1, 2], "utility": [0.5, 0.25, 1.0]})
    path = tmp_path / "runs.parquet"
    with atomic_path(path) as temporary:
        pq.write_table(table, temporary)
    assert pq.read_table(path).equals(table)
    assert os.listdir(tmp_path) == ["runs.parquet"]


@given(st.one_of(st.text(), st.binary()))
def test_the_content_is_complete(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("io") / "file"
    write_atomic(path, data)
    if isinstance(data, str):
        assert path.read_bytes().decode("utf-8") == data
    else:
        assert path.read_bytes() == data
