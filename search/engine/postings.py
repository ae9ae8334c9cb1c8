"""The posting list byte format: numpy and the standard library only.

One term's postings in one segment are written as document numbers (as gaps)
and weights (term frequencies) in two plain arrays of the narrowest integers
that hold them, which numpy reads as fast as memory copies, and the position
values as they are, found by the weights (which count a posting's positions) or
by a table of where each ends, so that a phrase reads the positions of the
documents it checks and nothing else (:func:`encode_postings`, :class:`Postings`).
Lists of several segments merge into one (:func:`merge_postings`) by joining
these pieces.  :mod:`search.engine.codec` stores these bytes in Whoosh's segment
files; nothing here knows Whoosh.
"""

from __future__ import annotations

import struct
import sys
from array import array
from bisect import bisect_right
from functools import cache
from itertools import accumulate, pairwise

import numpy as np

from ..errors import IndexFormatError

MAGIC = b"UNP5"
#: Postings per skip entry: the document number of every SKIP-th posting is kept, so
#: that a few documents are found in a long list by reading a block of it each.
SKIP = 128
#: Postings per sum of weights kept where the weights tell where positions start: a
#: posting's start costs the sum of at most SUMS - 1 weights.
SUMS = 32
# count, first id, id delta width, weight kind, values kind, skip entries
_HEADER = struct.Struct("<IIBBII")
_ALL_ONE, _CONSTANT, _SMALL, _FLOAT = 0, 1, 2, 3
# values: none; after a table of where each ends; of PER_WEIGHT bytes per unit of weight
_NO_VALUES, _ENDED, _IMPLIED = 0, 1, 2
#: Bytes of value per unit of weight where the weights give the values' lengths: a
#: posting's weight counts its positions, two bytes each (see pack_positions).
PER_WEIGHT = 2
#: Up to this many postings a list is encoded in plain Python (see encode_postings).
_SMALL_LIST = 48
_ARRAY_CODES = {1: "B", 2: "H", 4: "I"}
#: A little-endian 32-bit number: where a value ends, a list's first document number.
_U32 = struct.Struct("<I")
_ENDS = struct.Struct("<II")


def encode_postings(ids, weights, values) -> bytes:
    """The bytes of one posting list; :class:`Postings` reads them back.

    Document numbers are stored as gaps in the narrowest unsigned integers that
    hold them, and weights (term frequencies) as bytes where they are small whole
    numbers; neither is compressed, so that reading them is a copy, not a decoding.
    Values follow as they are.  Where each is :data:`PER_WEIGHT` bytes per unit of
    its weight (positions), the weights tell where each starts, with the sum of
    the weights before every :data:`SUMS`-th posting; otherwise a table gives
    where each ends.

    >>> p = Postings.from_bytes(encode_postings([3, 7, 300], [1.0, 2.0, 1.0], [b"a", b"bc", b""]))
    >>> p.ids.tolist(), p.weights.tolist(), [p.value(i) for i in range(3)]
    ([3, 7, 300], [1.0, 2.0, 1.0], [b'a', b'bc', b''])
    """
    small = len(ids) <= _SMALL_LIST  # most terms: plain Python beats numpy's call costs
    width, idbytes = (_small_gaps if small else _gaps)(ids)
    kind, wbytes = (_small_weights if small else _weights)(weights)
    skips = [int(i) for i in ids[::SKIP]] if len(ids) > SKIP else []
    valued, table = _NO_VALUES, b""
    if any(values):
        lengths = list(map(len, values))
        if _implied(kind, lengths, weights):
            valued = _IMPLIED
            if kind == _SMALL:
                table = _sums(weights)
        else:
            valued, table = _ENDED, _little(array("I", accumulate(lengths)))
    head = (len(ids), int(ids[0]), width, kind, valued, len(skips))
    skipbytes = _little(array("I", skips))
    return _assemble(head, idbytes, wbytes, skipbytes, table, *(values if valued else ()))


def _implied(kind: int, lengths: list[int], weights) -> bool:
    """Whether every value is :data:`PER_WEIGHT` bytes per unit of its weight."""
    if kind == _FLOAT:
        return False
    if len(lengths) <= _SMALL_LIST:
        return all(n == PER_WEIGHT * w for n, w in zip(lengths, weights, strict=True))
    return bool((np.array(lengths) == PER_WEIGHT * np.asarray(weights)).all())


