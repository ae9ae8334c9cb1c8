"""Writing the index: Whoosh's segment writer, made cheaper for unsearch's terms.

Whoosh's writer pools a segment's postings, spilling sorted runs to disk and
merging them back before it writes the posting lists.  :class:`IndexWriter`
keeps the postings in memory: a text field's as the codes of its tokens, made
into posting lists with numpy when the segment is written
(:mod:`search.engine.textbuffer`), other fields' grouped by term; when writing
them would take more than :data:`SEGMENT_MB` it writes the segment and starts a
new one; at commit
every segment it wrote goes into the index's table of contents in one commit
(with its record of checksums: :mod:`search.engine.store`), so
a writer that fails or is killed leaves the last commit as it was (the files of
its unfinished segments are removed by the next commit).  Before that commit, the
segments an ingest wrote (its workers' included) are merged into one, many
lists at a time rather than posting by posting (:class:`_Merge`), a large
field's terms shared with a forked process: every search looks each of its
words up in every segment.
"""

from __future__ import annotations

import contextlib
import mmap
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable
from itertools import accumulate, pairwise
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

import numpy as np

from . import startup  # noqa: F401  (before Whoosh: see search/engine/startup.py)

# isort: split
from whoosh import fields
from whoosh.codec.whoosh3 import W3FieldWriter, W3PerDocWriter
from whoosh.index import clean_files
from whoosh.reading import SegmentReader
from whoosh.system import pack_ushort
from whoosh.writing import MERGE_SMALL, SegmentWriter

from ..analysis import fast_index_terms
from ..errors import IndexFormatError
from . import store
from .codec import (
    BYTE_LENGTHS,
    ENTRY,
    ENTRY_DTYPE,
    ITEM_LENGTHS,
    ArrayCodec,
    ArrayPostingsWriter,
    TermWriter,
    TextPositions,
    copy_documents,
    entry_rows,
    length_bytes,
    make_codec,
    merged_entries,
)
from .postings import merge_position_lists, merge_postings
from .textbuffer import PreparedText, TextPostings, TokenCodes

#: A segment is written, and a new one started, once writing its postings would take
#: about this much memory (see :data:`~search.engine.textbuffer.TOKEN_BYTES`).  Bigger
#: segments make fewer segments to search (and to merge); each ingest process may
#: write one at a time.
SEGMENT_MB = 256

#: An ingest that wrote at least this many segments merges them into one before it
#: commits: a search looks each of its words up in every segment.  The one to three
#: segments of an ingest in one or two processes (a worker's, the run's) cost
#: less than a merge costs the ingest.
MERGE_AT = 4

#: Segments with fewer documents than this are merged at commit by Whoosh's
#: policy (small incremental ingests); bigger ones are never rewritten.
SMALL_SEGMENT = 20_000

#: Rough memory of one posting and of one term in :class:`PostingBuffer`, in bytes.
_POSTING_BYTES = 72
_TERM_BYTES = 260

#: A segment as Whoosh writes and commits it (Whoosh has no type information).
Segment = Any

#: A document :meth:`IndexWriter.prepare` analysed, for :meth:`IndexWriter.add_prepared`:
#: its stored values, its lengths and column values, and the postings of each indexed
#: field (a text field's as :class:`~search.engine.textbuffer.PreparedText`).
Prepared = tuple[dict[str, object], list[tuple[str, Any, int, object]], list[tuple[str, Any]]]

#: How :meth:`IndexWriter.prepare` takes a document with given fields: the names of
#: those stored, then ``(name, field, scored, token codes, column type)`` of those
#: indexed or with a column (see :meth:`IndexWriter._plan`).
_Plan = tuple[tuple[str, ...], list[tuple[Any, ...]]]

#: The values that unscored fields give for a value, remembered per value.
_UNSCORED_CACHE = 50_000

_BYTE_LENGTHS = np.array(BYTE_LENGTHS, dtype=np.int64)


def _no_codes(fieldname: str) -> None:
    return None


