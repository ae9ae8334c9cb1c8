"""Index folders: opening and locking them.

An index is a Whoosh index in its folder (a table of contents and a commit record
per commit, see :mod:`search.engine.store`, and the segment files they name),
written only by an ingest holding the folder's lock file.
"""

from __future__ import annotations

from pathlib import Path

from . import startup  # noqa: F401  (before Whoosh: see search/engine/startup.py)

# isort: split
from whoosh.index import EmptyIndexError, LockError
from whoosh.util.filelock import FileLock, try_for

from .store import SchemaFor, StoredIndex

__all__ = ["FileLock", "LockError", "acquire", "file_lock", "open_store"]


def open_store(path: Path, schema_for: SchemaFor) -> StoredIndex | None:
    """The index in ``path``, read through its commit records (``schema_for``
    builds its schema from its chains), or None where the folder holds none."""
    try:
        return StoredIndex(path, schema_for)
    except EmptyIndexError:
        return None


def file_lock(path: Path) -> FileLock:
    """A lock on the file ``path``, held by one process at a time (released by the
    operating system when the process dies)."""
    return FileLock(str(path))


def acquire(lock: FileLock, wait: float) -> bool:
    """Take ``lock``, waiting up to ``wait`` seconds; False if another holds it."""
    return bool(try_for(lock.acquire, timeout=wait, delay=0.1))
