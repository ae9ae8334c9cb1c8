"""Fields: the one table of what a passage carries, from the sources to the JSON keys.

Each row is an attribute of :class:`search.hits.Passage` (so a key of the JSON
output, in that order), says where its value comes from (the
:class:`~search.documents.Document` or the :class:`~search.paragraphs.Paragraph`,
and which attribute), under which name the index stores it and whether queries
filter on it.  :func:`search.sources.common.build_document` reads a document's
metadata, :func:`search.index.make_schema` declares the stored fields,
:func:`search.index.paragraph_fields` writes them and :func:`search.index.passage`
reads them back, all from this table.

>>> [f.name for f in FIELDS if f.source == PARAGRAPH]
['paragraph', 'kind', 'text', 'order', 'parent', 'notes']
>>> [f.attr for f in METADATA]
['symbol', 'lang', 'title', 'adopted', 'session', 'distributed', 'meeting', 'agenda_item', 'agenda_title', 'committee', 'report']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

DOCUMENT = "document"
PARAGRAPH = "paragraph"
DERIVED = "derived"  #: computed when a passage is read, never stored


def _same(value: object) -> object:
    return value


def _session_in(value: object) -> object:
    # zero-padded so that ranges of sessions sort as text
    return f"{value:03d}" if isinstance(value, int) else None


def _session_out(value: object) -> object:
    return int(str(value)) if value else None


def _notes_in(value: object) -> object:
    return list(value) if isinstance(value, (tuple, list)) else []


def _notes_out(value: object) -> object:
    return tuple(value) if isinstance(value, (tuple, list)) else ()


@dataclass(frozen=True)
class Field:
    """One field of a passage."""

    name: str  #: the :class:`~search.hits.Passage` attribute and JSON key
    source: str  #: :data:`DOCUMENT`, :data:`PARAGRAPH` or :data:`DERIVED`
    attr: str = ""  #: the attribute of the document or paragraph (default: ``name``)
    stored: str = ""  #: the stored field of the index (default: ``attr``)
    filtered: bool = False  #: also indexed as a whole term, for a query filter
    default: object = ""  #: its value where an index holds none
    encode: Callable[[object], object] = field(default=_same, repr=False)  #: to the index
    decode: Callable[[object], object] = field(default=_same, repr=False)  #: from the index

    def __post_init__(self) -> None:
        if not self.attr:
            object.__setattr__(self, "attr", self.name)
        if not self.stored and self.source != DERIVED:
            object.__setattr__(self, "stored", self.attr)


#: Every field of a passage, in the order of :class:`~search.hits.Passage` and the JSON.
FIELDS: tuple[Field, ...] = (
    Field("symbol", DOCUMENT),
    Field("paragraph", PARAGRAPH, attr="label", stored="paragraph"),
    Field("kind", PARAGRAPH, filtered=True),
    Field("lang", DOCUMENT, filtered=True),
    Field("title", DOCUMENT),
    Field("date", DOCUMENT, attr="adopted"),
    Field(
        "session", DOCUMENT, filtered=True, default=None, encode=_session_in, decode=_session_out
    ),
    Field("text", PARAGRAPH),
    Field("citation", DERIVED),
    Field("source", DOCUMENT),
    Field("order", PARAGRAPH, default=0),
    Field("parent", PARAGRAPH),
    Field("notes", PARAGRAPH, default=(), encode=_notes_in, decode=_notes_out),
    Field("distributed", DOCUMENT),
    Field("meeting", DOCUMENT),
    Field("agenda_item", DOCUMENT),
    Field("agenda_title", DOCUMENT),
    Field("committee", DOCUMENT),
    Field("report", DOCUMENT),
    Field("parallel", DERIVED),  # the same paragraph in other languages, when asked for
)


@dataclass(frozen=True)
class Proceedings:
    """How a document went through the General Assembly: the last fields of a
    :class:`~search.documents.Document` and of a :class:`~search.hits.Passage`.

    A class that puts them last lists this base first (``class Passage(Proceedings,
    _Head)``): a dataclass orders the fields of its bases from the last to the first.
    """

    distributed: str = ""
    meeting: str = ""
    agenda_item: str = ""
    agenda_title: str = ""
    committee: str = ""
    report: str = ""


#: Passage attributes (JSON keys) in order.
NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)

#: The fields the index stores for every paragraph.
STORED: tuple[Field, ...] = tuple(f for f in FIELDS if f.source != DERIVED)

#: What a reader tells about a document beside its paragraphs: the keys of the
#: ``meta`` a segmenter or reader returns, and attributes of ``Document``.
METADATA: tuple[Field, ...] = tuple(
    f for f in FIELDS if f.source == DOCUMENT and f.attr != "source"
)


def stored_values(fields: tuple[Field, ...], obj: object) -> dict[str, object]:
    """The stored fields for ``obj`` (a document or a paragraph); a value that
    encodes to ``None`` is left out."""
    out = {}
    for f in fields:
        value = f.encode(getattr(obj, f.attr))
        if value is not None:
            out[f.stored] = value
    return out


def passage_values(stored: Mapping[str, object]) -> dict[str, object]:
    """The :class:`~search.hits.Passage` attributes read from a paragraph's stored
    fields (all but the derived ones)."""
    return {f.name: f.decode(stored.get(f.stored, f.default)) for f in STORED}