class PostingBuffer:
    """The postings of the segment being written, grouped by field and term.

    Documents are numbered in the order they are added, so each term's postings
    stay in document order and only the terms need sorting when the segment is
    written.  Text fields with a :class:`~search.engine.textbuffer.TokenCodes` in
    ``codes`` keep the codes of their tokens instead
    (:class:`~search.engine.textbuffer.TextPostings`).  Also takes Whoosh's pool
    items (``add``), for segments merged in.
    """

    def __init__(self, codes: Callable[[str], TokenCodes | None] | None = None) -> None:
        self.fields: dict[str, dict[bytes, list]] = {}
        self.texts: dict[str, TextPostings] = {}
        self.fieldnames: set[str] = set()
        self.postings = 0
        self._codes = codes if codes is not None else _no_codes

    @property
    def terms(self) -> int:
        return sum(len(t) for t in self.fields.values())

    def memory(self) -> int:
        """A rough size of the buffer, in bytes, while it is written."""
        texts = sum(t.memory() for t in self.texts.values())
        return self.postings * _POSTING_BYTES + self.terms * _TERM_BYTES + texts

    def text(self, fieldname: str) -> TextPostings:
        """The postings of text field ``fieldname``, kept as token codes."""
        got = self.texts.get(fieldname)
        if got is None:
            codes = self._codes(fieldname)
            assert codes is not None, fieldname
            got = self.texts[fieldname] = TextPostings(codes)
            self.fieldnames.add(fieldname)
        return got

    def add(self, item) -> None:
        fieldname, tbytes, docnum, weight, vbytes = item
        if self._codes(fieldname) is not None:
            self.text(fieldname).add_raw(tbytes, docnum, weight, vbytes)
            return
        self.add_field(fieldname, docnum, [(tbytes, 0, weight, vbytes)])

    def add_field(self, fieldname: str, docnum: int, items) -> None:
        """Add one document's ``(tbytes, freq, weight, vbytes)`` items for a field."""
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        n = 0
        for tbytes, _freq, weight, vbytes in items:
            postings = terms.get(tbytes)
            if postings is None:
                terms[tbytes] = [docnum, weight, vbytes]
            else:
                postings += (docnum, weight, vbytes)
            n += 1
        self.postings += n

    def write(self, fieldwriter, schema: fields.Schema, lengths) -> None:
        """Write every posting list with ``fieldwriter``, fields and terms in order."""
        for fieldname, text in self.texts.items():
            # postings a text field got as items (a value that was not a string)
            for tbytes, postings in self.fields.pop(fieldname, {}).items():
                it = iter(postings)
                for docnum, weight, vbytes in zip(it, it, it, strict=True):
                    text.add_raw(tbytes, docnum, weight, vbytes)
        for fieldname in sorted({*self.fields, *self.texts}):
            if fieldname in self.texts:
                text = self.texts[fieldname]
                fieldwriter.start_field(fieldname, schema[fieldname])
                scored = lengths is not None and schema[fieldname].scorable
                text.write(fieldwriter, lengths.array(fieldname) if scored else None)
                fieldwriter.finish_field()
                continue
            terms = self.fields[fieldname]
            fieldwriter.start_field(fieldname, schema[fieldname])
            start_term, finish_term = fieldwriter.start_term, fieldwriter.finish_term
            # W3FieldWriter.add only hands each posting to the field's postings writer
            post: Any = getattr(fieldwriter, "_postwriter", None)
            add = post.add_posting if isinstance(fieldwriter, W3FieldWriter) else fieldwriter.add
            bulk = post.add_postings if isinstance(post, ArrayPostingsWriter) else None
            scored = lengths is not None and schema[fieldname].scorable
            length = lengths.field(fieldname) if scored else None
            for tbytes in sorted(terms):
                postings = terms[tbytes]
                start_term(tbytes)
                if bulk is not None:  # the whole list at once, not posting by posting
                    ids = postings[0::3]
                    bulk(ids, postings[1::3], postings[2::3], length and [length[d] for d in ids])
                    finish_term()
                    continue
                it = iter(postings)
                if length is None:
                    for docnum, weight, vbytes in zip(it, it, it, strict=True):
                        add(docnum, weight, vbytes or b"", 0)
                else:
                    for docnum, weight, vbytes in zip(it, it, it, strict=True):
                        add(docnum, weight, vbytes or b"", length[docnum])
                finish_term()
            fieldwriter.finish_field()

    def cleanup(self) -> None:
        self.fields = {}
        self.texts = {}


class _SegmentLengths:
    """Field lengths of a segment being written, read once per field."""

    def __init__(self, reader) -> None:
        self._reader = reader
        self._count = reader.doc_count_all()
        self._lengths: dict[str, list[int]] = {}

    def field(self, fieldname: str) -> list[int]:
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            read = self._reader.doc_field_length
            lengths = self._lengths[fieldname] = [read(d, fieldname, 0) for d in range(self._count)]
        return lengths

    def array(self, fieldname: str) -> np.ndarray:
        """The lengths of :meth:`field` as an array, read from the segment's length bytes."""
        lengths = np.zeros(self._count, dtype=np.int64)
        raw = length_bytes(self._reader, fieldname)
        if raw is None:
            return lengths
        got = _BYTE_LENGTHS[np.frombuffer(raw, dtype=np.uint8)]
        lengths[: len(got)] = got[: self._count]
        return lengths

    def close(self) -> None:
        self._reader.close()


