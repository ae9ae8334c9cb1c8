"""Matching: run a compiled query over the index's array postings, vectorised.

Each term's postings are read as numpy arrays (see :mod:`search.engine.postings`),
scored with Whoosh's BM25F formula for all documents at once (Whoosh's matchers
score one posting at a time in Python), and combined by the query's
structure: ``And`` intersects, ``Or`` unites and adds, ``AndNot`` subtracts (from
``Every`` live document, for a query of negations only), a prefix or a range
unites its terms.  An exact phrase first becomes the
intersection of its words, ranked like Whoosh ranks it (by its words' scores);
its positions are then checked lazily, best candidates first and a batch at a
time, only until enough hits are found.  The hits are those Whoosh's own
collector finds, in the same order (highest score first, then lowest document
number); prefixes aside on indexes of under 5,000 paragraphs, where Whoosh gives
every prefix hit 1.0 and this module, as Whoosh does on larger ones, the scores
of the words matched.

A query this module does not know raises :class:`Unsupported`, and :func:`rank`
runs it with Whoosh's matchers instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from . import startup  # noqa: F401  (before Whoosh: see search/engine/startup.py)

# isort: split
from whoosh import query as wq
from whoosh.collectors import TimeLimit, TopCollector
from whoosh.matching import AndNotMatcher

from ..analysis import STOP_MARK
from .codec import ArrayCodec, TermTable
from .phrases import ExactPhrase, phrase_spans
from .postings import Postings, intersect
from .scoring import BM25F, Lengths

_EMPTY_DOCS = np.zeros(0, dtype=np.int64)
_EMPTY_SCORES = np.zeros(0, dtype=np.float64)
#: Phrase candidates checked together at least: one batch costs little more than one.
_BATCH = 16


class Unsupported(Exception):
    """The query has a part this module does not evaluate."""


class _Matches:
    """The documents of one segment matching a query part, with their scores.

    Scores are computed when first needed, and then only for the documents still
    wanted: a common word intersected with a rare one is scored for the few
    documents they share.  ``checks`` are predicates that a document must also
    pass (phrase positions): each takes an array of segment document numbers and
    says which pass, and is called only for the documents that rank high enough
    to be returned.
    """

    __slots__ = ("_lazy", "_scores", "checks", "docs")

    def __init__(self, docs, scores=None, checks=(), lazy=None) -> None:
        self.docs = docs
        self._scores = scores
        self._lazy = lazy  # indexes into docs (None: all) -> their scores
        self.checks = list(checks)

    @property
    def scores(self) -> np.ndarray:
        if self._scores is None:
            self._scores = self._lazy(None)
        return self._scores

    def scores_at(self, idx: np.ndarray | None) -> np.ndarray:
        if idx is None:
            return self.scores
        return self._scores[idx] if self._scores is not None else self._lazy(idx)

    def take(self, keep: np.ndarray) -> _Matches:
        """The matches at ``keep`` (indexes into ``docs``, or a mask over them)."""
        if keep.dtype == bool:
            keep = np.flatnonzero(keep)
        if self._scores is not None:
            return _Matches(self.docs[keep], self._scores[keep], self.checks)
        return _Matches(
            self.docs[keep],
            checks=self.checks,
            lazy=lambda idx: self.scores_at(keep if idx is None else keep[idx]),
        )

    def settled(self) -> _Matches:
        """The same matches with every check applied now."""
        if not self.checks:
            return self
        ok = _passes(self.checks, self.docs)
        return _Matches(self.docs[ok], self.scores_at(np.flatnonzero(ok)))


_NONE = _Matches(_EMPTY_DOCS, _EMPTY_SCORES)


class AndNot(wq.AndNot):
    """``a ANDNOT b`` for queries the vectorised engine does not take: Whoosh's, with
    a matcher that excludes ``b`` from ``a``'s first document on."""

    def matcher(self, searcher, context=None):
        a = self.a.matcher(searcher, context)
        return _AndNotMatcher(a, self.b.matcher(searcher, searcher.boolean_context()))


