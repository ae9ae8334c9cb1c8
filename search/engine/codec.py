"""Whoosh's codec for unsearch: its segment files holding array posting lists.

:class:`ArrayCodec` keeps Whoosh's W3 term dictionary, segments and files, and
changes how one term's postings are written (:mod:`search.engine.postings`) and
how a segment's files are read: through views that share the memory map of the
segment (:class:`_MappedFile`), not copies of each file.  :class:`TermTable`
looks terms up in the term dictionary without Whoosh's layers of calls;
:class:`ArrayMatcher` lets Whoosh's matchers run on the arrays;
:class:`TextPositions` is the postings format of text fields.  Everything here
reads Whoosh's internals (private attributes of its readers and writers, the
byte layout of its term dictionary): it is the code to check on a Whoosh upgrade.
"""

from __future__ import annotations

import struct
from bisect import bisect_left
from collections.abc import Iterable
from hashlib import md5
from io import RawIOBase
from typing import Any, BinaryIO

import numpy as np

from . import startup  # noqa: F401  (before Whoosh: see search/engine/startup.py)

# isort: split
from whoosh import fields, formats
from whoosh.codec import whoosh3
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.filestore import OverlayStorage
from whoosh.filedb.filetables import md5_hash
from whoosh.filedb.structfile import BufferFile
from whoosh.matching import LeafMatcher, NullMatcher, ReadTooFar
from whoosh.system import pack_ushort
from whoosh.util.numeric import byte_to_length

from ..analysis import PAIR_MARK, STOP_MARK, WORD_MARK, index_positions
from ..errors import IndexFormatError
from .postings import (
    Postings,
    encode_postings,
    pack_positions,
    record_dtype,
    unpack_positions,
)


class ArrayCodec(whoosh3.W3Codec):
    """Whoosh's W3 codec with array posting lists (see the module docstring)."""

    def postings_writer(self, dbfile, byteids=False):
        if byteids:  # term vectors keep Whoosh's format; unsearch stores none
            return super().postings_writer(dbfile, byteids=byteids)
        return ArrayPostingsWriter(dbfile)

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term, scorer)
        offset, _length = terminfo.extent()
        postings = Postings(_source(dbfile), offset, format_.fixed_value_size() == 0)
        return ArrayMatcher(postings, format_, term=term, scorer=scorer)

    def field_writer(self, storage, segment):
        writer = super().field_writer(storage, segment)
        tindex = writer._tindex
        tindex._write_hashes = lambda: write_hash_tables(tindex)
        return writer

    def terms_reader(self, storage, segment):
        return super().terms_reader(_mapped(storage), segment)

    def per_document_reader(self, storage, segment):
        return super().per_document_reader(_mapped(storage), segment)


#: A term's entry in a W3 term dictionary: flags, weight, document frequency, ...
_TERMINFO = struct.Struct("!BfIBBfII")
_OFFSET = struct.Struct("!Q")
_EXTENT_LENGTH = struct.Struct("!I")
#: A whole term dictionary entry: the above, then where the term's postings are.
ENTRY = struct.Struct(_TERMINFO.format + _OFFSET.format[1:] + _EXTENT_LENGTH.format[1:])
# the ordered hash file's slot (hash, item position)
_SLOT = struct.Struct("!Iq")
#: The lengths before each key and value in an ordered hash file.
ITEM_LENGTHS = struct.Struct("!ii")
_FIELD_NUMBER = struct.Struct("!H")


#: A slot of an ordered hash file's hash table, as numpy writes a table of them.
_SLOT_DTYPE = record_dtype(_SLOT, ("hash", "position"))


