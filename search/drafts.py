"""Drafts: the paragraphs of a draft file, for :func:`search.similar.similar_draft`.

Drafts circulate as Word files; ``.docx`` is read with python-docx, one draft
paragraph per non-empty Word paragraph.  ``.md``, ``.txt``, ``.html`` and ``.pdf``
go through the readers that ingest uses, so a draft laid out like a resolution
gets its ``PP``/``OP`` labels.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .documents import READERS, read_document
from .errors import DocumentError

DRAFT_SUFFIXES = (*sorted(READERS), ".docx")


@dataclass(frozen=True)
class DraftParagraph:
    """One paragraph of a draft: its position (from 1), its label and its text."""

    position: int
    label: str
    text: str


def read_draft(path: str | os.PathLike[str]) -> list[DraftParagraph]:
    """The paragraphs of a draft file; raise :class:`DocumentError` naming it if it
    cannot be read or holds no text."""
    path = Path(path)
    if path.suffix.lower() == ".docx":
        texts = [("", t) for t in _docx_paragraphs(path)]
    elif path.suffix.lower() in READERS:
        texts = [(p.label, p.text) for p in read_document(path).paragraphs]
    else:
        raise DocumentError(
            path,
            f"unsupported draft type {path.suffix or '(none)'!r} (use {', '.join(DRAFT_SUFFIXES)})",
        )
    out = [
        DraftParagraph(i, label or f"P{i}", text)
        for i, (label, text) in enumerate(((lb, t) for lb, t in texts if t.strip()), start=1)
    ]
    if not out:
        raise DocumentError(path, "no text in the draft")
    return out


def _docx_paragraphs(path: Path) -> list[str]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except FileNotFoundError:
        raise DocumentError(path, "no such file") from None
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError):
        if not path.is_file():
            raise DocumentError(path, "no such file") from None
        raise DocumentError(path, "not a Word .docx file") from None
    except OSError as exc:
        raise DocumentError(path, exc.strerror or "cannot be read") from None
    return [" ".join(p.text.split()) for p in document.paragraphs]
