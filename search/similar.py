"""Similar: the adopted paragraphs closest to a draft, with a word diff to each.

A draft paragraph is analysed with its language's chain; its :data:`MAX_TERMS`
rarest terms and the :data:`MAX_PAIRS` rarest pair terms of its common words in a
row (the index holds them: see :class:`search.analysis.IndexTermsFilter`) make one
OR query, ranked by BM25.  The best :data:`CANDIDATES` paragraphs are compared with the draft on
their words as written (case and accents aside), and the :data:`RERANKED` closest
re-ranked by how much of the draft's word sequence they share
(:func:`search.wording.similarity` on the analysed words, stop words included),
identical text first.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

from .engine import startup as _startup  # noqa: F401  (before Whoosh: see search/engine/startup.py)

# isort: split
from whoosh import query as wq

from .analysis import MAX_PAIR_GAP, ChainSpec, chain_name, common_stems, pair_term
from .documents import detect_language
from .drafts import read_draft
from .errors import QueryError, UnknownValueError
from .hits import Hit, HitList
from .query import Node, analyze, compile_query, filters, parse, positive_leaves
from .wording import Wording, diff, similarity, wording

if TYPE_CHECKING:
    from .engine.store import Searcher
    from .index import Index

#: Paragraphs of the index compared with the draft, at least (or 5 per hit asked for).
CANDIDATES = 50
#: Of those, the closest by their words as written are compared on analysed words,
#: at least (or 2 per hit asked for).
RERANKED = 20
#: The draft's rarest terms, and pair terms, that the candidate query looks for.
MAX_TERMS = 12
MAX_PAIRS = 6


@dataclass(frozen=True)
class SimilarHit(Hit):
    """A paragraph close to a draft: ``similarity`` from 0 to 1 (the share of the
    draft's and the paragraph's word sequences that they have in common, in order:
    1.0 for the same words) and ``diff``, the word diff from the draft to the
    paragraph as ``(op, text)`` pairs (``=`` kept, ``-`` removed, ``+`` added)."""

    similarity: float = 0.0
    diff: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Options:
    """What a search for a draft's closest paragraphs takes beside the draft, checked
    once (for a whole draft file): see :meth:`Index.similar <search.index.Index.similar>`."""

    limit: int
    lang: str | None  # the language's code, as the index knows it
    restrict: Node | None  # the parsed ``filter``
    min_similarity: float

    @classmethod
    def check(
        cls, ix: Index, limit: int, lang: str | None, filter: str | None, min_similarity: float
    ) -> Options:
        """The options, checked: :class:`~search.errors.QueryError` for a value out of
        range or words in the filter, :class:`~search.errors.UnknownValueError` for an
        unknown language (in ``lang`` or the filter's ``lang:``)."""
        if lang:
            lang = ix.language(lang, option="lang")
        if limit < 1:
            raise QueryError("limit must be at least 1")
        if not 0.0 <= min_similarity <= 1.0:
            raise QueryError(f"min-similarity must be between 0 and 1, not {min_similarity:g}")
        restrict = _filters(filter)
        for f in filters(restrict) if restrict is not None else ():
            if f.field == "lang":
                ix.language(f.value, f.at)
        return cls(limit, lang, restrict, min_similarity)


def find_similar(ix: Index, text: str, options: Options) -> HitList[SimilarHit]:
    """The ``options.limit`` paragraphs of ``ix`` closest to the draft ``text``, closest first."""
    from .index import _hit, _passage

    draft = " ".join(text.split())
    if not draft:
        raise QueryError("the draft is empty: nothing to compare")
    s = ix.searcher()
    chains = _chains(ix, draft, options.lang)
    variants = []
    words = False  # whether the draft has any word that is not a stop word
    for name in chains:
        chain = ix.chains[name]  # the index's own stop words and common stems
        words = words or bool(analyze(chain, draft))
        q = _candidates_query(s, chain, draft)
        if q is None:
            continue
        parts = [q]
        if options.restrict is not None:
            compiled = compile_query(options.restrict, chain)
            if compiled is not None:
                parts.append(compiled)
        if options.lang:
            parts.append(wq.Term("lang", options.lang.lower()[:2]))
        variants.append(wq.And(parts) if len(parts) > 1 else q)
    if not words:
        raise QueryError(f"nothing to compare in {_quote(draft)}: only stop words")
    if not variants:
        return HitList()  # none of its words is in the index
    q = variants[0] if len(variants) == 1 else wq.Or(variants)
    found = ix._top(s, q, max(CANDIDATES, 5 * options.limit), None)
    exact = wording(draft, "xx", exact=True)
    candidates = [(score, s.stored_fields(docnum)) for score, docnum in found.top]
    # the words as written first: cheap, where stemming a new word is not
    candidates.sort(key=lambda c: -similarity(exact, wording(c[1]["text"], "xx", exact=True)))
    drafts: dict[object, Wording] = {}  # the draft as each candidate's chain reads it
    ranked = []
    for score, stored in candidates[: max(RERANKED, 2 * options.limit)]:
        chain = ix.chains[chain_name(stored["lang"])]
        if chain not in drafts:
            drafts[chain] = wording(draft, chain)
        sim = similarity(drafts[chain], wording(stored["text"], chain))
        if sim < options.min_similarity:
            continue
        same = " ".join(stored["text"].split()) == draft
        ranked.append((-sim, not same, -score, stored["symbol"], stored["order"], stored))
    ranked.sort(key=lambda t: t[:5])
    hits: HitList[SimilarHit] = HitList()
    for neg_sim, _, neg_score, *_, stored in ranked[: options.limit]:
        p = _passage(stored)
        ops = diff(exact, wording(p.text, "xx", exact=True))
        hit = _hit(p, stored, score=round(-neg_score, 4))
        hits.append(SimilarHit(**vars(hit), similarity=-neg_sim, diff=ops))
    return hits


@dataclass(frozen=True)
class DraftParagraphHits:
    """The closest paragraphs to one paragraph of a draft file; ``position`` counts
    the draft's paragraphs from 1, ``label`` is what the reader found (``OP3``, ``P3``)."""

    position: int
    label: str
    text: str
    hits: tuple[SimilarHit, ...]


def similar_draft(
    ix: Index, path: str | os.PathLike[str], options: Options, also: Sequence[str]
) -> list[DraftParagraphHits]:
    """The closest paragraphs to each paragraph of a draft file (see :func:`read_draft`),
    each with its twins in the languages ``also``."""
    out = []
    for para in read_draft(path):
        text = " ".join(para.text.split())
        hits: HitList[SimilarHit] = HitList()  # "(a)", "of the": nothing to look for
        if any(analyze(chain, text) for chain in _chains(ix, text, options.lang)):
            hits = ix.with_twins(find_similar(ix, para.text, options), also)
        out.append(DraftParagraphHits(para.position, para.label, para.text, tuple(hits)))
    return out


def _filters(filter: str | None) -> Node | None:
    """The parsed ``--filter``: filters only (``session:1..79 kind:op``), no words."""
    if not filter or not filter.strip():
        return None
    try:
        node = parse(filter)
    except UnknownValueError as exc:  # a value of the --filter option
        raise UnknownValueError(str(exc), exc.choices, exc.position, option="filter") from None
    if positive_leaves(node):
        raise QueryError(
            f"filter {filter!r}: only filters here (session:, year:, lang:, kind:, symbol:, "
            "cites:), no words"
        )
    return node


def _chains(ix: Index, draft: str, lang: str | None) -> list[str]:
    """The analysis chains to look for the draft in: its language's, or every chain
    the index holds when the language is not known."""
    if lang:
        return [chain_name(lang.lower()[:2])]
    detected = detect_language(draft)
    if detected != "und":
        return [chain_name(detected)]
    return sorted(ix._chains())


def _candidates_query(s: Searcher, chain: ChainSpec, draft: str) -> wq.Query | None:
    """An OR of the draft's rarest terms and pair terms on ``chain``'s field (None if
    the index has none of them)."""
    field = f"text_{chain}"
    terms = analyze(chain, draft)
    if not terms:
        return None
    common = common_stems(chain)
    pairs = [
        pair_term(a, b, pb - pa)
        for (a, pa), (b, pb) in pairwise(terms)
        if a in common and b in common and pb - pa <= MAX_PAIR_GAP
    ]
    words = _rarest(s, field, dict.fromkeys(t for t, _ in terms), MAX_TERMS)
    parts = [wq.Term(field, t) for t in words]
    parts += [wq.Term(field, t) for t in _rarest(s, field, dict.fromkeys(pairs), MAX_PAIRS)]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.Or(parts)


def _rarest(s: Searcher, field: str, terms: Iterable[str], n: int) -> list[str]:
    """The ``n`` terms found in the fewest paragraphs (but in some), rarest first."""
    frequency = {t: s.doc_frequency(field, t) for t in terms}
    return sorted((t for t in terms if frequency[t]), key=frequency.__getitem__)[:n]


def _quote(text: str, n: int = 60) -> str:
    return repr(text if len(text) <= n else text[: n - 1] + "…")
