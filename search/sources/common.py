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