def merge_small(writer, segments):
    """Whoosh's merge policy for the small segments only: big segments (a large
    ingest writes several) are kept as they are rather than read and rewritten."""
    small = [s for s in segments if s.doc_count_all() < SMALL_SEGMENT]
    big = [s for s in segments if s.doc_count_all() >= SMALL_SEGMENT]
    return big + MERGE_SMALL(writer, small)


class IndexWriter(SegmentWriter):
    """Whoosh's segment writer with postings held in memory, one or more new
    segments, and all of them committed at once.

    ``segment_mb`` bounds the memory of the segment being written.  With
    ``_lk=False`` (a writer in a worker process) the index is not locked and
    :meth:`finish` returns the segments written instead of committing them.
    """

    def __init__(self, ix, *, segment_mb: float | None = None, codec=None, **kwargs) -> None:
        super().__init__(ix, codec=codec if codec is not None else make_codec(), **kwargs)
        self._stored: store.StoredIndex = ix
        self._compound = kwargs.get("compound", True)
        self.segment_bytes = int((segment_mb or SEGMENT_MB) * 2**20)
        self.done: list[Segment] = []  # segments written, not yet committed
        self._unscored: dict[tuple[str, object], list] = {}
        self._merging: _Merge | None = None
        #: each text field's token codes in this segment (None: analysed by Whoosh's field)
        self._codes: dict[str, TokenCodes | None] = {}
        self._plans: dict[tuple[str, ...], _Plan] = {}
        self.pool = PostingBuffer(self._field_codes)

    # -- documents ---------------------------------------------------------------

    def add_document(self, **fields_: object) -> None:
        """Add one document, as Whoosh's writer does (no boosts, vectors or spelling)."""
        self.add_prepared(self.prepare(**fields_))

    def prepare(self, **fields_: object) -> Prepared:
        """Analyse a document for :meth:`add_prepared`; nothing is written yet, so an
        error here leaves the segment as it was."""
        self._check_state()
        names = tuple(sorted(fields_))
        plan = self._plans.get(names)
        if plan is None:
            plan = self._plan(names)
        keep, rest = plan
        stored = {name: value for name in keep if (value := fields_[name]) is not None}
        per_doc: list[tuple[str, Any, int, object]] = []
        indexed: list[tuple[str, Any]] = []
        unscored = self._unscored
        for name, field, scorable, codes, column_type in rest:
            value = fields_[name]
            if value is None:
                continue
            length = 0
            if codes and isinstance(value, str):
                items = codes.prepare(value)
                length = items.length
                indexed.append((name, items))
            elif codes is not False:
                if scorable:
                    items = list(field.index(value))
                    length = sum(item[1] for item in items)
                else:  # unscored ID and KEYWORD fields repeat the same few values
                    items = unscored.get((name, value)) if isinstance(value, str) else None
                    if items is None:
                        items = self._unscored_items(name, field, value)
                indexed.append((name, items))
            if length or column_type:
                column = field.to_column_value(value) if column_type else None
                per_doc.append((name, field, length, column))
        return stored, per_doc, indexed

    def _plan(self, names: tuple[str, ...]) -> _Plan:
        """For ``names`` (a document's fields, checked against the schema): those
        stored, and for each one indexed or with a column, the field, whether it is
        scored, its token codes (None: analysed by Whoosh; False: not indexed) and its
        column type."""
        schema = self.schema
        self._check_fields(schema, names)
        keep, rest = [], []
        for name in names:
            field = schema[name]
            if field.stored:
                keep.append(name)
            if field.indexed or field.column_type:
                codes = self._token_codes(name, field) if field.indexed else False
                rest.append((name, field, field.scorable, codes, field.column_type))
        plan = self._plans[names] = (tuple(keep), rest)
        return plan

    def add_prepared(self, prepared: Prepared) -> None:
        """Write a document :meth:`prepare` analysed."""
        stored, per_doc, indexed = prepared
        pdw = self.perdocwriter
        docnum = self.docnum
        pdw.start_doc(docnum)
        if type(pdw) is W3PerDocWriter:  # what its add_field does with stored values
            pdw._storedfields.update(stored)
        else:
            for name, value in stored.items():
                pdw.add_field(name, self.schema[name], value, 0)
        for name, field, length, column in per_doc:
            pdw.add_field(name, field, None, length)
            if column is not None:
                pdw.add_column_value(name, field.column_type, column)
        pdw.finish_doc()
        pool = self.pool
        for name, items in indexed:
            if type(items) is PreparedText:
                pool.text(name).add(docnum, items)
            else:
                pool.add_field(name, docnum, items)
        self._added = True
        self.docnum += 1

    def _token_codes(self, name: str, field) -> TokenCodes | None:
        """The token codes of text field ``name``, if its postings can be built from
        them: an index chain with a fast path, positions in :class:`TextPositions`."""
        if name not in self._codes:
            fast = None
            if (
                isinstance(self.codec, ArrayCodec)
                and type(field.format) is TextPositions
                and field.format.field_boost == 1.0
                and field.scorable
                and not field.vector
            ):
                fast = fast_index_terms(field.analyzer)
            self._codes[name] = TokenCodes(fast) if fast is not None else None
        return self._codes[name]

    def _field_codes(self, name: str) -> TokenCodes | None:
        """The token codes of field ``name`` in this segment, if it has them."""
        if name not in self.schema or not self.schema[name].indexed:
            return None
        return self._token_codes(name, self.schema[name])

    def _unscored_items(self, name: str, field, value) -> list:
        """The items of an unscored field's value, remembered for the next documents."""
        key = (name, value if isinstance(value, str) else tuple(value))
        items = self._unscored.get(key)
        if items is None:
            if len(self._unscored) > _UNSCORED_CACHE:
                self._unscored.clear()
            items = self._unscored[key] = list(field.index(value))
        return items

    def is_full(self) -> bool:
        return self.pool.memory() > self.segment_bytes

    def end_batch(self) -> None:
        """Between two source files: start a new segment if this one is full."""
        if self._added and self.is_full():
            self.done.append(self._finalize_segment())
            self._new_segment()

    def _new_segment(self) -> None:
        # the per-segment part of SegmentWriter.__init__ (whoosh-reloaded 2.7.x)
        self.newsegment = self.codec.new_segment(self.storage, self.indexname)
        self.compound = self._compound and self.newsegment.should_assemble()
        self.perdocwriter = self.codec.per_document_writer(self.storage, self.newsegment)
        self.fieldwriter = self.codec.field_writer(self.storage, self.newsegment)
        self._codes, self._plans = {}, {}
        self.pool = PostingBuffer(self._field_codes)
        self.docnum = self.docbase = 0
        self._added = False

    # -- segments ----------------------------------------------------------------

    def _flush_segment(self) -> None:
        if self._merging is not None:
            self._merging.flush(self)
            return
        # same steps as SegmentWriter._flush_segment (whoosh-reloaded 2.7.x)
        self.perdocwriter.close()
        lengths = None
        if self.codec.length_stats:
            lengths = _SegmentLengths(self.per_document_reader())
        self.pool.write(self.fieldwriter, self.schema, lengths)
        self.fieldwriter.close()
        if lengths:
            lengths.close()

    def add_segments(self, segments: list[Segment]) -> None:
        """Commit, with this writer's, segments written by writers in other processes."""
        self.done.extend(segments)

    def finish(self) -> list[Segment]:
        """Write the last segment and return every segment written, uncommitted."""
        self._check_state()
        if self._added:
            self.done.append(self._finalize_segment())
        else:
            self._close_segment()
        self._finish()
        return self.done

    def commit(self, mergetype=None, optimize=None, merge=None) -> None:
        self._check_state()
        final = self._merge_segments(mergetype or merge_small, optimize, merge)
        new = list(self.done)
        if self._added:
            new.append(self._finalize_segment())
        else:
            self._close_segment()
        final.extend(self._merged(new))
        self._commit_toc(final)
        self._finish()

    def _commit_toc(self, segments) -> None:
        # the commit record with each file's checksum, then Whoosh's table of contents
        ix = self._stored
        store.commit(self.storage, segments, self.generation, ix.chains, ix.record)
        clean_files(self.storage, self.indexname, self.generation, segments)

    def _merged(self, segments: list) -> list:
        """The segments this writer commits, as one segment where there are
        :data:`MERGE_AT` or more of them; their documents keep their order."""
        if len(segments) < MERGE_AT or not _mergeable(self.schema, segments):
            return segments
        readers = [SegmentReader(self.storage, self.schema, s) for s in segments]
        try:
            self._new_segment()
            self._merging = _Merge(readers)
            self._merging.share(self)
            self._merging.copy_documents(self)
            merged = self._finalize_segment()
        finally:
            if self._merging is not None:
                self._merging.close()
            self._merging = None
            for reader in readers:
                reader.close()
        return [merged]

    def cancel(self) -> None:
        super().cancel()
        remove_segments(self.storage, self.done)

    def _finish(self) -> None:
        if self.writelock is None:
            # the temporary folder is the index's, shared with the locking writer
            # (whose finish removes it) and the other workers still using it
            self._tempstorage = _SharedTemp()
        super()._finish()