def write_hash_tables(tindex) -> None:
    """What Whoosh's ``HashWriter._write_hashes`` writes when a term file is closed
    (its 256 hash tables, each filled by linear probing in the order the keys were
    added), with one write per table instead of one per slot."""
    dbfile = tindex.dbfile
    for entries in tindex.buckets:
        size = 2 * len(entries)
        tindex.directory.append((dbfile.tell(), size))
        hashes, positions = [0] * size, [0] * size  # position 0 (the header): empty
        for hashval, position in entries:
            slot = (hashval >> 8) % size
            while positions[slot]:
                slot = (slot + 1) % size
            hashes[slot], positions[slot] = hashval, position
        table = np.empty(size, dtype=_SLOT_DTYPE)
        table["hash"], table["position"] = hashes, positions
        dbfile.write(table.tobytes())


class TermTable:
    """One segment's term dictionary, looked up directly: the hash table Whoosh's
    reader probes (through five calls and a generator per lookup), probed in the
    segment's memory map; a field without a term in the segment answers at once.
    ``reader`` is a segment reader of the W3 codec.
    """

    __slots__ = ("_buf", "_fieldmap", "_hash", "_postfile", "_tables", "_tindex")

    def __init__(self, reader) -> None:
        terms = reader._terms
        self._fieldmap: dict[str, int] = terms._fieldmap
        tindex = self._tindex = terms._tindex
        self._tables = tindex.tables
        self._hash = tindex.hashfn
        self._buf = _buffer(tindex.dbfile)
        self._postfile = _source(terms._postfile)

    def has_field(self, fieldname: str) -> bool:
        """Whether the segment holds any term of the field."""
        return fieldname in self._fieldmap

    def lookup(self, fieldname: str, tbytes: bytes) -> tuple[int, int | None] | None:
        """The term's document frequency and the offset of its postings (None where
        Whoosh inlined them in the dictionary), or None if the segment lacks it."""
        data = self._find(fieldname, tbytes)
        if data is None:
            return None
        inlined, _weight, frequency, *_ = _TERMINFO.unpack_from(data)
        if inlined:  # the postings are pickled in the dictionary
            return frequency, None
        return frequency, _OFFSET.unpack_from(data, _TERMINFO.size)[0]

    def postings(self, offset: int, no_values: bool = False) -> Postings:
        """The postings at ``offset`` of the segment's postings file (from :meth:`lookup`)."""
        return Postings(self._postfile, offset, no_values)

    def _find(self, fieldname: str, tbytes: bytes):
        fnum = self._fieldmap.get(fieldname)
        if fnum is None:
            return None
        key = _FIELD_NUMBER.pack(fnum) + tbytes
        buf = self._buf
        if buf is None:
            try:
                pos, length = self._tindex.range_for_key(key)
            except KeyError:
                return None
            return self._tindex.dbfile.get(pos, length)
        # the probe of whoosh.filedb.filetables.HashReader.ranges_for_key
        keyhash = self._hash(key)
        start, nslots = self._tables[keyhash & 255]
        if not nslots:
            return None
        end = start + nslots * _SLOT.size
        slot = start + ((keyhash >> 8) % nslots) * _SLOT.size
        for _ in range(nslots):
            slothash, itempos = _SLOT.unpack_from(buf, slot)
            if not itempos:
                return None
            if slothash == keyhash:
                keylen, datalen = ITEM_LENGTHS.unpack_from(buf, itempos)
                at = itempos + ITEM_LENGTHS.size
                if keylen == len(key) and buf[at : at + keylen] == key:
                    return buf[at + keylen : at + keylen + datalen]
            slot += _SLOT.size
            if slot == end:
                slot = start
        return None


def length_bytes(reader, fieldname: str) -> bytes | None:
    """A segment's paragraph lengths in the field, one byte per document (Whoosh's
    ``length_to_byte``), or None where the segment keeps none.  ``reader``: a
    segment's reader or its per-document reader."""
    # whoosh-reloaded 2.7 W3 codec: a NumericColumn("B") of length bytes per document
    perdoc = getattr(reader, "_perdoc", reader)
    try:
        column = perdoc._cached_reader(f"_{fieldname}_len", whoosh3.LENGTHS_COLUMN)
        return column._dbfile.get(column._basepos, column._count)
    except (AttributeError, OSError):
        return None


