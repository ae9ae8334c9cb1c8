"""Ingest: read source files, keep one source per document, write the index.

Safe by construction:

* a file that cannot be read is reported and skipped before anything of it is
  written, and every other file is still indexed;
* one ingest at a time: an ingest holds ``ingest.lock`` in the index folder from
  start to end (an OS lock, released when the process ends, even when killed);
* everything goes into the index in one Whoosh commit, so a document is written
  whole or not at all, and an ingest that fails or is killed leaves the last
  committed index as it was; searches keep answering from that commit meanwhile.

Parallel: worker processes (``procs``) read, segment and analyse files ahead of
the run and write the documents it keeps into segments of their own; the run
decides file by file, in order, as it does alone, and commits their segments
with its own in that one commit.

Incremental: ``files.json`` in the index folder records, for every source file
seen, its size and modification time, the document (symbol and language) it gave,
the rank of its format and whether it is the source the index holds for that
document.  Unchanged files are not read again; a changed file replaces its
document's paragraphs.  The manifest is saved after the commit, with the index
generation it describes; when the two disagree (a crash between commit and save)
each entry is checked against the stamps stored in the index before it is trusted.
"""

from __future__ import annotations

import contextlib
import copy
import json
import multiprocessing
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields, replace
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as wait_for
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from . import formats
from .documents import Document, iter_sources, read_document
from .engine.storage import FileLock, LockError, acquire, file_lock
from .engine.writing import IndexWriter, Prepared, Segment, worker_writer
from .errors import DocumentError, IndexLockedError, SearchError
from .index import default_index_dir, open_stored, paragraph_fields

MANIFEST = "files.json"
LOCK = "ingest.lock"

#: A paragraph longer than this is text that was never split into paragraphs (a
#: whole file on one line); real ones stay under a few thousand characters, and
#: indexing one of millions takes minutes.
MAX_PARAGRAPH_CHARS = 100_000

#: Fewer files to read than this are read in one process: starting workers costs
#: more than it saves.
PARALLEL_MIN_FILES = 32

#: The format each reader module gives, so that better sources are read first.
READER_FORMAT = {fmt.reader: fmt.name for fmt in formats.FORMATS}


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
    paths: Iterable[str | os.PathLike[str]],
    index_dir: str | os.PathLike[str] | None = None,
    *,
    prune: bool = False,
    wait: float = 0.0,
    progress: Callable[[Path], None] | None = None,
    procs: int | None = None,
    committing: Callable[[], None] | None = None,
) -> IngestReport:
    """Index the documents under ``paths`` (files or folders) into ``index_dir``.

    Returns an :class:`IngestReport`; files that fail are listed in its
    ``failures`` while every good file is indexed.  With ``prune``, documents
    whose source files are gone are removed.  ``progress`` is called with each
    file once it is done, and ``committing`` once all are, when the index is then
    written (a large ingest merges its segments: a minute for a million
    paragraphs).  ``procs`` processes read and index the files (default:
    one per CPU core when there are at least :data:`PARALLEL_MIN_FILES` files to
    read, otherwise one); the result is the same whatever their number.  Raises
    :class:`IndexLockedError` if another ingest holds the index for longer than
    ``wait`` seconds.
    """
    started = time.perf_counter()
    index_dir = Path(index_dir) if index_dir is not None else default_index_dir()
    lock = file_lock(index_dir / LOCK)
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        locked = acquire(lock, wait)
    except OSError as exc:
        raise _cannot_write(index_dir, exc) from None
    if not locked:
        raise IndexLockedError(f"{index_dir}/ is locked: another ingest is writing to it")
    try:
        # best formats first, so that within a run the first source of a document wins
        files = sorted(iter_sources(paths), key=_expected_rank)
        run = _Run(index_dir)
        run.ingest(files, prune, progress, procs, lock, committing)
    except OSError as exc:  # a file that cannot be read is a failure; this is the index
        raise _cannot_write(index_dir, exc) from exc
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


def _cannot_write(index_dir: Path, exc: OSError) -> SearchError:
    return SearchError(f"{index_dir}/: cannot write the index ({exc.strerror or exc})")


