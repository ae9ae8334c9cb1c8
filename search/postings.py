"""Posting lists laid out for vectorised reading: a Whoosh codec.

Whoosh's own codec pickles each block of 128 postings as a tuple of Python ints,
floats and position strings; decoding costs about 0.4 µs a posting, so merely
reading the 300,000 postings of a common word took longer than a query may.
:class:`ArrayCodec` keeps Whoosh's term dictionary, segments and files and
changes only how one term's postings are written: document numbers (as gaps) and
weights (term frequencies) as two plain arrays of the narrowest integers that hold
them, which numpy reads as fast as memory copies, and positions in compressed
chunks of :data:`CHUNK` postings, decoded only for the documents a phrase has to
check.

Whoosh's matchers still work on these postings (:class:`ArrayMatcher`), so every
query Whoosh can run, runs; :mod:`search.matching` reads the arrays directly.
"""

from __future__ import annotations

import struct
import sys
import zlib
from array import array
from bisect import bisect_left
from itertools import accumulate, pairwise

import numpy as np
from whoosh.codec import whoosh3
from whoosh.matching import LeafMatcher, NullMatcher, ReadTooFar
from whoosh.system import emptybytes

from .errors import IndexFormatError

MAGIC = b"UNP3"
#: Postings per positions chunk: a phrase check decompresses one chunk per candidate.
CHUNK = 128
#: Postings per skip entry: the document number of every SKIP-th posting is kept, so
#: that a few documents are found in a long list by reading a block of it each.
SKIP = 128
# count, first id, id delta width, weight kind, positions chunks, skip entries
_HEADER = struct.Struct("<IIBBII")
_ALL_ONE, _CONSTANT, _SMALL, _FLOAT = 0, 1, 2, 3
#: Up to this many postings a list is encoded in plain Python (see encode_postings).
_SMALL_LIST = 48
_ARRAY_CODES = {1: "B", 2: "H", 4: "I"}
_LEVEL = 1  # zlib level of the positions: 3 buys a few per cent of space for slower writing


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
        postings = Postings(dbfile, offset, format_.fixed_value_size() == 0)
        return ArrayMatcher(postings, format_, term=term, scorer=scorer)


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
        self._terminfo = None
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
        self._values.append(vbytes or emptybytes)
        if length:
            if self._minlength is None or length < self._minlength:
                self._minlength = length
            if length > self._maxlength:
                self._maxlength = length

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


def encode_postings(ids, weights, values) -> bytes:
    """The bytes of one posting list; :class:`Postings` reads them back.

    Document numbers are stored as gaps in the narrowest unsigned integers that
    hold them, and weights (term frequencies) as bytes where they are small whole
    numbers; neither is compressed, so that reading them is a copy, not a decoding.

    >>> p = Postings.from_bytes(encode_postings([3, 7, 300], [1.0, 2.0, 1.0], [b"a", b"bc", b""]))
    >>> p.ids.tolist(), p.weights.tolist(), [p.value(i) for i in range(3)]
    ([3, 7, 300], [1.0, 2.0, 1.0], [b'a', b'bc', b''])
    """
    small = len(ids) <= _SMALL_LIST  # most terms: plain Python beats numpy's call costs
    width, idbytes = (_small_gaps if small else _gaps)(ids)
    kind, wbytes = (_small_weights if small else _weights)(weights)
    chunks = []
    if any(values):
        for start in range(0, len(ids), CHUNK):
            part = values[start : start + CHUNK]
            lengths = _little(array("I", map(len, part)))
            chunks.append(zlib.compress(lengths + emptybytes.join(part), _LEVEL))
    table = _little(array("I", accumulate(map(len, chunks), initial=0))) if chunks else b""
    skips = [int(i) for i in ids[::SKIP]] if len(ids) > SKIP else []
    header = _HEADER.pack(len(ids), int(ids[0]), width, kind, len(chunks), len(skips))
    return emptybytes.join(
        [MAGIC, header, idbytes, wbytes, _little(array("I", skips)), table, *chunks]
    )


