"""Index folders: opening, creating and locking them.

An index is a Whoosh index in its folder (a table of contents per commit and the
segment files it names), written only by an ingest holding the folder's lock file.
"""

from __future__ import annotations

from pathlib import Path

from . import startup  # noqa: F401  (before Whoosh: see search/engine/startup.py)

# isort: split
from whoosh.index import EmptyIndexError, LockError, create_in, exists_in, open_dir
from whoosh.util.filelock import FileLock, try_for

__all__ = ["LockError", "acquire", "file_lock", "open_or_create", "open_store"]


def open_store(path: Path):
    """The index in ``path`` (a Whoosh index), or None where the folder holds none."""
    try:
        # not exists_in(): it opens the index too, reading its schema twice
        return open_dir(str(path))
    except EmptyIndexError:
        return None


def open_or_create(path: Path, schema):
    """The index in ``path``, created empty with ``schema`` where there is none."""
    if exists_in(str(path)):
        return open_dir(str(path))
    return create_in(str(path), schema)


def file_lock(path: Path) -> FileLock:
    """A lock on the file ``path``, held by one process at a time (released by the
    operating system when the process dies)."""
    return FileLock(str(path))


def acquire(lock: FileLock, wait: float) -> bool:
    """Take ``lock``, waiting up to ``wait`` seconds; False if another holds it."""
    return bool(try_for(lock.acquire, timeout=wait, delay=0.1))
