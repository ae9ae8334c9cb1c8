"""The index: Whoosh schema, opening an index, and searching it.

One Whoosh document per paragraph.  Text is indexed in one field per analysis
chain (``text_fr``, ``text_en``, ``text_es``, ``text_ru``, ``text_ar``, ``text_zh``,
and ``text_xx`` for other languages) so each language gets its own
stemming and stop words.  Each field holds, from one analysis pass, the stems,
the folded words as written (for prefix queries) and word pairs (for phrases);
see :class:`search.analysis.IndexTermsFilter`.  ``symkey`` and ``cites`` hold
normalised symbols.  Storing, ranking and phrase matching are the engine's
(:mod:`search.engine`); this module turns its answers into hits.
"""

from __future__ import annotations

import functools
import heapq
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast, overload

# first: Whoosh is imported by the engine
from .engine.matching import Ranked, Unsupported, matched, rank

# isort: split
from whoosh import fields
from whoosh import query as wq

from . import fields as passage_table
from . import languages, symbols
from .analysis import ChainSpec, chain_name, chain_spec, index_analyzer
from .engine.codec import text_field
from .engine.scoring import BM25F, Lengths
from .engine.storage import open_store
from .engine.store import StoredIndex, damage, latest_generation
from .errors import (
    IndexNotFoundError,
    NotFoundError,
    QueryError,
    SearchError,
    UnknownValueError,
)
from .hits import Hit, HitList, Passage, citation, find_matches, proximity
from .pasted import holds, kind_weight, pasted
from .query import (
    Node,
    Phrase,
    Prefix,
    Word,
    compile_query,
    filters,
    parse,
    positive_leaves,
    quoted,
    within_chain,
)
from .twins import Twin, align
from .twins import missing as missing_twin

if TYPE_CHECKING:
    from .citations import Citations
    from .documents import Document
    from .engine.store import Searcher
    from .history import ParagraphVersion, SeriesEntry
    from .similar import DraftParagraphHits, SimilarHit

#: A paragraph's stored fields, as Whoosh keeps them.
Stored = Mapping[str, Any]
#: A re-ranked candidate: its sort key (apart, -score, symbol, lang, order), then the
#: passage, its matches and its stored fields.
Reranked = tuple[bool, float, str, str, int, Passage, tuple[tuple[int, int], ...], Stored]

CHAINS = languages.CHAINS
DEFAULT_INDEX = "index"
INDEX_ENV = "UNSEARCH_INDEX"

#: How many top hits are re-ranked by proximity and title, per hit asked for.
RERANK_FACTOR = 3
#: Score bonus for the query's words standing close together, at most (see
#: :func:`search.hits.proximity`).
PROXIMITY_BOOST = 0.5
#: Score bonus for a paragraph whose document title also matches the query.
TITLE_BOOST = 0.2
#: The most re-ranking raises a score: proximity and a title match.
MAX_RAISE = 1.0 + PROXIMITY_BOOST + TITLE_BOOST


def default_index_dir() -> Path:
    """``$UNSEARCH_INDEX`` if set, else ``index/`` in the current folder."""
    return Path(os.environ.get(INDEX_ENV) or DEFAULT_INDEX)


def _text_field(chain: ChainSpec) -> fields.TEXT:
    return text_field(index_analyzer(chain))


def package_chains() -> dict[str, ChainSpec]:
    """The package's current analysis chains, which a new index records and keeps."""
    return {c: chain_spec(c) for c in CHAINS}


def make_schema(chains: Mapping[str, ChainSpec] | None = None) -> fields.Schema:
    """The schema of an index with ``chains`` (by default, the package's): the stored
    fields of :data:`search.fields.STORED` and the fields only unsearch's own code
    fills in."""
    chains = chains or package_chains()
    text_fields = {f"text_{c}": _text_field(chains[c]) for c in CHAINS}
    passage_fields = {
        f.stored: fields.ID(stored=True) if f.filtered else fields.STORED
        for f in passage_table.STORED
    }
    return fields.Schema(
        # Only what queries filter on is indexed: every indexed field that is not
        # scored costs a file lookup per posting when Whoosh writes a segment.
        **passage_fields,
        id=fields.STORED,
        doc=fields.ID(stored=True),
        symkey=fields.KEYWORD(scorable=False),
        chain=fields.ID,
        year=fields.ID(stored=True),
        cites=fields.KEYWORD(scorable=False, stored=True),
        chapeau=fields.STORED,
        stamp=fields.STORED,
        **text_fields,
    )


