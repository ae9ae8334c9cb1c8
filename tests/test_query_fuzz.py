"""Generated hostile queries: every one answers or raises QueryError, never anything else.

Queries are built from the pieces of the query language and what breaks parsers:
operators in and out of capitals, quotes and parentheses balanced or not, filters
with good, bad, empty, open and reversed values, wildcards, ``~`` after words and
phrases, symbols, control characters, lone surrogates and random Unicode, now
and then a very long or deeply nested query.  Each runs through
:meth:`search.Index.search` on the sample index of real resolutions; a hit's
match offsets must be spans of its own text, in order and apart.

Hypothesis draws bytes, and :func:`query_of` reads them as a query piece by piece
(one draw per query: generating stays cheap, and shrinking the bytes shrinks the
query).  The default run makes 2,000 queries (``make test``); a longer one::

    UNSEARCH_FUZZ_EXAMPLES=100000 .venv/bin/python -m pytest tests/test_query_fuzz.py -q
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from search import QueryError
from search.hits import HitList

#: Queries generated per run (at least 2,000 in the suite).
EXAMPLES = int(os.environ.get("UNSEARCH_FUZZ_EXAMPLES", "2000"))

WORDS = [
    "development", "coopération", "triangulaire", "Sud-Sud", "Nations", "Unies",
    "human", "rights", "droits", "l'homme", "États", "Assemblée", "climate", "peace",
    "the", "de", "et", "ou", "or", "and", "not", "la", "of", "i", "a", "x", "2003",
    "人人", "право", "حقوق", "derechos", "Straße", "ﬁnance", "İstanbul", "coöperation",
]  # fmt: skip
OPERATORS = ["AND", "OR", "NOT", "ET", "OU", "SAUF", "-", "--", "+", "&&", "||", "!"]
SYMBOLS = [
    "A/RES/58/220", "58/220", "a/res/58/220", "A/RES/217A(III)", "217 A (III)",
    "S/RES/2250 (2015)", "1145 (XII)", "A/58/L.7", "E/CN.6/2024/3", "A/RES/ES-10/21",
    "CHARTER", "99/999",
]  # fmt: skip
FIELDS = ["symbol", "session", "year", "lang", "kind", "cites", "Year", "KIND", "foo", "http"]
VALUES = [
    "", '""', '"', "2003", "2020..2024", "..79", "2020..", "..", "2024..2020", "80-78",
    "abc..def", "58", "00000", "99999999999999999999", "-5", "fr", "en", "xx", "FR",
    "French", "op", "pp", "zz", "Annexe", "heading", "58/220", "A/RES/58/220", "(", ")",
    "*", "\x00", "1..2..3", '"a b', "2003 ",
]  # fmt: skip
PUNCTUATION = ["(", ")", "((", "))", "()", '"', "*", "~", "^", ":", "**", "\\", "'", "«", "»"]
SUFFIXES = ["*", "**", "*x", "~", "~2", "~999999", "^2", "?", ":", ""]
SLOPS = ["", "", "~", "~0", "~2", "~100", "~101", "~99999", "~" + "9" * 30]
ODD = "\x00\t\n\r\x0b\x1b\u00a0\u200b\u200d\u200f\u202e\u0301\ufeff\ufffd\U0001f600"
SEPARATORS = [" ", " ", " ", "", "\t", "\n", "  "]
HUGE = ["(" * 150, ")" * 150, "NOT " * 300, "- " * 500, "a " * 3000, "x*" * 30, '"' * 999]


class _Bytes:
    """Reads choices from the bytes Hypothesis draws (zeros once they run out)."""

    def __init__(self, data: bytes) -> None:
        self.data, self.i = data, 0

    def byte(self) -> int:
        b = self.data[self.i] if self.i < len(self.data) else 0
        self.i += 1
        return b

    def pick(self, items):
        return items[self.byte() % len(items)]

    def left(self) -> bool:
        return self.i < len(self.data)


def _piece(b: _Bytes) -> str:
    kind = b.byte() % 24
    if kind < 8:
        return b.pick(WORDS)
    if kind < 10:
        return b.pick(OPERATORS)
    if kind == 10:
        words = " ".join(b.pick(WORDS) for _ in range(b.byte() % 5))
        return f'"{words}{b.pick(["", chr(34), chr(34)])}{b.pick(SLOPS)}'
    if kind in (11, 12):
        return f"{b.pick(FIELDS)}:{b.pick(VALUES)}"
    if kind == 13:
        return b.pick(SYMBOLS)
    if kind in (14, 15):
        return b.pick(PUNCTUATION)
    if kind == 16:  # part of a word, then a wildcard or a ~
        word = b.pick(WORDS)
        return word[: b.byte() % (len(word) + 1)] + b.pick(SUFFIXES)
    if kind == 17:
        return b.pick(["-", "NOT ", "- ", "SAUF "]) + b.pick(SYMBOLS + WORDS)
    if kind in (18, 19):  # characters from the whole of Unicode, surrogates included
        return "".join(
            chr((b.byte() << 16 | b.byte() << 8 | b.byte()) % 0x110000) for _ in range(b.byte() % 4)
        )
    if kind in (20, 21):  # the Basic Multilingual Plane, and odd ones
        return "".join(chr(b.byte() << 8 | b.byte()) for _ in range(b.byte() % 4)) + b.pick(ODD)
    if kind == 22:
        return b.pick(ODD)
    return b.pick(HUGE) if b.byte() % 4 == 0 else b.pick(WORDS)


def query_of(data: bytes) -> str:
    """The query ``data`` spells: pieces, each followed by a separator."""
    b = _Bytes(data)
    out = []
    while b.left():
        out += [_piece(b), b.pick(SEPARATORS)]
    return "".join(out)


def test_no_query_raises_anything_but_query_error(ix):
    ran = []

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        data=st.binary(max_size=40),
        limit=st.integers(1, 30),
        lang=st.sampled_from([None, "fr", "xx"]),
    )
    def search(data: bytes, limit: int, lang: str | None) -> None:
        q = query_of(data)
        note(f"query: {q!r}")
        ran.append(q)
        try:
            hits = ix.search(q, limit=limit, lang=lang)
        except QueryError:
            return
        assert isinstance(hits, HitList)
        assert len(hits) <= limit
        for hit in hits:
            end = 0
            for a, b in hit.matches:
                assert end <= a < b <= len(hit.text), (q, hit.symbol, hit.paragraph, hit.matches)
                end = b

    search()
    assert len(ran) >= EXAMPLES
