"""Writing the files a user keeps: whole or not at all.

Saves, batch chunks and results, reports, exports and the CLI's output files are all written
the one way ``atomic_path`` gives: into a temporary file in the target's own folder, which
is flushed to disk (``fsync``) and then renamed over the target with ``os.replace``. A
rename within one folder is atomic, so a crash, a full disk or a Ctrl-C in the middle of a
write leaves the previous file whole — never half a file — and the temporary is removed on
any failure. A rewritten file keeps its permissions, and its owner and group as far as the
writer may give them. Only a regular file is replaced: a link
is followed (the file it names is replaced, in its own folder, and the link stays), and a
device, a FIFO or a socket (``/dev/null``, a pipe a script reads) is written as it is, for
a file put in its place would break whatever uses it.

This module sits below every other layer of ``sim`` (any of them may write a file) and
imports nothing heavy, so the CLI can load it before it knows which command runs.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path to write ``path``'s new content to; it replaces ``path`` on success.

    Any writer that takes a path can write through it — text, bytes, a Parquet writer, a
    chart. The temporary sits beside ``path`` (a rename is atomic only within one file
    system) under a hidden name ending in ``.tmp``, so no listing of saves or chunks ever
    mistakes it for a finished file; a writer that goes by the file's extension must be told
    the format. New files get the usual permissions (as ``open`` would give them), a
    rewritten one its own. A target that is not a regular file is given as it is, to be
    written in place (see the module).

    Example:
        >>> with atomic_path(out) as temporary:
        ...     pq.write_table(table, temporary)

    Raises:
        OSError: if the temporary cannot be created, synced or renamed; the target is then
            as it was and the temporary gone. Whatever the block raises propagates the same
            (writing in place to a full device raises it there).
    """
    path = Path(os.path.realpath(path))  # through any link: the file it names is replaced
    try:
        old = path.stat()
    except FileNotFoundError:
        old = None
    if old is not None and not stat.S_ISREG(old.st_mode):  # a device or a FIFO: in place
        yield path
        return
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        if old is not None:
            _keep_owner(temporary, old)
            os.chmod(temporary, stat.S_IMODE(old.st_mode))
        yield temporary
        # The writer has closed the file: sync what it wrote before the rename makes it
        # the target, or a power cut could leave the new name on an empty file.
        handle = os.open(temporary, os.O_RDWR)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _keep_owner(temporary: Path, old: os.stat_result) -> None:
    """Give ``temporary`` the owner and group of the file it replaces: a teacher (root, say)
    rewriting a student's scenario leaves it the student's. Only root may give a file away,
    and only a group's member its group: anyone else keeps what it may."""
    for uid in (old.st_uid, -1):  # -1: the writer's own, where it may not give it away
        try:
            os.chown(temporary, uid, old.st_gid)
            return
        except PermissionError:
            pass


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` atomically, replacing any file there.

    Raises:
        OSError: if it cannot be written; the file is then as it was.
    """
    content = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(path) as temporary:
        temporary.write_bytes(content)


def write_problem(path: Path, *, folder: bool = False) -> str | None:
    """Why ``path`` cannot be written, in a few words, or None if it can.

    A file needs a name and an existing folder to go in; a folder needs a name and is made
    if missing, as long as the folder it goes in exists. Either way the folder that will hold
    the new entry must take a file: that is tried by creating and removing a hidden
    temporary there, because permission bits say nothing for root (who still cannot write
    under a regular file or in ``/proc``). Behind a link that is the folder of the file it
    names; a device or a FIFO, written in place, needs only to be writable (it is not
    opened: a FIFO would wait for its reader).

    Args:
        path: The file (or with ``folder`` the folder) a command is about to write.
        folder: Whether ``path`` names a folder to write files into.
    """
    path = Path(path)
    if path.is_dir():
        if not folder:
            return "is a folder; name a file to write"
        return _probe(path)
    if path.exists():
        if folder:
            return "is a file, not a folder"
        if not path.is_file():
            return None if os.access(path, os.W_OK) else os.strerror(errno.EACCES)
        return _probe(Path(os.path.realpath(path)).parent)
    parent = path.parent
    if not parent.exists():
        return f"the folder {parent} does not exist"
    if not parent.is_dir():
        return f"{parent} is not a folder"
    return _probe(parent)


def _probe(folder: Path) -> str | None:
    """Why no file can be created in ``folder`` (its system's words), or None if one can.

    A folder that exists but refuses new files (``/proc`` says "No such file or directory"
    for the file) is said to take no files, not to be missing."""
    probe = folder / f".probe.{secrets.token_hex(4)}.tmp"
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except FileNotFoundError:
        return f"the folder {folder} takes no new files"
    except OSError as error:
        return f"{folder}: {error.strerror}"
    probe.unlink()
    return None
