"""Paragraph kinds: the one table behind ``Paragraph.kind``, the ``kind:`` filter,
its error message, ``unsearch query --help`` and the README's list.

Each kind names the label prefixes the segmenter gives it (see
:mod:`search.paragraphs`), the other words the ``kind:`` filter accepts for it,
and a few words of help.

>>> lookup("Operative"), lookup("titre"), lookup("chapter")
('op', 'title', None)
>>> choices()
'op, pp, fn, annex, title, heading, article, text'
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """One kind of paragraph."""

    name: str  #: the value of ``Paragraph.kind`` and of the ``kind:`` filter
    labels: tuple[str, ...]  #: label prefixes the segmenter gives it
    aliases: tuple[str, ...]  #: other words ``kind:`` accepts (any case)
    help: str  #: what it is, for ``--help`` and the README


KINDS: tuple[Kind, ...] = (
    Kind("op", ("OP",), ("operative",), "operative paragraphs and their sub-paragraphs"),
    Kind("pp", ("PP",), ("preambular",), "preambular paragraphs"),
    Kind("fn", ("FN",), ("footnote", "note"), "footnotes"),
    Kind("annex", ("AN",), ("annexe",), "annex paragraphs"),
    Kind("title", ("T",), ("titre",), "the title"),
    Kind("heading", ("H", "AN-H", "CH"), (), "headings inside the body or an annex, chapters"),
    Kind("article", ("ART",), (), "articles of the Universal Declaration and the Charter"),
    Kind("text", ("P", "CL"), (), "paragraphs of texts without UN structure"),
)

#: Kind names in table order.
NAMES: tuple[str, ...] = tuple(k.name for k in KINDS)

#: Every word the ``kind:`` filter accepts (lower case), mapped to its kind's name.
ALIASES: dict[str, str] = {word: kind.name for kind in KINDS for word in (kind.name, *kind.aliases)}


def lookup(value: str) -> str | None:
    """The kind ``value`` names (a name or an alias, any case), or ``None``."""
    return ALIASES.get(value.lower())


def choices(sep: str = ", ") -> str:
    """The kind names, for an error message or help text."""
    return sep.join(NAMES)