def worker_writer(ix: store.StoredIndex) -> IndexWriter:
    """A writer on ``ix`` for a worker process of an ingest: it takes no lock (the
    ingest holds it) and :meth:`~IndexWriter.finish` returns its segments,
    uncommitted, for the ingest's writer to commit (:meth:`~IndexWriter.add_segments`)."""
    return IndexWriter(ix, _lk=False)


def _mergeable(schema: fields.Schema, segments) -> bool:
    """Whether :class:`_Merge` can merge the segments: unsearch's postings, no
    deleted documents, no term vectors or columns."""
    if any(field.vector or field.column_type for field in schema):
        return False
    return all(isinstance(s.codec(), ArrayCodec) and not s.has_deletions() for s in segments)


class _Merge:
    """Several segments written as one, at the speed of copying: stored fields and
    lengths a segment at a time (:func:`~search.engine.codec.copy_documents`),
    postings a batch of terms at a time, each term's lists joined in numpy
    (:func:`~search.engine.postings.merge_position_lists`) and its dictionary
    entries merged likewise (:func:`~search.engine.codec.merged_entries`).  Scores
    are unchanged: the field-length totals are summed exactly, not rebuilt from
    length bytes."""

    def __init__(self, readers: list) -> None:
        self.readers = readers
        counts = [reader.doc_count_all() for reader in readers]
        self.bases = list(accumulate(counts[:-1], initial=0))  # the new segment's numbers
        self.totals: dict[str, int] = {}
        self.shared: _Shared | None = None
        self._item_positions: dict[int, np.ndarray] = {}

    def share(self, writer: IndexWriter) -> None:
        """Start a forked process on the ranges of the large fields' terms, from their
        last, before anything is written here (see :class:`_Shared`)."""
        folder = getattr(writer.storage, "folder", None)
        if not folder or not sys.platform.startswith("linux"):
            return
        large = {}
        for name in self._names():
            if sum(end - start for start, end in self._regions(name)) >= PARALLEL_BYTES:
                ranges = self._ranges(name)
                if len(ranges) > 1:
                    large[name] = ranges
        if large:
            self.shared = _Shared.start(self, large, Path(folder))

    def close(self) -> None:
        if self.shared is not None:
            self.shared.close()

    def copy_documents(self, writer: IndexWriter) -> None:
        schema = writer.schema
        scored = list(schema.scorable_names())
        for reader in self.readers:
            for name in scored:
                self.totals[name] = self.totals.get(name, 0) + reader.field_length(name)
            writer.docnum += copy_documents(writer.perdocwriter, reader, writer.docnum, scored)
        writer._added = True

    def flush(self, writer: IndexWriter) -> None:
        writer.perdocwriter.close()
        writer.newsegment._fieldlengths = dict(self.totals)
        fieldwriter = writer.fieldwriter
        for name in self._names():
            fieldwriter.start_field(name, writer.schema[name])
            self._write_field(fieldwriter, name)
            fieldwriter.finish_field()
        fieldwriter.close()

    def _names(self) -> list[str]:
        return sorted({name for r in self.readers for name in r._terms._fieldmap})

    def _write_field(self, fieldwriter, name: str) -> None:
        # the term dictionary and postings file of W3FieldWriter, written directly, a
        # range of terms at a time (so that only that range's entries are in memory)
        out = TermWriter(fieldwriter)
        shared = self.shared
        if shared is not None and name in shared.fields:
            ranges = shared.fields[name]
            while (r := shared.claim(name)) is not None:
                self._write_ranges(out, name, ranges[r : r + 1])
            shared.finish(name, out, self)
        else:
            self._write_ranges(out, name, self._ranges(name))
        out.flush()

    def _write_ranges(self, out, name: str, ranges: list[_Range]) -> None:
        """Write the field's terms in ``ranges`` with ``out`` (a :class:`TermWriter` or
        the like), every segment's terms of a range in one order; a term's segments
        stay in their order."""
        for lo, hi in ranges:
            keys: list[bytes] = []
            owners: list[int] = []
            tables = []
            for i in range(len(self.readers)):
                got_keys, table = self._field_terms(i, name, lo, hi)
                keys += got_keys
                tables.append(table)
                owners += [i] * len(got_keys)
            order = sorted(range(len(keys)), key=keys.__getitem__)
            self._write_terms(out, _Terms(keys, owners, np.concatenate(tables), order))

    def _ranges(self, name: str) -> list[_Range]:
        """The field's terms in ranges of :data:`RANGE_TERMS` terms of its largest
        segment."""
        sizes = [end - start for start, end in self._regions(name)]
        largest = max(range(len(sizes)), key=sizes.__getitem__)
        keys, _entries = self._field_terms(largest, name, None, None)
        bounds = keys[RANGE_TERMS::RANGE_TERMS]
        return list(zip([None, *bounds], [*bounds, None], strict=True))

    def _regions(self, name: str) -> list[tuple[int, int]]:
        """Where each segment's terms of the field are in its term file."""
        return [self._region(i, name) for i in range(len(self.readers))]

    def _write_terms(self, out, terms: _Terms) -> None:
        """Write ``terms`` with ``out``, a :class:`TermWriter` or the like, in batches of
        about :data:`BATCH_BYTES` of postings."""
        keys, owners, entries, order = terms
        if not order:
            return
        table = entries[order]
        words = [keys[k] for k in order]
        firsts = [0, *(j for j in range(1, len(words)) if words[j] != words[j - 1])]
        starts = np.array([*firsts, len(words)], dtype=np.int64)
        segments = np.array(owners, dtype=np.int64)[order]
        sizes = np.cumsum(np.add.reduceat(table["length"].astype(np.int64), starts[:-1]))
        cuts = np.searchsorted(sizes, np.arange(BATCH_BYTES, int(sizes[-1]), BATCH_BYTES))
        bounds = [0, *sorted(set(cuts.tolist()) - {0, len(firsts)}), len(firsts)]
        for t0, t1 in pairwise(bounds):
            lo, hi = int(starts[t0]), int(starts[t1])
            batch = _Batch(table[lo:hi], segments[lo:hi], starts[t0 : t1 + 1] - lo)
            self._write_batch(out, [words[j] for j in firsts[t0:t1]], batch)

    def _write_batch(self, out, words: list[bytes], batch: _Batch) -> None:
        """Write the terms ``words``, merged from the segments' lists in ``batch``."""
        table, segments, starts = batch
        bases = np.array(self.bases, dtype=np.int64)[segments]
        offsets = table["offset"].astype(np.int64)
        lengths = table["length"].astype(np.int64)
        # each segment's lists of the batch are one run of its postings file
        blocks, at = [], np.zeros(len(self.readers), dtype=np.int64)
        size = 0
        for i in np.unique(segments).tolist():
            mine = segments == i
            lo, hi = int(offsets[mine].min()), int((offsets[mine] + lengths[mine]).max())
            blocks.append(self._postings_file(i)(lo, hi - lo))
            at[i] = size - lo
            size += hi - lo
        joined = b"".join(blocks)
        places = offsets + at[segments]
        lists = merge_position_lists(
            np.frombuffer(joined, dtype=np.uint8), places, lengths, bases, starts
        )
        ends = (places + lengths).tolist()
        data: list[bytes] = []
        for t, got in enumerate(lists):
            if got is None:  # a list merge_position_lists leaves to merge_postings
                parts = range(int(starts[t]), int(starts[t + 1]))
                got = merge_postings([(joined[places[p] : ends[p]], int(bases[p])) for p in parts])
            data.append(got)
        sizes = np.array([len(postings) for postings in data], dtype=np.int64)
        places = out.offset + np.cumsum(sizes) - sizes
        merged = merged_entries(table, bases, starts, places, sizes)
        for word, postings, entry in zip(words, data, merged, strict=True):
            out.add_entry(word, postings, entry)

    def _postings_file(self, i: int) -> Callable[[int, int], bytes | memoryview]:
        """Reader ``i``'s postings at an offset and length (of its memory map, where
        it is mapped: they are copied once, when a batch's are joined)."""
        postfile = self.readers[i]._terms._postfile
        buf = getattr(postfile, "_buf", None)
        if buf is None:
            return postfile.get
        return lambda offset, length: buf[offset : offset + length]

    def _region(
        self, i: int, name: str, lo: bytes | None = None, hi: bytes | None = None
    ) -> tuple[int, int]:
        """Where reader ``i``'s terms of the field from ``lo`` (None: the first) up to
        ``hi`` (excluded; None: to the last) are in its term file: start and end."""
        terms = self.readers[i]._terms
        fnum = terms._fieldmap.get(name)
        if fnum is None:
            return 0, 0
        tindex = terms._tindex
        prefix = pack_ushort(fnum)

        def at(key: bytes | None) -> int:
            pos = tindex.closest_key_pos(key) if key is not None else None
            return tindex.endofdata if pos is None else pos

        after = pack_ushort(fnum + 1) if fnum + 1 < 1 << 16 else None
        return at(prefix + (lo or b"")), at(prefix + hi if hi is not None else after)

    def _field_terms(
        self, i: int, name: str, lo: bytes | None, hi: bytes | None
    ) -> tuple[list[bytes], np.ndarray]:
        """Reader ``i``'s terms of the field from ``lo`` up to ``hi`` (see
        :meth:`_region`) and their dictionary entries (:data:`ENTRY_DTYPE` rows), in
        order, read in one piece from its term file: an ordered hash file, each item
        its key and value lengths, then the key and the value, found through the
        file's array of item positions."""
        start, end = self._region(i, name, lo, hi)
        if end <= start:
            return [], np.zeros(0, dtype=ENTRY_DTYPE)
        positions = self._positions(i)
        at = positions[np.searchsorted(positions, start) : np.searchsorted(positions, end)]
        blob = self.readers[i]._terms._tindex.dbfile.get(start, end - start)
        raw = np.frombuffer(blob, dtype=np.uint8)
        at = at - start
        lengths = np.ascontiguousarray(raw[at[:, None] + np.arange(ITEM_LENGTHS.size)])
        sizes = lengths.view(">i4").astype(np.int64)  # key and value lengths
        values = at + ITEM_LENGTHS.size + sizes[:, 0]
        if (sizes[:, 1] != ENTRY.size).any():
            raise IndexFormatError(f"a term of field {name!r} has an entry of another layout")
        firsts = (at + ITEM_LENGTHS.size + 2).tolist()  # less the field's number
        keys = [blob[a:b] for a, b in zip(firsts, values.tolist(), strict=True)]
        return keys, entry_rows(raw, values)

    def _positions(self, i: int) -> np.ndarray:
        """Where each item of reader ``i``'s term file starts, in key order."""
        got = self._item_positions.get(i)
        if got is None:
            tindex = self.readers[i]._terms._tindex
            raw = tindex.dbfile.get(tindex.indexbase, tindex.indexlen * tindex.indexsize)
            kind = np.dtype(">" + tindex.extras["indextype"])
            got = self._item_positions[i] = np.frombuffer(raw, dtype=kind).astype(np.int64)
        return got


