"""What the readers share: from a :class:`Cleaned` text to a
:class:`~search.documents.Document`, and the paragraphs of the texts they read
otherwise (a document known by its name, a text without UN structure)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..documents import Document
from ..fields import METADATA
from ..formats import NAMES
from ..paragraphs import Cleaned, Paragraph, segment

#: The names a UN masthead prints above a document's symbol, which are no text of it.
MASTHEAD_NAMES = ("United Nations", "General Assembly", "Nations Unies", "Assemblée générale")

# The words that tell a footnote call written as a bare number ("Agreement 1 and")
# from a number of the text, shared by the readers that have to guess.

#: Words after which a bare number is a reference, a date or a quantity
#: ("paragraph 3", "on 18 and 19", "within 30"), not a footnote call.
NUMBER_WORDS = frozenset(
    """a about above additional after all almost and annex annexes appendix approximately art
    article articles at below between by chap chapter chapters decision decisions each
    every figure first for from goal goals in item items just last least level more
    nearly no number of on only option or over p page pages para paragraph paragraphs
    part parts per phase pillar population pp principle principles reach recommendation
    recommendations resolution resolutions rule rules section sections some step table
    target targets than the their these those through to top under up vol volume with
    within year""".split()
)
#: Month names: a number before one is a date ("3 December").
MONTHS = frozenset(
    "january february march april may june july august september october november december".split()
)
#: Words after a bare number that make it a quantity or a date ("5 million", "3 December").
QUANTITY_WORDS = MONTHS | frozenset(
    """a.m. billion countries days hours hundred members million month months p.m. parties
    per percent thousand times trillion weeks year years""".split()
)


def build_document(cleaned: Cleaned, path: Path, fmt: str) -> Document:
    """Segment ``cleaned`` and wrap its paragraphs and metadata in a :class:`Document`.

    Symbol and language may stay empty: :func:`search.documents.finish` fills them in
    from the file name and the text.
    """
    if fmt not in NAMES:  # see search.formats
        raise ValueError(f"unknown format {fmt!r}")
    meta, paragraphs = segment(cleaned)
    return Document(
        paragraphs=tuple(paragraphs),
        source=str(path),
        format=fmt,
        **{f.attr: _meta_value(f.attr, meta.get(f.attr)) for f in METADATA},  # type: ignore[arg-type]  # typed by the table
    )


def _meta_value(key: str, value: object) -> object:
    """A metadata value as :class:`~search.documents.Document` holds it."""
    if key == "session":
        digits = str(value) if isinstance(value, (int, str)) else ""
        return int(digits) if digits.isdigit() else None
    text = str(value or "")
    return text.lower() if key == "lang" else text


class Paragraphs(list[Paragraph]):
    """A document's paragraphs in reading order, each numbered as it is added."""

    def add(self, label: str, kind: str, text: str, parent: str = "") -> None:
        self.append(Paragraph(label, kind, text, len(self), parent))


def text_paragraphs(bodies: Iterable[str]) -> tuple[Paragraph, ...]:
    """Paragraphs ``P1``, ``P2`` … of kind ``text``: a text without UN structure."""
    return tuple(
        Paragraph(label=f"P{n}", kind="text", text=body, order=n - 1)
        for n, body in enumerate(bodies, start=1)
    )


def instrument(
    symbol: str,
    lang: str,
    title: str,
    paragraphs: Iterable[Paragraph],
    path: Path,
    fmt: str,
    adopted: str,
    session: int | None = None,
) -> Document:
    """A document known by its name (the Charter, the Declaration), read by its structure."""
    return Document(
        symbol=symbol,
        lang=lang,
        title=title,
        paragraphs=tuple(paragraphs),
        source=str(path),
        format=fmt,
        session=session,
        adopted=adopted,
    )
