"""An index's files, described and checked: the commit record beside Whoosh's table of contents.

Whoosh commits an index by writing a table of contents, ``_MAIN_<gen>.toc``, that
lists its segments (pickled).  Every commit of unsearch also writes, just before the
table of contents, a commit record ``_MAIN_<gen>.commit``: lines of text, the last
``crc32 <hex>`` of the rest, that say what the index was built with and holds:

* ``format``: :data:`FORMAT_VERSION`, the layout of unsearch's files, and
  ``analysis``: :data:`search.analysis.CHAIN_VERSION`, what the chains do;
* ``chains``: each analysis chain's steps (:func:`search.analysis.describe`), stop
  list and common stems.  The index is searched with these, never with the
  package's current data, so regenerating ``data/common-*.txt`` changes no answer
  of an existing index;
* ``files``: the size and CRC-32 of every file of the commit (the table of contents
  and each segment's files), as Lucene's per-file checksums.

An index written in another format or analysis version, or without a record (by an
earlier unsearch), gives :class:`~search.errors.IndexFormatError` before anything
of it is unpickled.  Opening checks what is cheap (:class:`StoredIndex`): the
record, the table of contents' checksum (a few KB) and that every other file is
there with its recorded size.  :func:`damage` and :mod:`search.engine.check` read
whole files.  The table of contents holds an empty schema (the schema is built
from the record) and its segment list is unpickled with Whoosh's classes and the
codec's only, so moving a class of unsearch does not break an index.
"""

from __future__ import annotations

import os
import pickle
import zlib
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from . import startup  # noqa: F401  (before Whoosh: see search/engine/startup.py)

# isort: split
from whoosh import fields
from whoosh.filedb.filestore import FileStorage, RamStorage
from whoosh.filedb.structfile import StructFile
from whoosh.index import _CURRENT_TOC_VERSION, TOC, EmptyIndexError, FileIndex

from ..analysis import CHAIN_VERSION, ChainSpec, describe
from ..errors import IndexCorruptError, IndexFormatError
from .codec import ArrayCodec

if TYPE_CHECKING:
    # what StoredIndex.searcher() gives, for the rest of unsearch to name
    from whoosh.searching import Searcher as Searcher

#: The version of the layout of unsearch's index files (postings, table of contents,
#: commit record).  Bump it when a change makes earlier indexes unreadable or read
#: differently; they then give IndexFormatError.  Changes to what the analysis
#: chains index bump :data:`search.analysis.CHAIN_VERSION` instead.
FORMAT_VERSION = 1

#: Whoosh's name for the one index in a folder (its files are ``MAIN_*``, ``_MAIN_*``).
INDEX_NAME = "MAIN"
RECORD_SUFFIX = ".commit"
_FOOTER = b"\ncrc32 "
#: What a file whose checksum does not hold is said to be.
DAMAGED = "checksum mismatch: the file is damaged"
_CHUNK = 1 << 20
#: Attempts to read the latest commit while newer commits remove the older ones' files.
_ATTEMPTS = 5

SchemaFor = Callable[[Mapping[str, ChainSpec]], fields.Schema]


@dataclass(frozen=True)
class FileSum:
    """A file's size and CRC-32, as a commit recorded them."""

    size: int
    crc32: int


@dataclass(frozen=True)
class Record:
    """What a commit recorded: its generation, chains and files."""

    generation: int
    chains: Mapping[str, ChainSpec]
    files: Mapping[str, FileSum]


def record_name(generation: int) -> str:
    return f"_{INDEX_NAME}_{generation}{RECORD_SUFFIX}"


def toc_name(generation: int) -> str:
    return TOC._filename(INDEX_NAME, generation)


def latest_generation(folder: Path) -> int:
    """The generation of the newest table of contents in ``folder``, -1 if none."""
    try:
        return TOC._latest_generation(FileStorage(str(folder)), INDEX_NAME)
    except OSError:
        return -1


def crc32_of(path: Path) -> int:
    """The CRC-32 of a whole file, read a megabyte at a time."""
    crc = 0
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            crc = zlib.crc32(chunk, crc)
    return crc


# -- the record -----------------------------------------------------------------------


def encode_record(record: Record) -> bytes:
    """The record as lines of ``key value…`` (read without the json module, which
    a search does not otherwise import), then the footer."""
    lines = [
        "unsearch index",
        f"format {FORMAT_VERSION}",
        f"analysis {CHAIN_VERSION}",
        f"generation {record.generation}",
    ]
    for name, s in sorted(record.files.items()):
        lines.append(f"file {name} {s.size} {s.crc32:08x}")
    for name, spec in record.chains.items():
        lines.append(f"chain {name}")
        lines.append("steps " + "\t".join(describe(spec)))
        lines.append(" ".join(["stops", *sorted(spec.stops)]))
        lines.append(" ".join(["common", *sorted(spec.common)]))
    body = "\n".join(lines).encode("utf-8")
    return body + _FOOTER + b"%08x\n" % zlib.crc32(body)