#: A range of a field's terms, from the first (None: the field's first) up to the
#: second (excluded; None: to the field's last).
_Range = tuple[bytes | None, bytes | None]

#: Terms of a field's largest segment per range merged at a time: what bounds the
#: memory of a merge (the dictionary entries of one range in every segment), and
#: the work two processes share a range at a time.
RANGE_TERMS = 5_000


class _Batch(NamedTuple):
    """Terms merged together: their lists' dictionary entries and segments, in the
    order they are written, and where each term's lists start among them."""

    table: np.ndarray
    segments: np.ndarray
    starts: np.ndarray


#: Postings bytes (of every segment) merged in one batch: what bounds the memory of
#: a merge, with :data:`RANGE_TERMS`.
BATCH_BYTES = 16 * 2**20


class _Terms(NamedTuple):
    """The terms of a field in the segments merged: each one's bytes, segment and
    dictionary entry (an :data:`ENTRY_DTYPE` row), and the order they are written in."""

    keys: list[bytes]
    owners: list[int]
    entries: np.ndarray
    order: list[int]


#: A field whose terms take at least this many bytes in the term files of the
#: segments merged shares its ranges with a forked process (see :class:`_Shared`).
PARALLEL_BYTES = 8 * 2**20


class _FileTerms:
    """Where a process merging part of a field writes: postings to one file, term
    bytes and dictionary entries (their offsets from the start of that file) to
    another, framed as in an ordered hash file."""

    def __init__(self, postings: BinaryIO, entries: BinaryIO) -> None:
        self._postings = postings
        self._entries = entries
        self.offset = 0

    def add_entry(self, tbytes: bytes, postings: bytes, entry: bytes) -> None:
        self._postings.write(postings)
        self.offset += len(postings)
        self._entries.write(ITEM_LENGTHS.pack(len(tbytes), len(entry)) + tbytes + entry)