def open_index(index_dir: str | os.PathLike[str] | None = None) -> Index:
    """Open an existing index for searching; raise :class:`IndexNotFoundError` if none,
    :class:`~search.errors.IndexFormatError` if this version cannot read it, and
    :class:`~search.errors.IndexCorruptError` if a file of it is missing or damaged
    (opening checks what is cheap; see :mod:`search.engine.store`)."""
    path = Path(index_dir) if index_dir is not None else default_index_dir()
    return Index(open_stored(path), path)


def open_stored(path: Path, create: bool = False) -> StoredIndex:
    """The Whoosh index in ``path``, read through its commit records; with ``create``,
    a new one (with the package's chains) where there is none."""
    if create and latest_generation(path) < 0:
        return StoredIndex.create(path, package_chains(), make_schema)
    if not path.is_dir():
        raise IndexNotFoundError(f"no index in {path}/")
    ix = open_store(path, make_schema)
    if ix is None:
        raise IndexNotFoundError(f"no index in {path}/")
    return ix


_Method = TypeVar("_Method", bound=Callable[..., Any])


def _reading(method: _Method) -> _Method:
    """Turn an error met reading the index into :class:`~search.errors.IndexCorruptError`
    naming the damaged file, where a file's checksum shows damage (otherwise the
    error is a bug and stays as it is)."""

    @functools.wraps(method)
    def read(self: Index, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except SearchError:
            raise
        except Exception as exc:
            found = damage(self.path)
            if found is None:
                raise
            raise found from exc

    return cast(_Method, read)


def _passage(stored: Stored) -> Passage:
    values = passage_table.passage_values(stored)
    citing = citation(str(values["symbol"]), str(values["paragraph"]), str(values["lang"]))
    return Passage(**values, citation=citing)  # type: ignore[arg-type]  # typed by the table


@dataclass
class _TwinCache:
    """What :meth:`Index.twins` has read through one searcher."""

    searcher: Searcher
    #: a document's paragraphs in one language by label, by (symbol key, language)
    versions: dict[tuple[str, str], dict[str, Passage]] = field(default_factory=dict)
    #: the labels aligned with each label, by (symbol key, source, target language)
    alignments: dict[tuple[str, str, str], dict[str, tuple[str, ...]]] = field(default_factory=dict)


_Item = TypeVar("_Item", bound=Passage)
_HitT = TypeVar("_HitT", bound=Hit)


class Index:
    """A searchable unsearch index.  Keeps one searcher, refreshed when the index
    changes on disk, so repeated searches do not reopen segments."""

    def __init__(self, ix: StoredIndex, path: Path) -> None:
        self._ix = ix
        self.path = path
        self._searcher: Searcher | None = None
        self._lengths = Lengths()  # one read per segment, for both scorers
        self._chains_seen: tuple[Searcher, frozenset[str]] | None = None  # (searcher, chains)
        self._langs_seen: tuple[Searcher, tuple[str, ...]] | None = None  # (searcher, codes)
        self._twins_seen: _TwinCache | None = None

    @property
    def chains(self) -> Mapping[str, ChainSpec]:
        """The analysis chains the index was built with, and is searched with."""
        return self._ix.chains

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def searcher(self) -> Searcher:
        """The current Whoosh searcher, refreshed if a newer commit exists."""
        if self._searcher is None:
            self._searcher = self._ix.searcher(weighting=BM25F(self._lengths))
        elif not self._searcher.reader().segments():
            # no segments yet: Whoosh cannot refresh the empty reader it gave
            self._searcher.close()
            self._searcher = self._ix.searcher(weighting=BM25F(self._lengths))
        else:
            # the refreshed searcher reuses the unchanged segments' readers, so the
            # old one must not be closed
            self._searcher = self._searcher.refresh()
        return self._searcher

    @_reading
    def __len__(self) -> int:
        return int(self.searcher().doc_count())

    # -- documents ----------------------------------------------------------

    @_reading
    def document(
        self, symbol: str, lang: str | None = None, also: Sequence[str] = ()
    ) -> list[Passage]:
        """Every paragraph of a document, in reading order.

        With several languages of the same symbol and no ``lang``, all of them,
        language by language.  With ``also`` (language codes), each paragraph
        carries its twins in those languages (see :meth:`twins`)."""
        if lang:
            lang = self.language(lang, option="lang")
        found = [p for p, _ in self._in_order(symbols.normalize(symbol), lang)]
        if not found:
            raise NotFoundError(f"{symbol}: no such document in the index")
        return self.with_twins(found, also)

    # -- twins: the same paragraph in other languages -------------------------

    @_reading
    def twins(self, passage: Passage, langs: Sequence[str]) -> dict[str, Twin]:
        """The paragraph ``passage`` in each language of ``langs`` (its own left out):
        the paragraph of the same document with the same label, or, where the two
        versions label that part differently, the one aligned with it by order and
        length (:func:`search.twins.align`).  A language where it has none gets a
        :class:`Twin` whose ``missing`` says why."""
        out: dict[str, Twin] = {}
        for lang in dict.fromkeys(langs):
            if lang == passage.lang:
                continue
            known = languages.LANGUAGES.get(lang)
            name = known.name if known is not None else lang
            target = self._version(passage.symbol, lang)
            if not target:
                out[lang] = missing_twin(f"{passage.symbol} has no {name} version in the index")
                continue
            labels = self._alignment(passage.symbol, passage.lang, lang).get(passage.paragraph)
            if not labels:
                out[lang] = missing_twin(
                    f"the {name} version of {passage.symbol} has no paragraph"
                    f" matching {passage.paragraph}"
                )
                continue
            found = [target[label] for label in labels]
            out[lang] = Twin(
                paragraph="+".join(labels),
                text="\n".join(p.text for p in found),
                citation="; ".join(p.citation for p in found),
            )
        return out

    @overload
    def with_twins(self, items: HitList[_HitT], langs: Sequence[str]) -> HitList[_HitT]: ...
    @overload
    def with_twins(self, items: list[_Item], langs: Sequence[str]) -> list[_Item]: ...
    def with_twins(self, items: list[_Item], langs: Sequence[str]) -> list[_Item]:
        """``items`` (passages or hits) each with its twins in ``langs``."""
        if not langs:
            return items
        out = [replace(item, parallel=self.twins(item, langs)) for item in items]
        if isinstance(items, HitList):
            hits: HitList[Any] = HitList(out)
            hits.partial = items.partial
            return hits
        return out

    def _version(self, symbol: str, lang: str) -> dict[str, Passage]:
        """A document's paragraphs in one language, by label (cached per searcher)."""
        cache = self._twin_cache().versions
        key = (symbols.normalize(symbol), lang)
        if key not in cache:
            found = self._in_order(key[0], lang)
            cache[key] = {p.paragraph: p for p, _ in found}
        return cache[key]

    def _alignment(self, symbol: str, source: str, target: str) -> dict[str, tuple[str, ...]]:
        cache = self._twin_cache().alignments
        key = (symbols.normalize(symbol), source, target)
        if key not in cache:
            a = [(p.paragraph, p.text) for p in self._version(symbol, source).values()]
            b = [(p.paragraph, p.text) for p in self._version(symbol, target).values()]
            cache[key] = align(a, b)
        return cache[key]

    def _twin_cache(self) -> _TwinCache:
        s = self.searcher()
        if self._twins_seen is None or self._twins_seen.searcher is not s:
            self._twins_seen = _TwinCache(s)
        return self._twins_seen

    def _in_order(self, key: str, lang: str | None) -> list[tuple[Passage, Stored]]:
        """The paragraphs of the document ``key`` (and their stored fields), in order."""
        found = [(_passage(f), f) for f in self._stored(wq.Term("symkey", key), lang)]
        return sorted(found, key=lambda item: (item[0].lang, item[0].order))

    def _stored(self, q: wq.Query, lang: str | None) -> list[Stored]:
        """Stored fields of every paragraph matching ``q`` (in ``lang``), unranked."""
        if lang:
            q = wq.And([q, wq.Term("lang", lang)])
        s = self.searcher()
        return [s.stored_fields(d) for d in s.docs_for_query(q)]

    @_reading
    def paragraph(
        self,
        symbol: str,
        label: str,
        lang: str | None = None,
        context: int = 0,
        also: Sequence[str] = (),
    ) -> Hit:
        """One paragraph by symbol and label (``OP4``, or just ``4``), with ``context``
        neighbouring paragraphs on each side, and its twins in the languages ``also``."""
        doc = self.document(symbol, lang)
        want = label.upper()
        if want.isdigit():
            want = f"OP{want}"
        for p in doc:
            if p.paragraph.upper() == want:
                hit = self._with_context(Hit(**vars(p)), doc, context)
                return self.with_twins([hit], also)[0]
        raise NotFoundError(f"{symbol} has no paragraph {label}")

    def _with_context(self, hit: Hit, doc: list[Passage], context: int) -> Hit:
        same = [p for p in doc if p.lang == hit.lang]
        i = next(j for j, p in enumerate(same) if p.paragraph == hit.paragraph)
        chapeau = ""
        if hit.parent:
            chapeau = next((p.text for p in same if p.paragraph == hit.parent), "")
        ctx = tuple(same[max(0, i - context) : i] + same[i + 1 : i + 1 + context])
        return replace(hit, chapeau=chapeau, context=ctx if context else ())

    # -- search -------------------------------------------------------------

    @_reading
    def search(
        self,
        query: str,
        limit: int = 10,
        lang: str | None = None,
        context: int = 0,
        timeout: float | None = None,
        also: Sequence[str] = (),
    ) -> HitList[Hit]:
        """Ranked hits for a query (see :mod:`search.query` for the syntax).

        A query that is only a symbol lists that document's paragraphs when the
        document is indexed, and otherwise the paragraphs that cite it.  With a
        ``timeout`` (seconds), a search that runs out of time returns the best hits
        found so far, with ``partial`` set on the returned list.  With ``also``
        (language codes), each hit carries its twins in those languages.
        """
        if also:
            return self.with_twins(self.search(query, limit, lang, context, timeout), also)
        if limit < 1:
            raise QueryError("limit must be at least 1")
        if context < 0:
            raise QueryError("context must be 0 or more")
        if lang:
            lang = self.language(lang, option="lang")
        if isinstance(query, str) and symbols.looks_like_symbol(query):
            return self._symbol_hits(query, limit, lang, context)
        node = parse(query)
        s = self.searcher()  # first: the query is compiled for the chains it holds
        q = self._compile(node, query, lang)
        leaves = positive_leaves(node)
        # proximity can only reorder hits of queries with several words
        window = limit * RERANK_FACTOR if len(leaves) > 1 else limit
        found = self._top(s, q, window, timeout)
        top = list(found.top)
        words = pasted(node)
        may_hold: set[int] | None = None  # the candidates that may hold the pasted words
        if words is not None:  # the paragraphs holding the words verbatim, too
            seen = {docnum for _, docnum in top}
            phrase = self._compile(words[1], query, lang)
            verbatim = self._top(s, phrase, window * 2, timeout)
            top += [(score, d) for score, d in verbatim.top if d not in seen]
            may_hold = {d for _, d in verbatim.top}
            if len(verbatim.top) == window * 2 or verbatim.partial:
                # more paragraphs may have the phrase: which of the others do
                may_hold = self._matched(s, phrase, seen - may_hold, may_hold)
        ranked = self._rerank(s, top, leaves, limit, words and words[0], may_hold)
        hits: HitList[Hit] = HitList()
        for _, neg, *_, p, matches, stored in ranked:
            hit = _hit(p, stored, score=round(-neg, 4), matches=matches)
            hits.append(self._decorate(hit, context))
        hits.partial = found.partial
        return hits

    def _rerank(
        self,
        s: Searcher,
        top: list[tuple[float, int]],
        leaves: Sequence[Word | Phrase | Prefix],
        limit: int,
        words: str | None,
        may_hold: set[int] | None,
    ) -> list[Reranked]:
        """The ``limit`` best of the candidates ``top`` (``(score, docnum)`` pairs),
        sorted: the paragraphs holding the pasted ``words`` verbatim first, then by
        score raised for words close together and for words of the title.

        The raised score is at most :data:`MAX_RAISE` times the engine's, so the
        candidates are taken best first and the rest are skipped once the
        ``limit``-th score found is out of their reach; a paragraph read (its kind
        and title known) whose words could not raise it enough is not analysed:
        the same hits, fewer paragraphs read and analysed.  ``may_hold``, where
        known, holds every candidate that can hold the words (those a phrase
        query of them matches); the others are not read to tell."""
        chains = self.chains  # the index's own, not the package's
        read: dict[int, tuple[Passage, ChainSpec, Stored]] = {}

        def passage(docnum: int) -> tuple[Passage, ChainSpec, Stored]:
            if docnum not in read:
                stored = s.stored_fields(docnum)
                p = _passage(stored)
                read[docnum] = (p, chains[chain_name(p.lang)], stored)
            return read[docnum]

        ranked: list[Reranked] = []
        # the candidates holding the pasted words, then the others: a candidate is
        # put in its tier when it is reached
        tier = sorted(top, key=lambda t: -t[0])
        for level in (0, 1):
            wanted = limit - len(ranked)  # a tier ranks below the one before it
            if wanted <= 0:
                break
            verbatim = words if level == 0 else None  # the words a candidate must hold
            best: list[float] = []  # the tier's ``wanted`` best scores, a min-heap
            others: list[tuple[float, int]] = []  # the candidates of the next tier
            for raw, docnum in tier:
                full = len(best) == wanted
                if full and _out_of_reach(raw, MAX_RAISE, best[0]):
                    # neither this candidate nor any after it ranks among the
                    # ``wanted`` found, whatever its tier: the next has no place left
                    break
                if verbatim is not None and may_hold is not None and docnum not in may_hold:
                    others.append((raw, docnum))
                    continue
                p, chain, stored = passage(docnum)
                title = bool(p.title) and _title_matches(p.title, chain, tuple(leaves))
                weight = kind_weight(p.kind)
                most = (1.0 + PROXIMITY_BOOST + (TITLE_BOOST if title else 0.0)) * weight
                if full and _out_of_reach(raw, most, best[0]):
                    continue  # as above, however close its words stand
                if verbatim is not None and not holds(p.text, chain, verbatim):
                    others.append((raw, docnum))
                    continue
                matches = find_matches(p.text, chain, leaves)
                bonus = PROXIMITY_BOOST * proximity(p.text, matches)
                if title:
                    bonus += TITLE_BOOST
                score = raw * (1.0 + bonus) * weight
                heapq.heappush(best, score)
                if len(best) > wanted:
                    heapq.heappop(best)
                ranked.append(
                    (bool(level), round(-score, 9), p.symbol, p.lang, p.order, p, matches, stored)
                )
            tier = others
        ranked.sort(key=lambda t: t[:5])
        return ranked[:limit]

    # -- agreed language (search/similar.py, search/history.py, search/citations.py)

    @_reading
    def similar(
        self,
        text: str,
        limit: int = 10,
        lang: str | None = None,
        filter: str | None = None,
        min_similarity: float = 0.0,
        also: Sequence[str] = (),
    ) -> HitList[SimilarHit]:
        """The paragraphs closest to a draft paragraph, as :class:`~search.similar.SimilarHit`
        with a similarity from 0 to 1 and a word diff; ``filter`` takes the query
        language's filters (``"session:1..79 kind:op"``); with ``also``, each hit
        carries its twins in those languages."""
        from .similar import Options, find_similar

        options = Options.check(self, limit, lang, filter, min_similarity)
        return self.with_twins(find_similar(self, text, options), also)

    @_reading
    def similar_draft(
        self,
        path: str | os.PathLike[str],
        limit: int = 10,
        lang: str | None = None,
        filter: str | None = None,
        min_similarity: float = 0.0,
        also: Sequence[str] = (),
    ) -> list[DraftParagraphHits]:
        """:meth:`similar` for each paragraph of a draft file (``.docx``, ``.md``, ``.txt``,
        ``.html``, ``.pdf``), as :class:`~search.similar.DraftParagraphHits`."""
        from .similar import Options, similar_draft

        options = Options.check(self, limit, lang, filter, min_similarity)
        return similar_draft(self, path, options, also)

    @overload
    def history(self, symbol: str, paragraph: None = None) -> list[SeriesEntry]: ...
    @overload
    def history(self, symbol: str, paragraph: str) -> list[ParagraphVersion]: ...
    @_reading
    def history(
        self, symbol: str, paragraph: str | None = None
    ) -> list[SeriesEntry] | list[ParagraphVersion]:
        """The series of a resolution across sessions (:class:`~search.history.SeriesEntry`
        with counts of unchanged, amended, new and dropped paragraphs), or with
        ``paragraph`` that paragraph's versions (:class:`~search.history.ParagraphVersion`)."""
        from .history import series, versions

        return series(self, symbol) if paragraph is None else versions(self, symbol, paragraph)

    @_reading
    def citations(self, symbol: str, lang: str | None = None) -> Citations:
        """What a document cites and which indexed documents cite it, grouped by
        document with counts (:class:`~search.citations.Citations`)."""
        from .citations import citations

        return citations(self, symbol, lang)

    def _compile(self, node: Node, query: str, lang: str | None) -> wq.Query:
        """The Whoosh query for a parsed query: one variant per analysis chain that
        the index holds paragraphs of."""
        for f in filters(node):
            if f.field == "lang":
                self.language(f.value, f.at)
        variants = []
        held = self._chains()
        for chain in CHAINS:
            if chain not in held:
                continue  # its variant could match nothing
            q = compile_query(node, self.chains[chain])
            if q is not None:
                # every paragraph is of the one chain held: no need to read its term
                variants.append(q if len(held) == 1 else within_chain(q, chain))
        if not variants:
            raise QueryError(f"nothing to search for in {quoted(query)}: only stop words")
        q = variants[0] if len(variants) == 1 else wq.Or(variants)
        if lang:
            q = wq.And([q, wq.Term("lang", self.language(lang, option="lang"))])
        return q

    def languages(self) -> tuple[str, ...]:
        """The language codes of the paragraphs the index holds, sorted."""
        s = self.searcher()
        if self._langs_seen is None or self._langs_seen[0] is not s:
            found = tuple(sorted(t.decode("utf-8") for t in s.reader().lexicon("lang")))
            self._langs_seen = (s, found)
        return self._langs_seen[1]

    def language(self, value: str, position: int | None = None, option: str = "") -> str:
        """The language code ``value`` names (see :func:`search.languages.code`);
        raise :class:`~search.errors.UnknownValueError` listing the valid ones (the
        language table's and the index's) if it names none.  ``position`` is where
        a ``lang:`` filter stands in a query; ``option`` the parameter it came from."""
        found = languages.code(value)
        held = self.languages()
        valid = tuple(sorted({*languages.LANGUAGES, *held}))
        if found in valid:
            return found
        listed = f"use one of {', '.join(valid)}"
        if held and set(held) != set(valid):
            listed += f"; this index holds {', '.join(held)}"
        if position is None:
            message = f"unknown language {value!r}; {listed}"
        else:
            message = f"lang:{value}: {listed}"
        raise UnknownValueError(message, valid, position, option)

    def _chains(self) -> frozenset[str]:
        """The analysis chains of the paragraphs the searcher sees."""
        s = self._searcher if self._searcher is not None else self.searcher()
        if self._chains_seen is None or self._chains_seen[0] is not s:
            found = frozenset(c for c in CHAINS if s.doc_frequency("chain", c))
            # an empty index keeps every chain: its queries still get their errors
            self._chains_seen = (s, found or frozenset(CHAINS))
        return self._chains_seen[1]

    def _matched(
        self, s: Searcher, q: wq.Query, docnums: set[int], known: set[int]
    ) -> set[int] | None:
        """``known`` and those of ``docnums`` that ``q`` matches, or None where the
        engine cannot tell (the index's postings are not its own)."""
        try:
            return known | matched(s, q, docnums, self._lengths)
        except Unsupported:
            return None

    def _top(self, s: Searcher, q: wq.Query, window: int, timeout: float | None) -> Ranked:
        """The ``window`` best documents for ``q``: vectorised where the query allows
        (:mod:`search.engine.matching`), otherwise with Whoosh's collector."""
        return rank(s, q, window, self._lengths, timeout=timeout)

    def _decorate(self, hit: Hit, context: int) -> Hit:
        if not context:
            return hit
        return self._with_context(hit, self.document(hit.symbol, hit.lang), context)

    def _symbol_hits(self, query: str, limit: int, lang: str | None, context: int) -> HitList[Hit]:
        key = symbols.normalize(query)
        if self.searcher().doc_frequency("symkey", key):
            return HitList(_hit(p, f, score=1.0) for p, f in self._in_order(key, lang)[:limit])
        citing = sorted(
            ((_passage(f), f) for f in self._stored(wq.Term("cites", key), lang)),
            key=lambda item: (item[0].symbol, item[0].lang, item[0].order),
        )
        return HitList(
            self._decorate(
                _hit(p, f, score=1.0, matches=tuple(symbols.occurrences(p.text, key))), context
            )
            for p, f in citing[:limit]
        )


def _out_of_reach(raw: float, most: float, floor: float) -> bool:
    """Whether a candidate of engine score ``raw``, raised at most ``most`` times,
    scores below ``floor`` (the lowest of the scores kept), rounding aside."""
    return 0 <= raw * most < floor * (1 - 1e-9)


def _hit(passage: Passage, stored: Stored, **scored: Any) -> Hit:
    """A hit for a passage, with the chapeau its stored fields keep for sub-paragraphs."""
    return Hit(**vars(passage), chapeau=stored.get("chapeau", ""), **scored)


@lru_cache(maxsize=4096)
def _title_matches(
    title: str, chain: str | ChainSpec, leaves: tuple[Word | Phrase | Prefix, ...]
) -> bool:
    # titles repeat on every paragraph of a document
    return bool(find_matches(title, chain, list(leaves)))


_OF_DOCUMENT = tuple(f for f in passage_table.STORED if f.source == passage_table.DOCUMENT)
_OF_PARAGRAPH = tuple(f for f in passage_table.STORED if f.source == passage_table.PARAGRAPH)


def paragraph_fields(doc: Document, stamp: str = "") -> list[dict[str, object]]:
    """The Whoosh documents (one per paragraph) for a :class:`Document`."""
    chain = chain_name(doc.lang)
    key = doc.key
    symkeys = {symbols.normalize(doc.symbol)}
    common = {
        **passage_table.stored_values(_OF_DOCUMENT, doc),
        "doc": key,
        "symkey": " ".join(sorted(symkeys)),
        "chain": chain,
        "stamp": stamp,
    }
    if doc.year is not None:
        common["year"] = f"{doc.year:04d}"
    texts = {p.label: p.text for p in doc.paragraphs}
    out = []
    for p in doc.paragraphs:
        fields_ = dict(common)
        if p.parent:
            fields_["chapeau"] = texts.get(p.parent, "")
        fields_.update(
            passage_table.stored_values(_OF_PARAGRAPH, p),
            id=f"{key}#{p.label}",
            cites=" ".join(symbols.cited(p.text)),
            **{f"text_{chain}": p.text},
        )
        out.append(fields_)
    return out