class _AndNotMatcher(AndNotMatcher):
    # Whoosh's compares only the two lists' current ids when it starts, so a first
    # document of ``a`` that ``b`` reaches later ("weapons" in P1 and P2, "nuclear"
    # first in P2) was kept; moving ``b`` up to it first excludes it
    def _find_first(self) -> None:
        if self.a.is_active() and self.b.is_active():
            self._find_next()


@dataclass(frozen=True)
class Ranked:
    """The top documents of a search: ``(score, docnum)`` pairs, best first."""

    top: list[tuple[float, int]]
    partial: bool = False


def rank(searcher, q: wq.Query, limit: int, lengths: Lengths, *, timeout=None) -> Ranked:
    """The ``limit`` best documents for ``q``: vectorised (:func:`top_documents`)
    where the query allows, otherwise with Whoosh's matchers and collector, which
    give the same hits.  With a ``timeout`` (seconds), a search that runs out of
    time returns the best hits found so far, flagged ``partial``."""
    deadline = time.perf_counter() + timeout if timeout else None
    try:
        return top_documents(searcher, q, limit, lengths, deadline=deadline)
    except Unsupported:
        pass
    remaining = None if deadline is None else max(deadline - time.perf_counter(), 0.001)
    collector = _DeadlineCollector(limit, remaining) if remaining else TopCollector(limit)
    partial = False
    try:
        searcher.search_with_collector(q, collector)
    except TimeLimit:
        partial = True
    return Ranked([(r.score, r.docnum) for r in collector.results()], partial)


class _DeadlineCollector(TopCollector):
    """Whoosh's top-k collector (block-max skipping included) that stops with
    :class:`TimeLimit` once ``timeout`` seconds have passed; the hits collected so
    far stay available."""

    def __init__(self, limit: int, timeout: float) -> None:
        super().__init__(limit=limit)
        self._deadline = time.perf_counter() + timeout
        self._count = 0

    def collect(self, sub_docnum: int):
        self._count += 1
        if not self._count & 255 and time.perf_counter() > self._deadline:
            raise TimeLimit
        return super().collect(sub_docnum)