def _expected_rank(path: Path) -> int:
    fmt = formats.of_path(path)
    return formats.rank(fmt.name if fmt else "")


def _stamp(path: Path) -> str:
    st = path.stat()
    return f"{st.st_size}:{st.st_mtime_ns}"


def _stamp_or_blank(path: Path) -> str:
    try:
        return _stamp(path)
    except OSError:
        return ""


@dataclass(frozen=True)
class _Read:
    """A document read from a source file: in this process (``doc``), or in a worker
    that wrote its paragraphs to a segment of its own (``written``)."""

    key: str
    format: str
    paragraphs: int
    doc: Document | None = None
    #: the worker that holds the document ready to write
    worker: int | None = None


def _read(path: Path) -> _Read | Failure:
    try:
        doc = read_document(path)
        _check_paragraphs(doc, path)
    except DocumentError as exc:
        return Failure(exc.path, exc.reason)
    return _Read(doc.key, doc.format, len(doc.paragraphs), doc=doc)


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
        self.ix = open_stored(index_dir, create=True)
        self.loaded = _load_manifest(index_dir)
        self.files = copy.deepcopy(self.loaded.files)
        if self.loaded.generation != self.ix.latest_generation():
            self._verify()
        self.owner = {e.key: src for src, e in self.files.items() if e.indexed}
        self.writer: IndexWriter | None = None
        self.workers: _Workers | None = None
        self.written: set[str] = set()  # keys written by this run
        self.released: set[str] = set()  # keys deleted by this run and not written again
        self.documents = self.paragraphs = self.unchanged = self.duplicates = 0
        self.failures: list[Failure] = []

    def _verify(self) -> None:
        """Trust an entry only if the index holds its document from that very file version."""
        with self.ix.searcher() as s:
            for entry in self.files.values():
                if not entry.indexed:
                    continue
                docnum = s.document_number(doc=entry.key)
                if docnum is None or s.stored_fields(docnum).get("stamp") != entry.stamp:
                    entry.indexed = False
                    entry.stamp = ""  # read it again

    def ingest(
        self,
        files: list[Path],
        prune: bool,
        progress: Callable[[Path], None] | None,
        procs: int | None,
        lock: FileLock,
        committing: Callable[[], None] | None,
    ) -> None:
        try:
            self.workers = _Workers.start(self._to_read(files), procs, self.index_dir, lock)
            for path in files:
                self.add(path)
                if progress is not None:
                    progress(path)
            if prune:
                for src in [s for s in self.files if not Path(s).exists()]:
                    entry = self.files.pop(src)
                    if entry.indexed:
                        self._release(entry.key, src)
            self._reclaim()
            kept = self.workers is not None and any(self.workers.kept)
            if committing is not None and (self.writer is not None or kept):
                committing()
            if self.workers is not None:
                self._gather(self.workers)
            if self.writer is not None:
                self.writer.commit()
        except BaseException:
            if self.workers is not None:
                self.workers.close()
            if self.writer is not None:
                self.writer.cancel()
            raise
        manifest = _Manifest(self.ix.latest_generation(), self.files)
        if manifest != self.loaded:
            _save_manifest(self.index_dir, manifest)

    def _unchanged(self, src: str, stamp: str) -> bool:
        """Whether ``src`` needs no reading: unchanged, and its document is indexed
        (from it, or from a better source that is still there)."""
        old = self.files.get(src)
        # a source that lost to a better one is read again once that one is gone
        return bool(
            old
            and stamp
            and old.stamp == stamp
            and (old.indexed or self._holder(old.key) not in (None, src))
        )

    def _to_read(self, files: list[Path]) -> list[_Job]:
        """The files this run will read, as far as can be told before reading any."""
        out = []
        for path in files:
            src, stamp = str(path.resolve()), _stamp_or_blank(path)
            if not self._unchanged(src, stamp):
                out.append(_Job(str(path), src, stamp))
        return out

    def add(self, path: Path) -> None:
        """Index one source file unless it is unchanged or a better source has its document."""
        src = str(path.resolve())
        old = self.files.get(src)
        stamp = _stamp_or_blank(path)  # blank: reading it reports why
        if self._unchanged(src, stamp):
            self.unchanged += 1
            if self.workers is not None:
                self.workers.discard(src)
            return
        got = self.workers.result(src, stamp) if self.workers is not None else None
        if got is None:
            got = _read(path)
        if isinstance(got, Failure):
            self.failures.append(got)
            if old:
                old.stamp = ""  # the index keeps what it has; try again next time
            return
        if old and old.indexed and old.key != got.key:
            self._release(old.key, src)
        if not self._offer(got, src, stamp) and self.workers is not None:
            self.workers.drop(got, src)

    def _gather(self, workers: _Workers) -> None:
        """Add the segments the workers wrote to this run's commit; index again here
        what a worker that died had written."""
        segments, lost = workers.finish()
        for src, stamp in lost:
            got = _read(Path(src))
            entry = self.files.get(src)
            if isinstance(got, Failure) or entry is None or got.key != entry.key:
                # changed since it was read: the next run reads it again
                if isinstance(got, Failure):
                    self.failures.append(got)
                if entry is not None:
                    entry.stamp = ""
            else:
                assert got.doc is not None  # read in this process
                self._write(got.doc, stamp)
        if segments:
            self._writer().add_segments(segments)

    def _holder(self, key: str) -> str | None:
        """The source the index holds ``key`` from, if that file is still there."""
        src = self.owner.get(key)
        if src is not None and (key in self.written or Path(src).exists()):
            return src
        return None

    def _offer(self, got: _Read, src: str, stamp: str) -> bool:
        """Index the document read from ``src`` unless a better source has it."""
        key = got.key
        rank = formats.rank(got.format)
        entry = _Entry(stamp, key, rank, indexed=False)
        self.files[src] = entry
        holder = self._holder(key)
        if holder not in (None, src) and (key in self.written or self.files[holder].rank <= rank):
            self.duplicates += 1  # a better (or as good and earlier) source provides it
            return False
        previous = self.owner.get(key)
        if previous not in (None, src):
            self.files[previous].indexed = False
        self._writer().delete_by_term("doc", key)
        if got.doc is not None:
            self._write(got.doc, stamp)
        else:  # a worker read it and holds it ready to write
            assert self.workers is not None and got.worker is not None
            self.workers.keep(got.worker, src, stamp)
        self.owner[key] = src
        self.written.add(key)
        self.released.discard(key)
        entry.indexed = True
        self.documents += 1
        self.paragraphs += got.paragraphs
        return True

    def _write(self, doc: Document, stamp: str) -> None:
        writer = self._writer()
        for fields_ in paragraph_fields(doc, stamp):
            writer.add_document(**fields_)
        writer.end_batch()

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
                (entry.rank, src)
                for src, entry in self.files.items()
                if entry.key == key and not entry.indexed and Path(src).exists()
            )
            for _rank, src in twins:
                self.add(Path(src))
                if key in self.written:
                    break

    def _writer(self) -> IndexWriter:
        """The writer, opened on the first change so that a run with none writes nothing."""
        if self.writer is None:
            try:
                self.writer = IndexWriter(self.ix)
            except LockError:
                raise IndexLockedError(
                    f"{self.index_dir}/ is locked: another process is writing to it"
                ) from None
        return self.writer


