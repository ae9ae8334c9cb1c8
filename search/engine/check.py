"""Checking a whole index, as Lucene's CheckIndex or SQLite's ``integrity_check`` do.

:func:`check` reads every file the latest commit recorded and compares its size and
CRC-32 with the record (:mod:`search.engine.store`), then opens each segment whose
files are sound and decodes everything in it: every stored field, every field's
lengths, every posting list (document numbers in order and in range, as many as the
term dictionary says, weights and positions).  It reports what is damaged rather
than stopping at the first problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import SegmentReader

from ..errors import IndexCorruptError, IndexNotFoundError
from . import store
from .postings import ArrayMatcher, length_bytes, unpack_positions


@dataclass(frozen=True)
class Damage:
    """One damaged or missing file of an index, and what is wrong with it."""

    file: str
    problem: str


@dataclass(frozen=True)
class CheckReport:
    """What :func:`check` found: ``ok`` when nothing is damaged."""

    index_dir: str
    ok: bool
    generation: int
    files: int
    segments: int
    documents: int
    terms: int
    postings: int
    damaged: tuple[Damage, ...]


def check(folder: Path, schema_for: store.SchemaFor) -> CheckReport:
    """Check the index in ``folder`` (see the module docstring); raise
    :class:`IndexNotFoundError` where there is none and :class:`IndexFormatError`
    for an index this version does not read."""
    generation = store.latest_generation(folder)
    if generation < 0:
        raise IndexNotFoundError(f"no index in {folder}/")
    counts = {"files": 0, "segments": 0, "documents": 0, "terms": 0, "postings": 0}
    damaged: list[Damage] = []
    try:
        record = store.read_record(folder, generation)
    except FileNotFoundError:
        record = None
        damaged.append(Damage(str(folder / store.record_name(generation)), "missing"))
    except IndexCorruptError as exc:
        record = None
        damaged.append(Damage(exc.path, exc.reason))
    if record is not None:
        bad = _check_files(folder, record, damaged)
        counts["files"] = len(record.files)
        toc = store.toc_name(generation)
        if toc not in bad:
            segments = store.read_segments((folder / toc).read_bytes(), generation)
            schema = schema_for(record.chains)
            storage = FileStorage(str(folder))
            for segment in segments:
                names = store.segment_files(storage, segment)
                if bad.intersection(names):
                    continue  # damaged already: decoding would only say so again
                counts["segments"] += 1
                try:
                    _decode_segment(storage, schema, segment, counts)
                except Exception as exc:  # whatever the damage raises
                    name = str(folder / names[0]) if len(names) == 1 else segment.segment_id()
                    damaged.append(Damage(name, _one_line(exc)))
    return CheckReport(
        index_dir=str(folder),
        ok=not damaged,
        generation=generation,
        damaged=tuple(damaged),
        **counts,
    )


def _check_files(folder: Path, record: store.Record, damaged: list[Damage]) -> set[str]:
    """Compare each recorded file with its size and checksum; the names of the bad ones."""
    bad = set()
    for name, expected in sorted(record.files.items()):
        path = folder / name
        problem = None
        try:
            size = path.stat().st_size
            if size != expected.size:
                problem = f"{size} bytes where the commit recorded {expected.size}"
            elif store.crc32_of(path) != expected.crc32:
                problem = store.DAMAGED
        except FileNotFoundError:
            problem = "missing"
        if problem is not None:
            bad.add(name)
            damaged.append(Damage(str(path), problem))
    return bad


def _decode_segment(storage, schema, segment, counts: dict[str, int]) -> None:
    reader = SegmentReader(storage, schema, segment)
    try:
        ndocs = reader.doc_count_all()
        for docnum in range(ndocs):
            reader.stored_fields(docnum)
        counts["documents"] += ndocs
        for name in schema.scorable_names():
            raw = length_bytes(reader, name)
            if raw is not None and len(raw) > ndocs:
                raise ValueError(f"{len(raw)} lengths of {name} for {ndocs} documents")
        for fieldname, tbytes in reader.all_terms():
            counts["terms"] += 1
            counts["postings"] += _decode_postings(reader, fieldname, tbytes, ndocs)
    finally:
        reader.close()


def _decode_postings(reader, fieldname: str, tbytes: bytes, ndocs: int) -> int:
    """Decode one term's postings; the number of postings."""
    term = f"{fieldname}:{tbytes!r}"
    info = reader.term_info(fieldname, tbytes)
    matcher = reader.postings(fieldname, tbytes)
    positions = reader.schema[fieldname].format.supports("positions")
    if isinstance(matcher, ArrayMatcher):
        postings = matcher.postings
        ids = postings.ids
        weights = postings.weights
        if positions:
            for i in range(postings.count):
                unpack_positions(postings.value(i))
    else:  # postings kept in the term dictionary, Whoosh's way
        ids = np.array(list(matcher.all_ids()), dtype=np.int64)
        weights = np.array([0.0] * len(ids))
        list(matcher.all_values())
    if len(ids) != info.doc_frequency() or len(weights) != len(ids):
        raise ValueError(
            f"{term}: {len(ids)} postings where the dictionary says {info.doc_frequency()}"
        )
    if len(ids) and (ids[0] < 0 or ids[-1] >= ndocs or np.any(np.diff(ids) <= 0)):
        raise ValueError(f"{term}: document numbers out of order or range")
    return len(ids)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"cannot be decoded: {text}"
