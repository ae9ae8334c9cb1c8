"""Reader for ``.txt`` files: raw text of UN resolutions, or any other plain text.

Text extracted from an official resolution PDF keeps the page furniture: the
masthead, running headers (symbol, title, page counter ``2/12``, job number
``23-20100``), barcodes, hard line breaks, and footnote bodies after a
``__________________`` rule at the foot of each page.  :func:`clean_resolution`
removes the furniture, joins the wrapped lines into logical paragraphs, moves
the footnotes aside and marks their calls; :func:`search.paragraphs.segment`
then labels the blocks.

The Charter of the United Nations is read as the structured document it is (see
:mod:`search.sources.charter`).  Any other text (a speech) becomes paragraphs
``P1``, ``P2`` … split at blank lines, or one a line when the text is not
hard-wrapped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from ..documents import Document, decode_text, detect_language
from ..paragraphs import FN_CLOSE, FN_OPEN, Cleaned, fn_call
from . import charter
from .common import (
    MASTHEAD_NAMES,
    MONTHS,
    NUMBER_WORDS,
    QUANTITY_WORDS,
    build_document,
    text_paragraphs,
)

#: How much of the start of a text is searched for the marks of a resolution.
_SNIFF = 20000
_RESOLUTION_MARK = re.compile(
    r"Resolution adopted by the General Assembly"
    r"|R[ée]solution adopt[ée]e par l[’']Assembl[ée]e g[ée]n[ée]rale"
)
# a resolution's number, as a title line opens with it: "70/1", "ES-10/24"
_RESOLUTION_NUMBER = r"(?:ES-\d+/)?\d{1,3}/\d{1,4}"
# a line that opens with a resolution's number and title ("70/1. Transforming …")
_RESOLUTION_LINE = re.compile(rf"[ \t]*{_RESOLUTION_NUMBER}(?:[ \t]?[A-Z])?\.[ \t]+[A-Z]")
_TITLE_LINE = re.compile(rf"\s*{_RESOLUTION_NUMBER}(?:\s?[A-Z])?\.\s+\S")
_SYMBOL_LINE = re.compile(r"\s*([A-Z]{1,2}/RES/[\w./-]+?)\**\s*")
_COUNTER = re.compile(r"\s*\d{1,3}/\d{1,3}\s*")
_JOB = re.compile(r"\s*\d{2}-\d{5}\**\s*(?:\([A-Z]\))?\s*(?:\d{6})?\s*")
_BARCODE = re.compile(r"\s*\*\d{7,8}\*\s*")
_RULE = re.compile(r"\s*_{5,}\s*")
_MASTHEAD = frozenset(MASTHEAD_NAMES)
_FOOTNOTE_START = re.compile(r"\s*(\d{1,3}|\*{1,3})\s+(\S.*)")
_DATE = re.compile(r"\d{1,2} [^\W\d_]+ \d{4}")
_SESSION = re.compile(r"[^\W\d_][\w -]* session")
_AGENDA = re.compile(r"Agenda items?\b|Points? .* de l[’']ordre du jour")
# a paragraph number ("12.", "(a)"); what starts a paragraph: one, or "Action 6." (the
# Pact for the Future)
_LABEL = r"\d{1,3}\.|\([a-z]{1,5}\)"
_NUMBERED = re.compile(rf"(?:{_LABEL}|Action \d{{1,2}}\.)(?:\s|$)")
_NUMBER_ALONE = re.compile(f"(?:{_LABEL})")
_END_OF_SENTENCE = (".", ";", ":")
_ENDED = (".", ",", ";", ":", "!", "?")
_ROMAN = re.compile(r"[IVX]{1,5}")

# What a symbol or a reference ends with before a number: "A/78/L.1", "Add.1", "No.3".
_REFERENCE_ENDS = ("add.", "rev.", "corr.", "no.", "para.", "paras.", "vol.", "chap.", "sect.")


def read(path: Path, data: bytes) -> Document:
    """Read a ``.txt`` file: a UN resolution's raw text, or plain paragraphs."""
    text = decode_text(data, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    if is_resolution(text):
        return build_document(clean_resolution(text), path, "text")
    if charter.is_charter(text):
        return charter.read(path, text, detect_language(text))
    return plain_document(text, path)


def is_resolution(text: str) -> bool:
    """Whether ``text`` is a UN resolution, judged from its opening.

    >>> is_resolution("Resolution adopted by the General Assembly on 4 December 2024")
    True
    >>> is_resolution("Mr. President, I congratulate you on your election.")
    False
    """
    sample = text[:_SNIFF]
    if _RESOLUTION_MARK.search(sample):
        return True
    # line by line: a pattern anchored at every line start is tried at every character
    return any(map(_RESOLUTION_LINE.match, sample.split("\n")))


class _Words:
    """The words of a text (runs of letters joined by single hyphens, lowercased), to
    tell broken words from hyphens: a word is looked for where it occurs in the
    text, and counts where it is a whole word there."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._lower: str | None = None

    def __contains__(self, word: str) -> bool:
        word = word.lower()
        if not _WORD_CHAIN.fullmatch(word):
            return False
        if self._lower is None:
            self._lower = self._text.lower()
        text, size = self._lower, len(word)
        at = text.find(word)
        while at >= 0:
            end = at + size
            before = text[max(at - 2, 0) : at]
            after = text[end : end + 2]
            if not (_chained(before[-1:], before[-2:-1]) or _chained(after[:1], after[1:])):
                return True
            at = text.find(word, at + 1)
        return False


#: A word of :class:`_Words`: letters, or runs of letters joined by single hyphens.
_WORD_CHAIN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def _letter(ch: str) -> bool:
    """Whether ``ch`` is a letter as ``[^\\W\\d_]`` has it."""
    return ch.isalnum() and not ch.isdecimal()


def _chained(ch: str, beyond: str) -> bool:
    """Whether a word next to ``ch`` (``beyond`` is the character after it, away
    from the word) goes on through it: ``ch`` is a letter, or a hyphen before one."""
    return _letter(ch) or (ch == "-" and _letter(beyond))


def _squash(text: str) -> str:
    """``text`` with runs of white space made one space, and stripped."""
    return " ".join(text.split())


def _join(lines: list[str], words: _Words) -> str:
    """Join wrapped lines into one paragraph.

    A line-end hyphen stays (``self-`` + ``determination``) unless the text spells
    the word whole elsewhere and never with the hyphen: then it was a broken word.
    """
    parts: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        last = parts[-1] if parts else ""
        if last.endswith("-") and last[-2:-1].isalpha():
            head = re.search(r"[^\W\d_]+-$", last)
            tail = re.match(r"[^\W\d_]+", line)
            if head and tail and line[0].islower():
                whole = head.group()[:-1] + tail.group()
                if whole in words and head.group() + tail.group() not in words:
                    parts[-1] = last[:-1]
            parts.append(line)
        else:
            parts.extend((" ", line) if parts else (line,))
    return _squash("".join(parts))


# -- resolutions ---------------------------------------------------------------------


def clean_resolution(text: str) -> Cleaned:
    """Clean the raw text of a resolution PDF into blocks, footnotes and front matter."""
    lines = text.split("\n")
    words = _Words(text)
    meta: dict[str, object] = {}
    title_at = _find_title(lines)
    front = _front_matter(lines[:title_at], meta)
    title_end = title_at
    while title_end < len(lines) and lines[title_end].strip():
        title_end += 1
    title = _join(lines[title_at:title_end], words)
    if not _TITLE_LINE.match(title) and front:
        # The title lost its number: it is the last block above "The General Assembly".
        meta["title"] = front[-1]
    pages = list(_pages(lines, title_end, title))
    footnotes: dict[str, str] = {}
    bodies: list[list[str]] = []
    for body, notes in pages:
        numbers = _read_footnotes(notes, footnotes, words)
        bodies.append(_mark_calls(body, numbers))
    blocks = [*front]
    if title:
        blocks.append(title)
    blocks.extend(_body_blocks(bodies, words))
    return Cleaned(blocks=blocks, footnotes=footnotes, meta=meta)


def _find_title(lines: list[str]) -> int:
    """Index of the ``78/1. Title`` line, or of ``The General Assembly`` failing that."""
    for i, line in enumerate(lines):
        if _COUNTER.fullmatch(line) or _RULE.fullmatch(line):
            break
        if _TITLE_LINE.match(line):
            return i
    for i, line in enumerate(lines):
        if line.strip().startswith(("The General Assembly", "L'Assemblée générale")):
            return i
    return 0


def _front_matter(lines: list[str], meta: dict[str, object]) -> list[str]:
    """Blocks of the first page above the title: masthead and job numbers dropped,
    ``Distr.``, date, session and agenda lines kept one a block."""
    blocks: list[str] = []
    group: list[str] = []

    def flush() -> None:
        if group:
            blocks.append(_squash(" ".join(group)))
            group.clear()

    distributed = agenda = original = False
    for raw in lines:
        line = raw.strip()
        symbol = _SYMBOL_LINE.fullmatch(line)
        if not line:
            flush()
        elif symbol:
            meta.setdefault("symbol", symbol.group(1))
        elif (
            (not distributed and line in _MASTHEAD)
            or _JOB.fullmatch(line)
            or _BARCODE.fullmatch(line)
        ):
            continue
        elif line.startswith("Original:"):
            original = line == "Original:"
        elif original:
            original = False
        elif line.startswith("Distr."):
            distributed = True
            flush()
            blocks.append(line)
        elif (
            (_DATE.fullmatch(line) and blocks and blocks[-1].startswith("Distr."))
            or (not agenda and _SESSION.fullmatch(line))
            or _AGENDA.match(line)
        ):
            agenda = agenda or bool(_AGENDA.match(line))
            flush()
            blocks.append(line)
        else:
            group.append(line)
    flush()
    return blocks


def _pages(lines: list[str], start: int, title: str) -> Iterator[tuple[list[str], list[str]]]:
    """Each page below the title as (body lines, footnote lines), running headers cut."""
    heads = _running_heads(lines, start, title)
    spans = []
    at = start
    for head_start, head_end in heads:
        spans.append((at, head_start))
        at = head_end
    spans.append((at, len(lines)))
    for lo, hi in spans:
        page = lines[lo:hi]
        rule = next((i for i, line in enumerate(page) if _RULE.fullmatch(line)), len(page))
        yield page[:rule], page[rule + 1 :]


def _running_heads(lines: list[str], start: int, title: str) -> list[tuple[int, int]]:
    """Line ranges of the running headers: from the page break to the page counter and
    the job number next to it."""
    heads: list[tuple[int, int]] = []
    flat_title = _squash(title).lower() if len(title) < 2000 else ""
    for i in range(start, len(lines)):
        if not _COUNTER.fullmatch(lines[i]):
            continue
        window = range(i - 1, max(start, i - 12) - 1, -1)
        # A page break is an empty line; text lines inside a page end with a space.
        begin = next((j for j in window if lines[j] == ""), None)
        if begin is None:
            begin = next((j for j in window if _SYMBOL_LINE.fullmatch(lines[j])), None)
            if begin is None:
                continue
            while (
                begin - 1 > start
                and lines[begin - 1].strip()
                and _squash(lines[begin - 1]).lower() in flat_title
            ):
                begin -= 1
        if heads and begin < heads[-1][1]:
            continue
        end = i + 1
        while end < len(lines) and (not lines[end].strip() or _JOB.fullmatch(lines[end])):
            end += 1
        heads.append((begin, end))
    return heads


def _read_footnotes(lines: list[str], footnotes: dict[str, str], words: _Words) -> list[str]:
    """Add the footnotes of one page foot to ``footnotes``; return their numbers.

    A footnote starts with its number, the next one after the last footnote; other
    lines continue the footnote before (also across a page break).  Reissue notes
    (``*``) are about the document, not its text: they are dropped.
    """
    numbers: list[str] = []
    last = max((int(k) for k in footnotes), default=0)
    current: list[str] | None = [footnotes[str(last)]] if last else None
    parts: dict[str, list[str]] = {str(last): current} if current else {}
    for i, raw in enumerate(line for line in lines if line.strip()):
        m = _FOOTNOTE_START.match(raw)
        if m and m.group(1).startswith("*"):
            current = None
        elif m and (int(m.group(1)) == last + 1 or (i == 0 and last < int(m.group(1)) <= last + 5)):
            last = int(m.group(1))
            current = parts[str(last)] = [m.group(2)]
            numbers.append(str(last))
        elif current is not None:
            current.append(raw)
    for key, part in parts.items():
        footnotes[key] = _join(part, words)
    return numbers


def _mark_calls(body: list[str], numbers: list[str]) -> list[str]:
    """Replace the calls of footnotes ``numbers`` in one page's body by markers.

    Calls come in footnote order, so each is looked for after the one before.  A
    number glued to the text before it, or followed by two spaces or the line end,
    is taken first; a number between two words only when the word before is not one
    that numbers follow ("resolution 70", "on 18 and 19").
    """
    if not numbers:
        return body
    text = "\n".join(body)
    pos = 0
    for number in numbers:
        found = _find_call(text, number, pos)
        if found is None:
            continue
        start, end = found
        marker = fn_call(number)
        text = text[:start] + marker + text[end:]
        pos = start + len(marker)
    return text.split("\n")


def _find_call(text: str, number: str, pos: int) -> tuple[int, int] | None:
    """Span (number and the spaces before it) of the call of footnote ``number``.

    The first sure call wins: the number glued to a word or a punctuation mark
    ("Development8", "2024,1"), or after a space and followed by two spaces or the
    line end ("Summit, 1  to").  Failing that, the first number between a
    punctuation mark or word and a word ("Anguilla 2 and"), then a number glued to
    a year ("2014–20242").
    """
    weak: tuple[int, int] | None = None
    glued_to_year: tuple[int, int] | None = None
    for m in _call_number(number).finditer(text[pos:]):
        start, end = pos + m.start(), pos + m.end()
        head = text[max(0, start - 40) : start]
        rest = text[end : end + 30]
        if not head or head[-1] in " \n" or re.match(r"[^\W_]|/|[.,-]\d", rest):
            continue
        lead = head[-1]
        run = re.search(r"\S*$", head).group().lower()  # type: ignore[union-attr]  # always matches
        year = re.search(r"(?<![\d/.,])(?:19|20)\d\d\.?$", run)
        word = re.search(r"[^\W\d_]+$", head)
        spaces = m.group(1)
        after = re.match(r" *", rest).group()  # type: ignore[union-attr]  # always matches
        following = rest[len(after) :]
        next_word = following.split(None, 1)[0].lower().strip(",;:") if following.strip() else ""
        if not spaces:
            if lead.isdigit() or lead == ".":
                if year and glued_to_year is None:
                    glued_to_year = (start, end)
                if lead.isdigit():
                    continue
            in_symbol = "/" in run and (lead.isalpha() or lead == ".")
            if in_symbol or run.endswith(_REFERENCE_ENDS) or (word and word.group().isupper()):
                continue
            after_word = lead == "." and head[-2:-1].isalpha()
            if lead.isalpha() or lead in _CALL_AFTER or (lead == "." and year) or after_word:
                return start, end
            continue
        if lead.isdigit() and not year:
            continue
        if run.endswith(_REFERENCE_ENDS) or next_word in MONTHS:
            continue
        if len(after) >= 2:
            return start, end
        if word and word.group().lower() in NUMBER_WORDS:
            continue
        if following.startswith("\n") or not following:
            return start, end
        if weak is None and (
            (
                next_word[:1].islower()
                and next_word not in QUANTITY_WORDS
                and not re.match(r"(?:and|or)\s+\d", following)
            )
            or (lead in _CALL_AFTER and following[:1].isdigit())
        ):
            weak = (start, end)
    return weak or glued_to_year


@cache
def _call_number(number: str) -> re.Pattern[str]:
    """Footnote number ``number`` with the spaces before it, not followed by a digit."""
    return re.compile(rf"( *){number}(?!\d)")


_CALL_AFTER = ',;:)]”’"'


def _body_blocks(pages: list[list[str]], words: _Words) -> list[str]:
    """Logical paragraphs of the body: blank lines and paragraph numbers start a
    block; a block cut by a page break is joined when the next page goes on with it."""
    blocks: list[str] = []
    for page in pages:
        page_blocks = _page_blocks(page)
        if page_blocks and blocks and _continues(blocks[-1], page_blocks[0]):
            blocks[-1] = _join([blocks[-1], *page_blocks[0]], words)
            page_blocks = page_blocks[1:]
        blocks.extend(_join(b, words) for b in page_blocks)
    return _number_headings([b for b in blocks if b])


def _number_headings(blocks: list[str]) -> list[str]:
    """Join a section number alone on its line ("II") to the heading after it, written
    as the other formats write it: "II. Heading"."""
    out: list[str] = []
    for block in blocks:
        if out and _ROMAN.fullmatch(out[-1]) and not _MARKER.sub("", block).endswith(_ENDED):
            out[-1] = f"{out[-1]}. {block}"
        else:
            out.append(block)
    return out


def _page_blocks(lines: list[str]) -> list[list[str]]:
    """The lines of one page grouped into blocks."""
    blocks: list[list[str]] = []
    group: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            if group and not _NUMBER_ALONE.fullmatch(group[-1]):
                blocks.append(group)
                group = []
            continue
        if _ROMAN.fullmatch(line):
            if group:
                blocks.append(group)
            blocks.append([line])
            group = []
            continue
        if (
            group
            and _NUMBERED.match(line)
            and (_NUMBER_ALONE.fullmatch(line) or group[-1].endswith(_END_OF_SENTENCE))
        ):
            blocks.append(group)
            group = []
        group.append(line)
    if group:
        blocks.append(group)
    return blocks


def _continues(block: str, lines: list[str]) -> bool:
    """Whether a page's first lines go on with the block that ended the page before."""
    first = lines[0]
    if _NUMBERED.match(first) or first == "Annex" or first.startswith("Annex "):
        return False
    end = _MARKER.sub("", block).rstrip()
    return first[:1].islower() or not end.endswith(
        (".", ",", ";", ":", "!", "?", "”", '"', "]", ")")
    )


_MARKER = re.compile(f"{FN_OPEN}[^{FN_CLOSE}]*{FN_CLOSE}")


# -- plain text ----------------------------------------------------------------------


def plain_document(text: str, path: Path) -> Document:
    """Any text that is not a resolution: paragraphs ``P1``, ``P2`` … of kind ``text``."""
    bodies = plain_paragraphs(text)
    session, year = _speech_session(path)
    return Document(
        symbol="",
        lang="",
        title=_plain_title(bodies[0]) if bodies else "",
        paragraphs=text_paragraphs(bodies),
        source=str(path),
        format="text",
        session=session,
        adopted=year,
    )


# General Debate speeches are named COUNTRY_SESSION_YEAR.txt (USA_78_2023.txt)
_SPEECH_NAME = re.compile(r"[A-Z]{2,3}_(\d{1,3})_((?:19|20)\d\d)(?:_.*)?")


def _speech_session(path: Path) -> tuple[int | None, str]:
    """Session and year from a General Debate speech's file name, if it has that form.

    >>> _speech_session(Path("ungdc/Session 78 - 2023/USA_78_2023.txt"))
    (78, '2023')
    >>> _speech_session(Path("notes.txt"))
    (None, '')
    """
    m = _SPEECH_NAME.fullmatch(path.stem)
    return (int(m.group(1)), m.group(2)) if m else (None, "")


def plain_paragraphs(text: str) -> list[str]:
    """Paragraphs of plain text.

    Hard-wrapped text (short lines) is split at blank lines and its lines joined;
    otherwise every line is a paragraph.

    >>> plain_paragraphs("One line\\nwrapped here.\\n\\nTwo.")
    ['One line wrapped here.', 'Two.']
    >>> plain_paragraphs("A long paragraph on one line.\\nAnother one.")
    ['A long paragraph on one line.', 'Another one.']
    """
    words = _Words(text)
    lines = text.split("\n")
    if not _hard_wrapped(lines):
        return [p for p in map(_squash, lines) if p]
    paragraphs: list[str] = []
    group: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            group.append(line)
        elif group:
            paragraphs.append(_join(group, words))
            group = []
    return paragraphs


def _hard_wrapped(lines: list[str]) -> bool:
    """Whether lines are wrapped at a fixed width, rather than one paragraph a line.

    Wrapped text has blank lines between paragraphs and lines no longer than
    about 100 characters.
    """
    full = [len(line) for line in lines if line.strip()]
    if len(full) < 2 or len(full) == len(lines):
        return False
    full.sort()
    return full[int(len(full) * 0.9)] <= 100


def _plain_title(first: str) -> str:
    """The first paragraph, when it is a single short line that reads as a heading.

    >>> _plain_title("Charter of the United Nations"), _plain_title("Mr. President, thank you.")
    ('Charter of the United Nations', '')
    """
    heading = (
        len(first) <= 120
        and len(first.split()) <= 15
        and not first.endswith((".", ",", ";", ":"))
        and (first[:1].isupper() or first[:1].isdigit())
    )
    return first if heading else ""
