"""A segment's text postings, built as arrays rather than Python objects per posting.

Indexing a paragraph in a text field costs, in Python, its tokenizer's matches and
one dictionary lookup per token: :class:`TokenCodes` numbers each distinct raw
token once, by what its chain makes of it (stem and word as written, or a stop
word), running the chain's filters on it then and never again.  A segment keeps
the codes of its paragraphs' tokens in one array (:class:`TextPostings`); when it
is written, numpy makes every posting of the field from them at once: the stem and
the word of each token, :data:`~search.analysis.STOP_MARK` where stop words were
left out, and the pairs of common stems, the very terms and positions
:class:`~search.analysis.IndexTermsFilter` gives, and
:func:`~search.engine.postings.encode_position_lists` encodes the lists.

A paragraph whose tokens are not one term each at their own position (CJK
bigrams) is analysed by its chain as a whole, and its postings join the same
arrays.  Postings of a segment merged in by Whoosh arrive as bytes
(:meth:`TextPostings.add_raw`); the lists of their terms are encoded one by one.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np

from . import startup  # noqa: F401  (before Whoosh: see search/engine/startup.py)

# isort: split
from whoosh.util.numeric import length_to_byte

from ..analysis import MAX_PAIR_GAP, STOP_MARK, WORD_MARK, IndexTerms, pair_term
from .codec import TermWriter, extra_term
from .postings import Postings, encode_position_lists, encode_postings

#: Memory of one token of :class:`TextPostings` while its segment is written (the
#: arrays of its postings and what makes them), in bytes: what bounds a segment's size.
TOKEN_BYTES = 64


@dataclass(frozen=True)
class PreparedText:
    """A paragraph's text analysed for :meth:`TextPostings.add`: the codes of its
    tokens in ``table``, or, where its chain does not give one term per token, its
    ``(term id, position)`` postings; and its length in words."""

    text: str
    table: TokenCodes
    codes: array | None
    terms: tuple[array, array] | None
    length: int


class TokenCodes:
    """Distinct raw tokens of one text field, numbered by what the field's index chain
    makes of them: code 0 is a stop word; any other code has a stem and a word as
    written (term ids, in :attr:`terms`) and whether the stem is a common one.

    Raw tokens that spell the same word (``États``, ``états``) share a code.  A
    segment has its own numbering, so that its memory goes with the segment.
    """

    def __init__(self, chain: IndexTerms) -> None:
        self._chain = chain
        self._findall = chain.findall
        self._common = chain.common
        self._codes: dict[str, int] = {}
        self._by_word: dict[tuple[str, str], int] = {}
        self.stems = array("i", [-1])
        self.words = array("i", [-1])
        self.common = bytearray(1)
        self.terms: list[str] = [STOP_MARK]
        self._ids: dict[str, int] = {STOP_MARK: 0}
        self._pairs: dict[tuple[int, int, int], int] = {}

    def term_id(self, term: str) -> int:
        """The id of ``term``, given it if it has none yet."""
        tid = self._ids.get(term)
        if tid is None:
            tid = self._ids[term] = len(self.terms)
            self.terms.append(term)
        return tid

    def pair_id(self, first: int, second: int, gap: int) -> int:
        """The term id of the pair of stems ``first`` and ``second`` (term ids)."""
        key = (first, second, gap)
        tid = self._pairs.get(key)
        if tid is None:
            term = pair_term(self.terms[first], self.terms[second], gap)
            tid = self._pairs[key] = self.term_id(term)
        return tid

    def prepare(self, text: str) -> PreparedText:
        """The analysis of one paragraph's text."""
        if self._findall is not None:
            raws = self._findall(text)
            codes = list(map(self._codes.get, raws))
            if None in codes:
                for i, code in enumerate(codes):
                    if code is None:
                        code = codes[i] = self._code(raws[i])
                        if code < 0:
                            break
            if -1 not in codes:
                count = len(codes) - codes.count(0)
                return PreparedText(text, self, array("i", codes), None, count)
        tids, positions = array("i"), array("i")
        length = 0
        for term, pos in self._chain(text):
            tids.append(self.term_id(term))
            positions.append(pos)
            length += not extra_term(term)
        return PreparedText(text, self, None, (tids, positions), length)

    def _code(self, raw: str) -> int:
        """The code of a raw token not seen before; -1 if the chain does not make it
        one term at its own position."""
        out = self._chain.token(raw)
        if not out:
            code = 0
        elif len(out) > 1 or out[0][2] != 0 or not out[0][0] or extra_term(out[0][0]):
            return -1
        else:
            stem, word, _ = out[0]
            known = self._by_word.get((stem, word))
            if known is None:
                known = self._by_word[(stem, word)] = len(self.stems)
                self.stems.append(self.term_id(stem))
                self.words.append(self.term_id(WORD_MARK + word))
                self.common.append(stem in self._common)
            code = known
        self._codes[raw] = code
        return code


