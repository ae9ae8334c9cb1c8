"""Paragraphs: the unit unsearch indexes, and the segmenter that finds them.

A reader (``search.sources.*``) turns one source file into a :class:`Cleaned`
text: logical blocks in reading order with page furniture removed, hard line
wraps joined, footnote bodies set apart and footnote calls kept as markers made
by :func:`fn_call`.  :func:`segment` then labels the blocks as UN negotiators
cite them.

Labels
------
``T``            the title ("58/220. Coopération économique ...")
``PP1``…         preambular paragraphs
``OP1``…         operative paragraphs; ``OP9(a)``, ``OP9(a)(i)`` sub-paragraphs
                 (``parent`` names the chapeau, ``OP9``)
``FN1``…         footnotes (``notes`` of a footnote lists the paragraphs calling it;
                 ``notes`` of a paragraph lists the footnotes it calls)
``AN5``          annex paragraph 5, ``AN5(a)`` its sub-paragraphs, ``AN-P3`` the
                 third unnumbered annex paragraph, ``AN-H1`` an annex heading; with
                 several annexes the annex number follows: ``AN2.5``, ``AN2-P3``
``ART1``         UDHR articles, ``ART21(2)`` their numbered items
``P1``…          paragraphs of a text without UN structure (speeches, plain text)
"""

from __future__ import annotations

from dataclasses import dataclass, field

FN_OPEN = "\ue000"
FN_CLOSE = "\ue001"

#: Paragraph kinds, also the values of the ``kind:`` query filter.
KINDS = ("title", "pp", "op", "fn", "annex", "heading", "article", "text")


def fn_call(number: str | int) -> str:
    """The marker a reader leaves in a block where footnote ``number`` is called."""
    return f"{FN_OPEN}{number}{FN_CLOSE}"


@dataclass(frozen=True)
class Paragraph:
    """One citable paragraph of a document."""

    label: str
    kind: str
    text: str
    order: int
    parent: str = ""
    notes: tuple[str, ...] = ()
    section: str = ""


@dataclass
class Cleaned:
    """A source after cleaning, before segmentation.

    ``blocks`` are logical paragraphs in reading order (a paragraph split by a page
    break may still come as two blocks: :func:`segment` joins them), with footnote
    calls as :func:`fn_call` markers.  ``footnotes`` maps a footnote number to its
    text.  ``meta`` holds what the source states outright (front matter), using the
    keys of :class:`search.documents.Document`.
    """

    blocks: list[str]
    footnotes: dict[str, str] = field(default_factory=dict)
    meta: dict[str, object] = field(default_factory=dict)
