"""What every reader of resolution-like sources shares: from a :class:`Cleaned` text
to a :class:`~search.documents.Document`."""

from __future__ import annotations

from pathlib import Path

from ..documents import Document
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
    session = meta.get("session")
    return Document(
        symbol=str(meta.get("symbol") or ""),
        lang=str(meta.get("lang") or "").lower(),
        title=str(meta.get("title") or ""),
        paragraphs=tuple(paragraphs),
        source=str(path),
        format=fmt,
        session=int(session)
        if isinstance(session, (int, str)) and str(session).isdigit()
        else None,
        adopted=str(meta.get("adopted") or ""),
        distributed=str(meta.get("distributed") or ""),
        meeting=str(meta.get("meeting") or ""),
        agenda_item=str(meta.get("agenda_item") or ""),
        committee=str(meta.get("committee") or ""),
        report=str(meta.get("report") or ""),
    )
