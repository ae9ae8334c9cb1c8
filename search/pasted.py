"""Pasted words: ranking a query that is a run of words copied from a paragraph.

A query of plain words (no operators, phrases or prefixes; filters allowed) of at
least :data:`MIN_WORDS` words, stop words included, is taken as pasted text.  The
paragraphs holding those words verbatim (in that order, stop words included,
accents, case and plurals folded as the analysis does) are looked up as an exact
phrase too, and rank above the paragraphs that only match the content words.

Short paragraphs score high under BM25 (few words, each weighs more): footnotes,
titles and headings have their score scaled by :data:`SHORT_KIND_WEIGHT`, so that
on the same words an operative or preambular paragraph is not outranked by them.
"""

from __future__ import annotations

from .analysis import ChainSpec
from .query import And, Filter, Node, Phrase, Word
from .wording import wording

#: The least number of words (stop words included) of a query taken as pasted text.
MIN_WORDS = 3
#: Score factor of the paragraph kinds that are short by nature.  BM25's length
#: normalisation (k1 1.2, b 0.75) lifts a word's score in a paragraph a quarter of
#: the average length about 1.5 times; this takes that back.
SHORT_KIND_WEIGHT = 0.65
SHORT_KINDS = frozenset({"fn", "title", "heading"})


def pasted(node: Node) -> tuple[str, Node] | None:
    """The pasted words of a query and the query that finds them as a phrase (with
    its filters), or None if the query is not plain words.

    >>> pasted(And((Word("invites"), Word("all"), Word("States"), Filter("session", "80"))))
    ('invites all States', And([Phrase('invites all States', 0), Filter('session', '80')]))
    >>> pasted(And((And((Word("all"), Word("Member"), Word("States"))), Filter("kind", "op"))))
    ('all Member States', And([Phrase('all Member States', 0), Filter('kind', 'op')]))
    >>> pasted(And((Word("climate"), Word("finance")))) is None
    True
    """
    items = node.items if isinstance(node, And) else (node,)
    # filters outside parentheses wrap the rest: And([And(words), filters])
    inner = [i for i in items if isinstance(i, And)]
    if len(inner) == 1:
        items = (*inner[0].items, *(i for i in items if not isinstance(i, And)))
    words = [i.text for i in items if isinstance(i, Word)]
    filters = [i for i in items if isinstance(i, Filter)]
    if len(words) + len(filters) != len(items):
        return None
    text = " ".join(words)
    if len(text.split()) < MIN_WORDS:
        return None
    phrase = Phrase(text)
    return text, (And((phrase, *filters)) if filters else phrase)


def holds(text: str, chain: str | ChainSpec, words: str) -> bool:
    """Whether ``text`` has ``words`` verbatim, as analysis chain ``chain`` reads both.

    >>> holds("calls upon all Member States to consider", "en", "all member state to")
    True
    >>> holds("calls upon all Member States also to consider", "en", "all member states to")
    False
    """
    want = wording(words, chain).keys
    if not want:  # words the chain reads as nothing ("' \u200d")
        return False
    have = wording(text, chain).keys
    n = len(want)
    first = want[0]
    return any(have[i] == first and have[i : i + n] == want for i in range(len(have) - n + 1))


def kind_weight(kind: str) -> float:
    """The score factor of a paragraph kind (see :data:`SHORT_KIND_WEIGHT`)."""
    return SHORT_KIND_WEIGHT if kind in SHORT_KINDS else 1.0
