"""Posting lists laid out for vectorised reading: a Whoosh codec.

Whoosh's own codec pickles each block of 128 postings as a tuple of Python ints,
floats and position strings; decoding costs about 0.4 µs a posting, so merely
reading the 300,000 postings of a common word took longer than a query may.
:class:`ArrayCodec` keeps Whoosh's term dictionary, segments and files and
changes only how one term's postings are written: document numbers (delta-coded
``uint32``) and weights (``float32``) as two compressed arrays, which numpy reads
in milliseconds, and positions in compressed chunks of :data:`CHUNK` postings,
decoded only for the documents a phrase has to check.

Whoosh's matchers still work on these postings (:class:`ArrayMatcher`), so every
query Whoosh can run, runs; :mod:`search.matching` reads the arrays directly.
"""

from __future__ import annotations

import struct
import zlib
from bisect import bisect_left

import numpy as np
from whoosh.codec import whoosh3
from whoosh.matching import LeafMatcher, NullMatcher, ReadTooFar
from whoosh.system import emptybytes

MAGIC = b"UNP1"
#: Postings per positions chunk: a phrase check decompresses one chunk per candidate.
CHUNK = 128
_HEADER = struct.Struct("<IBIII")  # count, weight kind, ids bytes, weights bytes, chunks
_ALL_ONE, _CONSTANT, _ARRAY = 0, 1, 2
_LEVEL = 1  # zlib level: 3 buys a few per cent of space for much slower writing


class ArrayCodec(whoosh3.W3Codec):
    """Whoosh's W3 codec with array posting lists (see the module docstring)."""

    def postings_writer(self, dbfile, byteids=False):
        if byteids:  # term vectors keep Whoosh's format; unsearch stores none
            return super().postings_writer(dbfile, byteids=byteids)
        return ArrayPostingsWriter(dbfile)

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term, scorer)
        offset, length = terminfo.extent()
        if isinstance(length, tuple):  # W3TermInfo.from_bytes leaves it unpacked
            length = length[0]
        postings = Postings(dbfile.get(offset, length), format_.fixed_value_size() == 0)
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

    >>> p = Postings(encode_postings([3, 7, 20], [1.0, 2.0, 1.0], [b"a", b"bc", b""]))
    >>> p.ids.tolist(), p.weights.tolist(), [p.value(i) for i in range(3)]
    ([3, 7, 20], [1.0, 2.0, 1.0], [b'a', b'bc', b''])
    """
    count = len(ids)
    id_array = np.asarray(ids, dtype=np.int64)
    deltas = np.diff(id_array, prepend=0).astype("<u4")
    idbytes = zlib.compress(deltas.tobytes(), _LEVEL)
    weight_array = np.asarray(weights, dtype="<f4")
    first = weight_array[0]
    if (weight_array == 1.0).all():
        kind, wbytes = _ALL_ONE, b""
    elif (weight_array == first).all():
        kind, wbytes = _CONSTANT, first.tobytes()
    else:
        kind, wbytes = _ARRAY, zlib.compress(weight_array.tobytes(), _LEVEL)
    chunks = []
    if any(values):
        for start in range(0, count, CHUNK):
            part = values[start : start + CHUNK]
            lengths = np.fromiter(map(len, part), dtype="<u4", count=len(part))
            chunks.append(zlib.compress(lengths.tobytes() + emptybytes.join(part), _LEVEL))
    table = np.cumsum([0] + [len(c) for c in chunks], dtype=np.int64).astype("<u4")
    header = _HEADER.pack(count, kind, len(idbytes), len(wbytes), len(chunks))
    return emptybytes.join(
        [MAGIC, header, idbytes, wbytes, table.tobytes() if chunks else b"", *chunks]
    )


class Postings:
    """One term's postings in one segment: ``ids`` and ``weights`` as numpy arrays,
    encoded position values by posting index."""

    __slots__ = ("_chunks", "_data", "_table", "_values_at", "count", "ids", "weights")

    def __init__(self, data, no_values: bool = False) -> None:
        data = bytes(data)
        if data[:4] != MAGIC:
            raise ValueError("not an unsearch posting list")
        count, kind, nid, nweight, nchunks = _HEADER.unpack_from(data, 4)
        pos = 4 + _HEADER.size
        self.count = count
        deltas = np.frombuffer(zlib.decompress(data[pos : pos + nid]), dtype="<u4")
        self.ids = np.cumsum(deltas, dtype=np.int64)
        pos += nid
        if kind == _ALL_ONE:
            self.weights = np.ones(count)
        elif kind == _CONSTANT:
            self.weights = np.full(count, np.frombuffer(data, "<f4", 1, pos)[0], dtype=np.float64)
        else:
            raw = zlib.decompress(data[pos : pos + nweight])
            self.weights = np.frombuffer(raw, dtype="<f4").astype(np.float64)
        pos += nweight
        self._table = np.frombuffer(data, "<u4", nchunks + 1, pos) if nchunks else None
        self._values_at = pos + 4 * (nchunks + 1)
        self._data = data
        self._chunks: dict[int, list[bytes]] = {}
        if no_values:
            self._table = None

    def value(self, i: int) -> bytes:
        """The encoded value (positions) of posting ``i``."""
        if self._table is None:
            return emptybytes
        chunk = self._chunks.get(i // CHUNK)
        if chunk is None:
            chunk = self._chunks[i // CHUNK] = self._read_chunk(i // CHUNK)
        return chunk[i % CHUNK]

    def _read_chunk(self, c: int) -> list[bytes]:
        start = self._values_at + int(self._table[c])
        end = self._values_at + int(self._table[c + 1])
        raw = zlib.decompress(self._data[start:end])
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
