"""Citations both ways: the documents a resolution cites, and the indexed paragraphs
that cite it, grouped by document.

Each paragraph's cited symbols are indexed at ingest (the ``cites`` field, see
:func:`search.symbols.cited`), so both directions are one lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from whoosh import query as wq

from . import symbols
from .errors import NotFoundError

if TYPE_CHECKING:
    from .index import Index


@dataclass(frozen=True)
class CitationGroup:
    """One document on the other end of citations: its symbol, its title where it is
    indexed (else empty), and the paragraphs holding the citations (``count`` of them:
    in ``cites`` the citing document's own paragraphs, in ``cited_by`` the other
    document's)."""

    symbol: str
    title: str
    count: int
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Citations:
    """What a document cites (in reading order of first citation) and which indexed
    documents cite it (in session order)."""

    symbol: str
    cites: tuple[CitationGroup, ...]
    cited_by: tuple[CitationGroup, ...]


def citations(ix: Index, symbol: str, lang: str | None = None) -> Citations:
    """Both directions of citation for ``symbol`` (only ``cited_by`` for a document that
    is cited but not indexed); :class:`NotFoundError` if it is neither."""
    from .history import titles

    key = symbols.normalize(symbol)
    own = ix._in_order(key, lang)
    names = titles(ix)
    cited: dict[str, list[str]] = {}
    for passage, stored in own:
        for sym in (stored.get("cites") or "").split():
            if sym != key and passage.paragraph not in cited.setdefault(sym, []):
                cited[sym].append(passage.paragraph)
    cites = tuple(
        CitationGroup(sym, names.get(sym, ""), len(labels), tuple(labels))
        for sym, labels in cited.items()
    )
    citing: dict[str, list[tuple[int, str]]] = {}
    sessions: dict[str, int] = {}
    s = ix.searcher()
    q = wq.Term("cites", key)
    if lang:
        q = wq.And([q, wq.Term("lang", lang)])
    for docnum in s.docs_for_query(q):
        f = s.stored_fields(docnum)
        sym = f["symbol"]
        if symbols.normalize(sym) == key:
            continue
        citing.setdefault(sym, []).append((f.get("order", 0), f["paragraph"]))
        sessions[sym] = int(f.get("session") or 0)
    cited_by = tuple(
        CitationGroup(
            sym,
            names.get(symbols.normalize(sym), ""),
            len(found),
            tuple(label for _, label in sorted(found)),
        )
        for sym, found in sorted(
            citing.items(), key=lambda item: (sessions[item[0]], _number(item[0]), item[0])
        )
    )
    if not own and not cited_by:
        raise NotFoundError(f"{symbol}: neither in the index nor cited by it")
    return Citations(own[0][0].symbol if own else key, cites, cited_by)


def _number(symbol: str) -> int:
    digits = "".join(c if c.isdigit() else " " for c in symbol).split()
    return int(digits[-1]) if digits else 0
