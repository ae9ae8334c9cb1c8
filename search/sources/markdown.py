"""Markdown reader: resolutions converted to Markdown from the official PDFs.

Two dialects are handled.  Pandoc-like text with ``<sup>n</sup>`` footnote calls,
footnote bodies as ``<sup>n</sup> text`` blocks at page ends and ``---`` page breaks;
and text with YAML front matter and ``[^n]: text`` footnote bodies, whose calls are
sometimes ``[^n]`` and sometimes bare digits glued to the text ("for 2024,1").
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from ..documents import Document, decode_text
from ..errors import DocumentError
from ..paragraphs import Cleaned, fn_call
from .common import NUMBER_WORDS, QUANTITY_WORDS, build_document

_FRONT_MATTER_RE = re.compile(r"\A---\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)
_FN_DEF_RE = re.compile(r"^\[\^([^\]\s]+)\]:\s?(.*)$")
_FN_REF_RE = re.compile(r"\[\^([^\]\s]+)\]")
_SUP_BODY_RE = re.compile(r"^<sup>\s*(\d+)\s*</sup>\s*(.*)$", re.DOTALL)
_SUP_RE = re.compile(r"<sup>\s*([^<]*?)\s*</sup>")
_RULE_RE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>])")
_PARAGRAPH_START_RE = re.compile(r"^(?:\d{1,3}\.|\([a-z]{1,3}\))\s")
# "nuclear- weapon": the conversion kept a space where the PDF wrapped a compound; a
# suspended hyphen ("gender- and age-sensitive") is followed by a conjunction
_BROKEN_COMPOUND_RE = re.compile(r"(\w[-\u2010\u2011]) (?!(?:and|or|to|nor)\b)(?=\w)")


def read(path: Path, data: bytes) -> Document:
    """Read one Markdown resolution."""
    text = decode_text(data, path).replace("\r\n", "\n").replace("\r", "\n")
    front: dict[str, str] = {}
    if m := _FRONT_MATTER_RE.match(text):
        front = _front_matter(m.group(1))
        text = text[m.end() :]
    text, footnotes = _footnote_definitions(text)
    blocks: list[str] = []
    for raw in re.split(r"\n[ \t]*\n", text):
        lines = [ln for ln in raw.split("\n") if ln.strip() and not _RULE_RE.match(ln)]
        if not lines:
            continue
        if m := _SUP_BODY_RE.match(lines[0].strip()):
            footnotes[m.group(1)] = _inline(" ".join([m.group(2), *lines[1:]]))
            continue
        blocks.extend(_inline(part) for part in _split_lines(lines))
    blocks = [b for b in blocks if b]
    if not blocks:
        raise DocumentError(path, "no text found")
    blocks = _bare_calls(blocks, footnotes)
    meta: dict[str, object] = {}
    if front.get("symbol"):
        meta["symbol"] = front["symbol"]
    if front.get("language"):
        meta["lang"] = front["language"].lower()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", front.get("date", "")):
        meta["distributed"] = front["date"]
    doc = build_document(Cleaned(blocks, footnotes, meta), path, "markdown")
    if not doc.title and front.get("title"):
        doc = replace(doc, title=front["title"].rstrip(" :"))
    return doc


def _front_matter(text: str) -> dict[str, str]:
    """The ``key: value`` pairs of a flat YAML front matter."""
    found: dict[str, str] = {}
    for line in text.split("\n"):
        if m := re.match(r"^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$", line):
            value = m.group(2)
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            found[m.group(1).lower()] = value
    return found


def _footnote_definitions(text: str) -> tuple[str, dict[str, str]]:
    """Remove ``[^n]: text`` definitions (and their indented continuation lines)."""
    footnotes: dict[str, str] = {}
    kept: list[str] = []
    current: str | None = None
    for line in text.split("\n"):
        m = _FN_DEF_RE.match(line)
        if m and current is not None and _wrapped_year(m.group(1), current):
            # "September\n1994 (United Nations …" wrapped into a definition look-alike
            footnotes[current] += f" {m.group(1)} {m.group(2)}"
            continue
        if m:
            current = m.group(1)
            footnotes[current] = m.group(2)
            continue
        if current is not None and line[:1] in (" ", "\t") and line.strip():
            footnotes[current] += " " + line.strip()
            continue
        current = None
        kept.append(line)
    return "\n".join(kept), {n: _inline(t) for n, t in footnotes.items()}


def _wrapped_year(number: str, previous: str) -> bool:
    return (
        number.isdigit()
        and previous.isdigit()
        and re.fullmatch(r"(?:19|20)\d\d", number) is not None
        and int(number) != int(previous) + 1
    )


def _split_lines(lines: list[str]) -> list[str]:
    """Lines of one Markdown block, grouped into paragraphs.

    A line is a hard wrap unless it starts a numbered or lettered paragraph, or a
    sentence after one that ended with a full stop.
    """
    parts: list[list[str]] = []
    for raw in lines:
        line = raw.strip()
        starts = bool(_PARAGRAPH_START_RE.match(line))
        prev = parts[-1][-1] if parts else ""
        after_sentence = prev.endswith(".") and line[:1].isupper() and not _is_numeral(prev)
        if parts and not starts and not after_sentence:
            parts[-1].append(line)
        else:
            parts.append([line])
    return [" ".join(p) for p in parts]


def _is_numeral(line: str) -> bool:
    """A heading numeral alone on its line ("I."), to be joined with its title."""
    return bool(re.fullmatch(r"[IVXL]+\.|[A-H]\.|\d{1,3}\.", line))


def _inline(text: str) -> str:
    """Markdown inline syntax to plain text, footnote calls to markers."""
    text = re.sub(r"^#{1,6}\s+", "", text.strip())
    text = _FN_REF_RE.sub(lambda m: fn_call(m.group(1)), text)
    # <sup>6</sup> calls footnote 6; <sup>e</sup> in "78<sup>e</sup>" is an ordinal
    text = _SUP_RE.sub(lambda m: fn_call(m.group(1)) if m.group(1).isdigit() else m.group(1), text)
    text = re.sub(r"<br\s*/?>", " ", text)
    text = re.sub(r"</?[A-Za-z][^>]*>", "", text)
    text = re.sub(r"\*+", "", text)
    text = _ESCAPE_RE.sub(r"\1", text)
    text = _BROKEN_COMPOUND_RE.sub(r"\1", text)
    return " ".join(text.split())


def _bare_calls(blocks: list[str], footnotes: dict[str, str]) -> list[str]:
    """Mark the footnote calls the conversion left as bare digits ("for 2024,1").

    Footnotes are called in the order of their numbers, so footnote ``n`` is looked
    for after the call of ``n - 1`` and before that of the next marked footnote.  A
    ``[^n]`` out of that order ("P[^5] academics") is taken for text when footnote
    ``n`` turns up in its place.
    """
    blocks = list(blocks)
    numbers = sorted(int(n) for n in footnotes if n.isdigit())
    marked = {n: at for n in numbers if (at := _find_marker(blocks, str(n)))}
    stray = {n for n, at in marked.items() if any(m > n and marked[m] < at for m in marked)}
    for n in stray:
        del marked[n]
    position = (0, 0)  # block, offset after the last call found
    for n in numbers:
        if n in marked:
            position = marked[n]
            continue
        later = [marked[m] for m in marked if m > n]
        limit = min(later) if later else (len(blocks), 0)
        hit = _find_bare(blocks, n, position, (limit[0], max(0, limit[1] - len(fn_call(n)))))
        if hit is None:
            continue
        b, start, end = hit
        blocks[b] = blocks[b][:start] + fn_call(n) + blocks[b][end:]
        position = (b, start + len(fn_call(n)))
        if n in stray:
            blocks = [
                block.replace(fn_call(n), str(n), 1) if i != b else _replace_other(block, n, start)
                for i, block in enumerate(blocks)
            ]
        marked = {m: at for m in marked if (at := _find_marker(blocks, str(m)))}
    return blocks


def _replace_other(block: str, n: int, keep: int) -> str:
    """``block`` with the call of ``n`` other than the one at ``keep`` back to digits."""
    marker = fn_call(n)
    at = block.find(marker)
    if at == keep:
        at = block.find(marker, keep + len(marker))
    return block if at < 0 else block[:at] + str(n) + block[at + len(marker) :]


def _find_marker(blocks: list[str], key: str) -> tuple[int, int] | None:
    marker = fn_call(key)
    for i, block in enumerate(blocks):
        at = block.find(marker)
        if at >= 0:
            return i, at + len(marker)
    return None


def _find_bare(
    blocks: list[str], n: int, position: tuple[int, int], limit: tuple[int, int]
) -> tuple[int, int, int] | None:
    """Where bare footnote call ``n`` is, between ``position`` and ``limit``."""
    # glued to a word, or to a full stop ending a sentence ("Development.2"), but not to
    # a symbol part ("Add.2", "A.2")
    glued = re.compile(
        rf"(?:(?<=[^\s\d/.\-–(\[])|(?<=[a-z]{{5}}\.)(?<!Suppl\.)){n}(?=\s|$|[,;:.)]\s|[,;:.)]$)"
    )
    # "2021, 1 2022,2": a call before a year is told apart by :func:`_plausible_call`
    spaced = re.compile(
        rf"(?<=\S) {{1,2}}{n}(?=\s+[^\d\s]|\s*$|\s+\d{{1,3}}\.\s+[A-Z]|\s+(?:19|20)\d\d\b)"
    )
    # "2014–20243 and": a call glued to a year
    year = re.compile(rf"(?<=(?<![\d/.])(?:19|20)\d\d){n}(?=\s|[,;:.]\s|$)")
    # "Parties, 8and welcomes": a call glued to the word after it, not an ordinal ("8th")
    leading = re.compile(rf"(?<=\S ){n}(?!st\b|nd\b|rd\b|th\b)(?=[a-z]{{2,}}\b)")
    for b in range(position[0], min(limit[0] + 1, len(blocks))):
        block = blocks[b]
        lo = position[1] if b == position[0] else 0
        hi = limit[1] if b == limit[0] else len(block)
        for pattern in (glued, spaced, year, leading):
            for m in pattern.finditer(block, lo, hi):
                if pattern is leading or _plausible_call(
                    block, m.start(), m.end(), pattern is spaced
                ):
                    return b, m.start(), m.end()
    return None


def _plausible_call(block: str, start: int, end: int, spaced: bool) -> bool:
    before = block[:start].rstrip()
    if re.search(r"(?<![\d/.])(?:19|20)\d\d$", before) and not spaced:
        return True
    word = re.search(r"(\S+)$", before)
    prev = word.group(1) if word else ""
    if not spaced:
        # "2024,1" and "Agreement1" are calls; "GC(69)/RES/9" is not
        return not re.search(r"\d[,;:]?$", prev) or prev.endswith((",", ";", ":"))
    after = block[end:]
    following = re.match(r"\s*(\S*)", after).group(1).lower().strip(".,;:")  # type: ignore[union-attr]  # always matches
    if re.fullmatch(r"(?:19|20)\d\d[,;:]", prev) and following not in QUANTITY_WORDS:
        return True  # "for 2021, 1 2022,"
    if following in QUANTITY_WORDS or re.search(r"\d", prev):
        return bool(re.match(r"  |\s*$", after) or block[start - 2 : start] == "  ")
    if prev.endswith((",", ";", ":", "”", "’", '"', ")")):
        return True
    bare = prev.strip(".,;:").lower()
    if bare in NUMBER_WORDS:
        return False
    return prev[:1].isupper() or following[:1].islower() or not following