def read_record(folder: Path, generation: int) -> Record:
    """The record of commit ``generation``: :class:`IndexCorruptError` if it is damaged,
    :class:`IndexFormatError` if another version wrote it, FileNotFoundError if none."""
    path = folder / record_name(generation)
    raw = path.read_bytes()
    body, footer, crc = raw.rpartition(_FOOTER)
    if not footer or crc.strip() != b"%08x" % zlib.crc32(body):
        raise IndexCorruptError(path, "checksum mismatch: the commit record is damaged")
    try:
        values: dict[str, str] = {}
        files: dict[str, FileSum] = {}
        chains: dict[str, dict[str, str]] = {}
        lines = body.decode("utf-8").split("\n")
        if lines[0] != "unsearch index":
            raise ValueError("not a commit record")
        for line in lines[1:]:
            key, _, value = line.partition(" ")
            if key == "file":
                name, size, crc32 = value.split(" ")
                files[name] = FileSum(int(size), int(crc32, 16))
            elif key == "chain":
                chains[value] = {}
            elif key in ("steps", "stops", "common"):
                chains[list(chains)[-1]][key] = value
            else:
                values[key] = value
        written = (int(values["format"]), int(values["analysis"]))
        recorded = int(values["generation"])
        specs = {
            name: (
                c["steps"].split("\t"),
                ChainSpec(name, frozenset(c["stops"].split()), frozenset(c["common"].split())),
            )
            for name, c in chains.items()
        }
    except (ValueError, KeyError, IndexError) as exc:
        raise IndexCorruptError(path, f"unreadable commit record ({exc})") from None
    if written != (FORMAT_VERSION, CHAIN_VERSION):
        raise IndexFormatError(
            f"{folder}/ was written in index format {written[0]}, analysis {written[1]}; "
            f"this version of unsearch reads format {FORMAT_VERSION}, analysis {CHAIN_VERSION}"
        )
    for name, (steps, spec) in specs.items():
        if steps != describe(spec):
            raise IndexFormatError(
                f"{folder}/ was written with another {name} analysis chain than this version's"
            )
    if recorded != generation:
        raise IndexCorruptError(path, f"records commit {recorded}, not {generation}")
    return Record(generation, {n: spec for n, (_, spec) in specs.items()}, files)