def _width(widest: int) -> int:
    return 1 if widest < 1 << 8 else 2 if widest < 1 << 16 else 4


def _gaps(ids) -> tuple[int, bytes]:
    gaps = np.diff(np.asarray(ids, dtype=np.int64))
    width = _width(int(gaps.max()) if len(gaps) else 0)
    return width, gaps.astype(f"<u{width}").tobytes()


def _small_gaps(ids) -> tuple[int, bytes]:
    gaps = [b - a for a, b in pairwise(ids)]
    width = _width(max(gaps, default=0))
    return width, _little(array(_ARRAY_CODES[width], gaps))


def _weights(weights) -> tuple[int, bytes]:
    w = np.asarray(weights, dtype="<f4")
    if (w == 1.0).all():
        return _ALL_ONE, b""
    if (w == w[0]).all():
        return _CONSTANT, w[0].tobytes()
    if (w <= 255).all() and (w == np.floor(w)).all():
        return _SMALL, w.astype("u1").tobytes()
    return _FLOAT, w.tobytes()


def _small_weights(weights) -> tuple[int, bytes]:
    w = array("f", weights)  # float32, as numpy's path compares them
    if all(x == 1.0 for x in w):
        return _ALL_ONE, b""
    if all(x == w[0] for x in w):
        return _CONSTANT, _little(array("f", w[:1]))
    if all(x <= 255 and x == int(x) for x in w):
        return _SMALL, bytes(int(x) for x in w)
    return _FLOAT, _little(w)


def _little(a: array) -> bytes:
    """The bytes of ``a`` in little-endian order, as numpy's ``<`` types write them."""
    if sys.byteorder == "big":
        a = array(a.typecode, a)
        a.byteswap()
    return a.tobytes()


class _Bytes:
    """A bytes object with the ``get(offset, length)`` of a Whoosh file."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def get(self, offset: int, length: int) -> bytes:
        return self._data[offset : offset + length]


_NO_INDEXES = np.zeros(0, dtype=np.int64)


def intersect(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indexes into ``a`` and into ``b`` (both sorted, unique) of the values in both."""
    if len(a) > len(b):  # look the shorter up in the longer
        ib, ia = intersect(b, a)
        return ia, ib
    if not len(a):
        return _NO_INDEXES, _NO_INDEXES
    pos = np.searchsorted(b, a)
    pos[pos == len(b)] = len(b) - 1
    hit = b[pos] == a
    return np.flatnonzero(hit), pos[hit]