def _read_items(data: bytes):
    """The ``(term bytes, entry)`` pairs :class:`_FileTerms` wrote in ``data``, framed
    as the items of an ordered hash file."""
    pos, size = 0, len(data)
    while pos < size:
        keylen, datalen = ITEM_LENGTHS.unpack_from(data, pos)
        pos += ITEM_LENGTHS.size
        yield data[pos : pos + keylen], data[pos + keylen : pos + keylen + datalen]
        pos += keylen + datalen


#: Seconds a process waits for the lock on the claims before it asks whether the
#: other one is still there.
_LOCK_WAIT = 0.5


class _Shared:
    """The ranges of the large fields' terms, merged by this process from the first
    and by a forked one from the last until they meet, so that both keep busy while
    this one also copies the documents.  The forked process writes each range into
    two temporary files in the index folder (:class:`_FileTerms`), added after this
    one's ranges; where it fails, this process merges its ranges too."""

    def __init__(self, fields: dict[str, list[_Range]], folder: Path) -> None:
        self.fields = fields
        self._names = list(fields)
        self._folder = folder
        self._prefix = f".merge-{os.getpid()}"
        self._lock = multiprocessing.get_context("fork").Lock()
        # per field, in memory both processes share: next range from the first, range
        # after the next from the last, whether the forked process is done with it
        self._memory = mmap.mmap(-1, 3 * 8 * len(fields))
        self._slots = np.frombuffer(self._memory, dtype=np.int64).reshape(len(fields), 3)
        for k, ranges in enumerate(fields.values()):
            self._slots[k] = (0, len(ranges), 0)
        self._pid = 0  # the forked process, in this one
        self._parent = os.getpid()
        self._ended = False

    @classmethod
    def start(cls, merge: _Merge, fields: dict[str, list[_Range]], folder: Path) -> _Shared:
        shared = cls(fields, folder)
        pid = os.fork()
        if pid:
            shared._pid = pid
            return shared
        code = 1
        try:  # the child: nothing of the parent's files is written or flushed here
            for k, name in enumerate(shared._names):
                while (r := shared._claim(k, from_last=True)) is not None:
                    postings, entries = shared._files(name, r)
                    with open(postings, "wb") as p, open(entries, "wb") as e:
                        merge._write_ranges(_FileTerms(p, e), name, fields[name][r : r + 1])
                shared._slots[k, 2] = 1
            code = 0
        finally:
            os._exit(code)

    def _files(self, name: str, r: int) -> tuple[Path, Path]:
        stem = self._folder / f"{self._prefix}-{name}-{r}"
        return stem.with_suffix(".postings"), stem.with_suffix(".entries")

    def _claim(self, k: int, from_last: bool = False) -> int | None:
        # a process killed while it held the lock never gives it back: once it is
        # gone, the one left claims alone
        locked = False
        while not locked and not self._gone():
            locked = self._lock.acquire(timeout=_LOCK_WAIT)
        if not locked and not self._pid:
            return None  # the forked process, whose parent is gone: nothing is wanted
        try:
            first, after = (int(n) for n in self._slots[k, :2])
            if first >= after:
                return None
            if from_last:
                self._slots[k, 1] = after - 1
                return after - 1
            self._slots[k, 0] = first + 1
            return first
        finally:
            if locked:
                self._lock.release()

    def _gone(self) -> bool:
        """Whether the other process has ended."""
        if not self._pid:  # the forked process: its parent is gone, or not
            return os.getppid() != self._parent
        if not self._ended:
            pid, _status = os.waitpid(self._pid, os.WNOHANG)
            self._ended = pid != 0
        return self._ended

    def claim(self, name: str) -> int | None:
        """The next range of field ``name`` for this process to merge, or None."""
        return self._claim(self._names.index(name))

    def finish(self, name: str, out: TermWriter, merge: _Merge) -> None:
        """Once this process has claimed its last range of the field: add those the
        forked process merged to ``out``, or merge them here if it failed."""
        k = self._names.index(name)
        done = self._wait(k)
        for r in range(int(self._slots[k, 1]), len(self.fields[name])):
            postings, entries = self._files(name, r)
            if done:
                with open(postings, "rb") as file:
                    out.append(file, _read_items(entries.read_bytes()))
            else:
                merge._write_ranges(out, name, self.fields[name][r : r + 1])
            for path in (postings, entries):
                with contextlib.suppress(OSError):
                    path.unlink()

    def _wait(self, k: int) -> bool:
        """Wait until the forked process is done with field ``k``; False if it ended
        without being done."""
        while not self._slots[k, 2]:
            if self._gone():
                return bool(self._slots[k, 2])
            time.sleep(0.002)
        return True

    def close(self) -> None:
        """End the forked process (done, or no longer needed) and remove its files."""
        if not self._ended:
            with contextlib.suppress(OSError):
                os.kill(self._pid, signal.SIGKILL)
                os.waitpid(self._pid, 0)
            self._ended = True
        for path in self._folder.glob(f"{self._prefix}-*"):
            with contextlib.suppress(OSError):
                path.unlink()


class _SharedTemp:
    def destroy(self) -> None:
        pass


def remove_segments(storage, segments) -> None:
    """Delete the files of uncommitted segments (best effort: the next commit
    removes whatever is left)."""
    names = {s.segment_id() for s in segments}
    for filename in list(storage):
        if any(filename.startswith(name) for name in names):
            with contextlib.suppress(OSError):
                storage.delete_file(filename)