def copy_documents(perdocwriter, reader, docnum: int, scored: list[str]) -> int:
    """Add the documents of segment ``reader`` to ``perdocwriter`` from document
    ``docnum`` on, as whole blocks: their stored fields as the compressed pickles
    the W3 codec keeps (not unpickled and compressed again) and their lengths in the
    ``scored`` fields (the field-length totals are left to the caller).  Returns
    the number of documents added."""
    count = reader.doc_count_all()
    column = reader._perdoc._cached_reader("_stored", whoosh3.STORED_COLUMN)
    raw = column._child  # a VarBytesColumn reader, under PickleColumn and compression
    sizes = np.frombuffer(raw._lengths, dtype=raw._lengths.typecode).astype(np.int64)
    # the W3 writer's VarBytesColumn writer, as its add() leaves it document by document
    writer = perdocwriter._colwriters["_stored"]._child
    writer.fill(docnum)
    writer._dbfile.write(raw._dbfile.get(raw._basepos, int(sizes.sum())))
    _extend(writer._lengths, sizes)
    _extend(writer._offsets, writer._offset_base + np.cumsum(sizes) - sizes)
    writer._offset_base += int(sizes.sum())
    writer._count = docnum + count
    for name in scored:
        lengths = (length_bytes(reader, name) or b"")[:count].rstrip(b"\0")
        if lengths:  # NumericColumn writes no trailing zeros, its default
            colname = whoosh3._lenfield(name)
            if colname not in perdocwriter._colwriters:
                perdocwriter._create_column(colname, whoosh3.LENGTHS_COLUMN)
            lengthwriter = perdocwriter._colwriters[colname]
            lengthwriter.fill(docnum)
            lengthwriter._dbfile.write(lengths)
            lengthwriter._count = docnum + len(lengths)
    perdocwriter._doccount = docnum + count
    return count


def _extend(growing, values: np.ndarray) -> None:
    """Append ``values`` to a Whoosh ``GrowableArray``, widened as its appends would."""
    if not len(values):
        return
    top = int(values.max())
    if isinstance(growing.array, list) or top > _ARRAY_MAX[growing.array.typecode]:
        growing._retype(top)
    if isinstance(growing.array, list):
        growing.array.extend(values.tolist())
    else:
        growing.array.frombytes(values.astype(growing.array.typecode).tobytes())


_ARRAY_MAX = {code: 2 ** (8 * np.dtype(code).itemsize - (code in "bhilq")) - 1 for code in "BHiIq"}


#: Whoosh's paragraph lengths by their length byte (``length_to_byte`` rounds them).
BYTE_LENGTHS = tuple(byte_to_length(b) for b in range(256))


def make_codec() -> ArrayCodec:
    """The codec unsearch writes its segments with."""
    return ArrayCodec()


