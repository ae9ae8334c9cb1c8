"""History: a resolution's series across sessions, and a paragraph's versions in it.

The series of a resolution are the indexed documents of its language with the
same title (case, accents and punctuation aside), in session order: the General
Assembly adopts a recurring resolution under its agenda item's title each year,
and a resolution that recalls its predecessor keeps its title.  Each resolution is
compared with the one before it: its preambular, operative and annex paragraphs
are paired one to one with the predecessor's paragraphs of the same kind, the
closest pairs first (:func:`search.wording.similarity` on the words as written,
case and accents aside).  A pair must share at least :data:`PAIR_MIN` of their
words in order; a paragraph left without a counterpart is ``new``, a predecessor's
paragraph left over is ``dropped``.

The titles are read once per searcher (the stored fields of each document's title
paragraph), and each pair of documents is compared once and kept with the
documents' paragraphs, so a repeated question costs next to nothing.
"""

from __future__ import annotations

import math
import re
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import process
from rapidfuzz.distance import Indel

from .engine import startup as _startup  # noqa: F401  (before Whoosh: see search/engine/startup.py)

# isort: split
from whoosh import query as wq

from . import symbols
from .analysis import fold
from .errors import NotFoundError
from .hits import Passage
from .wording import ADDED, diff, wording

if TYPE_CHECKING:
    from .index import Index

#: The least similarity (0 to 1) of a paragraph and its counterpart in the predecessor.
PAIR_MIN = 0.6
#: The paragraphs that are paired across versions (titles, footnotes and headings are not).
COMPARED = ("pp", "op", "annex")
#: Documents kept in memory per searcher, for repeated questions about a series.
DOCUMENTS_KEPT = 256
UNCHANGED, AMENDED, NEW = "unchanged", "amended", "new"


@dataclass(frozen=True)
class SeriesEntry:
    """One resolution of a series and how its paragraphs compare with its
    predecessor's (the first of a series has every paragraph ``new``)."""

    symbol: str
    session: int | None
    date: str
    title: str
    lang: str
    paragraphs: int
    unchanged: int
    amended: int
    new: int
    dropped: int


@dataclass(frozen=True)
class ParagraphVersion:
    """A paragraph in one resolution of its series: ``similarity`` (0 to 1) and
    ``diff`` against its version in the previous resolution, and ``status``:
    ``unchanged``, ``amended``, or ``new`` where the previous resolution has no
    counterpart (``similarity`` 0, the whole text added)."""

    symbol: str
    paragraph: str
    session: int | None
    date: str
    similarity: float
    status: str
    text: str
    diff: tuple[tuple[str, str], ...]
    citation: str
    lang: str


@dataclass(frozen=True)
class _Pairing:
    """How a document's paragraphs pair with its predecessor's."""

    old: dict[str, tuple[str, float]]  # new label -> (old label, similarity)
    dropped: tuple[str, ...]


def series(ix: Index, symbol: str) -> list[SeriesEntry]:
    """Every resolution of ``symbol``'s series, in session order, with its counts."""
    docs = _series_documents(ix, symbol)
    out = []
    for i, doc in enumerate(docs):
        compared = [p for p in doc if p.kind in COMPARED]
        pairing = _pair(ix, docs[i - 1], doc) if i else _Pairing({}, ())
        counts = {UNCHANGED: 0, AMENDED: 0, NEW: 0}
        for p in compared:
            counts[_status(pairing.old.get(p.paragraph))] += 1
        first = doc[0]
        out.append(
            SeriesEntry(
                symbol=first.symbol,
                session=first.session,
                date=first.date,
                title=first.title,
                lang=first.lang,
                paragraphs=len(compared),
                unchanged=counts[UNCHANGED],
                amended=counts[AMENDED],
                new=counts[NEW],
                dropped=len(pairing.dropped),
            )
        )
    return out


def versions(ix: Index, symbol: str, label: str) -> list[ParagraphVersion]:
    """Paragraph ``label`` of ``symbol`` and its counterparts in the other resolutions
    of the series, earlier and later, in session order."""
    docs = _series_documents(ix, symbol)
    key = symbols.normalize(symbol)
    k = next(i for i, d in enumerate(docs) if symbols.normalize(d[0].symbol) == key)
    want = label.upper()
    if want.isdigit():
        want = f"OP{want}"
    start = next((p for p in docs[k] if p.paragraph.upper() == want), None)
    if start is None:
        raise NotFoundError(f"{docs[k][0].symbol} has no paragraph {label}")
    if start.kind not in COMPARED:
        raise NotFoundError(
            f"{start.symbol} {start.paragraph}: only preambular, operative and annex "
            "paragraphs have versions"
        )
    chain = [(k, start.paragraph)]
    while chain[0][0] > 0:  # back: the counterpart in each predecessor
        i, current = chain[0]
        found = _pair(ix, docs[i - 1], docs[i]).old.get(current)
        if found is None:
            break
        chain.insert(0, (i - 1, found[0]))
    while chain[-1][0] < len(docs) - 1:  # on: the paragraph that continues it
        i, current = chain[-1]
        pairing = _pair(ix, docs[i], docs[i + 1])
        after = next((new for new, (old, _) in pairing.old.items() if old == current), None)
        if after is None:
            break
        chain.append((i + 1, after))
    out = []
    previous: Passage | None = None
    for i, current in chain:
        p = next(q for q in docs[i] if q.paragraph == current)
        if previous is None:
            sim, status, ops = 0.0, NEW, ((ADDED, p.text),)
        else:
            sim = _pair(ix, docs[i - 1], docs[i]).old[current][1]
            status = _status((previous.paragraph, sim))
            ops = diff(_words(previous.text), _words(p.text))
        out.append(
            ParagraphVersion(
                symbol=p.symbol,
                paragraph=p.paragraph,
                session=p.session,
                date=p.date,
                similarity=sim,
                status=status,
                text=p.text,
                diff=ops,
                citation=p.citation,
                lang=p.lang,
            )
        )
        previous = p
    return out