def _write_atomic(storage, name: str, data: bytes) -> None:
    tmp = f".{name}.tmp"
    with open(Path(storage.folder) / tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    storage.rename_file(tmp, name)


# -- the table of contents --------------------------------------------------------------


class _SegmentUnpickler(pickle.Unpickler):
    """Unpickles a segment list: Whoosh's classes, a few builtins and the codec."""

    _SAFE = ("whoosh.", "collections", "builtins", "__builtin__", "copy_reg", "copyreg")

    def find_class(self, module: str, name: str):
        if module.startswith(self._SAFE):
            return super().find_class(module, name)
        if name == ArrayCodec.__name__:  # wherever the codec lived when it was written
            return ArrayCodec
        raise pickle.UnpicklingError(f"unexpected class {module}.{name}")


def toc_bytes(segments: list, generation: int) -> bytes:
    """Whoosh's table of contents for ``segments``, with an empty schema."""
    ram = RamStorage()
    TOC(fields.Schema(), segments, generation).write(ram, INDEX_NAME)
    return bytes(ram.files[toc_name(generation)])


def read_segments(data: bytes, generation: int) -> list:
    """The segment list of a table of contents (the schema in it is skipped)."""
    stream = StructFile(BytesIO(data))
    sizes = [stream.read_varint() for _ in range(3)]
    if stream.read_int() != -12345 or stream.read_int() != _CURRENT_TOC_VERSION:
        raise ValueError(f"not a table of contents this version reads ({sizes})")
    for _ in range(3):
        stream.read_varint()  # Whoosh's release
    stream.skip_string()  # the schema
    if stream.read_int() != generation:
        raise ValueError("the generation inside does not match the file name")
    stream.read_int()
    segments = _SegmentUnpickler(stream.file).load()
    if not isinstance(segments, list):
        raise ValueError("no segment list")
    return segments


def segment_files(storage, segment) -> list[str]:
    """The names of a segment's files in ``storage``."""
    prefix = segment.segment_id() + "."
    return sorted(name for name in storage.list() if name.startswith(prefix))


# -- committing -------------------------------------------------------------------------


def commit(
    storage, segments: list, generation: int, chains: Mapping[str, ChainSpec], previous=None
) -> None:
    """Commit ``segments`` as ``generation``: the commit record, then the table of
    contents (each written whole and renamed into place), then the older records
    are removed.  Checksums of files ``previous`` (a :class:`Record`) knows with the
    same size are taken from it: segment files are never rewritten."""
    folder = Path(storage.folder)
    toc = toc_bytes(segments, generation)
    known = previous.files if previous is not None else {}
    files = {toc_name(generation): FileSum(len(toc), zlib.crc32(toc))}
    for segment in segments:
        for name in segment_files(storage, segment):
            size = storage.file_length(name)
            old = known.get(name)
            files[name] = (
                old if old and old.size == size else FileSum(size, crc32_of(folder / name))
            )
    record = Record(generation, dict(chains), files)
    _write_atomic(storage, record_name(generation), encode_record(record))
    _write_atomic(storage, toc_name(generation), toc)
    for name in storage.list():
        if name.endswith(RECORD_SUFFIX) and name != record_name(generation):
            with suppress(OSError):  # the next commit removes it
                storage.delete_file(name)


# -- opening ----------------------------------------------------------------------------


class StoredIndex(FileIndex):
    """Whoosh's index over a folder, read through its commit records.

    ``schema_for`` builds the schema from the chains a record holds.  Every read of
    the table of contents (opening, a new searcher, a writer) checks the latest
    commit cheaply; ``chains`` and ``record`` are those of the last commit read.
    """

    def __init__(self, folder: Path, schema_for: SchemaFor) -> None:
        # not FileIndex.__init__: it unpickles the table of contents' schema
        self.storage = FileStorage(str(folder))
        self.indexname = INDEX_NAME
        self._schema = None
        self.folder = folder
        self._schema_for = schema_for
        self._schemas: dict[tuple, fields.Schema] = {}
        self.record: Record | None = None
        self._read_toc()

    @classmethod
    def create(
        cls, folder: Path, chains: Mapping[str, ChainSpec], schema_for: SchemaFor
    ) -> StoredIndex:
        """A new, empty index in ``folder`` (made if needed) with ``chains``."""
        folder.mkdir(parents=True, exist_ok=True)
        storage = FileStorage(str(folder))
        commit(storage, [], max(latest_generation(folder) + 1, 0), chains)
        return cls(folder, schema_for)

    @property
    def chains(self) -> Mapping[str, ChainSpec]:
        assert self.record is not None
        return self.record.chains

    def _read_toc(self) -> TOC:
        for _ in range(_ATTEMPTS):
            generation = self.latest_generation()
            if generation < 0:
                raise EmptyIndexError(f"no index in {self.folder}/")
            try:
                return self._read_generation(generation)
            except (FileNotFoundError, IndexCorruptError) as exc:
                if self.latest_generation() != generation:
                    continue  # a newer commit removed this one's files: read that one
                if isinstance(exc, FileNotFoundError):
                    raise IndexFormatError(
                        f"{self.folder}/ was written by an earlier version of unsearch"
                        " (it has no commit record)"
                    ) from None
                raise
        raise IndexCorruptError(self.folder, "the index changed while it was being read")

    def _read_generation(self, generation: int) -> TOC:
        record = read_record(self.folder, generation)
        name = toc_name(generation)
        path = self.folder / name
        if name not in record.files:
            raise IndexCorruptError(
                record_name(generation), "the table of contents is not recorded"
            )
        for other, expected in record.files.items():
            _check_size(self.folder / other, expected.size)
        data = path.read_bytes()
        if zlib.crc32(data) != record.files[name].crc32:
            raise IndexCorruptError(path, DAMAGED)
        try:
            segments = read_segments(data, generation)
        except Exception as exc:  # its checksum held: written so
            raise IndexCorruptError(path, f"unreadable table of contents ({exc})") from None
        key = tuple(sorted(record.chains.items(), key=lambda kv: kv[0]))
        schema = self._schemas.get(key)
        if schema is None:
            schema = self._schemas[key] = self._schema_for(record.chains)
        self.record = record
        return TOC(schema, segments, generation)


def _check_size(path: Path, size: int) -> None:
    try:
        found = path.stat().st_size
    except FileNotFoundError:
        raise IndexCorruptError(path, "missing") from None
    if found != size:
        raise IndexCorruptError(path, f"{found} bytes where the commit recorded {size}")


def damage(folder: Path) -> IndexCorruptError | None:
    """The first damaged file of the latest commit (read whole), or None if every
    checksum holds."""
    generation = latest_generation(folder)
    try:
        record = read_record(folder, generation)
        for name, expected in sorted(record.files.items()):
            path = folder / name
            _check_size(path, expected.size)
            if crc32_of(path) != expected.crc32:
                return IndexCorruptError(path, DAMAGED)
    except IndexCorruptError as exc:
        return exc
    except (OSError, IndexFormatError):
        return None
    return None