class ArrayPostingsWriter:
    """Collects one term's postings and writes them as arrays when the term ends.

    Implements the interface Whoosh's field writer calls (``start_postings``,
    ``add_posting``, ``finish_postings``) and the block statistics that
    :class:`whoosh.codec.whoosh3.W3TermInfo` reads.
    """

    def __init__(self, postfile) -> None:
        self._postfile = postfile
        self._terminfo: Any = None  # Whoosh's W3TermInfo of the term being written
        self._reset()

    def _reset(self) -> None:
        self._ids: list[int] = []
        self._weights: list[float] = []
        self._values: list[bytes] = []
        self._minlength = None
        self._maxlength = 0

    def written(self) -> bool:
        return False

    def start_postings(self, format_, terminfo) -> None:
        self._terminfo = terminfo
        self._reset()

    def add_posting(self, id_, weight, vbytes, length=None) -> None:
        self._ids.append(id_)
        self._weights.append(weight)
        self._values.append(vbytes or b"")
        if length:
            if self._minlength is None or length < self._minlength:
                self._minlength = length
            if length > self._maxlength:
                self._maxlength = length

    def add_postings(self, ids: list, weights: list, values: list, lengths: list | None) -> None:
        """Add a term's postings at once (``lengths``: of their documents, or None)."""
        self._ids, self._weights = ids, weights
        self._values = [v or b"" for v in values] if None in values else values
        if lengths:
            known = [n for n in lengths if n]
            if known:
                self._minlength, self._maxlength = min(known), max(known)

    def finish_postings(self):
        terminfo = self._terminfo
        terminfo.add_block(self)
        postfile = self._postfile
        start = postfile.tell()
        postfile.write(encode_postings(self._ids, self._weights, self._values))
        terminfo.set_extent(start, postfile.tell() - start)
        self._terminfo = None
        return terminfo

    # block statistics, read by W3TermInfo.add_block
    def __len__(self) -> int:
        return len(self._ids)

    def min_id(self) -> int:
        return self._ids[0]

    def max_id(self) -> int:
        return self._ids[-1]

    def min_length(self):
        return self._minlength

    def max_length(self) -> int:
        return self._maxlength

    def max_weight(self) -> float:
        return max(self._weights)


#: :data:`ENTRY` as numpy reads a block of entries.
ENTRY_DTYPE = record_dtype(
    ENTRY,
    (
        "inlined",
        "weight",
        "frequency",
        "minlength",
        "maxlength",
        "maxweight",
        "minid",
        "maxid",
        "offset",
        "length",
    ),
)


