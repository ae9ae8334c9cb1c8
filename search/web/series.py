"""The series view: a resolution's paragraphs across the sessions of its series, as
a grid the template draws in SVG (sessions across, paragraphs down).

Each row follows one paragraph from version to version, as :mod:`search.history`
pairs them; each cell says what became of it in that session: ``unchanged``,
``amended``, ``new`` (no counterpart in the previous resolution) or ``dropped``
(the previous resolution had it, this one has nothing like it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..history import AMENDED, COMPARED, NEW, UNCHANGED, SeriesEntry, pair_paragraphs
from ..index import Index

DROPPED = "dropped"
STATUSES = (UNCHANGED, AMENDED, NEW, DROPPED)

#: Geometry of the picture, in pixels.
LABEL_W, CELL_W, CELL_H, GAP, HEAD_H = 92, 64, 16, 2, 40
GEOMETRY = {"label_w": LABEL_W, "cell_w": CELL_W, "cell_h": CELL_H, "gap": GAP, "head_h": HEAD_H}


@dataclass
class Cell:
    status: str
    symbol: str
    paragraph: str
    similarity: float = 0.0


@dataclass
class Row:
    kind: str
    cells: dict[int, Cell] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """The label of the row's latest version."""
        return self.cells[
            max(c for c, cell in self.cells.items() if cell.status != DROPPED)
        ].paragraph


@dataclass(frozen=True)
class Grid:
    entries: list[SeriesEntry]
    rows: list[Row]

    @property
    def width(self) -> int:
        return LABEL_W + len(self.entries) * (CELL_W + GAP)

    @property
    def height(self) -> int:
        return HEAD_H + len(self.rows) * (CELL_H + GAP)


def series_grid(ix: Index, symbol: str) -> Grid:
    """The grid of ``symbol``'s series; :class:`~search.errors.NotFoundError` for an
    unknown document."""
    entries = ix.history(symbol)
    docs = [[p for p in ix.document(e.symbol, e.lang) if p.kind in COMPARED] for e in entries]
    rows: list[Row] = []
    open_rows: dict[str, Row] = {}  # label in the previous document -> its row
    for col, doc in enumerate(docs):
        pairing = pair_paragraphs(docs[col - 1], doc) if col else None
        now: dict[str, Row] = {}
        for p in doc:
            found = pairing.old.get(p.paragraph) if pairing else None
            if found is None:
                row = Row(p.kind)
                rows.append(row)
                status, sim = NEW, 0.0
            else:
                row = open_rows[found[0]]
                status, sim = (UNCHANGED if found[1] >= 1.0 else AMENDED), found[1]
            row.cells[col] = Cell(status, p.symbol, p.paragraph, sim)
            now[p.paragraph] = row
        if pairing:
            for label in pairing.dropped:
                open_rows[label].cells[col] = Cell(DROPPED, entries[col].symbol, label)
        open_rows = now
    last = len(entries) - 1
    order = {p.paragraph: i for i, p in enumerate(docs[-1])}

    def place(row: Row) -> tuple[bool, int]:
        # the latest resolution's paragraphs in its order, then those dropped on the way
        cell = row.cells.get(last)
        if cell is None or cell.status == DROPPED:
            return (True, 0)
        return (False, order[cell.paragraph])

    rows.sort(key=place)
    return Grid(entries, rows)