@dataclass
class _Entry:
    """What the manifest remembers of one source file: its size and modification
    time when last read (``stamp``; blank: read it again), the document it gave,
    its format's rank, and whether the index holds the document from it."""

    stamp: str
    key: str
    rank: int
    indexed: bool

    @classmethod
    def from_json(cls, data: object) -> _Entry | None:
        """An entry as saved, or None if it is malformed."""
        if not isinstance(data, dict):
            return None
        stamp, key, rank, indexed = (data.get(f.name) for f in fields(cls))
        if (
            isinstance(stamp, str)
            and isinstance(key, str)
            and isinstance(rank, int)
            and isinstance(indexed, bool)
        ):
            return cls(stamp, key, rank, indexed)
        return None


@dataclass
class _Manifest:
    """``index/files.json``: the entry of each source file (by resolved path), and the
    index generation it describes (another means the manifest must be checked)."""

    generation: object = None
    files: dict[str, _Entry] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {
            "generation": self.generation,
            "files": {s: asdict(e) for s, e in self.files.items()},
        }


def _load_manifest(index_dir: Path) -> _Manifest:
    """The saved manifest, with any malformed entry left out (it is read again)."""
    try:
        data = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return _Manifest()
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        return _Manifest()
    files = {src: _Entry.from_json(entry) for src, entry in data["files"].items()}
    return _Manifest(data.get("generation"), {s: e for s, e in files.items() if e is not None})


