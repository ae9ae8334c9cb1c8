"""PDF reader: official UN documents as published, read through their layout.

pdfminer gives the characters of each page with their font, size and position.
From them the reader rebuilds lines (a paragraph number set apart from its text
shares the text's baseline), drops the page furniture (running header, job
number, barcode, page counter, masthead), sets apart the footnotes (below the
``_____`` separator, in a smaller font; calls are raised, smaller digits) and
groups lines into paragraphs by the extra space UN layout puts between them.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTAnno, LTChar, LTPage, LTTextContainer, LTTextLine
from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.psexceptions import PSEOF

from ..documents import Document
from ..errors import DocumentError
from ..paragraphs import FN_CLOSE, FN_OPEN, Cleaned, fn_call
from .common import MASTHEAD_NAMES, build_document

#: Lines are rebuilt from pdfminer's fragments by baseline.  A wide char margin keeps
#: justified words together; a word margin above pdfminer's default keeps the letter
#: spacing of justified lines from splitting words ("peac e-"); no box flow skips the
#: costly grouping of boxes, whose order is not used.
LAPARAMS = LAParams(char_margin=50.0, word_margin=0.25, boxes_flow=None)

#: A character this much smaller than its line, and raised, is a superscript.
_SUPERSCRIPT_RATIO = 0.8

_SEPARATOR = re.compile(r"^_{5,}$")
_MASTHEAD_NAMES = re.compile(rf"\b(?:{'|'.join(map(re.escape, MASTHEAD_NAMES))})\b")
_FOOTER_TOKEN = re.compile(r"^(?:\d{2}-\d{4,6}|\([A-Z]\)|\d{6}|\d{1,3}/\d{1,3}|\*\d{5,}\*)$")
_NOTE = re.compile(f"^{re.escape(FN_OPEN)}([^{FN_CLOSE}]+){FN_CLOSE}\\s*(.*)$")
_ANNEX = re.compile(r"^(?:Annexe?|Appendix)(?:\s+[IVXL\d]+)?$")
#: Running headers sit this close to the top of every page but the first (points).
_HEADER = 72.0
#: The masthead, in large type this close to the top of the first page; only the
#: symbol and dates in it are kept.
_MASTHEAD = 142.0
_MASTHEAD_SIZE = 14.0
#: Job number, page counter and barcode sit this close to the bottom.
_FOOTER = 55.0
_WRAPPED_DASH = re.compile(r"\w[-\u2010\u2011\u2013]$")
_SUSPENDED = re.compile(r"^(?:and|or|to|nor)\b")
_LABEL = re.compile(r"^(?:\d{1,3}\.|\([a-z]{1,4}\)|\((?:[ivxl]+)\))\s")

# pdfminer logs every unknown operator and font quirk at warning level
logging.getLogger("pdfminer").setLevel(logging.ERROR)


@dataclass
class _Line:
    """One line of a page, fragments on the same baseline joined left to right."""

    x0: float
    x1: float
    base: float
    size: float
    text: str
    bold: bool = False


@dataclass
class _Page:
    """The lines of a page, top to bottom, and its height in points."""

    height: float
    lines: list[_Line]


def read(path: Path, data: bytes) -> Document:
    """Read an official UN PDF into a :class:`Document` (format ``pdf``)."""
    pages = _read_pages(path, data)
    return build_document(_clean(pages), path, "pdf")


def _read_pages(path: Path, data: bytes) -> list[_Page]:
    """The lines of every page, top to bottom, or a :class:`DocumentError`."""
    if b"%PDF-" not in data[:1024]:
        raise DocumentError(path, "not a valid PDF (no %PDF header)")
    pages = [_Page(page.height, _lines(page)) for page in _layout(path, data)]
    if not any(page.lines for page in pages):
        raise DocumentError(path, "no text layer: needs OCR")
    return pages


def _layout(path: Path, data: bytes) -> Iterator[LTPage]:
    """pdfminer's pages, its errors turned into :class:`DocumentError`."""
    try:
        yield from extract_pages(io.BytesIO(data), laparams=LAPARAMS)
    except PDFEncryptionError:  # also a wrong password: only an empty one is tried
        raise DocumentError(path, "encrypted PDF") from None
    except PSEOF:
        raise DocumentError(path, "not a valid PDF (truncated)") from None
    except Exception as exc:  # a damaged file fails anywhere in the parser
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise DocumentError(path, f"not a valid PDF ({reason})") from None


def _fragments(page: LTPage) -> Iterator[LTTextLine]:
    stack = list(page)
    while stack:
        item = stack.pop()
        if isinstance(item, LTTextLine):
            yield item
        elif isinstance(item, LTTextContainer):
            stack.extend(item)


def _lines(page: LTPage) -> list[_Line]:
    """Lines of a page, top to bottom, footnote calls already as markers."""
    frags = []
    for frag in _fragments(page):
        chars = [
            c
            for c in frag
            if isinstance(c, LTChar) and c.get_text().strip() and "Barcode" not in c.fontname
        ]
        if not chars:
            continue
        size = max(c.size for c in chars)
        base = min(c.y0 for c in chars if c.size == size)
        frags.append((base, size, frag))
    frags.sort(key=lambda f: (-f[0], f[2].x0))
    groups: list[tuple[float, float, list[LTTextLine]]] = []
    for base, size, frag in frags:
        for i, (gbase, gsize, members) in enumerate(groups):
            same = abs(gbase - base) <= 2.0
            raised = size < _SUPERSCRIPT_RATIO * gsize and gbase < base < gbase + 0.7 * gsize
            if same or raised:
                members.append(frag)
                if same and size > gsize:
                    groups[i] = (gbase, size, members)
                break
        else:
            groups.append((base, size, [frag]))
    lines = [_line(base, size, members) for base, size, members in groups]
    lines = [line for line in lines if line.text]
    lines.sort(key=lambda line: -line.base)
    return lines


