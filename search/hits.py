"""Hits: what a search returns, with citations and the offsets of matched words.

Matched words are found again in the stored paragraph text by running the same
analysis chain with character offsets, so the offsets point into the clean text a
user reads, accents and all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .analysis import ELISION, POSSESSIVE, char_tokens, fold
from .languages import CitationWords, citation_words
from .query import Phrase, Prefix, Word, analyze, phrase_starts, sequence_starts


@dataclass(frozen=True)
class Passage:
    """A paragraph as stored in the index, with its document's metadata."""

    symbol: str
    paragraph: str
    kind: str
    lang: str
    title: str
    date: str
    session: int | None
    text: str
    citation: str
    source: str
    order: int = 0
    parent: str = ""
    notes: tuple[str, ...] = ()
    distributed: str = ""
    meeting: str = ""
    agenda_item: str = ""
    committee: str = ""
    report: str = ""


@dataclass(frozen=True)
class Hit(Passage):
    """A ranked search result: a passage, its score and the ``[start, end)`` character
    offsets of the matched words in ``text``.  ``context`` holds neighbouring
    paragraphs when asked for, and ``chapeau`` the text of the paragraph a
    sub-paragraph belongs to."""

    score: float = 0.0
    matches: tuple[tuple[int, int], ...] = ()
    chapeau: str = ""
    context: tuple[Passage, ...] = field(default=())


_SUB = re.compile(r"^(?P<prefix>[A-Z]+[\d.]*-?)(?P<num>\d+)?(?P<subs>(?:\([^)]+\))*)$")


def citation(symbol: str, label: str, lang: str) -> str:
    """A copy-ready citation of a paragraph, the way UN documents cite each other.

    >>> citation("A/RES/58/220", "OP4", "fr")
    'A/RES/58/220, par. 4'
    >>> citation("A/RES/80/7", "OP4", "en")
    'A/RES/80/7, para. 4'
    >>> citation("A/RES/80/7", "OP9(a)", "en")
    'A/RES/80/7, para. 9 (a)'
    >>> citation("A/RES/58/220", "OP9(a)", "fr")
    'A/RES/58/220, par. 9 a)'
    >>> citation("A/RES/58/220", "PP3", "fr")
    'A/RES/58/220, troisième alinéa du préambule'
    >>> citation("A/RES/80/7", "PP2", "en")
    'A/RES/80/7, second preambular paragraph'
    >>> citation("A/RES/58/220", "FN6", "fr")
    'A/RES/58/220, note 6'
    >>> citation("A/RES/78/1", "AN5", "en")
    'A/RES/78/1, annex, para. 5'
    >>> citation("A/RES/217A(III)", "ART21(2)", "en")
    'A/RES/217A(III), art. 21 (2)'
    >>> citation("A/RES/217A(III)", "ART21(2)", "fr")
    'A/RES/217A(III), art. 21, par. 2'
    >>> citation("A/RES/78/247", "II.OP3", "en")
    'A/RES/78/247, sect. II, para. 3'
    >>> citation("A/RES/78/100", "B.PP2", "en")
    'A/RES/78/100 B, second preambular paragraph'
    >>> citation("A/RES/78/128", "AN-ART5(1)", "en")
    'A/RES/78/128, annex, art. 5 (1)'
    """
    words = citation_words(lang)
    scoped = re.fullmatch(r"(?P<scope>[A-Z]+)\.(?P<rest>.+)", label)
    if scoped:
        scope, rest = scoped.group("scope"), scoped.group("rest")
        if re.fullmatch(r"[IVXL]+", scope):  # a section of the resolution
            inner = citation("", rest, lang).removeprefix(", ")
            return f"{symbol}, sect. {scope}, {inner}"
        return citation(f"{symbol} {scope}", rest, lang)  # part A, B … of the resolution
    article = re.fullmatch(r"AN(?P<annex>\d*)-(?P<kind>ART|R)(?P<num>\d+)(?P<subs>.*)", label)
    if article:
        annex = words.annex + (
            f" {_roman(int(article.group('annex')))}" if article.group("annex") else ""
        )
        unit = "art." if article.group("kind") == "ART" else words.rule
        return (
            f"{symbol}, {annex}, {unit} {article.group('num')}{_subs(article.group('subs'), words)}"
        )
    m = re.fullmatch(r"(?P<kind>[A-Z]+)(?P<num>\d+)(?P<subs>(?:\([^)]+\))*)", label)
    if label == "T":
        return f"{symbol}, {words.title}"
    if m is None:
        return _annex_citation(symbol, label, words)
    kind, num, subs = m.group("kind"), int(m.group("num")), m.group("subs")
    subs_text = _subs(subs, words)
    if kind == "PP":
        return f"{symbol}, {words.preambular.format(words.ordinal(num))}"
    if kind == "FN":
        return f"{symbol}, {words.footnote} {num}"
    if kind == "AN":
        return f"{symbol}, {words.annex}, {words.para} {num}{subs_text}"
    if kind == "ART":
        if words.article_item and subs:
            return f"{symbol}, art. {num}, {words.article_item} {subs.strip('()')}"
        return f"{symbol}, art. {num}{subs_text}"
    return f"{symbol}, {words.para} {num}{subs_text}"  # OP, and any other numbered label