def _save_manifest(index_dir: Path, manifest: _Manifest) -> None:
    tmp = index_dir / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest.to_json(), ensure_ascii=False, indent=0), encoding="utf-8")
    os.replace(tmp, index_dir / MANIFEST)


# -- worker processes ---------------------------------------------------------------


@dataclass(frozen=True)
class _Job:
    """Run → worker: read this file (``path`` as named, ``src`` resolved)."""

    path: str
    src: str
    stamp: str


@dataclass(frozen=True)
class _Keep:
    """Run → worker: write the document read from ``src`` into your segment."""

    src: str


@dataclass(frozen=True)
class _Drop:
    """Run → worker: forget the document read from ``src``."""

    src: str


@dataclass(frozen=True)
class _Finish:
    """Run → worker: no more files; hand over your segments."""


@dataclass(frozen=True)
class _Done:
    """Worker → run: the segments it wrote."""

    segments: list[Segment]


@dataclass(frozen=True)
class _Fatal:
    """Worker → run: it failed for a reason no file explains; the ingest fails."""

    reason: str


#: What a worker answers a :class:`_Job` with: the document it read (its key, format
#: and number of paragraphs) or why the file cannot be read.
_Answer = _Read | Failure


def default_procs() -> int:
    """One worker per CPU core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class _Workers:
    """Processes that read, segment and analyse source files ahead of the run, and
    index into segments of their own the documents the run keeps.

    Files go out in the run's order, two at a time to each worker; each comes back
    as the document's key and format (or a failure).  The run, deciding file by
    file in order as it does without workers, answers keep or drop; a worker writes
    a document only once kept, so its segments hold what one process would have
    written.  At the end each worker writes its last segment and hands over its
    segments, which the run commits with its own, in one commit.
    """

    IN_FLIGHT = 2
    #: Files a worker may have read that the run has not yet decided on: a worker
    #: must not hold a growing backlog while the run waits for another one.
    LEAD = 8
    #: Seconds the run waits for a file from a worker that has gone quiet (writing
    #: a full segment) while the others are held back, before it reads it itself.
    PATIENCE = 0.2

    def __init__(self, jobs: list[_Job], procs: int, index_dir: Path, lock: FileLock) -> None:
        fork = sys.platform.startswith("linux")
        ctx = multiprocessing.get_context("fork") if fork else multiprocessing.get_context("spawn")
        self.pending: deque[_Job] = deque(jobs)
        self.stamps = {job.src: job.stamp for job in jobs}
        #: results not yet taken by the run, with the worker that holds them
        self.results: dict[str, tuple[int | None, _Read | Failure | None]] = {}
        self.conns: list[Connection] = []
        self.procs: list[BaseProcess] = []
        self.flight: list[deque[_Job]] = []
        self.alive: list[bool] = []
        self.kept: list[list[tuple[str, str]]] = []
        self.unread: list[int] = []  # results per worker the run has not taken yet
        self.taken: set[str] = set()  # files the run read itself while a worker had them
        for _ in range(procs):
            mine, theirs = ctx.Pipe()
            # a forked worker closes what it must not hold: the ingest lock (else a
            # killed ingest would leave the index locked while workers live) and the
            # run's ends of the pipes, so that it sees the run end
            close = [mine, *self.conns] if fork else []
            fd = getattr(lock, "fd", None) if fork else None
            proc = ctx.Process(target=_work, args=(theirs, str(index_dir), close, fd), daemon=True)
            proc.start()
            theirs.close()
            self.conns.append(mine)
            self.procs.append(proc)
            self.flight.append(deque())
            self.alive.append(True)
            self.kept.append([])
            self.unread.append(0)
        self._fill()

    @classmethod
    def start(
        cls, jobs: list[_Job], procs: int | None, index_dir: Path, lock: FileLock
    ) -> _Workers | None:
        if procs is None:
            procs = default_procs() if len(jobs) >= PARALLEL_MIN_FILES else 1
        procs = min(procs, len(jobs))
        return cls(jobs, procs, index_dir, lock) if procs > 1 else None

    def _send(self, n: int, msg: object) -> bool:
        if not self.alive[n]:
            return False
        try:
            self.conns[n].send(msg)
        except OSError:
            self._died(n)
            return False
        return True

    def _held(self, n: int) -> bool:
        return len(self.flight[n]) + self.unread[n] >= self.LEAD

    def _fill(self) -> None:
        """Give each worker files to read, up to its limits."""
        for n in range(len(self.conns)):
            while (
                self.pending
                and self.alive[n]
                and len(self.flight[n]) < self.IN_FLIGHT
                and not self._held(n)
            ):
                self._send_job(n)

    def _send_job(self, n: int) -> None:
        if self.pending and self.alive[n]:
            job = self.pending.popleft()
            if self._send(n, job):
                self.flight[n].append(job)
            else:
                self.pending.appendleft(job)

    def _receive(self, timeout: float | None = None) -> bool:
        """Wait for one result from any worker; False if none came in ``timeout``."""
        live = [c for n, c in enumerate(self.conns) if self.alive[n] and self.flight[n]]
        if not live:
            return False
        ready = wait_for(live, timeout)
        if not ready:
            return False
        conn = ready[0]
        assert isinstance(conn, Connection)  # wait() gives back what it was given
        n = self.conns.index(conn)
        msg = self._recv(n)
        if msg is None:
            return True
        src = self.flight[n].popleft().src
        if src in self.taken:  # the run read it itself meanwhile
            self.taken.discard(src)
            if isinstance(msg, _Read):
                self._send(n, _Drop(src))
        else:
            got = replace(msg, worker=n) if isinstance(msg, _Read) else msg
            self.results[src] = (n, got)
            self.unread[n] += 1
        self._fill()
        return True

    def _recv(self, n: int) -> Any:
        """Worker ``n``'s next message (what it read, or its segments at the end), or
        None if it died; a :class:`_Fatal` message fails the ingest."""
        try:
            msg = self.conns[n].recv()
        except (EOFError, OSError):
            self._died(n)
            return None
        if isinstance(msg, _Fatal):
            raise SearchError(f"indexing failed: {msg.reason}")
        return msg

    def _died(self, n: int) -> None:
        """Worker ``n`` ended before its time: what it wrote is lost, the file it was
        reading fails, and the run reads the others itself."""
        self.alive[n] = False
        proc = self.procs[n]
        proc.join(5)
        if self.flight[n]:
            job = self.flight[n].popleft()
            reason = f"reading it stopped its worker process (exit code {proc.exitcode})"
            self.results[job.src] = (None, Failure(job.path, reason))
        for job in self.flight[n]:
            self.results[job.src] = (None, None)
        self.flight[n].clear()
        for src, (worker, _got) in list(self.results.items()):
            if worker == n:
                self.results[src] = (None, None)
        self.unread[n] = 0
        self._fill()
        if not any(self.alive):
            for job in self.pending:
                self.results[job.src] = (None, None)
            self.pending.clear()

    def result(self, src: str, stamp: str) -> _Read | Failure | None:
        """What a worker read from ``src``, or None: the run reads it itself."""
        if src not in self.stamps:
            return None
        while src not in self.results:
            if not any(self.flight):
                return None
            if not self._receive(self.PATIENCE) and self._stalled(src):
                # its worker is busy writing a segment and the others are held back
                # until the run moves on: the run reads this file itself
                self.taken.add(src)
                del self.stamps[src]
                return None
        worker, got = self.results.pop(src)
        if worker is not None:
            self.unread[worker] -= 1
            self._fill()
        if self.stamps.pop(src) != stamp:  # changed since the worker read it
            self.drop(got, src)
            return None
        return got

    def _stalled(self, src: str) -> bool:
        """Whether waiting for ``src`` holds everything up: every worker but the one
        reading it is held back or has nothing left to do."""
        holder = next(
            (n for n, f in enumerate(self.flight) if any(job.src == src for job in f)), None
        )
        if holder is None:
            return False
        return all(
            not self.alive[n] or self._held(n) or not (self.pending or self.flight[n])
            for n in range(len(self.conns))
            if n != holder
        )

    def discard(self, src: str) -> None:
        """The run needs nothing from ``src`` after all."""
        if src in self.stamps:
            self.drop(self.result(src, self.stamps[src]), src)

    def drop(self, got: _Answer | None, src: str) -> None:
        if isinstance(got, _Read) and got.worker is not None:
            self._send(got.worker, _Drop(src))

    def keep(self, worker: int, src: str, stamp: str) -> None:
        self._send(worker, _Keep(src))
        self.kept[worker].append((src, stamp))  # indexed again here if the worker dies

    def finish(self) -> tuple[list[Segment], list[tuple[str, str]]]:
        """The segments every worker wrote, and the sources kept from workers that
        died (for the run to index itself)."""
        for n in range(len(self.conns)):
            while self.alive[n] and self.flight[n]:
                self._receive()
        for n in range(len(self.conns)):
            self._send(n, _Finish())
        segments: list[Segment] = []
        lost: list[tuple[str, str]] = []
        for n in range(len(self.conns)):
            msg = self._recv(n) if self.alive[n] else None
            if msg is None:
                lost.extend(self.kept[n])
                continue
            segments.extend(msg.segments)
        self.close()
        return segments, lost

    def close(self) -> None:
        """Close the pipes and wait for the workers; a worker whose pipe closes before
        the end cancels what it wrote."""
        for conn in self.conns:
            conn.close()
        for proc in self.procs:
            proc.join(10)
            if proc.is_alive():
                proc.terminate()
                proc.join(5)


def _work(conn: Connection, index_dir: str, close: list[Connection], lock_fd: int | None) -> None:
    """A worker: read, segment and analyse each file the run sends; write the
    documents the run keeps into segments of its own; hand them over at the end."""
    for c in close:
        c.close()
    if lock_fd is not None:
        os.close(lock_fd)  # closing, not unlocking: the run keeps its lock
    writer = None
    try:
        writer = worker_writer(open_stored(Path(index_dir)))
        ready: dict[str, list[Prepared]] = {}
        while not isinstance(msg := conn.recv(), _Finish):
            if isinstance(msg, _Job):
                conn.send(_prepare(writer, ready, msg))
            elif isinstance(msg, _Keep):
                for prepared in ready.pop(msg.src):
                    writer.add_prepared(prepared)
                writer.end_batch()
            else:
                ready.pop(msg.src, None)
        conn.send(_Done(writer.finish()))
    except (EOFError, OSError, KeyboardInterrupt):
        pass  # the run ended: nothing of this worker is committed
    except Exception as exc:
        with contextlib.suppress(OSError):
            conn.send(_Fatal(_one_line(exc)))
    finally:
        if writer is not None and not writer.is_closed:
            with contextlib.suppress(Exception):
                writer.cancel()


def _prepare(writer: IndexWriter, ready: dict[str, list[Prepared]], job: _Job) -> _Answer:
    """Read and analyse one file; keep its documents ready to write."""
    try:
        got = _read(Path(job.path))
        if isinstance(got, Failure):
            return got
        assert got.doc is not None  # read in this process
        ready[job.src] = [writer.prepare(**f) for f in paragraph_fields(got.doc, job.stamp)]
    except Exception as exc:  # a file that breaks a reader or the analysis
        return Failure(job.path, _one_line(exc))
    return replace(got, doc=None)  # the document stays here, ready to write


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