def _line(base: float, size: float, frags: list[LTTextLine]) -> _Line:
    """Join the fragments of one line; raised, smaller digits become footnote calls."""
    words: list[str] = []
    x0, x1 = 1e9, -1e9
    bold = total = 0
    for frag in sorted(frags, key=lambda f: f.x0):
        call: list[str] = []
        for item in frag:
            if isinstance(item, LTAnno):
                text = item.get_text()
            elif isinstance(item, LTChar) and "Barcode" not in item.fontname:
                text = item.get_text()
                if text.strip():
                    x0, x1 = min(x0, item.x0), max(x1, item.x1)
                    total += 1
                    bold += "Bold" in item.fontname
                    if item.size < _SUPERSCRIPT_RATIO * size and item.y0 > base + 0.15 * size:
                        call.append(text)
                        continue
            else:
                continue
            if call:
                words.append(_call("".join(call)))
                call = []
            words.append(text)
        if call:
            words.append(_call("".join(call)))
        words.append(" ")
    text = re.sub(r"\s+", " ", "".join(words)).strip()
    return _Line(x0, x1, base, size, text, bold > total / 2)


def _call(raw: str) -> str:
    raw = raw.strip()
    return fn_call(raw) if raw.isdigit() or raw in ("*", "**") else raw


def _clean(pages: list[_Page]) -> Cleaned:
    """Blocks and footnotes of the whole document, page furniture left out."""
    split = [_split_page(number, page) for number, page in enumerate(pages)]
    body_lines = [line for body, _ in split for line in body]
    right = _mode(line.x1 for line in body_lines)
    blocks: list[list[_Line]] = []
    footnotes: dict[str, list[str]] = {}
    last_note: list[str] | None = None
    for body, notes in split:
        for i, line in enumerate(body):
            if not blocks or _starts_block(blocks[-1], line, i == 0, right):
                blocks.append([line])
            else:
                blocks[-1].append(line)
        for line in notes:
            if m := _NOTE.match(line.text):
                last_note = footnotes.setdefault(m.group(1), [])
                last_note.append(m.group(2))
            elif last_note is not None:  # a footnote continued from the page before
                last_note.append(line.text)
    return Cleaned(
        blocks=[_join(line.text for line in block) for block in blocks],
        footnotes={n: _join(parts) for n, parts in footnotes.items()},
    )


def _starts_block(block: list[_Line], line: _Line, page_top: bool, right: float) -> bool:
    """Whether ``line`` begins a new paragraph rather than continuing ``block``.

    On a page, paragraphs are set apart by extra space (half a line or more) and
    headings by their weight.  Across a page break, a paragraph goes on when the
    last line before the break is full and the first line after it is indented
    like a continuation line, not like a first line or a numbered paragraph.
    """
    prev = block[-1]
    if line.bold != prev.bold or _ANNEX.match(line.text) or _ANNEX.match(prev.text):
        return True
    if not page_top:
        return prev.base - line.base > 1.45 * max(prev.size, line.size)
    if prev.x1 < right - 12 or _LABEL.match(line.text):
        return True
    if line.text[:1].islower():
        return False
    if len(block) > 1:
        return abs(line.x0 - prev.x0) > 3
    return line.x0 > block[0].x0 - 3


def _split_page(number: int, page: _Page) -> tuple[list[_Line], list[_Line]]:
    """The body lines and the footnote lines of a page, furniture dropped."""
    body: list[_Line] = []
    notes: list[_Line] = []
    target = body
    for line in page.lines:
        top = page.height - line.base
        if number > 0 and top < _HEADER:
            continue
        if line.base < _FOOTER and all(_FOOTER_TOKEN.match(t) for t in line.text.split()):
            continue
        if number == 0 and top < _MASTHEAD and line.size >= _MASTHEAD_SIZE:
            line.text = _MASTHEAD_NAMES.sub(" ", line.text).strip()
            if not line.text:
                continue
        if _SEPARATOR.match(line.text):
            target = notes
            continue
        target.append(line)
    return body, notes


def _join(parts: Iterable[str]) -> str:
    """Lines of a block as one text; a line ending in a dash is glued to the next
    ("Secretary-" "General", "2015–" "2030"), except before "and", "or", "to"
    ("short-" "and long-term").

    >>> _join(["the Secretary-", "General for 2015–", "2030, in the short-", "and long term"])
    'the Secretary-General for 2015–2030, in the short- and long term'
    """
    text = ""
    for part in parts:
        part = part.strip()
        if _WRAPPED_DASH.search(text) and not _SUSPENDED.match(part):
            text += part
        else:
            text = f"{text} {part}" if text else part
    return text


def _mode(values: Iterable[float]) -> float:
    counts = Counter(round(v) for v in values)
    return float(counts.most_common(1)[0][0]) if counts else 0.0