def _annex_citation(symbol: str, label: str, words: CitationWords) -> str:
    # AN2.5 (annex II, para. 5), AN-P3 / AN2-P3 (unnumbered), AN-H1 (heading)
    m = re.fullmatch(r"AN(?P<annex>\d+)?(?:\.(?P<num>\d+)(?P<subs>(?:\([^)]+\))*)|-.*)", label)
    if m is None:
        return f"{symbol}, {label}"
    annex = words.annex
    if m.group("annex"):
        annex += f" {_roman(int(m.group('annex')))}"
    if m.group("num"):
        subs = _subs(m.group("subs"), words)
        return f"{symbol}, {annex}, {words.para} {m.group('num')}{subs}"
    return f"{symbol}, {annex}"


def _subs(subs: str, words: CitationWords) -> str:
    parts = re.findall(r"\(([^)]+)\)", subs or "")
    if not parts:
        return ""
    return " " + " ".join(words.sub.format(p) for p in parts)


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += letters
            n -= value
    return out


def find_matches(text: str, chain: str, leaves: list) -> tuple[tuple[int, int], ...]:
    """Character spans in ``text`` of the query's words, phrases and prefixes.

    A phrase is marked only where it occurs as a phrase.

    >>> text = "la coopération Sud-Sud et la coopération triangulaire"
    >>> spans = find_matches(text, "fr", [Phrase("coopération triangulaire")])
    >>> [text[a:b] for a, b in spans]
    ['coopération', 'triangulaire']
    >>> text = "l’Assemblée générale et les États"
    >>> [text[a:b] for a, b in find_matches(text, "fr", [Word("assemblee")])]
    ['Assemblée']
    """
    toks = [(t, pos, *_word_span(text, a, b)) for t, pos, a, b in char_tokens(chain)(text)]
    if not toks:
        return ()
    by_pos = {pos: (start, end) for _, pos, start, end in toks}
    spans: set[tuple[int, int]] = set()
    words_cache: list[str] | None = None
    for leaf in leaves:
        if isinstance(leaf, Prefix):
            if words_cache is None:
                words_cache = [fold(text[s:e].lower()) for _, _, s, e in toks]
            prefix = fold(leaf.text.lower())
            spans.update(
                (s, e)
                for w, (_, _, s, e) in zip(words_cache, toks, strict=True)
                if w.startswith(prefix)
            )
            continue
        terms = analyze(chain, leaf.text)
        if not terms:
            continue
        if len(terms) == 1 or (isinstance(leaf, Word) and not _is_compound(leaf.text)):
            wanted = {t for t, _ in terms}
            spans.update((s, e) for t, _, s, e in toks if t in wanted)
            continue
        first = terms[0][1]
        offsets = [p - first for _, p in terms]
        slop = leaf.slop if isinstance(leaf, Phrase) else 0
        if slop:
            positions: dict[str, set[int]] = {}
            for t, pos, _, _ in toks:
                positions.setdefault(t, set()).add(pos)
            sets = [positions.get(t, set()) for t, _ in terms]
            for span in phrase_starts(sets, offsets, slop):
                spans.update(by_pos[p] for p in range(span.start, span.end + 1) if p in by_pos)
            continue
        seq = [(t, pos) for t, pos, _, _ in toks]
        for i in sequence_starts(seq, terms):
            spans.update((toks[i + k][2], toks[i + k][3]) for k in range(len(terms)))
    return tuple(sorted(spans))


def _word_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the word itself, without an elided article or a possessive:
    "l'Assemblée" marks "Assemblée", "Secretary-General's" marks "General"."""
    word = text[start:end]
    if "'" in word or "’" in word:
        m = ELISION.match(word)
        if m:
            start += m.end()
        m = POSSESSIVE.search(text, start, end)
        if m:
            end = m.start()
    return start, end


def _is_compound(text: str) -> bool:
    return len(analyze("xx", text)) > 1


def proximity(text: str, matches: tuple[tuple[int, int], ...]) -> float:
    """A bonus in [0, 1] for the query's words standing close together: the share of
    the shortest stretch of ``text`` holding every matched word that those words fill.

    >>> text = "coopération triangulaire et, plus loin, triangulaire puis coopération"
    >>> round(proximity(text, ((0, 11), (12, 24), (40, 52), (58, 69))), 2)
    0.96
    """
    words = [text[a:b].lower() for a, b in matches]
    wanted = len(set(words))
    if wanted < 2:
        return 0.0
    best = 0.0
    counts: dict[str, int] = {}
    left = 0
    for right, word in enumerate(words):
        counts[word] = counts.get(word, 0) + 1
        while len(counts) == wanted:
            span = matches[right][1] - matches[left][0]
            filled = sum(b - a for a, b in matches[left : right + 1])
            best = max(best, min(1.0, filled / span))
            counts[words[left]] -= 1
            if not counts[words[left]]:
                del counts[words[left]]
            left += 1
    return best


class HitList(list):
    """Hits, best first; ``partial`` is true when a time limit cut the search short."""

    partial: bool = False