class TextPostings:
    """The postings of one text field in the segment being written, as the codes of
    its paragraphs' tokens (see the module docstring)."""

    def __init__(self, codes: TokenCodes) -> None:
        self.table = codes
        self.codes = array("i")
        self.starts = array("q")  # where each coded paragraph's tokens start
        self.docs = array("q")  # its document number
        self.extra: list[tuple[int, array, array]] = []  # (doc, term ids, positions)
        self.raw: list[tuple[int, int, float, bytes]] = []  # (term id, doc, weight, value)
        self.tokens = 0

    def add(self, docnum: int, prepared: PreparedText) -> None:
        if prepared.table is not self.table:  # analysed while the last segment was written
            prepared = self.table.prepare(prepared.text)
        if prepared.codes is not None:
            self.starts.append(len(self.codes))
            self.docs.append(docnum)
            self.codes.extend(prepared.codes)
            self.tokens += len(prepared.codes)
        elif prepared.terms is not None:
            tids, positions = prepared.terms
            self.extra.append((docnum, tids, positions))
            self.tokens += len(tids)

    def add_raw(self, tbytes: bytes, docnum: int, weight: float, vbytes: bytes) -> None:
        """A posting of a segment merged in, as Whoosh's pool gets it."""
        self.raw.append((self.table.term_id(tbytes.decode("utf-8")), docnum, weight, vbytes))
        self.tokens += 1

    def memory(self) -> int:
        return self.tokens * TOKEN_BYTES

    # -- writing -----------------------------------------------------------------------

    def write(self, fieldwriter, lengths: np.ndarray | None) -> None:
        """Write the field's terms and posting lists, in term order, into the segment
        of ``fieldwriter`` (a W3 field writer, its field started); ``lengths``: the
        length of each document of the segment in the field, as the segment keeps it."""
        terms = self.table.terms
        tids, docs, positions = self._rows()
        raw: dict[int, list] = {}
        for tid, *posting in self.raw:
            raw.setdefault(tid, []).append(posting)
        present = np.zeros(len(terms), dtype=bool)
        present[tids] = True
        present[list(raw)] = True
        order = sorted(np.flatnonzero(present).tolist(), key=terms.__getitem__)
        rank = np.zeros(len(terms), dtype=np.int32)
        rank[order] = np.arange(len(order), dtype=np.int32)
        ranks = rank[tids]
        del tids
        lengths = np.asarray(lengths if lengths is not None else [], dtype=np.int64)
        out = _Out(fieldwriter, lengths)
        raw_by_rank = {int(rank[tid]): postings for tid, postings in raw.items()}
        # in blocks of terms, so that only a block's postings are sorted at a time
        cum = np.cumsum(np.bincount(ranks, minlength=len(order)))
        marks = np.arange(_BLOCK_ROWS, cum[-1] if len(cum) else 0, _BLOCK_ROWS)
        edges = [0, *sorted(set((np.searchsorted(cum, marks) + 1).tolist()) - {0, len(order)})]
        edges.append(len(order))
        for lo, hi in pairwise(edges):
            pick = np.flatnonzero((ranks >= lo) & (ranks < hi)) if len(edges) > 2 else slice(None)
            block = None
            block = _Block(ranks[pick] - lo, docs[pick], positions[pick], lengths)
            if not raw_by_rank:  # every term of the block has its list there, in order
                add = out.terms.add
                names = [terms[t].encode("utf-8") for t in order[lo:hi]]
                for tbytes, data, info in zip(names, block.lists, block.infos, strict=True):
                    add(tbytes, data, info)
                continue
            for r in range(lo, hi):
                tbytes = terms[order[r]].encode("utf-8")
                fast = block.next_term(r - lo)
                postings = raw_by_rank.get(r)
                if postings is None and fast is not None:
                    out.term(tbytes, fast[0], fast[1])
                else:
                    out.merged(tbytes, fast, postings or [])
        out.terms.flush()

    def _rows(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every posting's term id, document and position, one row per position (in
        arrays filled in place: the segment's largest)."""
        table = self.table
        codes = np.frombuffer(self.codes, dtype=np.int32)
        n = len(codes)
        starts = np.frombuffer(self.starts, dtype=np.int64).astype(np.int32)
        ends = np.append(starts[1:], n).astype(np.int32)
        para = np.repeat(np.arange(len(starts), dtype=np.int32), ends - starts)  # of each token
        word = codes != 0
        # a stop word is marked where a word follows it in its paragraph
        seen = np.cumsum(word, dtype=np.int32)
        follows = np.append(np.int32(0), seen)[ends][para] > seen
        del seen
        stops = np.flatnonzero(follows & ~word)
        at = np.flatnonzero(word)
        del follows, word
        paras = np.frombuffer(self.docs, dtype=np.int64).astype(np.int32)
        stop_para = para[stops]
        stop_pos = (stops - starts[stop_para]).astype(np.int32)
        stop_doc = paras[stop_para]
        del stops, stop_para
        para = para[at]
        pos = (at - starts[para]).astype(np.int32)
        doc = paras[para]
        code = codes[at]
        del at
        stem = np.frombuffer(table.stems, dtype=np.int32)[code]
        pairs = self._pairs(stem, np.frombuffer(table.common, dtype=bool)[code], para, pos, doc)
        del para
        parts = [
            (stem, doc, pos),
            (np.frombuffer(table.words, dtype=np.int32)[code], doc, pos),
            (np.zeros(len(stop_pos), dtype=np.int32), stop_doc, stop_pos),
            pairs,
        ]
        del code, stem, doc, pos, stop_doc, stop_pos, pairs
        for docnum, terms, places in self.extra:
            t = np.frombuffer(terms, dtype=np.int32)
            p = np.frombuffer(places, dtype=np.int32)
            parts.append((t, np.full(len(t), docnum, dtype=np.int32), p))
        total = sum(len(part[0]) for part in parts)
        tids, docs, spots = (np.empty(total, dtype=np.int32) for _ in range(3))
        filled = 0
        while parts:
            part_tids, part_docs, part_places = parts.pop(0)
            end = filled + len(part_tids)
            tids[filled:end] = part_tids
            docs[filled:end] = part_docs
            spots[filled:end] = part_places
            filled = end
            del part_tids, part_docs, part_places
        return tids, docs, spots

    def _pairs(self, stem, common, para, pos, doc):
        """The postings of the pairs among the words (in order): two common stems in a
        row in a paragraph, at most :data:`MAX_PAIR_GAP` positions apart, each at the
        position of the first."""
        gap = pos[1:] - pos[:-1]
        pick = np.flatnonzero(
            (para[1:] == para[:-1]) & common[1:] & common[:-1] & (gap <= MAX_PAIR_GAP)
        )
        many, wide = len(self.table.terms), MAX_PAIR_GAP + 1
        keys = (stem[pick].astype(np.int64) * many + stem[pick + 1]) * wide + gap[pick]
        unique, inverse = np.unique(keys, return_inverse=True)
        stems, widths = np.divmod(unique, wide)
        firsts, seconds = np.divmod(stems, many)
        pair_id = self.table.pair_id
        ids = list(map(pair_id, firsts.tolist(), seconds.tolist(), widths.tolist()))
        return np.array(ids, dtype=np.int32)[inverse.ravel()], doc[pick], pos[pick]


#: Rows (positions) of postings sorted at once when a field is written.
_BLOCK_ROWS = 1 << 19


class _Block:
    """The postings of a block of terms (ranks from 0), sorted, their lists encoded and
    their statistics for the term dictionary (see :func:`~search.engine.codec.terminfo`)."""

    def __init__(self, ranks, docs, positions, lengths: np.ndarray) -> None:
        db = max(int(docs.max()).bit_length(), 1) if len(docs) else 1
        pb = max(int(positions.max()).bit_length(), 1) if len(positions) else 1
        rb = max(int(ranks.max()).bit_length(), 1) if len(ranks) else 1
        if rb + db + pb <= 63:
            key = ranks.astype(np.int64) << (db + pb) | docs.astype(np.int64) << pb | positions
            key.sort()
            ranks, docs = key >> (db + pb), (key >> pb) & ((1 << db) - 1)
            positions = key & ((1 << pb) - 1)
            del key
        else:
            order = np.lexsort((positions, docs, ranks))
            ranks, docs, positions = ranks[order], docs[order], positions[order]
        n = len(ranks)
        new = np.flatnonzero((ranks[1:] != ranks[:-1]) | (docs[1:] != docs[:-1])) + 1
        first = np.concatenate(([0], new)).astype(np.int64) if n else np.zeros(0, np.int64)
        freqs = np.diff(np.append(first, n))
        pranks, pdocs = ranks[first], docs[first]
        starts = np.concatenate(([0], np.flatnonzero(pranks[1:] != pranks[:-1]) + 1))
        starts = starts.astype(np.int64) if len(pdocs) else np.zeros(0, np.int64)
        ends = np.append(starts[1:], len(pdocs))
        self.lists = encode_position_lists(np.append(starts, len(pdocs)), pdocs, freqs, positions)
        self.ranks = pranks[starts].tolist()
        self.starts = np.append(starts, len(pdocs)).tolist()
        self.docs, self.freqs = pdocs, freqs
        self._next = 0
        if not len(starts):
            self.infos = []
            return
        if len(lengths):
            known = lengths[pdocs]
            longest = _length_bytes(np.maximum.reduceat(known, starts))
            known[known == 0] = _NO_LENGTH
            shortest = _length_bytes(np.minimum.reduceat(known, starts))
        else:
            shortest = longest = np.zeros(len(starts), dtype=np.int64)
        weights = np.add.reduceat(freqs, starts).astype(np.float64)
        self.infos = list(
            zip(
                weights.tolist(),
                (ends - starts).tolist(),
                shortest.tolist(),
                longest.tolist(),
                np.maximum.reduceat(freqs, starts).astype(np.float64).tolist(),
                pdocs[starts].tolist(),
                pdocs[ends - 1].tolist(),
                strict=True,
            )
        )

    def next_term(self, rank: int) -> tuple[bytes, tuple, np.ndarray, np.ndarray] | None:
        """The encoded list, statistics, documents and weights of the term of ``rank``,
        if the block has postings of it (ranks are asked for in order)."""
        i = self._next
        if i >= len(self.ranks) or self.ranks[i] != rank:
            return None
        self._next = i + 1
        s, e = self.starts[i], self.starts[i + 1]
        return self.lists[i], self.infos[i], self.docs[s:e], self.freqs[s:e]


#: Stands for "no length" among the lengths of a term's documents.
_NO_LENGTH = np.iinfo(np.int64).max


def _length_bytes(lengths: np.ndarray) -> np.ndarray:
    """Whoosh's ``length_to_byte`` of each length (0 for :data:`_NO_LENGTH`)."""
    unique, inverse = np.unique(lengths, return_inverse=True)
    table = [0 if n == _NO_LENGTH else length_to_byte(n) for n in unique.tolist()]
    return np.array(table, dtype=np.int64)[inverse.ravel()]


class _Out:
    """Writes a field's terms through a :class:`~search.engine.codec.TermWriter`."""

    def __init__(self, fieldwriter, lengths: np.ndarray) -> None:
        self.terms = TermWriter(fieldwriter)
        self._lengths = lengths

    def term(self, tbytes: bytes, data: bytes, info: tuple[Any, ...]) -> None:
        """Write a term's encoded list and its dictionary entry (``info``: the
        statistics :func:`~search.engine.codec.terminfo` takes before the extent)."""
        self.terms.add(tbytes, data, info)

    def merged(self, tbytes: bytes, fast, raw: list) -> None:
        """A term's postings of this segment (``fast``, or None) and of segments merged
        in (``raw``: ``(doc, weight, value)``), written as one list."""
        postings = list(raw)
        if fast is not None:
            data, _info, docs, freqs = fast
            p = Postings.from_bytes(data)
            postings += [
                (d, float(f), p.value(i))
                for i, (d, f) in enumerate(zip(docs.tolist(), freqs.tolist(), strict=True))
            ]
        postings.sort(key=lambda posting: posting[0])
        ids = [d for d, _, _ in postings]
        weights = [w for _, w, _ in postings]
        data = encode_postings(ids, weights, [v or b"" for _, _, v in postings])
        lengths = self._lengths[ids].tolist() if len(self._lengths) else []
        known = [n for n in lengths if n]
        shortest = length_to_byte(min(known)) if known else 0
        longest = length_to_byte(max(known)) if known else 0
        info = (sum(weights), len(ids), shortest, longest, max(weights), ids[0], ids[-1])
        self.term(tbytes, data, info)
