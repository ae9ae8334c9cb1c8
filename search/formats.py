"""Source formats: the one table of the files ingest reads.

Each format names the suffixes of its files and the reader module in
:mod:`search.sources` that reads them.  The table is in rank order: when one
document (symbol + language) comes from several files, the source whose format
comes first wins.  Markdown keeps footnotes and paragraphs explicit, HTML is
structured, the PDF has layout, raw PDF text has neither.

>>> of_path("A_RES_80_7.MD").name, rank("pdf"), rank("docx")
('markdown', 2, 4)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath


@dataclass(frozen=True)
class Format:
    """One source format."""

    name: str  #: ``Document.format``
    reader: str  #: the module of :mod:`search.sources` that reads it
    suffixes: tuple[str, ...]  #: file suffixes, lower case


#: Every format, best source first.
FORMATS: tuple[Format, ...] = (
    Format("markdown", "markdown", (".md", ".markdown")),
    Format("html", "html", (".html", ".htm")),
    Format("pdf", "pdf", (".pdf",)),
    Format("text", "plaintext", (".txt",)),
)

#: Format names in rank order.
NAMES: tuple[str, ...] = tuple(f.name for f in FORMATS)

#: Suffix (lower case) → format.
BY_SUFFIX: dict[str, Format] = {s: f for f in FORMATS for s in f.suffixes}

_RANK = {f.name: i for i, f in enumerate(FORMATS)}


def of_path(path: str | PurePath) -> Format | None:
    """The format of a file, by its suffix (any case), or ``None``."""
    return BY_SUFFIX.get(PurePath(path).suffix.lower())


def rank(name: str) -> int:
    """A format's rank (0 is the best source); an unknown format ranks after all."""
    return _RANK.get(name, len(FORMATS))
