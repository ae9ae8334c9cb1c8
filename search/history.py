"""History: a resolution's series across sessions, and a paragraph's versions in it.

The series of a resolution are the indexed documents of its language on the same
subject, in session order:

- resolutions with the same title (case, accents and punctuation aside): the
  General Assembly adopts a recurring resolution under the same title each year;
- a resolution whose preamble recalls an earlier one with a close title (their
  titles' analysed words, numbers aside, at least :data:`RECALLED_TITLE_MIN`
  alike): a renamed series, "Freedom of religion or belief" (A/RES/78/212),
  "Freedom of religion and belief" (A/RES/79/174);
- resolutions under the same agenda item, the title of which the masthead prints
  (``agenda_title``): where the later recalls the earlier and their titles are
  :data:`AGENDA_RECALLED_TITLE_MIN` alike ("Nuclear disarmament verification",
  "Group of Scientific and Technical Experts on Nuclear Disarmament
  Verification"), or where one title holds every word of the other ("Working
  Capital Fund for 2024", "… for 2025").

An agenda item alone does not make a series: the questions of Anguilla and of
Bermuda stand under the same item and share most of their paragraphs, yet are two
series.  Nor do two series join that both have a resolution in one session ("Special
subjects" and "Questions relating to the proposed programme budget" recall each
other every year): a renamed series goes on under its new title, it does not run
beside the old one.  What ties each resolution to its series is said
(:attr:`SeriesEntry.joined`).

Each resolution is compared with the one before it: its preambular, operative and
annex paragraphs are paired one to one with the predecessor's paragraphs of the
same kind, the closest pairs first (:func:`search.wording.similarity` on the words
as written, case and accents aside).  A pair must share at least :data:`PAIR_MIN`
of their words in order; a paragraph left without a counterpart is ``new``, a
predecessor's paragraph left over is ``dropped``.

The titles are read once per searcher (the stored fields of each document's title
paragraph), the series are worked out from them the first time one is asked for,
and each pair of documents is compared once and kept with the documents'
paragraphs, so a repeated question costs next to nothing.
"""

from __future__ import annotations

import math
import re
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, TypeVar

from rapidfuzz import process
from rapidfuzz.distance import Indel

from .engine import startup as _startup  # noqa: F401  (before Whoosh: see search/engine/startup.py)

# isort: split
from whoosh import query as wq

from . import symbols
from .analysis import fold, tokens
from .errors import NotFoundError
from .hits import Passage
from .languages import chain_name
from .wording import ADDED, Wording, diff, wording

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

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
    predecessor's (the first of a series has every paragraph ``new``).  ``joined``
    says what ties it to the series: ``same title as A/RES/…``, ``recalls A/RES/…``
    (its preamble cites that earlier resolution, whose title is close), ``same
    agenda item as A/RES/…`` (an earlier resolution whose title it holds, or that
    holds its), or nothing for a resolution the others are tied to."""

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
    joined: str = ""


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


_T = TypeVar("_T", bound="DataclassInstance")


def _from_passage(cls: type[_T], p: Passage, **values: Any) -> _T:
    """A ``cls`` with ``values``, and the passage ``p``'s own for its other fields."""
    taken = {f.name for f in fields(cls)} - values.keys()
    return cls(**{name: getattr(p, name) for name in taken}, **values)