class Postings:
    """One term's postings in one segment, read from ``dbfile`` at ``offset``:
    ``ids`` and ``weights`` as numpy arrays, encoded position values by posting
    index.  Only what is used is read: weights on first use, positions by chunk."""

    __slots__ = (
        "_chunks",
        "_dbfile",
        "_first",
        "_gaps_at",
        "_ids",
        "_skips",
        "_table",
        "_values_at",
        "_weight_kind",
        "_weights",
        "_weights_at",
        "_width",
        "count",
    )

    def __init__(self, dbfile, offset: int, no_values: bool = False) -> None:
        head = dbfile.get(offset, 4 + _HEADER.size)
        if head[:4] != MAGIC:
            raise IndexFormatError(
                "the index was written by another version of unsearch (unknown posting format)"
            )
        count, first, width, kind, nchunks, nskips = _HEADER.unpack_from(head, 4)
        pos = offset + 4 + _HEADER.size
        self.count = count
        self._dbfile = dbfile
        self._first, self._width, self._gaps_at = first, width, pos
        self._ids = None
        pos += width * (count - 1)
        self._weight_kind = kind
        self._weights_at = pos
        self._weights = None
        pos += {_ALL_ONE: 0, _CONSTANT: 4, _SMALL: count, _FLOAT: 4 * count}[kind]
        self._skips = None
        if nskips:
            self._skips = np.frombuffer(dbfile.get(pos, 4 * nskips), dtype="<u4").astype(np.int64)
        pos += 4 * nskips
        self._table = None
        if nchunks and not no_values:
            self._table = np.frombuffer(dbfile.get(pos, 4 * (nchunks + 1)), dtype="<u4")
        self._values_at = pos + 4 * (nchunks + 1)
        self._chunks: dict[int, list[bytes]] = {}

    @property
    def ids(self) -> np.ndarray:
        """The document numbers, all of them (read on first use)."""
        if self._ids is None:
            self._ids = self._decode(0, self.count, self._first)
        return self._ids

    def _decode(self, start: int, n: int, first: int) -> np.ndarray:
        """The document numbers of postings ``start`` to ``start + n``; ``first`` is
        that of posting ``start``."""
        ids = np.empty(n, dtype=np.int64)
        ids[0] = first
        if n > 1:
            width = self._width
            raw = self._dbfile.get(self._gaps_at + width * start, width * (n - 1))
            np.cumsum(np.frombuffer(raw, dtype=f"<u{width}"), dtype=np.int64, out=ids[1:])
            ids[1:] += first
        return ids

    def find(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For sorted document numbers ``docs``: the indexes of those this list holds,
        and their posting indexes.  A few documents in a long list cost a block of
        :data:`SKIP` postings each, not the whole list."""
        if self._ids is not None or self._skips is None or len(docs) * SKIP > self.count:
            return intersect(docs, self.ids)
        blocks = np.searchsorted(self._skips, docs, side="right") - 1
        found_docs, found_postings = [], []
        for b in np.unique(blocks[blocks >= 0]).tolist():
            start = b * SKIP
            ids = self._decode(start, min(SKIP, self.count - start), int(self._skips[b]))
            sel = np.flatnonzero(blocks == b)
            ia, ib = intersect(docs[sel], ids)
            found_docs.append(sel[ia])
            found_postings.append(ib + start)
        if not found_docs:
            return _NO_INDEXES, _NO_INDEXES
        return np.concatenate(found_docs), np.concatenate(found_postings)

    def index(self, docnum: int) -> int | None:
        """The posting index of document ``docnum``, or None."""
        _, ib = self.find(np.array([docnum], dtype=np.int64))
        return int(ib[0]) if len(ib) else None

    @classmethod
    def from_bytes(cls, data: bytes) -> Postings:
        return cls(_Bytes(data), 0)

    @property
    def weights(self) -> np.ndarray:
        if self._weights is None:
            kind, count, at = self._weight_kind, self.count, self._weights_at
            if kind == _ALL_ONE:
                self._weights = np.ones(count)
            elif kind == _CONSTANT:
                value = np.frombuffer(self._dbfile.get(at, 4), dtype="<f4")[0]
                self._weights = np.full(count, value, dtype=np.float64)
            elif kind == _SMALL:
                raw = np.frombuffer(self._dbfile.get(at, count), dtype="u1")
                self._weights = raw.astype(np.float64)
            else:
                raw = np.frombuffer(self._dbfile.get(at, 4 * count), dtype="<f4")
                self._weights = raw.astype(np.float64)
        return self._weights

    def value(self, i: int) -> bytes:
        """The encoded value (positions) of posting ``i``."""
        if self._table is None:
            return emptybytes
        chunk = self._chunks.get(i // CHUNK)
        if chunk is None:
            chunk = self._chunks[i // CHUNK] = self._read_chunk(i // CHUNK)
        return chunk[i % CHUNK]

    def _read_chunk(self, c: int) -> list[bytes]:
        start = int(self._table[c])
        raw = zlib.decompress(
            self._dbfile.get(self._values_at + start, int(self._table[c + 1]) - start)
        )
        n = min(CHUNK, self.count - c * CHUNK)
        ends = np.cumsum(np.frombuffer(raw, "<u4", n), dtype=np.int64) + 4 * n
        starts = np.concatenate(([4 * n], ends[:-1]))
        return [raw[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]


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
