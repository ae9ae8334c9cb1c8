"""Wording: a paragraph as a sequence of words, how much two such sequences share,
and the word diff between them.

A text is split into its words as the index tokenises it (stop words included).
Each word gets a *key*: under ``analysed`` keys a word compares as the analysis
chain reads it (accents, case and plurals folded: the stem), a stop word as its
folded spelling; under ``exact`` keys (for diffs and :mod:`search.history`, where
a plural is an amendment) as written, case and accents aside.

Sequences are compared by rapidfuzz's Indel distance on strings where each
distinct key is one character, so that one comparison is a single C call.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Indel

from .analysis import TOKEN_PATTERN, ChainSpec, char_tokens, fold

#: Diff operations, from the first text (the draft, the older version) to the second.
SAME, REMOVED, ADDED = "=", "-", "+"


@dataclass(frozen=True)
class Wording:
    """The words of a text: their keys and where each word's surface starts and
    ends (a word's surface runs to the next word, so surfaces rebuild the text)."""

    text: str
    keys: tuple[str, ...]
    starts: tuple[int, ...]
    #: the keys as one string, a character per distinct key (see :class:`Alphabet`)
    encoded: str

    def surface(self, i: int, j: int) -> str:
        """The text of words ``i`` to ``j`` (exclusive), with what follows the last."""
        end = self.starts[j] if j < len(self.starts) else len(self.text)
        return self.text[self.starts[i] : end] if i < j else ""


@lru_cache(maxsize=20_000)
def wording(text: str, chain: str | ChainSpec, exact: bool = False) -> Wording:
    """The words of ``text`` under analysis chain ``chain`` (``fr``, ``en``, ``xx``).

    >>> w = wording("Les États Membres, les organisations", "fr")
    >>> w.keys
    ('les', 'etat', 'membr', 'les', 'organis')
    >>> wording("Les États Membres", "fr", exact=True).keys
    ('les', 'etats', 'membres')
    """
    matches = list(TOKEN_PATTERN.finditer(text))
    if exact:
        keys = tuple(fold(m.group().lower()) for m in matches)
    else:
        stems = {pos: term for term, pos, _, _ in char_tokens(chain)(text)}
        keys = tuple(stems.get(i) or fold(m.group().lower()) for i, m in enumerate(matches))
    starts = tuple(m.start() for m in matches)
    if starts:
        starts = (0, *starts[1:])  # what comes before the first word belongs to it
    return Wording(text, keys, starts, _ALPHABET.encode(keys))


class Alphabet:
    """One character per distinct key, so that word sequences compare as strings."""

    #: the supplementary planes: past the surrogates, a million keys
    FIRST, LAST = 0x10000, 0x10FFFF

    def __init__(self) -> None:
        self._chars: dict[str, str] = {}

    def encode(self, keys: tuple[str, ...]) -> str:
        chars = self._chars
        try:
            return "".join([chars[k] for k in keys])
        except KeyError:
            pass
        if len(chars) + len(keys) > self.LAST - self.FIRST:
            # a million distinct words seen: start again, forgetting every wording
            chars.clear()
            wording.cache_clear()
        for k in keys:
            if k not in chars:
                chars[k] = chr(self.FIRST + len(chars))
        return "".join([chars[k] for k in keys])


_ALPHABET = Alphabet()


def similarity(a: Wording, b: Wording) -> float:
    """The share of the two word sequences they have in common, in order: twice the
    words of their longest common subsequence over the words of both (0 to 1).

    >>> a = wording("invites all Member States to contribute", "en")
    >>> b = wording("invites all Member States in a position to do so to contribute", "en")
    >>> round(similarity(a, b), 3)
    0.667
    """
    return round(Indel.normalized_similarity(a.encoded, b.encoded), 4)


def diff(a: Wording, b: Wording) -> tuple[tuple[str, str], ...]:
    """The word diff from ``a`` to ``b``: ``(op, text)`` pairs, ``op`` one of
    :data:`SAME` (text as ``b`` has it), :data:`REMOVED` (from ``a``),
    :data:`ADDED` (from ``b``).  The ``=`` and ``+`` parts rebuild ``b``; the ``=``
    and ``-`` parts rebuild ``a``'s words, spelt and punctuated as in ``b`` where
    they compare equal.

    >>> a = wording("invites Member States to contribute", "en", exact=True)
    >>> b = wording("invites all Member States to scale up contributions", "en", exact=True)
    >>> diff(a, b)  # doctest: +NORMALIZE_WHITESPACE
    (('=', 'invites '), ('+', 'all '), ('=', 'Member States to '), ('-', 'contribute'),
     ('+', 'scale up contributions'))
    """
    ops = Indel.opcodes(a.encoded, b.encoded)
    out: list[tuple[str, str]] = []
    removed: list[str] = []  # a changed stretch: what it removes, then what it adds
    added: list[str] = []

    def flush() -> None:
        for op, parts in ((REMOVED, removed), (ADDED, added)):
            text = "".join(parts)
            if text:
                out.append((op, text))
            parts.clear()

    for code in ops:
        i1, i2, j1, j2 = code.src_start, code.src_end, code.dest_start, code.dest_end
        if code.tag == "equal":
            flush()
            same = b.surface(j1, j2)
            if j2 == len(b.keys) and i2 < len(a.keys) and not same[-1].isspace():
                same += " "  # the end of b, with words of a removed after it
            out.append((SAME, same))
            continue
        removed.append(a.surface(i1, i2))
        added.append(b.surface(j1, j2))
    flush()
    return tuple(out)


def word_diff(ops, style=None) -> str:
    """A diff as text, the way ``git diff --word-diff`` prints it:
    ``[-removed-]{+added+}``, or through ``style(op, text)`` (colour on a terminal).

    >>> word_diff((("=", "invites "), ("-", "all "), ("+", "the "), ("=", "States")))
    'invites [-all-] {+the+} States'
    """
    out = []
    for op, text in ops:
        if op == SAME:
            out.append(text)
            continue
        body = text.rstrip()
        tail = text[len(body) :]
        if style is not None:
            out.append(style(op, body) + tail)
        else:
            out.append(f"[-{body}-]{tail}" if op == REMOVED else f"{{+{body}+}}{tail}")
    return "".join(out)
