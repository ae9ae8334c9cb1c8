"""Scoring: Whoosh's BM25F over paragraph lengths kept in memory.

BM25F normalises a term's frequency by the paragraph's length in its field.  A
segment keeps those lengths as one byte per document (Whoosh's length column);
:class:`Lengths` reads them once per segment as a numpy array, shared by the
vectorised engine (:mod:`search.engine.matching`, which scores whole arrays with
:meth:`BM25F.bm25f`) and by Whoosh's own scorer (:class:`BM25F`), which would
otherwise read a byte from the column for every document it scores.
"""

from __future__ import annotations

import numpy as np

from . import startup  # noqa: F401  (before Whoosh: see search/engine/startup.py)

# isort: split
from whoosh import scoring

from .codec import BYTE_LENGTHS, length_bytes

#: Lengths by length byte as BM25F reads them; a document without one counts 1.
_LENGTHS = np.array([n if b else 1 for b, n in enumerate(BYTE_LENGTHS)], dtype=np.float64)


def read_lengths(reader, fieldname: str) -> np.ndarray | None:
    """The paragraph lengths of a segment's field, as BM25F reads them (1 where none)."""
    raw = length_bytes(reader, fieldname)
    if raw is None:
        return None
    lengths = np.ones(reader.doc_count_all(), dtype=np.float64)
    lengths[: len(raw)] = _LENGTHS[np.frombuffer(raw, dtype=np.uint8)]
    return lengths


class Lengths:
    """Paragraph lengths (in words) per segment and field, as BM25F reads them,
    kept across searches: segments never change once written."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], np.ndarray | None] = {}
        self._lists: dict[tuple[str, str], list[float] | None] = {}

    def get(self, reader, fieldname: str) -> np.ndarray | None:
        key = (reader.segment().segment_id(), fieldname)
        if key not in self._cache:
            self._cache[key] = read_lengths(reader, fieldname)
        return self._cache[key]

    def listed(self, reader, fieldname: str) -> list[float] | None:
        """The same lengths as a list, for scoring one document at a time."""
        key = (reader.segment().segment_id(), fieldname)
        if key not in self._lists:
            lengths = self.get(reader, fieldname)
            self._lists[key] = None if lengths is None else lengths.tolist()
        return self._lists[key]


class BM25F(scoring.BM25F):
    """Whoosh's BM25F, reading each segment's paragraph lengths from :class:`Lengths`."""

    def __init__(self, lengths: Lengths) -> None:
        super().__init__()
        self.lengths = lengths

    def scorer(self, searcher, fieldname, text, qf=1):
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        reader = searcher.reader()
        lengths = self.lengths.listed(reader, fieldname) if reader.is_atomic() else None
        if lengths is not None:
            scorer.dfl = lengths.__getitem__
        return scorer

    def bm25f(self, searcher, fieldname: str, text: str, weights, lengths, avgfl: float):
        """Whoosh's BM25F (``whoosh.scoring.bm25``) of a term for many documents at
        once: ``weights`` their term frequencies, ``lengths`` their field lengths;
        the same floats as Whoosh's scorer gives one by one."""
        B = self._field_B.get(fieldname, self.B)
        K1 = self.K1
        idf = searcher.idf(fieldname, text)
        return idf * ((weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * lengths / avgfl)))
