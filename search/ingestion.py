"""Ingest: read source files, keep one source per document, write the index.

Safe by construction:

* a file that cannot be read is reported and skipped before anything of it is
  written, and every other file is still indexed;
* one ingest at a time: an ingest holds ``ingest.lock`` in the index folder from
  start to end (an OS lock, released when the process ends, even when killed);
* everything goes into the index in one Whoosh commit, so a document is written
  whole or not at all, and an ingest that fails or is killed leaves the last
  committed index as it was; searches keep answering from that commit meanwhile.

Incremental: ``files.json`` in the index folder records, for every source file
seen, its size and modification time, the document (symbol and language) it gave,
the rank of its format and whether it is the source the index holds for that
document.  Unchanged files are not read again; a changed file replaces its
document's paragraphs.  The manifest is saved after the commit, with the index
generation it describes; when the two disagree (a crash between commit and save)
each entry is checked against the stamps stored in the index before it is trusted.
"""

from __future__ import annotations

import copy
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.index import LockError, create_in, exists_in, open_dir
from whoosh.util.filelock import FileLock, try_for

from .documents import FORMAT_RANK, READERS, Document, iter_sources, read_document
from .errors import DocumentError, IndexLockedError, SearchError
from .index import default_index_dir, make_schema, paragraph_fields
from .writing import IndexWriter

MANIFEST = "files.json"
LOCK = "ingest.lock"

#: A paragraph longer than this is text that was never split into paragraphs (a
#: whole file on one line); real ones stay under a few thousand characters, and
#: indexing one of millions takes minutes.
MAX_PARAGRAPH_CHARS = 100_000

#: The format each reader module gives, so that better sources are read first.
READER_FORMAT = {"markdown": "markdown", "html": "html", "pdf": "pdf", "plaintext": "text"}
_UNRANKED = len(FORMAT_RANK)


