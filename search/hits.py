"""Hits: what a search returns, with citations and the offsets of matched words.

Matched words are found again in the stored paragraph text by running the same
analysis chain with character offsets, so the offsets point into the clean text a
user reads, accents and all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from .analysis import ELISION, POSSESSIVE, ChainSpec, char_tokens, fold
from .engine.phrases import token_spans
from .fields import Proceedings
from .languages import CitationWords, citation_words
from .query import Phrase, Prefix, Word, analyze
from .symbols import INSTRUMENTS
from .twins import Twin


@dataclass(frozen=True)
class _PassageHead:
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


@dataclass(frozen=True)
class Passage(Proceedings, _PassageHead):
    """A paragraph as stored in the index, with its document's metadata: the fields of
    its head, its :class:`~search.fields.Proceedings`, then its twins."""

    #: the paragraph in other languages, when asked for (``also``): its twins
    #: (:class:`~search.twins.Twin`) by language
    parallel: dict[str, Twin] = field(default_factory=dict, hash=False, compare=False)


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
    """A copy-ready citation of a paragraph, the way UN documents cite each other,
    in the paragraph's language (the words are in :mod:`search.languages`).

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

    In Spanish, Russian, Arabic and Chinese, the same three paragraphs:

    >>> for lang in ("es", "ru", "ar", "zh"):
    ...     print(*(citation("A/RES/58/220", p, lang) for p in ("OP9(a)", "PP3", "FN6")), sep=" | ")
    A/RES/58/220, párr. 9 a) | A/RES/58/220, tercer párrafo del preámbulo | A/RES/58/220, nota 6
    A/RES/58/220, п. 9 a) | A/RES/58/220, пункт 3 преамбулы | A/RES/58/220, сноска 6
    A/RES/58/220، الفقرة 9 (a) | A/RES/58/220، الفقرة 3 من الديباجة | A/RES/58/220، الحاشية 6
    A/RES/58/220，第9段(a) | A/RES/58/220，序言部分第3段 | A/RES/58/220，脚注6
    >>> citation("A/RES/217A(III)", "ART21(2)", "es"), citation("A/RES/217A(III)", "ART21(2)", "zh")
    ('A/RES/217A(III), art. 21, párr. 2', 'A/RES/217A(III)，第21条第2款')

    Documents known by a name (:data:`search.symbols.INSTRUMENTS`) are cited by it,
    their articles in full:

    >>> citation("CHARTER", "ART2(4)", "fr")
    'Charte des Nations Unies, Article 2, par. 4'
    >>> citation("CHARTER", "ART13(1)(a)", "en")
    'Charter of the United Nations, Article 13, para. 1 (a)'
    >>> citation("CHARTER", "ART2(4)", "ru"), citation("CHARTER", "ART2(4)", "zh")
    ('Устав Организации Объединенных Наций, статья 2, п. 4', '联合国宪章，第2条第4段')
    >>> print(citation("CHARTER", "ART2(4)", "ar"), "|", citation("CHARTER", "CH7", "ar"))
    ميثاق الأمم المتحدة، المادة 2، الفقرة 4 | ميثاق الأمم المتحدة، الفصل 7
    >>> citation("CHARTER", "CH7", "es"), citation("CHARTER", "PP2", "en")
    ('Carta de las Naciones Unidas, Capítulo VII', 'Charter of the United Nations, second preambular paragraph')
    """
    words = citation_words(lang)
    named = INSTRUMENTS.get(symbol)
    if named:
        return _named_citation(named.get(lang) or named["en"], label, lang)
    sep, join = words.sep, words.join
    scoped = re.fullmatch(r"(?P<scope>[A-Z]+)\.(?P<rest>.+)", label)
    if scoped:
        scope, rest = scoped.group("scope"), scoped.group("rest")
        if re.fullmatch(r"[IVXL]+", scope):  # a section of the resolution
            inner = citation("", rest, lang).removeprefix(sep)
            return f"{symbol}{sep}{words.section.format(scope)}{join}{inner}"
        return citation(f"{symbol} {scope}", rest, lang)  # part A, B … of the resolution
    article = re.fullmatch(r"AN(?P<annex>\d*)-(?P<kind>ART|R)(?P<num>\d+)(?P<subs>.*)", label)
    if article:
        annex = words.annex + (
            f" {_roman(int(article.group('annex')))}" if article.group("annex") else ""
        )
        unit = words.article if article.group("kind") == "ART" else words.rule
        numbered = unit.format(article.group("num"))
        return f"{symbol}{sep}{annex}{join}{numbered}{_subs(article.group('subs'), words)}"
    m = re.fullmatch(r"(?P<kind>[A-Z]+)(?P<num>\d+)(?P<subs>(?:\([^)]+\))*)", label)
    if label == "T":
        return f"{symbol}{sep}{words.title}"
    if m is None:
        return _annex_citation(symbol, label, words)
    kind, num, subs = m.group("kind"), int(m.group("num")), m.group("subs")
    subs_text = _subs(subs, words)
    if kind == "PP":
        return f"{symbol}{sep}{words.preambular.format(words.ordinal(num))}"
    if kind == "FN":
        return f"{symbol}{sep}{words.footnote.format(num)}"
    if kind == "AN":
        return f"{symbol}{sep}{words.annex}{join}{words.para.format(num)}{subs_text}"
    if kind == "ART":
        parts = re.findall(r"\(([^)]+)\)", subs)
        if words.article_item and parts:
            item = words.article_item.format(parts[0])
            rest = _subs("".join(f"({p})" for p in parts[1:]), words)
            return f"{symbol}{sep}{words.article.format(num)}{join}{item}{rest}"
        return f"{symbol}{sep}{words.article.format(num)}{subs_text}"
    return f"{symbol}{sep}{words.para.format(num)}{subs_text}"  # OP, any other numbered label


def _named_citation(name: str, label: str, lang: str) -> str:
    """A paragraph of a document known by name: "Charter of the United Nations,
    Article 2, para. 4", "…, Chapter VII"; other labels as a resolution's."""
    words = citation_words(lang)
    m = re.fullmatch(r"(?P<kind>ART|CH)(?P<num>\d+)(?P<subs>(?:\([^)]+\))*)", label)
    if m is None:
        return citation(name, label, lang) if label[:1].isalpha() and label != "CL" else name
    kind, num, subs = m.group("kind"), int(m.group("num")), m.group("subs")
    if kind == "CH":
        return (
            f"{name}{words.sep}{words.chapter.format(_roman(num) if words.roman_chapters else num)}"
        )
    out = f"{name}{words.sep}{words.article_full.format(num)}"
    parts = re.findall(r"\(([^)]+)\)", subs)
    if parts and parts[0].isdigit():
        out += words.join + words.para.format(parts[0])
        parts = parts[1:]
    return out + _subs("".join(f"({p})" for p in parts), words)


