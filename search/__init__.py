"""unsearch: full-text search over United Nations documents, paragraph by paragraph.

>>> import search
>>> report = search.ingest(["corpus/"], "index/")          # doctest: +SKIP
>>> hits = search.open_index("index/").search("coopération triangulaire")  # doctest: +SKIP
>>> hits[0].citation                                       # doctest: +SKIP
'A/RES/58/220, par. 4'

A document flows through the package as corpus → documents → paragraphs →
analysis → engine → index → hits: :mod:`.documents` (with :mod:`.sources`) reads
files, :mod:`.paragraphs` splits them, :mod:`.analysis` holds the language
chains, :mod:`.engine` stores and searches (the only code that knows Whoosh's
internals), :mod:`.index` and :mod:`.query` are the index and query language
as the library sees them, :mod:`.hits` what a search returns.

Names are imported on first use, so that a command pays only for what it runs.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

_EXPORTS = {
    "CheckReport": "checking",
    "Damage": "checking",
    "check_index": "checking",
    "CitationGroup": "citations",
    "Citations": "citations",
    "Document": "documents",
    "iter_sources": "documents",
    "read_document": "documents",
    "DocumentError": "errors",
    "IndexCorruptError": "errors",
    "IndexFormatError": "errors",
    "IndexLockedError": "errors",
    "IndexNotFoundError": "errors",
    "NotFoundError": "errors",
    "QueryError": "errors",
    "SearchError": "errors",
    "ServeError": "errors",
    "UnknownValueError": "errors",
    "ParagraphVersion": "history",
    "SeriesEntry": "history",
    "Hit": "hits",
    "Passage": "hits",
    "Index": "index",
    "open_index": "index",
    "Failure": "ingestion",
    "IngestReport": "ingestion",
    "ingest": "ingestion",
    "Paragraph": "paragraphs",
    "DraftParagraphHits": "similar",
    "SimilarHit": "similar",
}

__all__ = [
    "CheckReport",
    "CitationGroup",
    "Citations",
    "Damage",
    "Document",
    "DocumentError",
    "DraftParagraphHits",
    "Failure",
    "Hit",
    "Index",
    "IndexCorruptError",
    "IndexFormatError",
    "IndexLockedError",
    "IndexNotFoundError",
    "IngestReport",
    "NotFoundError",
    "Paragraph",
    "ParagraphVersion",
    "Passage",
    "QueryError",
    "SearchError",
    "SeriesEntry",
    "ServeError",
    "SimilarHit",
    "UnknownValueError",
    "check_index",
    "ingest",
    "iter_sources",
    "open_index",
    "read_document",
]

if TYPE_CHECKING:
    from .checking import CheckReport, Damage, check_index
    from .citations import CitationGroup, Citations
    from .documents import Document, iter_sources, read_document
    from .errors import (
        DocumentError,
        IndexCorruptError,
        IndexFormatError,
        IndexLockedError,
        IndexNotFoundError,
        NotFoundError,
        QueryError,
        SearchError,
        ServeError,
        UnknownValueError,
    )
    from .history import ParagraphVersion, SeriesEntry
    from .hits import Hit, Passage
    from .index import Index, open_index
    from .ingestion import Failure, IngestReport, ingest
    from .paragraphs import Paragraph
    from .similar import DraftParagraphHits, SimilarHit


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'search' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