def _sums(weights) -> bytes:
    """The sums of the weights before every :data:`SUMS`-th posting, but the first
    (none for a list of at most SUMS postings), for :meth:`Postings.value`."""
    if len(weights) <= SUMS:
        return b""
    before = np.cumsum(np.asarray(weights).astype(np.int64))[SUMS - 1 :: SUMS]
    return before[: (len(weights) - 1) // SUMS].astype("<u4").tobytes()


def _table_size(valued: int, kind: int, count: int) -> int:
    """The size of the table before a list's values (see :func:`encode_postings`)."""
    if valued == _ENDED:
        return 4 * count
    return 4 * ((count - 1) // SUMS) if valued == _IMPLIED and kind == _SMALL else 0


def _assemble(head: tuple, *parts: bytes) -> bytes:
    return b"".join([MAGIC, _HEADER.pack(*head), *parts])


def encode_position_lists(starts, docs, freqs, positions) -> list[bytes]:
    """The posting lists of several terms at once, each the bytes :func:`encode_postings`
    gives for it where every value is a posting's positions (:func:`pack_positions`).

    Term ``t`` has postings ``starts[t]`` to ``starts[t + 1]`` of ``docs`` (ascending
    document numbers) and ``freqs`` (their numbers of positions: the weights); the
    positions of its postings, each ascending, follow one another in ``positions``
    after those of the terms before it.  The per-posting work is done in numpy once
    for all the terms; what remains per term is slicing.

    >>> lists = encode_position_lists([0, 2, 3], [3, 7, 5], [1, 2, 1], [4, 1, 9, 0])
    >>> lists == [
    ...     encode_postings([3, 7], [1.0, 2.0], [pack_positions([4]), pack_positions([1, 9])]),
    ...     encode_postings([5], [1.0], [pack_positions([0])]),
    ... ]
    True
    """
    starts = np.asarray(starts, dtype=np.int64)
    if len(starts) < 2:
        return []
    docs = np.asarray(docs, dtype=np.int64)
    freqs = np.asarray(freqs, dtype=np.int64)
    positions = np.asarray(positions, dtype=np.int64)
    firsts = starts[:-1]
    gaps = np.diff(docs, prepend=0)
    gaps[firsts] = 0
    widths = [_width(int(g)) for g in np.maximum.reduceat(gaps, firsts).tolist()]
    fmax = np.maximum.reduceat(freqs, firsts)
    fmin = np.minimum.reduceat(freqs, firsts)
    at = np.concatenate(([0], np.cumsum(freqs)))[starts]  # each term's first position
    widest = np.maximum.reduceat(positions, at[:-1]) if len(positions) else fmax
    plain = (fmax <= 255) & (widest < 0xFFFF)  # else: encoded posting by posting
    gap_bytes = {w: gaps.astype(f"<u{w}").tobytes() for w in set(widths)}
    small = np.where(freqs <= 255, freqs, 0).astype("u1").tobytes()
    values = np.where(positions < 0xFFFF, positions, 0).astype("<u2").tobytes()
    out = []
    rows = zip(
        starts.tolist(),
        starts[1:].tolist(),
        widths,
        fmax.tolist(),
        fmin.tolist(),
        at.tolist(),
        at[1:].tolist(),
        plain.tolist(),
        docs[firsts].tolist(),
        strict=False,
    )
    for s, e, width, hi, lo, p0, p1, fast, first in rows:
        n = e - s
        if not fast:
            out.append(_encode_positions(docs[s:e], freqs[s:e], positions[p0:p1]))
            continue
        if hi == 1:
            kind, wbytes, table = _ALL_ONE, b"", b""
        elif hi == lo:
            kind, wbytes, table = _CONSTANT, _FLOAT32.pack(hi), b""
        else:
            kind, wbytes = _SMALL, small[s:e]
            table = _sums(freqs[s:e]) if n > SUMS else b""
        skips = docs[s:e:SKIP].astype("<u4").tobytes() if n > SKIP else b""
        head = _HEADER.pack(n, first, width, kind, _IMPLIED, len(skips) // 4)
        idbytes = gap_bytes[width][(s + 1) * width : e * width]
        out.append(b"".join((MAGIC, head, idbytes, wbytes, skips, table, values[2 * p0 : 2 * p1])))
    return out


_FLOAT32 = struct.Struct("<f")


def _encode_positions(docs: np.ndarray, freqs: np.ndarray, positions: np.ndarray) -> bytes:
    """:func:`encode_postings` of one term's postings given as arrays (see
    :func:`encode_position_lists`), posting by posting."""
    ends = np.cumsum(freqs).tolist()
    if not len(positions) or int(positions.max()) < 0xFFFF:
        # what pack_positions gives each posting: its positions as 16-bit integers
        raw = positions.astype("<u2").tobytes()
        values = [raw[2 * a : 2 * b] for a, b in zip([0, *ends], ends, strict=False)]
    else:
        flat = positions.tolist()
        values = [pack_positions(flat[a:b]) for a, b in zip([0, *ends], ends, strict=False)]
    return encode_postings(docs.tolist(), [float(f) for f in freqs.tolist()], values)


def merge_postings(parts: list[tuple[bytes, int]]) -> bytes:
    """One term's posting list from its lists in several segments: ``(data, base)``
    pairs in document order, ``base`` the first document number of the segment.

    Values are copied as they are; the tables of where they end are moved up, or
    made where lists whose weights gave the lengths meet others.

    >>> a = encode_postings([0, 5], [1.0, 2.0], [b"a", b"bc"])
    >>> b = encode_postings([1], [3.0], [b"d"])
    >>> p = Postings.from_bytes(merge_postings([(a, 0), (b, 10)]))
    >>> p.ids.tolist(), p.weights.tolist(), [p.value(i) for i in range(3)]
    ([0, 5, 11], [1.0, 2.0, 3.0], [b'a', b'bc', b'd'])
    """
    if len(parts) == 1:
        return moved_postings(*parts[0])
    lists = [(_Part(data), base) for data, base in parts]
    total = sum(p.count for p, _ in lists)
    ids: list[int] | np.ndarray
    weights: list[float] | np.ndarray
    if total <= _SMALL_LIST:  # most merged terms: plain Python beats numpy's call costs
        ids = [i + base for p, base in lists for i in p.id_list()]
        width, idbytes = _small_gaps(ids)
        weights = [w for p, _ in lists for w in p.weight_list()]
        kind, wbytes = _small_weights(weights)
        skips = b""
    else:
        ids = np.concatenate([p.id_array() + base for p, base in lists])
        width, idbytes = _gaps(ids)
        weights = np.concatenate([p.weight_array() for p, _ in lists])
        kind, wbytes = _weights(weights)
        skips = ids[::SKIP].astype("<u4").tobytes() if total > SKIP else b""
    nskips = len(skips) // 4
    valued, table = _NO_VALUES, b""
    regions = [p.region for p, _ in lists]
    if all(p.valued == _IMPLIED for p, _ in lists) and kind != _FLOAT:
        valued = _IMPLIED
        if kind == _SMALL:
            table = _sums(weights)
    elif any(p.valued for p, _ in lists):
        valued, size, pieces = _ENDED, 0, []
        for p, _ in lists:
            pieces.append(p.ends(size))
            size += len(p.region)
        if total <= _SMALL_LIST:
            table = _little(array("I", [e for piece in pieces for e in piece]))
        else:
            table = np.concatenate(pieces).astype("<u4").tobytes()
    head = (total, int(ids[0]), width, kind, valued, nskips)
    return _assemble(head, idbytes, wbytes, skips, table, *(regions if valued else ()))


def record_dtype(layout: struct.Struct, names: tuple[str, ...]) -> np.dtype:
    """The numpy record type of ``layout`` (a struct of one byte order, without
    padding), its fields named ``names``: to read many such records at once.

    >>> record_dtype(struct.Struct("<IBf"), ("count", "kind", "weight")).descr
    [('count', '<u4'), ('kind', '|u1'), ('weight', '<f4')]
    """
    order = ">" if layout.format[0] in "!>" else "<"
    codes = layout.format[1:]
    return np.dtype([(name, order + code) for name, code in zip(names, codes, strict=True)])


#: A posting list's header as numpy reads it at several lists' offsets at once.
_HEADER_DTYPE = record_dtype(_HEADER, ("count", "first", "width", "kind", "valued", "skips"))
#: Postings of the terms :func:`merge_position_lists` merges in one batch: what
#: bounds the memory of its arrays (about 100 bytes per posting).
_BATCH_POSTINGS = 1 << 20


def merge_position_lists(
    source: np.ndarray, offsets: np.ndarray, lengths: np.ndarray, bases: np.ndarray, starts
) -> list[bytes | None]:
    """What :func:`merge_postings` gives for each of several terms, made at once, or
    None for a term it leaves to that function (values that are not positions
    whose lengths the weights give, weights that merge into floats).

    Part ``p`` is the list at ``source[offsets[p]:offsets[p] + lengths[p]]`` (bytes as
    a ``uint8`` array), its documents moved up by ``bases[p]``; term ``t`` is made of
    parts ``starts[t]`` to ``starts[t + 1]``, in document order.  As
    :func:`encode_position_lists` does for new lists, the work per posting is done in
    numpy for a batch of terms; what remains per term is joining slices.

    >>> a = encode_postings([0, 5], [1.0, 2.0], [pack_positions([3]), pack_positions([1, 4])])
    >>> b = encode_postings([1], [1.0], [pack_positions([7])])
    >>> c = encode_postings([2], [1.0], [b"x"])
    >>> source = np.frombuffer(a + b + c, dtype=np.uint8)
    >>> offsets, lengths = [0, len(a), len(a + b)], [len(a), len(b), len(c)]
    >>> merged = merge_position_lists(source, offsets, lengths, [0, 10, 20], [0, 2, 3])
    >>> merged == [merge_postings([(a, 0), (b, 10)]), None]
    True
    """
    offsets, lengths, bases, starts = (
        np.asarray(a, dtype=np.int64) for a in (offsets, lengths, bases, starts)
    )
    out: list[bytes | None] = [None] * (len(starts) - 1)
    if not len(out):
        return out
    if not (source[offsets[:, None] + np.arange(len(MAGIC))] == _MAGIC_BYTES).all():
        raise IndexFormatError("a posting list to merge is not one unsearch wrote")
    cols = source[offsets[:, None] + np.arange(len(MAGIC), len(MAGIC) + _HEADER.size)]
    head = np.ascontiguousarray(cols).view(_HEADER_DTYPE)[:, 0]
    lists = _Lists(source, offsets, lengths, bases, head)
    ok = np.logical_and.reduceat(lists.mergeable, starts[:-1])
    counts = np.add.reduceat(lists.count, starts[:-1])
    todo = np.flatnonzero(ok)
    batch: list[int] = []
    postings = 0
    for t, n in zip(todo.tolist(), counts[todo].tolist(), strict=True):
        batch.append(t)
        postings += n
        if postings >= _BATCH_POSTINGS:
            lists.merge(np.array(batch), starts, out)
            batch, postings = [], 0
    if batch:
        lists.merge(np.array(batch), starts, out)
    return out


_MAGIC_BYTES = np.frombuffer(MAGIC, dtype=np.uint8)


class _Lists:
    """Posting lists in one buffer, read at once from their headers (see
    :func:`merge_position_lists`)."""

    def __init__(self, source, offsets, lengths, bases, head) -> None:
        self.source = source
        self.view = memoryview(source)
        self.ends = offsets + lengths
        self.count = head["count"].astype(np.int64)
        self.first = head["first"].astype(np.int64) + bases
        self.width = head["width"].astype(np.int64)
        self.kind = head["kind"]
        self.gaps_at = offsets + len(MAGIC) + _HEADER.size
        self.weights_at = self.gaps_at + self.width * (self.count - 1)
        kind, count = self.kind, self.count
        size = np.select(
            [kind == _ALL_ONE, kind == _CONSTANT, kind == _SMALL], [0, 4, count], 4 * count
        )
        tables = np.where(kind == _SMALL, 4 * ((count - 1) // SUMS), 0)
        self.values_at = self.weights_at + size + 4 * head["skips"].astype(np.int64) + tables
        # which lists hold positions the weights give the lengths of, with whole
        # weights (see encode_postings); the weight of those of a constant one
        self.mergeable = (head["valued"] == _IMPLIED) & (kind <= _SMALL)
        self.constant = np.ones(len(count), dtype=np.int64)
        constant = np.flatnonzero(kind == _CONSTANT)
        raw = source[self.weights_at[constant, None] + np.arange(4)]
        value = np.ascontiguousarray(raw).view("<f4")[:, 0]
        whole = (value == np.floor(value)) & (value >= 1)
        self.mergeable[constant] &= whole
        self.constant[constant[whole]] = value[whole].astype(np.int64)

    def merge(self, terms: np.ndarray, starts: np.ndarray, out: list[bytes | None]) -> None:
        """Put in ``out`` the merged list of each of ``terms`` (places in ``starts``)."""
        nparts = starts[terms + 1] - starts[terms]
        parts = _ragged(starts[terms], nparts)
        count = self.count[parts]
        part_of = np.repeat(np.arange(len(parts)), count)
        part_start = np.cumsum(count) - count
        within = np.arange(int(count.sum())) - part_start[part_of]
        ids = self._ids(parts, part_of, part_start, within)
        freqs = self._freqs(parts, part_of, within)
        term_start = part_start[np.cumsum(nparts) - nparts]
        n = np.add.reduceat(count, np.cumsum(nparts) - nparts)
        gaps = np.diff(ids, prepend=0)
        gaps[term_start] = 0
        widest = np.maximum.reduceat(gaps, term_start).tolist()
        fmax = np.maximum.reduceat(freqs, term_start)
        fmin = np.minimum.reduceat(freqs, term_start)
        floats = (fmax != fmin) & (fmax > 255)  # left to merge_postings: float weights
        kinds = np.where(fmax == fmin, np.where(fmax == 1, _ALL_ONE, _CONSTANT), _SMALL)
        gap_bytes = {w: gaps.astype(f"<u{w}").tobytes() for w in {_width(g) for g in widest}}
        small = np.minimum(freqs, 255).astype("u1").tobytes()
        has_skips = np.where(n > SKIP, (n + SKIP - 1) // SKIP, 0)
        skips = ids[_ragged(term_start, has_skips, SKIP)].astype("<u4").tobytes()
        nsums = np.where((kinds == _SMALL) & (n > SUMS), (n - 1) // SUMS, 0)
        before = np.cumsum(freqs)
        sums = before[_ragged(term_start + SUMS - 1, nsums, SUMS)] - np.repeat(
            before[term_start] - freqs[term_start], nsums
        )
        sum_bytes = sums.astype("<u4").tobytes()
        skip_at = (4 * (np.cumsum(has_skips) - has_skips)).tolist()
        sum_at = (4 * (np.cumsum(nsums) - nsums)).tolist()
        view, values_at, ends = self.view, self.values_at[parts].tolist(), self.ends[parts].tolist()
        p = 0
        rows = zip(
            terms.tolist(),
            n.tolist(),
            term_start.tolist(),
            ids[term_start].tolist(),
            widest,
            kinds.tolist(),
            fmax.tolist(),
            nparts.tolist(),
            has_skips.tolist(),
            skip_at,
            nsums.tolist(),
            sum_at,
            floats.tolist(),
            strict=True,
        )
        for t, count_, s, first, wide, kind, hi, k, nskip, at, nsum, sat, float_ in rows:
            if float_:
                p += k
                continue
            width = _width(wide)
            if kind == _SMALL:
                wbytes = small[s : s + count_]
            else:
                wbytes = _FLOAT32.pack(hi) if kind == _CONSTANT else b""
            head = _HEADER.pack(count_, first, width, kind, _IMPLIED, nskip)
            values = [view[values_at[q] : ends[q]] for q in range(p, p + k)]
            p += k
            out[t] = b"".join(
                (
                    MAGIC,
                    head,
                    gap_bytes[width][(s + 1) * width : (s + count_) * width],
                    wbytes,
                    skips[at : at + 4 * nskip],
                    sum_bytes[sat : sat + 4 * nsum],
                    *values,
                )
            )

    def _ids(self, parts, part_of, part_start, within) -> np.ndarray:
        """The document numbers of ``parts``' postings, one after the other."""
        width = self.width[parts][part_of]
        at = self.gaps_at[parts][part_of] + (within - 1) * width
        gaps = self.source[at].astype(np.int64)
        for shift, widths in ((8, width >= 2), (16, width == 4), (24, width == 4)):
            wide = np.flatnonzero(widths)
            gaps[wide] |= self.source[at[wide] + shift // 8].astype(np.int64) << shift
        gaps[part_start] = 0
        total = np.cumsum(gaps)
        return total + np.repeat(self.first[parts] - total[part_start], self.count[parts])

    def _freqs(self, parts, part_of, within) -> np.ndarray:
        """The weights of ``parts``' postings, as whole numbers."""
        freqs = np.repeat(self.constant[parts], self.count[parts])
        small = np.flatnonzero(self.kind[parts][part_of] == _SMALL)
        at = self.weights_at[parts][part_of[small]] + within[small]
        freqs[small] = self.source[at]
        return freqs


def _ragged(firsts: np.ndarray, counts: np.ndarray, step: int = 1) -> np.ndarray:
    """``firsts[i], firsts[i] + step, ...`` (``counts[i]`` of them) for each ``i``, one
    after the other.

    >>> _ragged(np.array([10, 20]), np.array([3, 2]), 5).tolist()
    [10, 15, 20, 20, 25]
    """
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    within = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.repeat(np.asarray(firsts, dtype=np.int64), counts) + step * within


class _Part:
    """The pieces of one encoded posting list (see :func:`encode_postings`): the
    whole of ``data``, so that its values run to the end."""

    __slots__ = ("_ends", "count", "first", "gaps", "kind", "region", "valued", "weights", "width")

    def __init__(self, data: bytes) -> None:
        count, first, width, kind, valued, nskips = _HEADER.unpack_from(data, 4)
        self.count, self.first, self.width, self.kind = count, first, width, kind
        pos = 4 + _HEADER.size
        self.gaps = data[pos : pos + width * (count - 1)]
        pos += width * (count - 1)
        size = _weights_size(kind, count)
        self.weights = data[pos : pos + size]
        pos += size + 4 * nskips
        self.valued = valued
        self._ends = data[pos : pos + 4 * count] if valued == _ENDED else b""
        self.region = data[pos + _table_size(valued, kind, count) :]

    def id_list(self) -> list[int]:
        return list(
            accumulate(_native(array(_ARRAY_CODES[self.width], self.gaps)), initial=self.first)
        )

    def id_array(self) -> np.ndarray:
        return _id_array(self.first, self.gaps, self.width, self.count)

    def weight_array(self) -> np.ndarray:
        return _weight_array(self.kind, self.weights, self.count)

    def weight_list(self) -> list[float]:
        kind, raw, count = self.kind, self.weights, self.count
        if kind == _ALL_ONE:
            return [1.0] * count
        if kind == _CONSTANT:
            return [_native(array("f", raw))[0]] * count
        if kind == _SMALL:
            return [float(w) for w in raw]
        return list(_native(array("f", raw)))

    def ends(self, base: int):
        """Where its values end, moved up by ``base``: a list for a short list, an
        array for a long one (zeros where the list has no values)."""
        if self.valued == _IMPLIED:
            ends = np.cumsum(PER_WEIGHT * self.weight_array().astype(np.int64)) + base
            return ends.tolist() if self.count <= _SMALL_LIST else ends
        if self.count <= _SMALL_LIST:
            if not self.valued:
                return [base] * self.count
            return [e + base for e in _native(array("I", self._ends))]
        if not self.valued:
            return np.full(self.count, base, dtype=np.int64)
        return np.frombuffer(self._ends, dtype="<u4").astype(np.int64) + base


#: Starts a position value of 32-bit integers; a 16-bit value never starts with it.
_WIDE = b"\xff\xff"


def pack_positions(positions) -> bytes:
    """A posting's word positions (ascending) as the bytes of its value: 16-bit
    integers, or a marker and 32-bit ones for positions past 65,534.

    >>> pack_positions([3, 70_000])
    b'\\xff\\xff\\x03\\x00\\x00\\x00p\\x11\\x01\\x00'
    >>> unpack_positions(pack_positions([3, 9])), unpack_positions(pack_positions([3, 70_000]))
    ([3, 9], [3, 70000])
    """
    if len(positions) == 1 and positions[0] < 0xFFFF:  # most postings
        return _one_position(positions[0])
    if not positions or positions[-1] < 0xFFFF:
        return _little(array("H", positions))
    return _WIDE + _little(array("I", positions))


@cache
def _one_position(position: int) -> bytes:
    # one object per position, shared: a segment being written holds millions
    return _POSITION.pack(position)


_POSITION = struct.Struct("<H")


def unpack_positions(value: bytes) -> list[int]:
    """The positions :func:`pack_positions` packed."""
    if value[:2] == _WIDE:
        a = array("I")
        a.frombytes(value[2:])
    else:
        a = array("H")
        a.frombytes(value)
    return _native(a).tolist()


def _id_array(first: int, gaps: _Bytes, width: int, n: int) -> np.ndarray:
    """``n`` document numbers from the first one and the bytes of the gaps after it."""
    ids = np.empty(n, dtype=np.int64)
    ids[0] = first
    if n > 1:
        np.cumsum(np.frombuffer(gaps, dtype=f"<u{width}"), dtype=np.int64, out=ids[1:])
        ids[1:] += first
    return ids


def _weight_array(kind: int, raw: _Bytes, count: int) -> np.ndarray:
    """``count`` weights from their bytes (see :func:`_weights`), as float64."""
    if kind == _ALL_ONE:
        return np.ones(count)
    if kind == _CONSTANT:
        return np.full(count, np.frombuffer(raw, dtype="<f4")[0], dtype=np.float64)
    return np.frombuffer(raw, dtype="u1" if kind == _SMALL else "<f4").astype(np.float64)


def _native(a: array) -> array:
    """An array read from little-endian bytes, in this machine's byte order."""
    if sys.byteorder == "big":
        a.byteswap()
    return a


def moved_postings(data: bytes, base: int) -> bytes:
    """A posting list's bytes with its document numbers moved up by ``base``."""
    if not base:
        return data
    count, first, width, kind, valued, nskips = _HEADER.unpack_from(data, 4)
    if not nskips:  # most lists: only the first document number changes
        return b"".join((data[:8], _U32.pack(first + base), data[12:]))
    at = 4 + _HEADER.size + width * (count - 1) + _weights_size(kind, count)
    skips = np.frombuffer(data, dtype="<u4", count=nskips, offset=at) + base
    head = (count, first + base, width, kind, valued, nskips)
    end = at + 4 * nskips
    return _assemble(head, data[4 + _HEADER.size : at], skips.astype("<u4").tobytes(), data[end:])


def _weights_size(kind: int, count: int) -> int:
    return {_ALL_ONE: 0, _CONSTANT: 4, _SMALL: count, _FLOAT: 4 * count}[kind]


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


class _Reads:
    """Slices of a file that is not held in memory (anything with Whoosh's
    ``get(offset, length)``), each read on demand."""

    def __init__(self, dbfile) -> None:
        self._get = dbfile.get

    def __getitem__(self, part: slice) -> bytes:
        return self._get(part.start, part.stop - part.start)


_BUFFERS = (bytes, bytearray, memoryview)
_Bytes = bytes | bytearray | memoryview
_NO_INDEXES = np.zeros(0, dtype=np.int64)
#: Up to this many documents, :meth:`Postings.find` looks them up one by one.
_FEW = 8
#: Up to this many postings, :meth:`Postings.weights_at` reads their weights one by one.
_FEW_WEIGHTS = 64


def intersect(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indexes into ``a`` and into ``b`` (both sorted, unique) of the values in both."""
    if len(a) > len(b):  # look the shorter up in the longer
        ib, ia = intersect(b, a)
        return ia, ib
    if not len(a):
        return _NO_INDEXES, _NO_INDEXES
    lo, hi = max(int(a[0]), int(b[0])), min(int(a[-1]), int(b[-1]))
    if hi < lo:
        return _NO_INDEXES, _NO_INDEXES
    if len(a) * len(b).bit_length() > 2 * (len(a) + len(b)) + (hi - lo) // 32:
        # long lists both: marking one in a bitmap of the documents beats a binary
        # search per document of the other (2x for 40,000 among 200,000)
        marked = np.zeros(hi - lo + 1, dtype=bool)
        b0, b1 = np.searchsorted(b, (lo, hi + 1)).tolist()
        marked[b[b0:b1] - lo] = True
        a0, a1 = np.searchsorted(a, (lo, hi + 1)).tolist()
        ia = np.flatnonzero(marked[a[a0:a1] - lo]) + a0
        if len(ia) * len(b).bit_length() < 2 * (len(a) + len(b)):
            return ia, np.searchsorted(b, a[ia])
        marked[:] = False  # many in common: mark them, and find them in b the same way
        marked[a[ia] - lo] = True
        return ia, np.flatnonzero(marked[b[b0:b1] - lo]) + b0
    pos = np.searchsorted(b, a)
    pos[pos == len(b)] = len(b) - 1
    hit = b[pos] == a
    return np.flatnonzero(hit), pos[hit]


class Postings:
    """One term's postings, read at ``offset`` in ``source``: ``ids`` and
    ``weights`` as numpy arrays, encoded position values by posting index.  Only
    what is used is read: weights on first use, positions by posting.  ``source``
    is a buffer (bytes, a memory map), sliced directly, or a file read with
    ``get(offset, length)``."""

    __slots__ = (
        "_blocks",
        "_buf",
        "_constant",
        "_ends_at",
        "_first",
        "_gaps_at",
        "_ids",
        "_skip_list",
        "_skips",
        "_sums_at",
        "_valued",
        "_values_at",
        "_weight_kind",
        "_weights",
        "_weights_at",
        "_width",
        "count",
    )

    def __init__(self, source, offset: int, no_values: bool = False) -> None:
        buf = self._buf = source if isinstance(source, _BUFFERS) else _Reads(source)
        head = bytes(buf[offset : offset + 4 + _HEADER.size])
        if head[:4] != MAGIC:
            raise IndexFormatError(
                "the index was written by another version of unsearch (unknown posting format)"
            )
        count, first, width, kind, valued, nskips = _HEADER.unpack_from(head, 4)
        pos = offset + 4 + _HEADER.size
        self.count = count
        self._first, self._width, self._gaps_at = first, width, pos
        self._ids: np.ndarray | None = None
        pos += width * (count - 1)
        self._weight_kind = kind
        self._weights_at = pos
        self._weights: np.ndarray | None = None
        pos += _weights_size(kind, count)
        self._skips: np.ndarray | None = None
        self._skip_list: list[int] | None = None
        self._blocks: dict[int, np.ndarray] = {}
        if nskips:
            self._skips = np.frombuffer(buf[pos : pos + 4 * nskips], dtype="<u4").astype(np.int64)
        pos += 4 * nskips
        if no_values:
            valued = _NO_VALUES
        self._ends_at = pos if valued == _ENDED else None
        # where the weights give the values' lengths (see encode_postings)
        self._sums_at = pos if valued == _IMPLIED and kind == _SMALL else None
        self._constant: int | None = None
        if valued == _IMPLIED:
            self._constant = 1 if kind == _ALL_ONE else None
            if kind == _CONSTANT:
                weight = buf[self._weights_at : self._weights_at + 4]
                self._constant = int(_weight_array(kind, weight, 1)[0])
        self._values_at = pos + _table_size(valued, kind, count)
        self._valued = valued

    @property
    def ids(self) -> np.ndarray:
        """The document numbers, all of them (read on first use)."""
        if self._ids is None:
            self._ids = self._decode(0, self.count, self._first)
        return self._ids

    def _decode(self, start: int, n: int, first: int) -> np.ndarray:
        """The document numbers of postings ``start`` to ``start + n``; ``first`` is
        that of posting ``start``."""
        width = self._width
        at = self._gaps_at + width * start
        return _id_array(first, self._buf[at : at + width * (n - 1)], width, n)

    def find(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For sorted document numbers ``docs``: the indexes of those this list holds,
        and their posting indexes.  A few documents in a long list cost a block of
        :data:`SKIP` postings each, not the whole list."""
        if self._ids is not None or self._skips is None or len(docs) * SKIP > self.count:
            return intersect(docs, self.ids)
        if len(docs) <= _FEW:
            pairs = [
                (j, i) for j, d in enumerate(docs.tolist()) if (i := self.index(d)) is not None
            ]
            if not pairs:
                return _NO_INDEXES, _NO_INDEXES
            at, postings = zip(*pairs, strict=True)
            return np.array(at, dtype=np.int64), np.array(postings, dtype=np.int64)
        blocks = np.searchsorted(self._skips, docs, side="right") - 1
        wanted = np.unique(blocks[blocks >= 0])
        if not len(wanted):  # every document before the first posting
            return _NO_INDEXES, _NO_INDEXES
        # the blocks' ids, row after row: one sorted array, searched once
        rows = self._rows(wanted.tolist()).ravel()
        pos = np.searchsorted(rows, docs)
        pos[pos == len(rows)] = len(rows) - 1
        found = np.flatnonzero(rows[pos] == docs)
        row, col = np.divmod(pos[found], SKIP)
        return found, wanted[row] * SKIP + col

    def _rows(self, blocks: list[int]) -> np.ndarray:
        """The document numbers of skip blocks ``blocks`` (ascending) as the rows of
        a matrix, the last row padded past every document (kept for :meth:`_block`)."""
        width, last, buf, at = self._width, self.count - 1, self._buf, self._gaps_at
        raw = b"".join(
            [
                buf[
                    at + width * b * SKIP : at + width * (b * SKIP + min(SKIP - 1, last - b * SKIP))
                ]
                for b in blocks
            ]
        )
        short = (SKIP - 1) * len(blocks) - len(raw) // width  # the list's last block
        gaps = np.frombuffer(raw + bytes(width * short), dtype=f"<u{width}")
        rows = np.empty((len(blocks), SKIP), dtype=np.int64)
        assert self._skips is not None  # only a list with skips is read by blocks
        rows[:, 0] = self._skips[blocks]
        np.cumsum(gaps.reshape(len(blocks), SKIP - 1), axis=1, dtype=np.int64, out=rows[:, 1:])
        rows[:, 1:] += rows[:, :1]
        if short:
            rows[-1, SKIP - short :] = np.iinfo(np.int64).max
        for b, ids in zip(blocks, rows, strict=True):
            if b not in self._blocks:
                self._blocks[b] = ids[: min(SKIP, self.count - b * SKIP)]
        return rows

    def _block(self, b: int) -> np.ndarray:
        """The document numbers of skip block ``b`` (decoded once)."""
        ids = self._blocks.get(b)
        if ids is None:
            assert self._skips is not None  # only a list with skips is read by blocks
            start = b * SKIP
            first = int(self._skips[b])
            ids = self._blocks[b] = self._decode(start, min(SKIP, self.count - start), first)
        return ids

    def index(self, docnum: int) -> int | None:
        """The posting index of document ``docnum``, or None."""
        if self._ids is None and self._skips is not None:
            if self._skip_list is None:
                self._skip_list = self._skips.tolist()
            b = bisect_right(self._skip_list, docnum) - 1
            if b < 0:
                return None
            ids, start = self._block(b), b * SKIP
        else:
            ids, start = self.ids, 0
        i = int(ids.searchsorted(docnum))
        return start + i if i < len(ids) and ids[i] == docnum else None

    @classmethod
    def from_bytes(cls, data: bytes) -> Postings:
        return cls(data, 0)

    @property
    def weights(self) -> np.ndarray:
        if self._weights is None:
            kind, count = self._weight_kind, self.count
            at = self._weights_at
            raw = self._buf[at : at + _weights_size(kind, count)]
            self._weights = _weight_array(kind, raw, count)
        return self._weights

    def weights_at(self, idx: np.ndarray) -> np.ndarray:
        """The weights of postings ``idx``, without converting all of them."""
        kind, count, at = self._weight_kind, self.count, self._weights_at
        if self._weights is not None or len(idx) * 8 > count or kind == _CONSTANT:
            return self.weights[idx]
        if kind == _ALL_ONE:
            return np.ones(len(idx))
        buf, size = self._buf, 1 if kind == _SMALL else 4
        dtype = "u1" if kind == _SMALL else "<f4"
        if len(idx) > _FEW_WEIGHTS:  # one view of them all, indexed in numpy
            return np.frombuffer(buf[at : at + size * count], dtype=dtype)[idx].astype(np.float64)
        raw = b"".join([buf[at + size * i : at + size * i + size] for i in idx.tolist()])
        return np.frombuffer(raw, dtype=dtype).astype(np.float64)

    def value(self, i: int) -> bytes:
        """The encoded value (positions) of posting ``i``."""
        at = self._ends_at
        if at is None:
            if self._valued != _IMPLIED:
                return b""
            start, n = self._span(i)
            at = self._values_at + PER_WEIGHT * start
            return bytes(self._buf[at : at + PER_WEIGHT * n])
        buf = self._buf
        start, end = (
            _ENDS.unpack(buf[at + 4 * i - 4 : at + 4 * i + 4])
            if i
            else (0, *_U32.unpack(buf[at : at + 4]))
        )
        return bytes(buf[self._values_at + start : self._values_at + end])

    def _span(self, i: int) -> tuple[int, int]:
        """Posting ``i``'s value as the sum of the weights before it, and its weight."""
        c = self._constant
        if c is not None:
            return c * i, c
        # small whole weights, one byte each: summed from the last sum kept
        block = i // SUMS
        base = 0
        if block:
            assert self._sums_at is not None  # kept for small weights, the only kind left
            at = self._sums_at + 4 * (block - 1)
            base = _U32.unpack(self._buf[at : at + 4])[0]
        weights = self._buf[self._weights_at + block * SUMS : self._weights_at + i + 1]
        n = weights[-1]
        return base + sum(weights) - n, n

    def values(self, idx: list[int]) -> list[bytes]:
        """The encoded values of postings ``idx``."""
        value = self.value
        return [value(i) for i in idx]