def _status(pair: tuple[str, float] | None) -> str:
    if pair is None:
        return NEW
    return UNCHANGED if pair[1] >= 1.0 else AMENDED


def _words(text: str):
    return wording(text, "xx", exact=True)


# -- the series ---------------------------------------------------------------------

# per searcher: the documents of each title, and the pairings computed so far
_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _state(ix: Index) -> dict:
    s = ix.searcher()
    state = _CACHE.get(s)
    if state is None:
        series: dict[tuple[str, str], list[tuple]] = {}
        series_of: dict[tuple[str, str], tuple[str, str]] = {}
        names: dict[str, str] = {}
        for docnum in s.docs_for_query(wq.Term("kind", "title")):
            f = s.stored_fields(docnum)
            title = f.get("title", "")
            names.setdefault(symbols.normalize(f["symbol"]), title)
            key = (_title_key(title), f["lang"])
            if not key[0]:
                continue
            series.setdefault(key, []).append((f.get("session") or "", f["symbol"]))
            series_of[symbols.normalize(f["symbol"]), f["lang"]] = key
        state = _CACHE[s] = {
            "series": series,
            "series_of": series_of,
            "names": names,
            "pairs": {},
            "docs": {},
        }
    return state


def titles(ix: Index) -> dict[str, str]:
    """The title of each indexed document with a title paragraph, by normalised symbol."""
    return _state(ix)["names"]


def _title_key(title: str) -> str:
    """A title as compared across sessions.

    >>> _title_key("South-South cooperation")
    'south south cooperation'
    >>> _title_key("Coopération  Sud-Sud.")
    'cooperation sud sud'
    """
    return " ".join(re.findall(r"\w+", fold(title.lower())))


def _order(entry: tuple) -> tuple:
    session, symbol = entry
    number = re.findall(r"\d+", symbol)
    return (int(session or 0), int(number[-1]) if number else 0, symbol)


def _series_documents(ix: Index, symbol: str) -> list[list[Passage]]:
    """The paragraphs of each resolution in ``symbol``'s series, in session order."""
    state = _state(ix)
    wanted = symbols.normalize(symbol)
    # the first language in order, as Index.document gives them
    lang, key = min(
        ((lang, key) for (sym, lang), key in state["series_of"].items() if sym == wanted),
        default=(None, None),
    )
    if key is None:  # a document without a title paragraph: a series of its own
        own = ix.document(symbol)  # NotFoundError for an unknown symbol
        return [[p for p in own if p.lang == own[0].lang]]
    members = sorted(state["series"][key], key=_order)
    return [_document(ix, state["docs"], sym, lang) for _, sym in members]


def _document(ix: Index, docs: dict, symbol: str, lang: str) -> list[Passage]:
    found = docs.get((symbol, lang))
    if found is None:
        if len(docs) >= DOCUMENTS_KEPT:
            docs.clear()
        found = docs[symbol, lang] = ix.document(symbol, lang)
    return found


def _pair(ix: Index, old: list[Passage], new: list[Passage]) -> _Pairing:
    cache = _state(ix)["pairs"]
    key = (old[0].symbol, new[0].symbol, new[0].lang)
    found = cache.get(key)
    if found is None:
        found = cache[key] = pair_paragraphs(old, new)
    return found


def pair_paragraphs(old: list[Passage], new: list[Passage]) -> _Pairing:
    """Pair ``new``'s paragraphs with ``old``'s one to one, closest pairs first."""
    pairs: dict[str, tuple[str, float]] = {}
    dropped: list[str] = []
    for kind in COMPARED:
        a = [p for p in old if p.kind == kind]
        b = [p for p in new if p.kind == kind]
        if not b:
            dropped += [p.paragraph for p in a]
            continue
        if not a:
            continue
        scores = _similarities(a, b)
        candidates = sorted(
            (-scores[i][j], abs(i / len(a) - j / len(b)), i, j)
            for i in range(len(a))
            for j in range(len(b))
            if scores[i][j] >= PAIR_MIN
        )
        used_a: set[int] = set()
        for neg, _, i, j in candidates:
            if i in used_a or b[j].paragraph in pairs:
                continue
            used_a.add(i)
            # rounded down: only the same words make 1.0, "unchanged"
            pairs[b[j].paragraph] = (a[i].paragraph, math.floor(-neg * 10_000) / 10_000)
        dropped += [p.paragraph for i, p in enumerate(a) if i not in used_a]
    return _Pairing(pairs, tuple(dropped))


def _similarities(a: list[Passage], b: list[Passage]):
    encoded_a = [_words(p.text).encoded for p in a]
    encoded_b = [_words(p.text).encoded for p in b]
    return process.cdist(encoded_a, encoded_b, scorer=Indel.normalized_similarity).tolist()
