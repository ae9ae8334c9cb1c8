"""What every reader of resolution-like sources shares: from a :class:`Cleaned` text
to a :class:`~search.documents.Document`."""

from __future__ import annotations

from pathlib import Path

from ..documents import Document
from ..fields import METADATA
from ..formats import NAMES
from ..paragraphs import Cleaned, segment


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
        **{f.attr: _meta_value(f.attr, meta.get(f.attr)) for f in METADATA},  # type: ignore[arg-type]
    )


def _meta_value(key: str, value: object) -> object:
    """A metadata value as :class:`~search.documents.Document` holds it."""
    if key == "session":
        digits = str(value) if isinstance(value, (int, str)) else ""
        return int(digits) if digits.isdigit() else None
    text = str(value or "")
    return text.lower() if key == "lang" else text
