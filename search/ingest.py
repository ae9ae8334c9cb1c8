"""Ingest: read source files, keep one source per document, write the index.

Safe by construction: a file that cannot be read is reported and skipped before
anything of it is written; everything goes into the index in one Whoosh commit, so
an ingest that fails or is killed leaves the last committed index as it was.

Incremental: ``files.json`` in the index folder records, for every source file
seen, its size and modification time and the document it gave.  Unchanged files
are not read again; a changed file replaces its document's paragraphs.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.index import LockError, create_in, exists_in, open_dir

from .documents import FORMAT_RANK, Document, iter_sources, read_document
from .errors import DocumentError, IndexLockedError
from .index import default_index_dir, make_schema, paragraph_fields

MANIFEST = "files.json"


@dataclass(frozen=True)
class Failure:
    """A file that could not be ingested, and why."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass(frozen=True)
class IngestReport:
    """What an ingest did."""

    documents: int = 0
    paragraphs: int = 0
    unchanged: int = 0
    removed: int = 0
    duplicates: int = 0
    failures: tuple[Failure, ...] = field(default=())
    seconds: float = 0.0
    index_dir: str = ""

    @property
    def ok(self) -> bool:
        return not self.failures


def _stamp(path: Path) -> str:
    st = path.stat()
    return f"{st.st_size}:{st.st_mtime_ns}"


def _load_manifest(index_dir: Path) -> dict[str, dict]:
    try:
        return json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _save_manifest(index_dir: Path, manifest: dict[str, dict]) -> None:
    tmp = index_dir / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=0), encoding="utf-8")
    os.replace(tmp, index_dir / MANIFEST)


def _open_or_create(index_dir: Path):
    index_dir.mkdir(parents=True, exist_ok=True)
    if exists_in(str(index_dir)):
        return open_dir(str(index_dir))
    return create_in(str(index_dir), make_schema())


def ingest(
    paths: Iterable[str | os.PathLike],
    index_dir: str | os.PathLike | None = None,
    *,
    prune: bool = False,
    wait: float = 0.0,
) -> IngestReport:
    """Index the documents under ``paths`` (files or folders) into ``index_dir``.

    Returns an :class:`IngestReport`; files that fail are listed in its
    ``failures`` while every good file is indexed.  Raises
    :class:`IndexLockedError` if another ingest holds the index for longer than
    ``wait`` seconds.
    """
    started = time.perf_counter()
    index_dir = Path(index_dir) if index_dir is not None else default_index_dir()
    ix = _open_or_create(index_dir)
    try:
        writer = ix.writer(timeout=wait, limitmb=256) if wait else ix.writer(limitmb=256)
    except LockError:
        raise IndexLockedError(f"{index_dir}/ is locked: another ingest is writing to it") from None
    manifest = _load_manifest(index_dir)
    # the source that currently provides each document key
    owner: dict[str, tuple[int, str]] = {}
    for src, entry in manifest.items():
        if entry.get("key") and entry.get("indexed"):
            owner[entry["key"]] = (entry["rank"], src)

    documents = paragraphs = unchanged = duplicates = removed = 0
    failures: list[Failure] = []
    seen: set[str] = set()
    written: set[str] = set()  # document keys added by this run, not yet committed
    late: list[tuple[Document, str, dict]] = []
    try:
        for path in iter_sources(paths):
            src = str(path.resolve()) if path.exists() else str(path)
            seen.add(src)
            try:
                stamp = _stamp(path)
            except OSError:
                stamp = ""
            old = manifest.get(src)
            if old and stamp and old.get("stamp") == stamp:
                unchanged += 1
                continue
            try:
                doc = read_document(path)
            except DocumentError as exc:
                failures.append(Failure(str(path), exc.reason))
                manifest.pop(src, None)
                continue
            rank = FORMAT_RANK.get(doc.format, len(FORMAT_RANK))
            entry = {"stamp": stamp, "key": doc.key, "rank": rank, "indexed": False}
            manifest[src] = entry
            current = owner.get(doc.key)
            if current and current[1] != src:
                duplicates += 1
                if current[0] <= rank and Path(current[1]).exists():
                    continue  # a better (or equally good, earlier) source provides it
                if current[1] in manifest:
                    manifest[current[1]]["indexed"] = False
            owner[doc.key] = (rank, src)
            if doc.key in written:
                # Whoosh cannot delete what this writer has not committed yet
                late.append((doc, src, entry))
                continue
            _write(writer, doc, stamp)
            written.add(doc.key)
            entry["indexed"] = True
            documents += 1
            paragraphs += len(doc.paragraphs)
        if prune:
            for src in [s for s in manifest if s not in seen and not Path(s).exists()]:
                entry = manifest.pop(src)
                if entry.get("indexed"):
                    writer.delete_by_term("doc", entry["key"])
                    removed += 1
        writer.commit()
        if late:
            writer = ix.writer(limitmb=256)
            for doc, _src, entry in late:
                _write(writer, doc, entry["stamp"])
                entry["indexed"] = True
                paragraphs += len(doc.paragraphs)
            writer.commit()
    except BaseException:
        writer.cancel()
        raise
    _save_manifest(index_dir, manifest)
    return IngestReport(
        documents=documents,
        paragraphs=paragraphs,
        unchanged=unchanged,
        removed=removed,
        duplicates=duplicates,
        failures=tuple(failures),
        seconds=round(time.perf_counter() - started, 3),
        index_dir=str(index_dir),
    )


def _write(writer, doc: Document, stamp: str) -> None:
    writer.delete_by_term("doc", doc.key)
    for fields_ in paragraph_fields(doc, stamp):
        writer.add_document(**fields_)