def _annex_citation(symbol: str, label: str, words: CitationWords) -> str:
    # AN2.5 (annex II, para. 5), AN-P3 / AN2-P3 (unnumbered), AN-H1 (heading)
    m = re.fullmatch(r"AN(?P<annex>\d+)?(?:\.(?P<num>\d+)(?P<subs>(?:\([^)]+\))*)|-.*)", label)
    if m is None:
        return f"{symbol}{words.sep}{label}"
    annex = words.annex
    if m.group("annex"):
        annex += f" {_roman(int(m.group('annex')))}"
    if m.group("num"):
        subs = _subs(m.group("subs"), words)
        return f"{symbol}{words.sep}{annex}{words.join}{words.para.format(m.group('num'))}{subs}"
    return f"{symbol}{words.sep}{annex}"


def _subs(subs: str, words: CitationWords) -> str:
    parts = re.findall(r"\(([^)]+)\)", subs or "")
    if not parts:
        return ""
    return words.sub_sep + words.sub_sep.join(words.sub.format(p) for p in parts)


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += letters
            n -= value
    return out


def find_matches(
    text: str, chain: str | ChainSpec, leaves: Sequence[Word | Phrase | Prefix]
) -> tuple[tuple[int, int], ...]:
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
    toks = char_tokens(chain)(text)
    if not toks:
        return ()
    if "'" in text or "’" in text:  # a word's span leaves out its elision or possessive
        toks = [(t, pos, *_word_span(text, a, b)) for t, pos, a, b in toks]
    spans: set[tuple[int, int]] = set()
    wanted: set[str] = set()  # the terms of the words marked wherever they stand
    words_cache: list[str] | None = None
    seq: list[tuple[str, int]] | None = None
    by_pos: dict[int, tuple[int, int]] = {}
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
            wanted.update(t for t, _ in terms)
            continue
        slop = leaf.slop if isinstance(leaf, Phrase) else 0
        if seq is None:
            seq = [(t, pos) for t, pos, _, _ in toks]
            by_pos = {pos: (start, end) for _, pos, start, end in toks}
        for first, last in token_spans(seq, terms, slop):
            spans.update(by_pos[p] for p in range(first, last + 1) if p in by_pos)
    if wanted:
        spans.update((s, e) for t, _, s, e in toks if t in wanted)
    return _merged(sorted(spans))


def _merged(spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Overlapping spans as one (Chinese bigrams overlap: 联合 and 合国 mark 联合国).

    >>> _merged([(0, 2), (1, 3), (5, 7)])
    ((0, 3), (5, 7))
    """
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return tuple(out)


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


_H = TypeVar("_H", bound=Hit)


class HitList(list[_H]):
    """Hits, best first; ``partial`` is true when a time limit cut the search short."""

    partial: bool = False
