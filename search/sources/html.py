"""HTML reader: the Universal Declaration of Human Rights, and any other web page.

The UDHR as OHCHR publishes it has a ``<header>`` holding the preamble ``<p>``
paragraphs and thirty ``<article data-number="N">`` elements, each with an
``<h2>`` heading and either ``<p>`` text or an ``<ol>`` of numbered items.  It
becomes ``T``, ``PP1``…, ``ART1``… and ``ART21(1)``….  Any other HTML gives one
paragraph ``P1``… per block element, without scripts, styles, frames or menus.

The tree is walked with an explicit stack, never recursively, so a page of
thousands of nested tags reads like any other.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag

from ..documents import Document, decode_text, normalize_lang
from ..errors import DocumentError
from ..symbols import normalize
from .common import Paragraphs, instrument, text_paragraphs

#: Elements whose text is one paragraph (unless they hold other blocks).
BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2",
    "h3", "h4", "h5", "h6", "header", "hr", "html", "li", "main", "ol", "p", "pre",
    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"
})  # fmt: skip
#: Elements whose content is never document text.
SKIPPED = frozenset({
    "script", "style", "iframe", "noscript", "template", "nav", "head", "svg", "math",
    "object", "embed", "canvas", "select", "button"
})  # fmt: skip

UDHR_SYMBOL = normalize("217 A (III)")
UDHR_ARTICLES = 30

_TAG = re.compile(rb"<\s*(?:!doctype|[a-z][a-z0-9]*)[\s>/]", re.IGNORECASE)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)


def read(path: Path, data: bytes) -> Document:
    """Read an HTML file: the UDHR by its structure, any other page by its blocks."""
    text = _decode(data, path)
    soup = BeautifulSoup(text, "html.parser")
    html = soup.find("html")
    lang = normalize_lang(_attr(html, "lang")) if html else ""
    if _is_udhr(soup):
        return _read_udhr(soup, path, lang)
    paragraphs = text_paragraphs(_blocks(soup))
    if not paragraphs:
        raise DocumentError(path, "no text found")
    title = _text(soup.find("title")) or _text(soup.find("h1"))
    return Document(
        symbol="", lang=lang, title=title, paragraphs=paragraphs, source=str(path), format="html"
    )


def _decode(data: bytes, path: Path) -> str:
    """Text of the page: a declared charset :func:`decode_text` cannot guess, else UTF-8
    or cp1252 as :func:`decode_text` finds."""
    if not _TAG.search(data[:65536]):
        raise DocumentError(path, "not an HTML document")
    codec = _declared_codec(data)
    if codec:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass
    try:
        return decode_text(data, path)
    except DocumentError:
        raise DocumentError(path, "not an HTML document") from None


def _declared_codec(data: bytes) -> str:
    """The ``<meta charset>`` of a page when it is neither UTF-8 nor latin-1/cp1252."""
    declared = _CHARSET.search(data[:4096])
    if not declared or data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return ""
    try:
        codec = codecs.lookup(declared.group(1).decode("ascii")).name
    except LookupError:
        return ""
    if codec in ("utf-8", "ascii", "latin-1", "iso8859-1", "cp1252"):
        return ""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return codec
    return ""  # valid UTF-8 wins over a wrong declaration


def _is_udhr(soup: BeautifulSoup) -> bool:
    numbers = [_attr(a, "data-number") for a in soup.find_all("article")]
    return numbers == [str(n) for n in range(1, UDHR_ARTICLES + 1)]


def _read_udhr(soup: BeautifulSoup, path: Path, lang: str) -> Document:
    title = _text(soup.find("h1")) or _text(soup.find("title"))
    paragraphs = Paragraphs()
    add = paragraphs.add

    if title:
        add("T", "title", title)
    header = soup.find("header")
    preamble = [_text(p) for p in header.find_all("p")] if isinstance(header, Tag) else []
    for n, text in enumerate(filter(None, preamble), start=1):
        add(f"PP{n}", "pp", text)
    for article in soup.find_all("article"):
        label = f"ART{_attr(article, 'data-number')}"
        items = [_text(li) for li in article.find_all("li")]
        chapeau = [
            _text(child)
            for child in article.children
            if isinstance(child, Tag) and child.name not in ("h1", "h2", "h3", "ol", "ul")
        ]
        body = chapeau if any(chapeau) else items
        add(label, "article", "\n".join(filter(None, body)))
        for n, text in enumerate(items, start=1):
            add(f"{label}({n})", "article", text, parent=label)
    return instrument(
        UDHR_SYMBOL, lang, title, paragraphs, path, "html", adopted="1948-12-10", session=3
    )


def _blocks(root: Tag) -> Iterator[str]:
    """Text of each block element in reading order, without skipped elements.

    Text before and after a nested block makes paragraphs of its own.
    """
    parts: list[str] = []
    stack: list[tuple[Iterator[object], bool]] = [(iter(root.contents), False)]
    while stack:
        children, is_block = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if is_block:
                yield from _flush(parts)
        elif isinstance(child, Tag):
            if child.name in SKIPPED:
                continue
            if child.name in BLOCKS:
                yield from _flush(parts)
            elif child.name == "br":
                parts.append(" ")
            stack.append((iter(child.contents), child.name in BLOCKS))
        elif type(child) is NavigableString:  # not comments, CDATA or the doctype
            parts.append(child)
    yield from _flush(parts)


def _flush(parts: list[str]) -> Iterator[str]:
    """The paragraph gathered in ``parts``, if it has text; empties ``parts``."""
    text = _join(parts)
    parts.clear()
    if text:
        yield text


def _text(tag: object) -> str:
    """The text of ``tag`` with whitespace collapsed, or ``""`` when there is none."""
    if not isinstance(tag, Tag):
        return ""
    return _join(s for s in tag.strings if type(s) is NavigableString)


def _join(parts: Iterable[str]) -> str:
    return " ".join("".join(parts).split())


def _attr(tag: object, name: str) -> str:
    value = tag.get(name) if isinstance(tag, Tag) else None
    return " ".join(value) if isinstance(value, list) else (value or "")
