"""Exact phrases: the one test of where a phrase's words stand.

A phrase is its words at fixed offsets from the first (``"the Secretary-General
to submit"`` is secretari@0 general@1 submit@3): a stop word dropped from the
index keeps its position, and an exact phrase wants a stop word there, and only
a stop word.  ``slop`` allows that many extra positions in total, in order.

:func:`phrase_spans` decides it, on the positions of each word in one paragraph,
for every caller: the vectorised engine's checks (:mod:`search.engine.matching`),
Whoosh's matchers (:class:`ExactPhrase`, for the queries the engine leaves to
them) and highlighting (:func:`token_spans`, on a paragraph analysed again).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

from . import startup  # noqa: F401  (before Whoosh: see search/engine/startup.py)

# isort: split
from whoosh import query as wq
from whoosh.matching import IntersectionMatcher, NullMatcher
from whoosh.query.spans import Span, SpanQuery, SpanWrappingMatcher
from whoosh.util import make_binary_tree

from ..analysis import STOP_MARK


def phrase_spans(
    positions: list[Collection[int]],
    offsets: list[int],
    slop: int = 0,
    stopped: Callable[[], Collection[int]] | None = None,
    stops: Iterable[int] = (),
) -> list[tuple[int, int]]:
    """Where a phrase stands in one paragraph, as ``(first, last)`` positions: word
    ``i`` at ``first + offsets[i]`` (``positions[i]`` are that word's positions)
    and, without slop, a stop word at ``first + o`` for each ``o`` in ``stops``;
    ``stopped()`` gives the stop words' positions, and is called only when the
    words line up.

    >>> phrase_spans([[3, 9], [4, 12]], [0, 1])
    [(3, 4)]
    >>> phrase_spans([[3], [5]], [0, 2], 0, lambda: {7}, [1])
    []
    >>> phrase_spans([[0, 9], [1, 10], [3]], [0, 1, 3])
    [(0, 3)]
    >>> phrase_spans([[0], [2], [5]], [0, 1, 3], slop=2)
    [(0, 5)]
    """
    if slop:
        order = sorted(range(len(offsets)), key=offsets.__getitem__)
        return _sloppy([set(positions[i]) for i in order], [offsets[i] for i in order], slop)
    starts: set[int] | None = None
    for found, offset in zip(positions, offsets, strict=True):
        shifted = {p - offset for p in found}
        starts = shifted if starts is None else starts & shifted
        if not starts:
            return []
    stops = list(stops)
    if stops and starts:
        held = stopped() if stopped is not None else ()
        starts = {st for st in starts if all(st + o in held for o in stops)}
    last = max(offsets)
    return [(start, start + last) for start in sorted(starts or ())]


def _sloppy(positions: list[set[int]], offsets: list[int], slop: int) -> list[tuple[int, int]]:
    """Spans where word ``i`` stands at ``start + offsets[i]``, allowing ``slop``
    extra positions in total, in order (``offsets`` ascending)."""
    found = []
    for start in sorted(positions[0]):
        pos, extra = start, 0
        for i in range(1, len(offsets)):
            want = start + offsets[i] + extra
            hit = next(
                (want + d for d in range(slop - extra + 1) if want + d in positions[i]), None
            )
            if hit is None:
                break
            extra += hit - want
            pos = hit
        else:
            found.append((start, pos))
    return found


def token_spans(
    toks: list[tuple[str, int]], terms: list[tuple[str, int]], slop: int = 0
) -> list[tuple[int, int]]:
    """Where ``terms`` (a phrase's analysed words with their positions) stand in
    ``toks`` (a text analysed the same way): a position without a token is a stop
    word, so the query's gaps must fall on the text's.

    >>> from search.query import analyze
    >>> toks = analyze("en", "the Secretary-General to submit and the Secretary-General also submit")
    >>> token_spans(toks, analyze("en", "the Secretary-General to submit"))
    [(1, 4)]
    >>> token_spans(toks, analyze("en", "Secretary-General submit"), slop=1)
    [(1, 4), (7, 10)]
    """
    if not terms or not toks:
        return []
    where: dict[str, set[int]] = {}
    for term, pos in toks:
        where.setdefault(term, set()).add(pos)
    first = terms[0][1]
    offsets = [pos - first for _, pos in terms]
    placed = set(offsets)
    stops = [] if slop else [o for o in range(max(offsets)) if o not in placed]

    def stopped() -> set[int]:
        held = {pos for _, pos in toks}
        return set(range(min(held), max(held))) - held

    return phrase_spans([where.get(t, set()) for t, _ in terms], offsets, slop, stopped, stops)


class ExactPhrase(SpanQuery):
    """A phrase whose words must stand at exactly the given relative positions (see
    the module docstring); words may be :data:`~search.analysis.STOP_MARK`, the
    index's term at each stop word's position.

    Its own matcher runs it on Whoosh's matchers; :mod:`search.engine.matching`
    evaluates it vectorised.
    """

    def __init__(self, fieldname: str, words: list[str], offsets: list[int], slop: int = 0):
        self.fieldname = fieldname
        self.words = list(words)
        self.offsets = list(offsets)
        self.slop = slop
        self.qs = [wq.Term(fieldname, w) for w in words]

    def __repr__(self) -> str:
        return f"ExactPhrase({self.fieldname!r}, {self.words!r}, {self.offsets!r}, {self.slop})"

    def _key(self) -> tuple:
        return (self.fieldname, tuple(self.words), tuple(self.offsets), self.slop)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ExactPhrase) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _and_query(self) -> wq.And:
        return wq.And(self.qs)

    def estimate_size(self, ixreader) -> int:
        return self._and_query().estimate_size(ixreader)

    def estimate_min_size(self, ixreader) -> int:
        return self._and_query().estimate_min_size(ixreader)

    def is_leaf(self) -> bool:
        return False

    def children(self):
        return self.qs

    def terms(self, phrases: bool = True):
        for w in self.words:
            yield (self.fieldname, w)

    def matcher(self, searcher, context=None):
        reader = searcher.reader()
        for w in self.words:
            if (self.fieldname, w) not in reader:
                return wq.NullQuery().matcher(searcher, context)
        words = [(q, o) for q, o in zip(self.qs, self.offsets, strict=True) if q.text != STOP_MARK]
        stops = [o for q, o in zip(self.qs, self.offsets, strict=True) if q.text == STOP_MARK]
        # the rarest words lead the intersection
        words.sort(key=lambda item: reader.doc_frequency(self.fieldname, item[0].text))
        ms = [q.matcher(searcher, context) for q, _ in words]
        marks = wq.Term(self.fieldname, STOP_MARK).matcher(searcher, context) if stops else None
        return _ExactPhraseMatcher(ms, [o for _, o in words], self.slop, marks, stops)


class _ExactPhraseMatcher(SpanWrappingMatcher):
    """Documents holding every word of the phrase at its offset.

    The stop mark stands in nearly every document, so it takes no part in the
    intersection: its positions are read only for documents whose words already
    line up.
    """

    def __init__(self, ms, offsets, slop, marks=None, stops=()):
        self.ms, self.marks = ms, marks  # the words' matchers, the stop mark's
        self.offsets, self.slop, self.stops = offsets, slop, stops
        super().__init__(make_binary_tree(IntersectionMatcher, ms) if len(ms) > 1 else ms[0])

    def copy(self):
        marks = self.marks.copy() if self.marks is not None else None
        ms = [m.copy() for m in self.ms]
        return self.__class__(ms, self.offsets, self.slop, marks, self.stops)

    def supports_block_quality(self):
        # skipping blocks by quality would bypass the position check
        return False

    def replace(self, minquality=0):
        # the positions are read from the word matchers, so the intersection over
        # them stays as it is (Whoosh would rebuild this class around a new one)
        return self if self.is_active() else NullMatcher()

    def _get_spans(self):
        spans = phrase_spans(
            [[s.start for s in m.spans()] for m in self.ms],
            self.offsets,
            self.slop,
            self._stop_positions,
            self.stops,
        )
        return [Span(first, last) for first, last in spans]

    def _stop_positions(self) -> set[int]:
        marks, docid = self.marks, self.child.id()
        if marks.is_active() and marks.id() < docid:
            marks.skip_to(docid)
        if not marks.is_active() or marks.id() != docid:
            return set()
        return {s.start for s in marks.spans()}