def top_documents(
    searcher,
    q: wq.Query,
    limit: int,
    lengths: Lengths,
    *,
    deadline: float | None = None,
) -> Ranked:
    """The ``limit`` best documents for ``q`` (a query from :mod:`search.query`),
    scored with the searcher's :class:`~search.engine.scoring.BM25F`.  With a ``deadline`` (a ``time.perf_counter``
    value), a search past it returns the best hits found so far (at least one, where
    there is one), flagged ``partial``."""
    if not isinstance(searcher.weighting, BM25F):
        raise Unsupported("only BM25F is vectorised")
    docs: list[np.ndarray] = []
    scores: list[np.ndarray] = []
    owners: list[np.ndarray] = []
    segments: list[tuple[int, list[Callable[[np.ndarray], np.ndarray]]]] = []
    partial = False
    averages: dict[str, float] = {}  # per field, for every segment
    for sub, offset in searcher.leaf_searchers():
        if docs and deadline is not None and time.perf_counter() > deadline:
            partial = True  # the segments searched so far give the best hits found
            break
        matches = _Segment(searcher, sub.reader(), lengths, averages).run(q)
        if not len(matches.docs):
            continue
        docs.append(matches.docs + offset)
        scores.append(matches.scores)
        owners.append(np.full(len(matches.docs), len(segments), dtype=np.int32))
        segments.append((offset, matches.checks))
    if not docs:
        return Ranked([], partial)
    all_docs = np.concatenate(docs)
    all_scores = np.concatenate(scores)
    all_owners = np.concatenate(owners)
    if not any(checks for _, checks in segments):
        order = _best(all_scores, all_docs, limit)
        return Ranked([(float(all_scores[i]), int(all_docs[i])) for i in order], partial)
    # phrase positions: check candidates best first, in batches, until ``limit`` pass
    order = np.lexsort((all_docs, -all_scores))
    top: list[tuple[float, int]] = []
    start = checked = passing = 0  # candidates checked so far, and how many passed
    while start < len(order) and len(top) < limit:
        # as many as should give the hits still needed, at the share passing so far
        needed = limit - len(top)
        if passing:
            needed = -(-needed * checked // passing)
        elif checked:
            needed = checked  # none passed yet: as many again
        batch = order[start : start + max(needed, _BATCH)]
        start += len(batch)
        ok = np.zeros(len(batch), dtype=bool)
        batch_owners = all_owners[batch]
        for owner in np.unique(batch_owners).tolist():
            mine = np.flatnonzero(batch_owners == owner)
            offset, checks = segments[owner]
            ok[mine] = _passes(checks, all_docs[batch[mine]] - offset)
        checked += len(batch)
        passing += int(ok.sum())
        for i, passed in zip(batch.tolist(), ok.tolist(), strict=True):
            if passed:
                top.append((float(all_scores[i]), int(all_docs[i])))
                if len(top) == limit:
                    break
            if top and deadline is not None and time.perf_counter() > deadline:
                partial = True
                break
        if partial:
            break
    return Ranked(top, partial)


def matched(searcher, q: wq.Query, docnums: Iterable[int], lengths: Lengths) -> set[int]:
    """Which of ``docnums`` (live documents of the searcher) ``q`` matches: each
    term is looked up for those documents only, phrase positions are checked for
    those only, and nothing is scored.  Raises :class:`Unsupported` where
    :func:`top_documents` would."""
    if not isinstance(searcher.weighting, BM25F):
        raise Unsupported("only BM25F is vectorised")
    wanted = np.unique(np.fromiter(docnums, dtype=np.int64))
    found: set[int] = set()
    averages: dict[str, float] = {}
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        lo, hi = np.searchsorted(wanted, [offset, offset + reader.doc_count_all()]).tolist()
        if lo == hi:
            continue
        local = wanted[lo:hi] - offset
        matches = _Segment(searcher, reader, lengths, averages).run(q, local)
        held = matches.docs[np.isin(matches.docs, local)]
        found.update((held[_passes(matches.checks, held)] + offset).tolist())
    return found


def _best(scores: np.ndarray, docs: np.ndarray, limit: int) -> np.ndarray:
    """Indexes of the ``limit`` highest scores, ties to the lowest document number."""
    if len(scores) > 4 * limit:
        # everything scoring at least the limit-th best score, ties included
        cut = np.partition(scores, len(scores) - limit)[len(scores) - limit]
        keep = np.flatnonzero(scores >= cut)
        return keep[np.lexsort((docs[keep], -scores[keep]))][:limit]
    return np.lexsort((docs, -scores))[:limit]


class _Segment:
    """Evaluates a query in one segment."""

    def __init__(self, searcher, reader, lengths: Lengths, averages: dict[str, float]) -> None:
        self.searcher = searcher
        self.averages = averages  # average field lengths in the whole index
        self.reader = reader
        self.lengths = lengths
        self.weighting = searcher.weighting
        self._deleted: np.ndarray | None = None
        try:
            self._terms = TermTable(reader)
        except AttributeError:
            raise Unsupported("not a segment of Whoosh's W3 codec") from None
        self._entries: dict[tuple[str, str], tuple[int, int | None] | None] = {}

    def run(self, q: wq.Query, within: np.ndarray | None = None) -> _Matches:
        """The matches of ``q``; with ``within`` (sorted document numbers), only those
        among them are needed, and a term looks only them up."""
        if getattr(q, "boost", 1.0) != 1.0:
            raise Unsupported("boosted query")
        if isinstance(q, wq.Term):
            return self.term(q.fieldname, q.text, within)
        if isinstance(q, ExactPhrase):
            return self.phrase(q, within)
        if isinstance(q, wq.And):
            subs = q.subqueries
            sizes = [self._size(sub) for sub in subs]
            if not min(sizes):
                return _NONE  # a part without a document in this segment
            # the rarest first, so that parts that never meet spare the others
            order = sorted(range(len(subs)), key=sizes.__getitem__)
            parts = [(i, lambda w, q=subs[i]: self.run(q, w)) for i in order]
            return self.conjunction(parts, within)
        if isinstance(q, wq.Or):
            return self.union([self.run(sub, within) for sub in q.subqueries])
        if isinstance(q, wq.AndNot):
            positive, negative = self.run(q.a, within), self.run(q.b).settled()
            return positive.take(~np.isin(positive.docs, negative.docs, assume_unique=True))
        if isinstance(q, (wq.Prefix, wq.TermRange)):
            fieldname = q.field()
            if not self._terms.has_field(fieldname):
                return _NONE  # not a word of the field in this segment to expand to
            texts = [t for t in q._btexts(self.reader) if t]
            field_ = self.searcher.schema[fieldname]
            return self.union([self.term(fieldname, field_.from_bytes(t)) for t in texts])
        if q is wq.NullQuery:
            return _NONE
        if isinstance(q, wq.Every) and q.fieldname is None:
            return self.every(within)
        raise Unsupported(type(q).__name__)

    # -- terms ------------------------------------------------------------------

    def postings(self, fieldname: str, text: str) -> Postings | None:
        """The term's :class:`~search.engine.postings.Postings`, or ``None`` if the segment
        lacks the term."""
        entry = self._entry(fieldname, text)
        if entry is None:
            return None
        if not isinstance(self.reader.codec(), ArrayCodec) or entry[1] is None:
            raise Unsupported("postings not written by unsearch's codec")
        fmt = self.searcher.schema[fieldname].format
        return self._terms.postings(entry[1], fmt.fixed_value_size() == 0)

    def _live(self, postings: Postings) -> np.ndarray | None:
        """Indexes of the postings of documents not deleted (None: all are live)."""
        if not self.reader.has_deletions():
            return None
        return np.flatnonzero(~np.isin(postings.ids, self._deleted_docs()))

    def _deleted_docs(self) -> np.ndarray:
        if self._deleted is None:
            self._deleted = np.fromiter(sorted(self.reader.deleted_docs_set), dtype=np.int64)
        return self._deleted

    def every(self, within: np.ndarray | None = None) -> _Matches:
        """Every live document (those of ``within``, if given), each scoring 1.0 as
        Whoosh's ``Every`` scores them: what a query of negations only starts from."""
        if within is None:
            within = np.arange(self.reader.doc_count_all(), dtype=np.int64)
            if self.reader.has_deletions():
                within = within[~np.isin(within, self._deleted_docs())]
        return _Matches(within, np.ones(len(within)))

    def _entry(self, fieldname: str, text: str) -> tuple[int, int | None] | None:
        """The term's document frequency and postings offset in this segment, or
        None (looked up once)."""
        key = (fieldname, text)
        if key not in self._entries:
            if not self._terms.has_field(fieldname):
                self._entries[key] = None
            else:
                tbytes = self.searcher.schema[fieldname].to_bytes(text)
                self._entries[key] = self._terms.lookup(fieldname, tbytes)
        return self._entries[key]

    def term(self, fieldname: str, text: str, within: np.ndarray | None = None) -> _Matches:
        return self._term(fieldname, text, self.postings(fieldname, text), within)

    def _term(self, fieldname: str, text: str, postings, within=None) -> _Matches:
        if postings is None:
            return _NONE
        return self._scored(fieldname, text, postings, *self._located(postings, within))

    def _located(self, postings: Postings, within=None) -> tuple[np.ndarray, np.ndarray | None]:
        """The live documents of a term's postings (those in ``within`` only, if
        given), and their posting indexes (None: the same as their indexes)."""
        if within is not None:  # documents already live
            found, at = postings.find(within)
            return within[found], at
        live = self._live(postings)
        return (postings.ids if live is None else postings.ids[live]), live

    def _scored(self, fieldname: str, text: str, postings, docs, at) -> _Matches:
        """The matches of a term in ``docs``, postings ``at`` (see :meth:`_located`)."""

        def lazy(idx):
            sel = at if idx is None else idx if at is None else at[idx]
            weights = postings.weights if sel is None else postings.weights_at(sel)
            return self.score(fieldname, text, docs if idx is None else docs[idx], weights)

        return _Matches(docs, lazy=lazy)

    def _held(self, fieldname: str, text: str, postings: Postings, docs: np.ndarray) -> _Matches:
        """The matches of a term in ``docs``, documents known to hold it: their
        postings are looked up only for the documents scored."""

        def lazy(idx):
            wanted = docs if idx is None else docs[idx]
            _, at = postings.find(wanted)
            return self.score(fieldname, text, wanted, postings.weights_at(at))

        return _Matches(docs, lazy=lazy)

    def _size(self, q: wq.Query) -> int:
        if isinstance(q, wq.Term):
            return self._frequency(q.fieldname, q.text)
        return q.estimate_size(self.reader)

    def _frequency(self, fieldname: str, text: str) -> int:
        """How many documents of the segment hold the term."""
        entry = self._entry(fieldname, text)
        return 0 if entry is None else entry[0]

    def score(self, fieldname: str, text: str, docs: np.ndarray, weights: np.ndarray):
        """Whoosh's BM25F (``whoosh.scoring.bm25``), term by term, the same floats."""
        if not self.searcher.schema[fieldname].scorable:
            return weights.copy()  # Whoosh's WeightScorer
        lengths = self.lengths.get(self.reader, fieldname)
        if lengths is None:
            raise Unsupported("no field lengths")
        avgfl = self.averages.get(fieldname)
        if avgfl is None:
            avgfl = self.averages[fieldname] = self.searcher.avg_field_length(fieldname) or 1
        return self.weighting.bm25f(self.searcher, fieldname, text, weights, lengths[docs], avgfl)

    # -- combinations -------------------------------------------------------------

    def conjunction(self, parts, within: np.ndarray | None = None) -> _Matches:
        """The documents every part matches (of ``within``, if given); ``parts`` are
        ``(i, make)`` pairs in the order to evaluate them, and scores are added in
        the order of ``i``."""
        made: dict[int, _Matches] = {}
        idx: dict[int, np.ndarray | None] = {}  # per part: its indexes of ``common``
        common = within
        for i, make in parts:
            part = make(common)
            if not len(part.docs):
                return _NONE
            if common is None:
                common, idx[i] = part.docs, None
            else:
                ia, ib = intersect(common, part.docs)
                if not len(ia):
                    return _NONE
                common = common[ia]
                for j, held in idx.items():
                    idx[j] = ia if held is None else held[ia]
                idx[i] = ib
            made[i] = part
        order = sorted(made)

        def lazy(sel):
            total = None
            for i in order:
                held = idx[i]
                at = held if sel is None else sel if held is None else held[sel]
                scores = made[i].scores_at(at)
                total = scores if total is None else total + scores
            return total

        return _Matches(common, checks=[c for i in order for c in made[i].checks], lazy=lazy)

    def union(self, parts: list[_Matches]) -> _Matches:
        parts = [p for p in parts if len(p.docs)]
        if len(parts) < 2:
            return parts[0] if parts else _NONE
        docs = np.concatenate([p.docs for p in parts])
        scores = np.concatenate([p.scores for p in parts])
        unique, inverse = np.unique(docs, return_inverse=True)
        pending = [p for p in parts if p.checks]
        if pending and len(unique) == len(docs):
            # disjoint parts (the same query in each language's field): a document
            # passes its own part's checks, later
            order = np.argsort(docs, kind="stable")
            return _Matches(docs[order], scores[order], [_dispatch(pending)])
        if pending:
            return self.union([p.settled() for p in parts])
        return _Matches(unique, np.bincount(inverse, weights=scores, minlength=len(unique)))

    # -- phrases ------------------------------------------------------------------

    def phrase(self, q: ExactPhrase, within: np.ndarray | None = None) -> _Matches:
        words = [(w, o) for w, o in zip(q.words, q.offsets, strict=True) if w != STOP_MARK]
        stops = [o for w, o in zip(q.words, q.offsets, strict=True) if w == STOP_MARK]
        frequency: dict[str, int] = {}
        for w, _ in words:
            if w not in frequency:
                frequency[w] = self._frequency(q.fieldname, w)
                if not frequency[w]:
                    return _NONE  # the other words are not looked up
        # rarest first: the order Whoosh intersects (and adds) them in; a phrase whose
        # rarer words never meet reads no further
        words.sort(key=lambda item: frequency[item[0]])
        read: dict[str, Postings] = {}  # a word repeated is read once
        located: dict[str, tuple] = {}  # per word: its documents and postings found

        def make(word: str):
            def run(within) -> _Matches:
                if word in read and within is not None:
                    # a word met again: every document left holds it
                    return self._held(q.fieldname, word, read[word], within)
                postings = self.postings(q.fieldname, word)
                assert postings is not None  # the segment holds every word (frequency)
                read[word] = postings
                located[word] = self._located(postings, within)
                return self._scored(q.fieldname, word, postings, *located[word])

            return run

        def postings_of(word: str, docs: np.ndarray) -> list[int]:
            """The posting indexes of ``docs`` in the word's list, as the
            intersection found them (every candidate holds every word)."""
            held, at = located[word]
            k = np.searchsorted(held, docs)
            return (k if at is None else at[k]).tolist()

        matches = self.conjunction([(k, make(w)) for k, (w, _) in enumerate(words)], within)
        if not len(matches.docs):
            return _NONE
        decode = self.searcher.schema[q.fieldname].format.decode_positions
        distinct = list(dict.fromkeys(word for word, _ in words))
        which = [distinct.index(word) for word, _ in words]
        offsets = [offset for _, offset in words]
        marks = self.postings(q.fieldname, STOP_MARK) if stops else None
        slop = q.slop

        def check(docs: np.ndarray) -> np.ndarray:
            values = [read[word].values(postings_of(word, docs)) for word in distinct]
            marked: dict[int, int] = {}  # index in docs -> posting of the stop marks
            if marks is not None:
                order = np.argsort(docs)
                found, at = marks.find(docs[order])
                marked = dict(zip(order[found].tolist(), at.tolist(), strict=True))
            ok = np.zeros(len(docs), dtype=bool)
            for j, here in enumerate(zip(*values, strict=True)):
                decoded = [decode(v) for v in here]

                def stopped(j=j) -> set[int]:
                    i = marked.get(j)
                    return set() if i is None or marks is None else set(decode(marks.value(i)))

                spans = phrase_spans([decoded[w] for w in which], offsets, slop, stopped, stops)
                ok[j] = bool(spans)
            return ok

        return _Matches(matches.docs, checks=[check], lazy=matches.scores_at)


def _dispatch(parts: list[_Matches]) -> Callable[[np.ndarray], np.ndarray]:
    """One check for the union of disjoint parts: the checks of the part holding
    each document (none for a document of a part without checks)."""

    def check(docs: np.ndarray) -> np.ndarray:
        ok = np.ones(len(docs), dtype=bool)
        for part in parts:
            held = np.flatnonzero(np.isin(docs, part.docs))
            if len(held):
                ok[held] = _passes(part.checks, docs[held])
        return ok

    return check


def _passes(checks: list[Callable[[np.ndarray], np.ndarray]], docs: np.ndarray) -> np.ndarray:
    """Which of ``docs`` pass every check; a check sees only the documents the
    checks before it let through."""
    ok = np.ones(len(docs), dtype=bool)
    for check in checks:
        left = np.flatnonzero(ok)
        if not len(left):
            break
        ok[left] = check(docs[left])
    return ok
