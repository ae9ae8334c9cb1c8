"""unsearch: full-text search over United Nations documents, paragraph by paragraph.

>>> import search
>>> report = search.ingest(["corpus/"], "index/")          # doctest: +SKIP
>>> hits = search.open_index("index/").search("coopération triangulaire")  # doctest: +SKIP
>>> hits[0].citation                                       # doctest: +SKIP
'A/RES/58/220, par. 4'
"""

from __future__ import annotations

from .documents import Document, iter_sources, read_document
from .errors import (
    DocumentError,
    IndexLockedError,
    IndexNotFoundError,
    NotFoundError,
    QueryError,
    SearchError,
)
from .hits import Hit, Passage
from .index import Index, open_index
from .ingest import Failure, IngestReport, ingest
from .paragraphs import Paragraph

__all__ = [
    "Document",
    "DocumentError",
    "Failure",
    "Hit",
    "Index",
    "IndexLockedError",
    "IndexNotFoundError",
    "IngestReport",
    "NotFoundError",
    "Paragraph",
    "Passage",
    "QueryError",
    "SearchError",
    "ingest",
    "iter_sources",
    "open_index",
    "read_document",
]
