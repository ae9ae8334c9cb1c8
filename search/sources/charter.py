"""Reader for the Charter of the United Nations as plain text, in the six official languages.

The text comes as published: the preamble a line a paragraph, chapter headings
("Chapter I: Purposes and Principles", "第一章：宗旨及原则", "الفصل الأول: …"),
section headings ("COMPOSITION", "组织"), article headings ("Article 2",
"Artículo 2", "Статья 2", "المادة 2", "第二条"), then the article's paragraphs a
line each.  Only the Chinese text kept the paragraph numbers (一、 二、) and the
sub-paragraph letters ((子) (丑)); the others lost them.  :data:`STRUCTURE` holds
the numbering of every article as the Chinese text gives it; the paragraphs of
the other versions are numbered by their order inside the article along it, and
a version whose article has another number of lines is numbered by order alone
(``tests/test_charter.py`` checks that the six versions agree with it).

Labels, as the Declaration's:

==============  ===============================================================
``PP1`` …       preambular paragraphs
``CH1`` …       chapter headings (``CH7``: Chapter VII)
``H1`` …        section headings inside chapters ("Composition", "Voting" …)
``ART3``        an article of one paragraph, or the opening words of an article
                whose paragraphs are numbered (``ART1``: "The Purposes of the
                United Nations are:")
``ART2(4)``     a numbered paragraph; ``ART13(1)(a)``, ``ART55(a)`` sub-paragraphs
``CL``          the closing formula ("In faith whereof … Done at San Francisco …")
==============  ===============================================================

The document's id is ``CHARTER`` (see :data:`search.symbols.INSTRUMENTS`).
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from ..documents import Document
from ..symbols import INSTRUMENTS
from .common import Paragraphs, instrument

SYMBOL = "CHARTER"
ARTICLES = 111

#: The paragraphs of each article, in order: ``-`` an unnumbered paragraph (the
#: article's only one, or its opening words), a digit a numbered paragraph, a
#: letter a sub-paragraph of the one before.  Read from the Chinese text, which
#: kept its numbers (一、 二、, (子) (丑)); the structure of the Charter since its
#: amendments of 1963–1973.
STRUCTURE = dict(
    (int(a), spec)
    for a, spec in (
        item.split(":")
        for item in """
    1:-1234 2:-1234567 3:- 4:12 5:- 6:- 7:12 8:- 9:12 10:- 11:1234 12:12 13:1ab2 14:-
    15:12 16:- 17:123 18:123 19:- 20:- 21:- 22:- 23:123 24:123 25:- 26:- 27:123 28:123
    29:- 30:- 31:- 32:- 33:12 34:- 35:123 36:123 37:12 38:- 39:- 40:- 41:- 42:- 43:123
    44:- 45:- 46:- 47:1234 48:12 49:- 50:- 51:- 52:1234 53:12 54:- 55:-abc 56:- 57:12
    58:- 59:- 60:- 61:1234 62:1234 63:12 64:12 65:- 66:123 67:12 68:- 69:- 70:- 71:-
    72:12 73:-abcde 74:- 75:- 76:-abcd 77:1abc2 78:- 79:- 80:12 81:- 82:- 83:123 84:-
    85:12 86:1abc2 87:-abcd 88:- 89:12 90:12 91:- 92:- 93:12 94:12 95:- 96:12 97:- 98:-
    99:- 100:12 101:123 102:12 103:- 104:- 105:123 106:- 107:- 108:- 109:123 110:1234
    111:-
    """.split()
    )
)

_ZH_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}
_ARTICLE = re.compile(
    r"^(?:Article|Artículo|Статья|المادة)\s+(?P<num>\d{1,3})$|^第(?P<zh>[一二三四五六七八九十百〇零]+)条$"
)
_ARTICLE_WORDS = ("Article", "Artículo", "Статья", "المادة", "条")
_CHAPTER = re.compile(
    r"(?i)^(?:Chapter|Chapitre|Capítulo|Глава|الفصل)\s+\S+.*?[:：]|^第[一二三四五六七八九十]+章[:：]"
)
# Chinese numbers and letters: 一、 … paragraphs, (子) (丑) … sub-paragraphs
_ZH_PARAGRAPH = re.compile(r"^(?P<num>[一二三四五六七八九十]+)、\s*")
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_ZH_SUB = re.compile(rf"^[(（](?P<branch>[{_BRANCHES}])[)）]\s*")
# at most this many lines of a first article heading's page open the Charter
_OPENING = 40


def is_charter(text: str) -> bool:
    """Whether ``text`` is the Charter: its 111 article headings, in order, after
    a chapter heading.

    >>> is_charter("Chapter I: Purposes\\nArticle 1\\nThe Purposes …")
    False
    """
    # each heading has one of the words of _ARTICLE: most texts have too few of them
    if sum(map(text.count, _ARTICLE_WORDS)) < ARTICLES:
        return False
    numbers = [_article_number(m) for m in _iter_articles(text)]
    return numbers == list(range(1, ARTICLES + 1))


def _iter_articles(text: str):
    for line in text.splitlines():
        m = _ARTICLE.match(_clean(line))
        if m:
            yield m


def _article_number(m: re.Match) -> int:
    return int(m.group("num")) if m.group("num") else _zh_number(m.group("zh"))


def _zh_number(text: str) -> int:
    """A Chinese numeral as an integer: 一百一十一 → 111.

    >>> _zh_number("一百一十一"), _zh_number("十三"), _zh_number("二十"), _zh_number("一百零一")
    (111, 13, 20, 101)
    """
    total = digit = 0
    for ch in text:
        if ch == "十":
            total += (digit or 1) * 10
            digit = 0
        elif ch == "百":
            total += (digit or 1) * 100
            digit = 0
        else:
            digit = _ZH_DIGITS[ch]
    return total + digit


def _clean(line: str) -> str:
    # the Chinese text indents with ideographic spaces; Arabic headings stretch
    # words with tatweel ("مجلـس الأمـن")
    return " ".join(line.replace("\u3000", " ").split())


def read(path: Path, text: str, lang: str) -> Document:
    """The Charter in one language (``lang``: an ISO 639-1 code, or "" to detect)."""
    lines = [_clean(line) for line in text.splitlines()]
    paragraphs = Paragraphs()
    add = paragraphs.add
    blocks = _split(lines)
    for n, line in enumerate(blocks.preamble, start=1):
        add(f"PP{n}", "pp", line)
    chapters = sections = 0
    for number, heads, body in blocks.articles:
        for kind, head in heads:
            if kind == "chapter":
                chapters += 1
                add(f"CH{chapters}", "heading", head)
            else:
                sections += 1
                add(f"H{sections}", "heading", head)
        spec = STRUCTURE.get(number, "")
        if number == ARTICLES and len(body) > len(spec):
            closing, body = body[len(spec) :], body[: len(spec)]
        else:
            closing = []
        for label, parent, line in _label_article(number, body, spec, lang):
            add(label, "article", line, parent)
        if closing:
            add("CL", "text", "\n".join(closing))
    lang = lang or ""
    title = INSTRUMENTS[SYMBOL].get(lang, "")
    return instrument(SYMBOL, lang, title, paragraphs, path, "text", adopted="1945-06-26")


class _Blocks:
    """The lines of the Charter by part: preamble, then each article's number,
    the headings before it and its own lines."""

    def __init__(self) -> None:
        self.preamble: list[str] = []
        self.articles: list[tuple[int, list[tuple[str, str]], list[str]]] = []


def _split(lines: list[str]) -> _Blocks:
    blocks = _Blocks()
    heads: list[tuple[str, str]] = []
    current: list[str] | None = None  # the lines of the article being read
    for line in lines:
        if not line:
            continue
        m = _ARTICLE.match(line)
        if m:
            current = []
            blocks.articles.append((_article_number(m), heads, current))
            heads = []
        elif _CHAPTER.match(line):
            heads.append(("chapter", line))
            current = None
        elif current is not None:
            current.append(line)
        elif heads:
            heads.append(("section", line))
        else:
            blocks.preamble.append(line)
    # a section heading between two articles of a chapter is read as the last line
    # of the first one
    for (number, _, body), (_, next_heads, _) in itertools.pairwise(blocks.articles):
        _move_section_heads(number, body, next_heads)
    return blocks


def _move_section_heads(number: int, body: list[str], heads: list[tuple[str, str]]) -> None:
    """Move the section headings at the end of an article's lines into ``heads``:
    the lines past those :data:`STRUCTURE` gives the article, where that many are
    there, else the short unpunctuated lines at its end."""
    want = len(STRUCTURE.get(number, ""))
    if want and len(body) > want:
        extra = body[want:]
    else:
        extra = []
        while len(body) - len(extra) > 1 and _looks_like_heading(body[len(body) - len(extra) - 1]):
            extra.insert(0, body[len(body) - len(extra) - 1])
    if extra:
        del body[len(body) - len(extra) :]
        heads[:0] = [("section", line) for line in extra]


def _looks_like_heading(line: str) -> bool:
    return len(line) < 40 and not re.search(r"[.:;,。：；，،؛]$", line)


def _label_article(number: int, body: list[str], spec: str, lang: str):
    """``(label, parent, text)`` for each line of article ``number``."""
    art = f"ART{number}"
    if lang == "zh" or any(_ZH_PARAGRAPH.match(line) for line in body):
        yield from _label_numbered(art, body)
        return
    if len(spec) != len(body):
        spec = "-" if len(body) == 1 else "".join(str(n) for n in range(1, len(body) + 1))
    has_intro = spec.startswith("-")
    para = ""
    for code, line in zip(spec, body, strict=True):
        if code == "-":
            yield art, "", line
        elif code.isdigit():
            para = f"{art}({code})"
            yield para, art if has_intro else "", line
        else:
            parent = para or art
            yield f"{parent}({code})", parent, _SUB_MARK.sub("", line, count=1)


# a sub-paragraph's letter where a version kept it: "ب - " (Arabic), "(a) "
_SUB_MARK = re.compile(r"^(?:\([a-z]\)|[\u0621-\u064a] ?-)\s+")


def _label_numbered(art: str, body: list[str]):
    """Labels read from the numbers the Chinese text kept."""
    para = ""
    has_intro = bool(body) and not _ZH_PARAGRAPH.match(body[0]) and len(body) > 1
    for line in body:
        m = _ZH_PARAGRAPH.match(line)
        s = _ZH_SUB.match(line)
        if m:
            para = f"{art}({_zh_number(m.group('num'))})"
            yield para, art if has_intro else "", line[m.end() :]
        elif s:
            parent = para or art
            letter = "abcdefghijkl"[_BRANCHES.index(s.group("branch"))]
            yield f"{parent}({letter})", parent, line[s.end() :]
        else:
            yield art, "", line