def series(ix: Index, symbol: str) -> list[SeriesEntry]:
    """Every resolution of ``symbol``'s series, in session order, with its counts."""
    docs = _series_documents(ix, symbol)
    joined = _series(ix).joined
    out = []
    for i, doc in enumerate(docs):
        compared = [p for p in doc if p.kind in COMPARED]
        pairing = _pair(ix, docs[i - 1], doc) if i else _Pairing({}, ())
        counts = {UNCHANGED: 0, AMENDED: 0, NEW: 0}
        for p in compared:
            counts[_status(pairing.old.get(p.paragraph))] += 1
        first = doc[0]
        out.append(
            _from_passage(
                SeriesEntry,
                first,
                paragraphs=len(compared),
                unchanged=counts[UNCHANGED],
                amended=counts[AMENDED],
                new=counts[NEW],
                dropped=len(pairing.dropped),
                joined=joined.get((symbols.normalize(first.symbol), first.lang), ""),
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
        ops: tuple[tuple[str, str], ...]
        if previous is None:
            sim, status, ops = 0.0, NEW, ((ADDED, p.text),)
        else:
            sim = _pair(ix, docs[i - 1], docs[i]).old[current][1]
            status = _status((previous.paragraph, sim))
            ops = diff(_words(previous.text), _words(p.text))
        out.append(_from_passage(ParagraphVersion, p, similarity=sim, status=status, diff=ops))
        previous = p
    return out


def _status(pair: tuple[str, float] | None) -> str:
    if pair is None:
        return NEW
    return UNCHANGED if pair[1] >= 1.0 else AMENDED


def _words(text: str) -> Wording:
    return wording(text, "xx", exact=True)


# -- the series ---------------------------------------------------------------------

#: How much of their titles' words (stemmed, numbers left out: Jaccard, 0 to 1) two
#: resolutions of a series share at least, when the later one recalls the earlier in
#: its preamble: "Follow-up to the Second/Third United Nations Conference on
#: Landlocked Developing Countries", but not "Special subjects relating to the
#: proposed programme budget" and "Questions relating to the proposed programme
#: budget" (0.57).
RECALLED_TITLE_MIN = 0.6
#: The same, when they are also adopted under the same agenda item: "Nuclear
#: disarmament verification" and "Group of Scientific and Technical Experts on
#: Nuclear Disarmament Verification" (0.43), but not "Rights of the child" and "The
#: girl child" (0.33).
AGENDA_RECALLED_TITLE_MIN = 0.35
#: The same, for two resolutions under the same agenda item where neither recalls
#: the other: one title must also hold every word of the other.
AGENDA_TITLE_MIN = 0.5


@dataclass(frozen=True)
class _Member:
    """A resolution as its series sees it: read from its title paragraph."""

    key: str  # normalised symbol
    symbol: str
    lang: str
    session: int
    title: str
    agenda: str  # its agenda item's title as compared, "" where the document has none
    words: frozenset[str]  # its title's analysed words, numbers left out


@dataclass(frozen=True)
class _Series:
    """Each resolution's series, and how it is tied to it."""

    of: dict[tuple[str, str], tuple[_Member, ...]]  # (normalised symbol, lang) -> series
    joined: dict[tuple[str, str], str]


@dataclass
class _State:
    """Per searcher: the title paragraphs' fields, the series once asked for, and
    the documents and pairings read so far."""

    titles: list[dict[str, Any]]
    names: dict[str, str]  # normalised symbol -> title
    series: _Series | None = None
    pairs: dict[tuple[str, str, str], _Pairing] = field(default_factory=dict)
    docs: dict[tuple[str, str], list[Passage]] = field(default_factory=dict)


_CACHE: weakref.WeakKeyDictionary[object, _State] = weakref.WeakKeyDictionary()


def _state(ix: Index) -> _State:
    s = ix.searcher()
    state = _CACHE.get(s)
    if state is None:
        found = [s.stored_fields(d) for d in s.docs_for_query(wq.Term("kind", "title"))]
        names: dict[str, str] = {}
        for f in found:
            names.setdefault(symbols.normalize(f["symbol"]), f.get("title", ""))
        state = _CACHE[s] = _State(found, names)
    return state


def titles(ix: Index) -> dict[str, str]:
    """The title of each indexed document with a title paragraph, by normalised symbol."""
    return _state(ix).names


def _series(ix: Index) -> _Series:
    state = _state(ix)
    if state.series is None:
        state.series = _build(ix.searcher(), state.titles)
    return state.series


def _member(f: dict[str, Any]) -> _Member:
    lang, title = f["lang"], f.get("title", "")
    agenda = title_key(f.get("agenda_title", "")).split()
    return _Member(
        key=symbols.normalize(f["symbol"]),
        symbol=f["symbol"],
        lang=lang,
        session=int(f.get("session") or 0),
        title=title,
        agenda=" ".join(w for w in agenda if not w.isdigit()),
        words=frozenset(w for w in tokens(chain_name(lang), title) if not _has_digit(w)),
    )


def _has_digit(word: str) -> bool:
    return any(c.isdigit() for c in word)


def _build(s: Any, found: list[dict[str, Any]]) -> _Series:
    """Every resolution's series, from the fields of the title paragraphs.

    Resolutions with the same title (:func:`title_key`) start in one series; two
    series then join where a resolution of one is *kin* to an earlier one of the
    other (:func:`_kin`), the closest titles first, unless both series have a
    resolution in the same session: a renamed series goes on under its new title,
    it does not run beside the old one.
    """
    groups: dict[tuple[str, str], list[_Member]] = {}
    for f in found:
        if same := title_key(f.get("title", "")):
            groups.setdefault((same, f["lang"]), []).append(_member(f))
    group_of = {(m.key, m.lang): g for g, ms in groups.items() for m in ms}
    parent = {g: g for g in groups}
    sessions = {g: {m.session for m in ms} for g, ms in groups.items()}

    def root(g: tuple[str, str]) -> tuple[str, str]:
        while parent[g] != g:
            parent[g] = parent[parent[g]]
            g = parent[g]
        return g

    cited: dict[str, set[tuple[str, str]]] = {}
    links = []
    for later, earlier in _candidates([m for ms in groups.values() for m in ms]):
        apart = group_of[later.key, later.lang] != group_of[earlier.key, earlier.lang]
        if apart and (kin := _kin(s, later, earlier, cited)):
            close = _jaccard(later.words, earlier.words)
            links.append((-close, later.key, earlier.key, later, earlier, kin))
    joined: dict[tuple[str, str], str] = {}
    for *_, later, earlier, kin in sorted(links, key=lambda link: link[:3]):
        a, b = root(group_of[later.key, later.lang]), root(group_of[earlier.key, earlier.lang])
        if a != b and not sessions[a] & sessions[b]:
            parent[b] = a
            sessions[a] |= sessions.pop(b)
        if root(b) == a:
            joined.setdefault((later.key, later.lang), kin)
    series: dict[tuple[str, str], list[_Member]] = {}
    for g, ms in groups.items():
        series.setdefault(root(g), []).extend(ms)
    of: dict[tuple[str, str], tuple[_Member, ...]] = {}
    for ms in series.values():
        ordered = tuple(sorted(ms, key=_order))
        for m in ordered:
            of[m.key, m.lang] = ordered
            # else the same title as the resolution before it, or the one after
            alike = [x for x in ordered if group_of[x.key, x.lang] == group_of[m.key, m.lang]]
            i = alike.index(m)
            if (m.key, m.lang) not in joined and len(alike) > 1:
                joined[m.key, m.lang] = f"same title as {alike[i - 1 if i else 1].symbol}"
    return _Series(of, joined)


def _candidates(members: list[_Member]) -> Iterator[tuple[_Member, _Member]]:
    """Pairs (later, earlier) of resolutions of one language in different sessions
    that may be kin: under the same agenda item, or with titles that share at least
    :data:`RECALLED_TITLE_MIN` of their words (found by the rarest words of each,
    as similarity joins do: two sets that close must share one of them)."""
    seen: set[tuple[str, str, str]] = set()

    def pair(x: _Member, y: _Member) -> Iterator[tuple[_Member, _Member]]:
        if x.lang != y.lang or x.session == y.session:
            return
        later, earlier = (x, y) if x.session > y.session else (y, x)
        if (later.key, earlier.key, later.lang) not in seen:
            seen.add((later.key, earlier.key, later.lang))
            yield later, earlier

    by_agenda: dict[tuple[str, str], list[_Member]] = {}
    for m in members:
        if m.agenda:
            by_agenda.setdefault((m.agenda, m.lang), []).append(m)
    for same in by_agenda.values():
        for i, x in enumerate(same):
            for y in same[i + 1 :]:
                yield from pair(x, y)
    counts: dict[str, int] = {}
    for m in members:
        for w in m.words:
            counts[w] = counts.get(w, 0) + 1
    by_word: dict[str, list[_Member]] = {}
    for m in members:
        rare = sorted(m.words, key=lambda w: (counts[w], w))
        for w in rare[: len(rare) - math.ceil(RECALLED_TITLE_MIN * len(rare)) + 1]:
            for other in by_word.get(w, ()):
                yield from pair(m, other)
            by_word.setdefault(w, []).append(m)


def _kin(s: Any, later: _Member, earlier: _Member, cited: dict[str, set[tuple[str, str]]]) -> str:
    """How ``later`` continues ``earlier``'s series, or "" if it does not: it
    ``recalls`` it (cites it in its preamble) with a close title, or both stand
    under the same agenda item with titles closer still."""
    close = _jaccard(later.words, earlier.words)
    agenda = bool(later.agenda) and later.agenda == earlier.agenda
    least = AGENDA_RECALLED_TITLE_MIN if agenda else RECALLED_TITLE_MIN
    if close >= least and (later.key, later.lang) in _recalled_by(s, earlier, cited):
        return f"recalls {earlier.symbol}"
    smaller = min(len(later.words), len(earlier.words))
    if agenda and close >= AGENDA_TITLE_MIN and len(later.words & earlier.words) == smaller:
        return f"same agenda item as {earlier.symbol}"
    return ""


def _recalled_by(
    s: Any, earlier: _Member, seen: dict[str, set[tuple[str, str]]]
) -> set[tuple[str, str]]:
    """The resolutions (normalised symbol, language) whose preamble cites ``earlier``."""
    found = seen.get(earlier.key)
    if found is None:
        found = seen[earlier.key] = set()
        for docnum in s.docs_for_query(wq.Term("cites", earlier.key)):
            f = s.stored_fields(docnum)
            if f.get("kind") == "pp":
                found.add((symbols.normalize(f["symbol"]), f["lang"]))
    return found


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def title_key(title: str) -> str:
    """A title as compared across sessions.

    >>> title_key("South-South cooperation")
    'south south cooperation'
    >>> title_key("Coopération  Sud-Sud.")
    'cooperation sud sud'
    """
    return " ".join(re.findall(r"\w+", fold(title.lower())))


def _order(member: _Member) -> tuple[int, int, str]:
    number = re.findall(r"\d+", member.symbol)
    return (member.session, int(number[-1]) if number else 0, member.symbol)


def _series_documents(ix: Index, symbol: str) -> list[list[Passage]]:
    """The paragraphs of each resolution in ``symbol``'s series, in session order."""
    of = _series(ix).of
    wanted = symbols.normalize(symbol)
    # the first language in order, as Index.document gives them
    found = min((key for key in of if key[0] == wanted), default=None)
    if found is None:  # a document without a title paragraph: a series of its own
        own = ix.document(symbol)  # NotFoundError for an unknown symbol
        return [[p for p in own if p.lang == own[0].lang]]
    docs = _state(ix).docs
    return [_document(ix, docs, m.symbol, m.lang) for m in of[found]]


def _document(
    ix: Index, docs: dict[tuple[str, str], list[Passage]], symbol: str, lang: str
) -> list[Passage]:
    found = docs.get((symbol, lang))
    if found is None:
        if len(docs) >= DOCUMENTS_KEPT:
            docs.clear()
        found = docs[symbol, lang] = ix.document(symbol, lang)
    return found


def _pair(ix: Index, old: list[Passage], new: list[Passage]) -> _Pairing:
    cache = _state(ix).pairs
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


def _similarities(a: list[Passage], b: list[Passage]) -> list[list[float]]:
    encoded_a = [_words(p.text).encoded for p in a]
    encoded_b = [_words(p.text).encoded for p in b]
    scores: list[list[float]] = process.cdist(
        encoded_a, encoded_b, scorer=Indel.normalized_similarity
    ).tolist()
    return scores