def entry_rows(raw: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """The W3 term dictionary entries at ``offsets`` of ``raw`` (bytes as a ``uint8``
    array), as one array of :data:`ENTRY_DTYPE` rows."""
    rows = np.ascontiguousarray(raw[np.asarray(offsets)[:, None] + np.arange(ENTRY.size)])
    table = rows.view(ENTRY_DTYPE)[:, 0]
    if table["inlined"].any():
        raise IndexFormatError("a term's postings are inlined, which unsearch never writes")
    return table


def merged_entries(
    table: np.ndarray, bases: np.ndarray, starts: np.ndarray, offsets, lengths
) -> list[bytes]:
    """The dictionary entries of terms merged from several segments' (see
    :func:`~search.engine.postings.merge_postings`): term ``t`` from the rows
    ``starts[t]`` to ``starts[t + 1]`` of ``table`` (:func:`entry_rows`), in document
    order, their documents moved up by ``bases``; its postings at ``offsets[t]``,
    ``lengths[t]``.  Weights and frequencies are summed, lengths and weights bounded.

    >>> rows = terminfo(2.0, 2, 3, 9, 1.0, 0, 4, 0, 10) + terminfo(1.0, 1, 5, 5, 1.0, 1, 1, 10, 8)
    >>> table = entry_rows(np.frombuffer(rows, dtype=np.uint8), np.array([0, ENTRY.size]))
    >>> (entry,) = merged_entries(table, np.array([0, 100]), np.array([0, 2]), [7], [18])
    >>> entry == terminfo(3.0, 3, 3, 9, 1.0, 0, 101, 7, 18)
    True
    """
    firsts, lasts = starts[:-1], starts[1:] - 1
    out = np.zeros(len(firsts), dtype=ENTRY_DTYPE)
    out["weight"] = np.add.reduceat(table["weight"].astype(np.float64), firsts)
    out["frequency"] = np.add.reduceat(table["frequency"].astype(np.int64), firsts)
    out["minlength"] = np.minimum.reduceat(table["minlength"], firsts)
    out["maxlength"] = np.maximum.reduceat(table["maxlength"], firsts)
    out["maxweight"] = np.maximum.reduceat(table["maxweight"], firsts)
    out["minid"] = table["minid"][firsts] + bases[firsts]
    out["maxid"] = table["maxid"][lasts] + bases[lasts]
    out["offset"] = offsets
    out["length"] = lengths
    blob = out.tobytes()
    return [blob[at : at + ENTRY.size] for at in range(0, len(blob), ENTRY.size)]


#: A term's statistics in its dictionary entry, as :func:`terminfo` takes them before
#: the extent of its postings.
TermStats = tuple[float, int, int, int, float, int, int]


def terminfo(
    weight: float,
    frequency: int,
    minlength: int,
    maxlength: int,
    maxweight: float,
    minid: int,
    maxid: int,
    offset: int,
    length: int,
) -> bytes:
    """A W3 term dictionary entry, as :class:`whoosh.codec.whoosh3.W3TermInfo` writes
    it: the term's total weight, document frequency, the length bytes of its
    shortest and longest document, its greatest weight, first and last document,
    and where its postings are."""
    row = (weight, frequency, minlength, maxlength, maxweight, minid, maxid)
    return ENTRY.pack(0, *row, offset, length)


class TermWriter:
    """Writes a W3 field writer's terms in order, their postings and dictionary entries
    in one file write each per :meth:`flush`, rather than three or four per term
    (what Whoosh's ``OrderedHashWriter.add`` and ``W3FieldWriter`` do, byte for byte).
    """

    def __init__(self, fieldwriter) -> None:
        self._tindex = tindex = fieldwriter._tindex
        self._postfile = fieldwriter._postfile
        self._prefix = pack_ushort(fieldwriter._fieldid)
        self._md5 = tindex.hashfn is md5_hash  # the hash every W3 term file uses
        self._offset = self._postfile.tell()
        self._entries: list[tuple[bytes, bytes]] = []
        self._postings: list[bytes] = []

    def add(self, tbytes: bytes, postings: bytes, stats: TermStats) -> None:
        """Add a term (after the last one) with its encoded postings and the
        statistics :func:`terminfo` takes before their extent."""
        self.add_entry(tbytes, postings, terminfo(*stats, self._offset, len(postings)))

    def add_entry(self, tbytes: bytes, postings: bytes, entry: bytes) -> None:
        """Add a term whose dictionary entry is made (its extent included)."""
        self._offset += len(postings)
        self._postings.append(postings)
        self._entries.append((self._prefix + tbytes, entry))
        if len(self._entries) >= 4096:
            self.flush()

    @property
    def offset(self) -> int:
        """Where the next term's postings go in the postings file."""
        return self._offset

    def append(self, postings: BinaryIO, entries: Iterable[tuple[bytes, bytes]]) -> None:
        """Add terms (after the last one) that another writer wrote: their postings in
        the file ``postings``, copied after this writer's, and their ``(term bytes,
        dictionary entry)`` pairs, each entry's offset from the start of that file."""
        self.flush()
        base = self._offset
        while chunk := postings.read(1 << 20):
            self._postfile.write(chunk)
            self._offset += len(chunk)
        at = _TERMINFO.size
        for tbytes, entry in entries:
            offset = _OFFSET.unpack_from(entry, at)[0] + base
            self._entries.append(
                (
                    self._prefix + tbytes,
                    b"".join((entry[:at], _OFFSET.pack(offset), entry[at + _OFFSET.size :])),
                )
            )
            if len(self._entries) >= 4096:
                self.flush()

    def flush(self) -> None:
        if not self._entries:
            return
        self._postfile.write(b"".join(self._postings))
        tindex = self._tindex
        dbfile, buckets, index = tindex.dbfile, tindex.buckets, tindex.index
        if self._entries[0][0] <= tindex.lastkey:
            raise ValueError(f"keys must increase: {tindex.lastkey!r}..{self._entries[0][0]!r}")
        pos = dbfile.tell()
        chunks = []
        for key, value in self._entries:
            index.append(pos)
            if self._md5:
                h = int.from_bytes(md5(key, usedforsecurity=False).digest()[12:], "big")
            else:
                h = tindex.hashfn(key)
            buckets[h & 255].append((h, pos))
            chunk = ITEM_LENGTHS.pack(len(key), len(value)) + key + value
            chunks.append(chunk)
            pos += len(chunk)
        dbfile.write(b"".join(chunks))
        tindex.lastkey = self._entries[-1][0]
        self._entries, self._postings = [], []


class ArrayMatcher(LeafMatcher):
    """Whoosh's matcher interface over :class:`Postings`."""

    def __init__(self, postings: Postings, format_, term=None, scorer=None, i: int = 0):
        self.postings = postings
        self.format = format_
        self._term = term
        self.scorer = scorer
        self._i = i
        self._id_list: list[int] | None = None
        self._no_values = format_.fixed_value_size() == 0

    @property
    def _ids(self) -> list[int]:
        if self._id_list is None:
            self._id_list = self.postings.ids.tolist()
        return self._id_list

    def copy(self):
        return ArrayMatcher(self.postings, self.format, self._term, self.scorer, self._i)

    def replace(self, minquality=0):
        return self if self.is_active() else NullMatcher()

    def is_active(self) -> bool:
        return self._i < self.postings.count

    def reset(self) -> None:
        self._i = 0

    def id(self) -> int:
        return self._ids[self._i]

    def all_ids(self):
        return iter(self._ids[self._i :])

    def weight(self) -> float:
        return float(self.postings.weights[self._i])

    def value(self):
        return None if self._no_values else self.postings.value(self._i)

    def all_values(self):
        for i in range(self._i, self.postings.count):
            yield None if self._no_values else self.postings.value(i)

    def next(self) -> bool:
        self._i += 1
        return False

    def skip_to(self, targetid) -> None:
        if not self.is_active():
            raise ReadTooFar
        self._i = bisect_left(self._ids, targetid, self._i)

    def supports_block_quality(self) -> bool:
        # one list, no blocks to skip; the vectorised engine does the pruning
        return False

    def block_min_id(self) -> int:
        return self._ids[self._i]

    def block_max_id(self) -> int:
        return self._ids[-1]

    def block_max_weight(self) -> float:
        return float(self.postings.weights.max())


class TextPositions(formats.Positions):
    """Whoosh's positions format, with a field length that counts words only, and
    positions packed as plain integers (see :func:`~search.engine.postings.pack_positions`).

    BM25 normalises by paragraph length; the prefix words, pairs and stop marks
    that :class:`~search.analysis.IndexTermsFilter` adds must not count as words.
    A phrase check reads the positions of every candidate it checks: integers,
    not Whoosh's pickles.
    """

    def word_values(self, value, analyzer, **kwargs):
        poses = None if kwargs.keys() - {"mode"} else index_positions(analyzer, value)
        if poses is None:
            return (
                (term, 0 if extra_term(term) else freq, weight, encoded)
                for term, freq, weight, encoded in super().word_values(value, analyzer, **kwargs)
            )
        # the chain's fast path: the same terms and positions
        fb = self.field_boost
        return [
            (w, 0 if extra_term(w) else len(p), float(len(p)) * fb, pack_positions(p))
            for w, p in poses.items()
        ]

    def encode(self, poslist):
        return pack_positions(poslist)

    def decode_positions(self, valuestring):
        return unpack_positions(valuestring)

    def decode_frequency(self, valuestring):
        return len(unpack_positions(valuestring))


def text_field(analyzer) -> fields.TEXT:
    """A text field of the schema: analysed by ``analyzer``, positions kept in
    :class:`TextPositions`, nothing stored."""
    field = fields.TEXT(analyzer=analyzer, phrase=True, stored=False)
    field.format = TextPositions(field_boost=field.format.field_boost)
    return field


_MARKS = (WORD_MARK, STOP_MARK)


def extra_term(term: str) -> bool:
    """Whether ``term`` is a word as written, a stop mark or a pair: an index term
    that is not one of a paragraph's words (a paragraph's length counts words only)."""
    return term[0] in _MARKS or PAIR_MARK in term


# -- segment files read through the memory map ------------------------------------------


#: How much :meth:`_MapView.peek` returns at most.
PEEK_BYTES = 8192


class _MapView(RawIOBase):
    """A read-only file over a buffer that shares the buffer's memory."""

    def __init__(self, buf) -> None:
        super().__init__()
        self._buf = memoryview(buf)
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if self.closed:
            raise ValueError("read of closed file")
        pos = self._pos
        data = self._buf[pos:] if size is None or size < 0 else self._buf[pos : pos + size]
        self._pos = pos + len(data)
        return data.tobytes()

    def peek(self, size: int = 0) -> bytes:
        # pickle.load reads ahead through peek instead of calling read for each
        # opcode; a few KB hold most of Whoosh's pickles
        if self.closed:
            raise ValueError("peek of closed file")
        pos = self._pos
        return self._buf[pos : pos + min(max(size, 1), PEEK_BYTES)].tobytes()

    def readinto(self, b) -> int:
        data = self.read(len(memoryview(b).cast("B")))
        memoryview(b).cast("B")[: len(data)] = data
        return len(data)

    def seek(self, pos: int, whence: int = 0) -> int:
        if self.closed:
            raise ValueError("seek of closed file")
        if whence:
            pos += self._pos if whence == 1 else len(self._buf)
        if pos < 0:
            raise ValueError(f"negative seek value {pos}")
        self._pos = pos
        return pos

    def tell(self) -> int:
        if self.closed:
            raise ValueError("tell of closed file")
        return self._pos

    def close(self) -> None:
        super().close()
        self._buf = memoryview(b"")


class _MappedFile(BufferFile):
    """Whoosh's file over a part of a memory-mapped segment, read through a view
    that shares the map's memory (Whoosh's ``BufferFile`` copies the part into a
    ``BytesIO``, though a search reads a few pages of it)."""

    def __init__(self, buf, name=None, onclose=None) -> None:
        super().__init__(b"", name=name, onclose=onclose)
        self._buf = buf
        self.file = view = _MapView(buf)
        # one call instead of two for what Whoosh reads most through the file
        self.read, self.seek, self.tell = view.read, view.seek, view.tell


class _MappedStorage:
    """A segment's files as Whoosh's reader opens them, those of the compound file
    read through :class:`_MappedFile`; everything else as the storage does."""

    def __init__(self, storage: OverlayStorage) -> None:
        self._storage = storage
        self._compound: CompoundStorage = storage.a

    def open_file(self, name, *args, **kwargs):
        compound = self._compound
        if compound.is_closed or not compound.file_exists(name):
            return self._storage.open_file(name, *args, **kwargs)
        offset, length = compound.range(name)
        return _MappedFile(memoryview(compound._source)[offset : offset + length], name=name)

    def __getattr__(self, name: str):
        return getattr(self._storage, name)


def _mapped(storage):
    """The storage a segment reader passes the codec, with its compound file read
    through the map where Whoosh mapped it."""
    if (
        isinstance(storage, OverlayStorage)
        and isinstance(storage.a, CompoundStorage)
        and storage.a._source is not None
    ):
        return _MappedStorage(storage)
    return storage


def _buffer(dbfile):
    """The memory of a Whoosh file held in memory (a mapped one, or Whoosh's
    ``BufferFile``), or None."""
    return getattr(dbfile, "_buf", None) if isinstance(dbfile, BufferFile) else None


def _source(dbfile):
    """What :class:`Postings` reads a Whoosh file as: its memory, or the file."""
    buf = _buffer(dbfile)
    return dbfile if buf is None else buf