@dataclass(frozen=True)
class Failure:
    """A file that could not be ingested, and why."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass(frozen=True)
class IngestReport:
    """What an ingest did: documents and paragraphs written, files left alone."""

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


def ingest(
    paths: Iterable[str | os.PathLike],
    index_dir: str | os.PathLike | None = None,
    *,
    prune: bool = False,
    wait: float = 0.0,
    progress: Callable[[Path], None] | None = None,
) -> IngestReport:
    """Index the documents under ``paths`` (files or folders) into ``index_dir``.

    Returns an :class:`IngestReport`; files that fail are listed in its
    ``failures`` while every good file is indexed.  With ``prune``, documents
    whose source files are gone are removed.  ``progress`` is called with each
    file once it is done.  Raises :class:`IndexLockedError` if another ingest
    holds the index for longer than ``wait`` seconds.
    """
    started = time.perf_counter()
    index_dir = Path(index_dir) if index_dir is not None else default_index_dir()
    lock = FileLock(str(index_dir / LOCK))
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        locked = try_for(lock.acquire, timeout=wait, delay=0.1)
    except OSError as exc:
        raise SearchError(f"{index_dir}/: cannot write the index ({exc.strerror or exc})") from None
    if not locked:
        raise IndexLockedError(f"{index_dir}/ is locked: another ingest is writing to it")
    try:
        # best formats first, so that within a run the first source of a document wins
        files = sorted(iter_sources(paths), key=_expected_rank)
        run = _Run(index_dir)
        run.ingest(files, prune, progress)
    finally:
        lock.release()
    return IngestReport(
        documents=run.documents,
        paragraphs=run.paragraphs,
        unchanged=run.unchanged,
        removed=len(run.released),
        duplicates=run.duplicates,
        failures=tuple(run.failures),
        seconds=round(time.perf_counter() - started, 3),
        index_dir=str(index_dir),
    )


def _expected_rank(path: Path) -> int:
    fmt = READER_FORMAT.get(READERS.get(path.suffix.lower(), ""), "")
    return FORMAT_RANK.get(fmt, _UNRANKED)


def _stamp(path: Path) -> str:
    st = path.stat()
    return f"{st.st_size}:{st.st_mtime_ns}"


def _check_paragraphs(doc: Document, path: Path) -> None:
    """Raise :class:`DocumentError` if a paragraph of ``doc`` is too long to index."""
    longest = max(doc.paragraphs, key=lambda p: len(p.text))
    if len(longest.text) > MAX_PARAGRAPH_CHARS:
        raise DocumentError(
            path,
            f"paragraph {longest.label} has {len(longest.text):,} characters "
            f"(at most {MAX_PARAGRAPH_CHARS:,}): the text is not split into paragraphs",
        )


class _Run:
    """One ingest into an index whose lock is held: the manifest, the writer, counts.

    ``files`` maps the resolved path of each source to its manifest entry;
    ``owner`` maps each document key to the source the index holds it from.
    """

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        if exists_in(str(index_dir)):
            self.ix = open_dir(str(index_dir))
        else:
            self.ix = create_in(str(index_dir), make_schema())
        self.loaded = _load_manifest(index_dir)
        self.files: dict[str, dict] = copy.deepcopy(self.loaded.get("files", {}))
        if self.loaded.get("generation") != self.ix.latest_generation():
            self._verify()
        self.owner = {e["key"]: src for src, e in self.files.items() if e["indexed"]}
        self.writer = None
        self.written: set[str] = set()  # keys written by this run
        self.released: set[str] = set()  # keys deleted by this run and not written again
        self.documents = self.paragraphs = self.unchanged = self.duplicates = 0
        self.failures: list[Failure] = []

    def _verify(self) -> None:
        """Trust an entry only if the index holds its document from that very file version."""
        with self.ix.searcher() as s:
            for entry in self.files.values():
                if not entry["indexed"]:
                    continue
                docnum = s.document_number(doc=entry["key"])
                if docnum is None or s.stored_fields(docnum).get("stamp") != entry["stamp"]:
                    entry["indexed"] = False
                    entry["stamp"] = ""  # read it again

    def ingest(self, files: list[Path], prune: bool, progress) -> None:
        try:
            for path in files:
                self.add(path)
                if progress is not None:
                    progress(path)
            if prune:
                for src in [s for s in self.files if not Path(s).exists()]:
                    entry = self.files.pop(src)
                    if entry["indexed"]:
                        self._release(entry["key"], src)
            self._reclaim()
            if self.writer is not None:
                self.writer.commit()
        except BaseException:
            if self.writer is not None:
                self.writer.cancel()
            raise
        manifest = {"generation": self.ix.latest_generation(), "files": self.files}
        if manifest != self.loaded:
            _save_manifest(self.index_dir, manifest)

    def add(self, path: Path) -> None:
        """Index one source file unless it is unchanged or a better source has its document."""
        src = str(path.resolve())
        old = self.files.get(src)
        try:
            stamp = _stamp(path)
        except OSError:
            stamp = ""  # reading it reports why
        # a source that lost to a better one is read again once that one is gone
        if (
            old
            and stamp
            and old["stamp"] == stamp
            and (old["indexed"] or self._holder(old["key"]) not in (None, src))
        ):
            self.unchanged += 1
            return
        try:
            doc = read_document(path)
            _check_paragraphs(doc, path)
        except DocumentError as exc:
            self.failures.append(Failure(exc.path, exc.reason))
            if old:
                old["stamp"] = ""  # the index keeps what it has; try again next time
            return
        if old and old["indexed"] and old["key"] != doc.key:
            self._release(old["key"], src)
        self._offer(doc, src, stamp)

    def _holder(self, key: str) -> str | None:
        """The source the index holds ``key`` from, if that file is still there."""
        src = self.owner.get(key)
        if src is not None and (key in self.written or Path(src).exists()):
            return src
        return None

    def _offer(self, doc: Document, src: str, stamp: str) -> None:
        key = doc.key
        rank = FORMAT_RANK.get(doc.format, _UNRANKED)
        entry = {"stamp": stamp, "key": key, "rank": rank, "indexed": False}
        self.files[src] = entry
        holder = self._holder(key)
        if holder not in (None, src) and (
            key in self.written or self.files[holder]["rank"] <= rank
        ):
            self.duplicates += 1  # a better (or as good and earlier) source provides it
            return
        previous = self.owner.get(key)
        if previous not in (None, src):
            self.files[previous]["indexed"] = False
        writer = self._writer()
        writer.delete_by_term("doc", key)
        for fields_ in paragraph_fields(doc, stamp):
            writer.add_document(**fields_)
        writer.end_batch()
        self.owner[key] = src
        self.written.add(key)
        self.released.discard(key)
        entry["indexed"] = True
        self.documents += 1
        self.paragraphs += len(doc.paragraphs)

    def _release(self, key: str, src: str) -> None:
        """Delete document ``key`` from the index if ``src`` is what provides it."""
        if self.owner.get(key) == src:
            del self.owner[key]
            self._writer().delete_by_term("doc", key)
            self.released.add(key)

    def _reclaim(self) -> None:
        """Index the best remaining source of each document whose source went away."""
        for key in sorted(self.released):
            twins = sorted(
                (entry["rank"], src)
                for src, entry in self.files.items()
                if entry["key"] == key and not entry["indexed"] and Path(src).exists()
            )
            for _rank, src in twins:
                self.add(Path(src))
                if key in self.written:
                    break

    def _writer(self):
        """The writer, opened on the first change so that a run with none writes nothing."""
        if self.writer is None:
            try:
                self.writer = IndexWriter(self.ix)
            except LockError:
                raise IndexLockedError(
                    f"{self.index_dir}/ is locked: another process is writing to it"
                ) from None
        return self.writer


def _load_manifest(index_dir: Path) -> dict:
    """The saved manifest, with any malformed entry left out (it is read again)."""
    try:
        data = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        return {}
    files = {
        src: entry
        for src, entry in data["files"].items()
        if isinstance(entry, dict)
        and isinstance(entry.get("stamp"), str)
        and isinstance(entry.get("key"), str)
        and isinstance(entry.get("rank"), int)
        and isinstance(entry.get("indexed"), bool)
    }
    return {"generation": data.get("generation"), "files": files}


def _save_manifest(index_dir: Path, manifest: dict) -> None:
    tmp = index_dir / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=0), encoding="utf-8")
    os.replace(tmp, index_dir / MANIFEST)
