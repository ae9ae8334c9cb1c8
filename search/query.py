"""Queries: parse the unsearch query language and compile it to Whoosh queries.

The syntax, in French or English::

    coopération triangulaire         every word must match
    "Nations Unies"  "the Secretary-General to submit"~2
                                     exact phrase (optional slop)
    sud OR nord      sud OU nord     either
    sud AND nord     sud ET nord     both (the default)
    NOT nord  SAUF nord  -nord       without
    (sud OR nord) coopér*            grouping, prefix
    symbol:58/220 session:58 year:2003 year:2020..2024 lang:fr kind:op cites:57/263

Operators count only in capitals: lower-case "et", "ou", "or" are words.  A
malformed query is parsed leniently (an unclosed quote runs to the end, unbalanced
parentheses are closed or ignored, a dangling operator is dropped); a query with
nothing left to search for raises :class:`~search.errors.QueryError`.

The query is compiled once per analysis chain (French, English, neutral), each on
its own field, so a word that is a stop word in one language never becomes a
required term in another.

>>> parse('"Nations Unies" OU sud-sud SAUF (nord -est) kind:op')  # doctest: +NORMALIZE_WHITESPACE
And([Or([Phrase('Nations Unies', 0),
         And([Word('sud-sud'), Not(And([Word('nord'), Not(Word('est'))]))])]),
     Filter('kind', 'op')])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from functools import lru_cache
from itertools import pairwise

from .engine import startup as _startup  # noqa: F401  (before Whoosh: see search/engine/startup.py)

# isort: split
from whoosh import query as wq
from whoosh.matching.binary import IntersectionMatcher
from whoosh.query.spans import Span, SpanQuery, SpanWrappingMatcher
from whoosh.util import make_binary_tree

from . import kinds, symbols
from .analysis import (
    MAX_PAIR_GAP,
    STOP_MARK,
    WORD_MARK,
    char_tokens,
    common_stems,
    pair_term,
    word_form,
)
from .errors import QueryError


class _Node:
    """Query syntax tree node; its repr is the call that builds it."""

    def __repr__(self) -> str:
        args = (getattr(self, f.name) for f in fields(self))
        shown = ", ".join(repr(list(a) if isinstance(a, tuple) else a) for a in args)
        return f"{type(self).__name__}({shown})"


@dataclass(frozen=True, repr=False)
class Word(_Node):
    text: str


@dataclass(frozen=True, repr=False)
class Prefix(_Node):
    text: str


@dataclass(frozen=True, repr=False)
class Phrase(_Node):
    text: str
    slop: int = 0


@dataclass(frozen=True, repr=False)
class Filter(_Node):
    field: str
    value: str


@dataclass(frozen=True, repr=False)
class And(_Node):
    items: tuple


@dataclass(frozen=True, repr=False)
class Or(_Node):
    items: tuple


@dataclass(frozen=True, repr=False)
class Not(_Node):
    item: object


Node = Word | Prefix | Phrase | Filter | And | Or | Not

FILTERS = ("symbol", "session", "year", "lang", "kind", "cites")
_OPS = {"AND": "AND", "ET": "AND", "OR": "OR", "OU": "OR", "NOT": "NOT", "SAUF": "NOT"}

_LEX = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<lpar>\()
  | (?P<rpar>\))
  | (?P<phrase>"(?P<ptext>[^"]*)(?:"|$)(?:~(?P<slop>\d+))?)
  | (?P<filter>(?P<fname>[A-Za-z]+):(?:"(?P<fquoted>[^"]*)"?|(?P<fvalue>(?:[^\s()]|\([^\s()]*\))+)))
  | (?P<minus>-(?=[^\s\-]))
  | (?P<term>[^\s()"]+)
    """,
    re.VERBOSE,
)


def _lex(text: str) -> list[tuple[str, object]]:
    tokens: list[tuple[str, object]] = []
    for m in _LEX.finditer(text):
        kind = m.lastgroup
        if kind == "space":
            continue
        if kind == "phrase" or m.group("phrase"):
            tokens.append(("phrase", Phrase(m.group("ptext"), int(m.group("slop") or 0))))
        elif m.group("filter"):
            name = m.group("fname").lower()
            value = m.group("fquoted") if m.group("fquoted") is not None else m.group("fvalue")
            if name in FILTERS:
                tokens.append(("atom", Filter(name, value.strip())))
            else:  # "word:word" that is no filter is two words, e.g. a time "10:30"
                tokens.append(("term", m.group("filter")))
        elif kind in ("lpar", "rpar", "minus"):
            tokens.append((kind, m.group()))
        else:
            word = m.group("term")
            tokens.append(("op", _OPS[word]) if word in _OPS else ("term", word))
    return tokens


class _Parser:
    """Recursive descent over the lexed tokens; lenient by construction."""

    def __init__(self, tokens: list[tuple[str, object]]) -> None:
        self.tokens = tokens
        self.i = 0

    def peek(self) -> tuple[str, object] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def parse(self) -> Node | None:
        node = self.or_expr()
        while self.peek() is not None:  # a stray ")" : skip it and go on
            self.i += 1
            more = self.or_expr()
            node = _join(And, [node, more])
        return node

    def or_expr(self) -> Node | None:
        items = [self.and_expr()]
        while self.peek() == ("op", "OR"):
            self.i += 1
            items.append(self.and_expr())
        return _join(Or, items)

    def and_expr(self) -> Node | None:
        items = []
        while True:
            tok = self.peek()
            if tok is None or tok[0] == "rpar" or tok == ("op", "OR"):
                break
            if tok == ("op", "AND"):
                self.i += 1
                continue
            items.append(self.unary())
        return _join(And, items)

    def unary(self) -> Node | None:
        tok = self.peek()
        if tok in (("op", "NOT"), ("minus", "-")):
            self.i += 1
            item = self.unary()
            return Not(item) if item is not None else None
        return self.atom()

    def atom(self) -> Node | None:
        if self.peek() is None:  # a dangling NOT at the end
            return None
        kind, value = self.tokens[self.i]
        self.i += 1
        if kind == "lpar":
            node = self.or_expr()
            if self.peek() is not None and self.peek()[0] == "rpar":
                self.i += 1
            return node
        if kind in ("phrase", "atom"):
            return value
        if kind == "term":
            text = str(value)
            if text.endswith("*") and len(text.rstrip("*")) >= 2:
                return Prefix(text.rstrip("*"))
            text = text.strip("*")
            return Word(text) if text else None
        return None  # a stray "-" or ")"


def _join(cls: type, items: list) -> Node | None:
    items = [i for i in items if i is not None]
    if not items:
        return None
    if len(items) == 1:
        return items[0]
    return cls(tuple(items))


def parse(text: str) -> Node:
    """Parse a query; raise :class:`QueryError` when nothing is left to search for.

    Filters outside parentheses apply to the whole query: ``a OR b kind:op`` is
    ``(a OR b) kind:op``.
    """
    tokens, filters, depth = [], [], 0
    for tok in _lex(text):
        depth += {"lpar": 1, "rpar": -1}.get(tok[0], 0)
        negated = bool(tokens) and tokens[-1] in (("op", "NOT"), ("minus", "-"))
        if depth <= 0 and tok[0] == "atom" and not negated:
            filters.append(tok[1])
        else:
            tokens.append(tok)
        depth = max(depth, 0)
    node = _join(And, [_Parser(tokens).parse(), *filters])
    if node is None:
        raise QueryError(f"nothing to search for in {text!r}")
    return node


# --- compilation to Whoosh -------------------------------------------------------


class ExactPhrase(SpanQuery):
    """A phrase whose words must stand at exactly the given relative positions.

    Stop words dropped from the index keep their position gaps, so "the
    Secretary-General to submit" is secretary@0 general@1 submit@3: a plain Whoosh
    ``Phrase`` would demand consecutive positions.  ``slop`` allows that many extra
    positions in total.
    """

    def __init__(self, fieldname: str, words: list[str], offsets: list[int], slop: int = 0):
        self.fieldname = fieldname
        self.words = list(words)
        self.offsets = list(offsets)
        self.slop = slop
        self.qs = [wq.Term(fieldname, w) for w in words]

    def __repr__(self) -> str:
        return f"ExactPhrase({self.fieldname!r}, {self.words!r}, {self.offsets!r}, {self.slop})"

    def _key(self) -> tuple:
        return (self.fieldname, tuple(self.words), tuple(self.offsets), self.slop)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ExactPhrase) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _and_query(self) -> wq.And:
        return wq.And(self.qs)

    def estimate_size(self, ixreader) -> int:
        return self._and_query().estimate_size(ixreader)

    def estimate_min_size(self, ixreader) -> int:
        return self._and_query().estimate_min_size(ixreader)

    def is_leaf(self) -> bool:
        return False

    def children(self):
        return self.qs

    def terms(self, phrases: bool = True):
        for w in self.words:
            yield (self.fieldname, w)

    def matcher(self, searcher, context=None):
        reader = searcher.reader()
        for w in self.words:
            if (self.fieldname, w) not in reader:
                return wq.NullQuery().matcher(searcher, context)
        words = [(q, o) for q, o in zip(self.qs, self.offsets, strict=True) if q.text != STOP_MARK]
        stops = [o for q, o in zip(self.qs, self.offsets, strict=True) if q.text == STOP_MARK]
        # the rarest words lead the intersection
        words.sort(key=lambda item: reader.doc_frequency(self.fieldname, item[0].text))
        ms = [q.matcher(searcher, context) for q, _ in words]
        marks = wq.Term(self.fieldname, STOP_MARK).matcher(searcher, context) if stops else None
        return _ExactPhraseMatcher(ms, [o for _, o in words], self.slop, marks, stops)


class _ExactPhraseMatcher(SpanWrappingMatcher):
    """Documents holding every word of the phrase at its offset.

    The stop mark stands in nearly every document, so it takes no part in the
    intersection: its positions are read only for documents whose words already
    line up.
    """

    def __init__(self, ms, offsets, slop, marks=None, stops=()):
        self.ms = ms
        self.offsets = offsets
        self.slop = slop
        self.marks = marks
        self.stops = stops
        super().__init__(make_binary_tree(IntersectionMatcher, ms) if len(ms) > 1 else ms[0])

    def copy(self):
        marks = self.marks.copy() if self.marks is not None else None
        ms = [m.copy() for m in self.ms]
        return self.__class__(ms, self.offsets, self.slop, marks, self.stops)

    def supports_block_quality(self):
        # skipping blocks by quality would bypass the position check
        return False

    def _get_spans(self):
        return phrase_spans(
            [[s.start for s in m.spans()] for m in self.ms],
            self.offsets,
            self.slop,
            self._stop_positions if self.stops else None,
            self.stops,
        )

    def _stop_positions(self) -> set[int]:
        marks, docid = self.marks, self.child.id()
        if marks.is_active() and marks.id() < docid:
            marks.skip_to(docid)
        if not marks.is_active() or marks.id() != docid:
            return set()
        return {s.start for s in marks.spans()}


def phrase_spans(positions, offsets, slop=0, stop_positions=None, stops=()) -> list:
    """Where a phrase stands in one paragraph: word ``i`` at ``start + offsets[i]``
    (``positions[i]`` are that word's positions), and, without slop, a stop word at
    ``start + o`` for each ``o`` in ``stops``; ``stop_positions()`` gives the stop
    words' positions and is called only when the words line up.

    >>> [s.start for s in phrase_spans([[3, 9], [4, 12]], [0, 1])]
    [3]
    >>> phrase_spans([[3], [5]], [0, 2], 0, lambda: {7}, [1])
    []
    """
    if slop:
        order = sorted(range(len(offsets)), key=offsets.__getitem__)
        return phrase_starts([set(positions[i]) for i in order], [offsets[i] for i in order], slop)
    starts: set[int] | None = None
    for found, offset in zip(positions, offsets, strict=True):
        shifted = {p - offset for p in found}
        starts = shifted if starts is None else starts & shifted
        if not starts:
            return []
    if stops and starts:
        stopped = stop_positions()
        starts = {st for st in starts if all(st + o in stopped for o in stops)}
    last = max(offsets)
    return [Span(start, start + last) for start in sorted(starts)]


def phrase_starts(positions: list[set[int]], offsets: list[int], slop: int) -> list:
    """Spans where word i stands at start + offsets[i] (allowing ``slop`` extra
    positions in total, in order).

    >>> [s.start for s in phrase_starts([{0, 9}, {1, 10}, {3}], [0, 1, 3], 0)]
    [0]
    """
    found = []
    for start in sorted(positions[0]):
        pos, extra = start, 0
        for i in range(1, len(offsets)):
            want = start + offsets[i] + extra
            hit = next(
                (want + d for d in range(slop - extra + 1) if want + d in positions[i]), None
            )
            if hit is None:
                break
            extra += hit - want
            pos = hit
        else:
            found.append(Span(start, pos))
    return found


def analyze(chain: str, text: str) -> list[tuple[str, int]]:
    """Terms and positions of ``text`` under an analysis chain (stop words dropped,
    their positions kept)."""
    return list(_analyzed(chain, text))


@lru_cache(maxsize=4096)
def _analyzed(chain: str, text: str) -> tuple[tuple[str, int], ...]:
    # a query's words are analysed again for every hit they highlight
    return tuple((t, pos) for t, pos, _, _ in char_tokens(chain)(text))


def _text_query(field: str, chain: str, text: str, slop: int = 0) -> wq.Query | None:
    """A word, or a phrase.

    An exact phrase means its words in a row, with stop words (and only stop words)
    where the query has them.  Two common words in a row are one indexed pair term
    (see :class:`search.analysis.IndexTermsFilter`), so "United Nations" is a single
    lookup; longer phrases chain their pairs by position, and words outside the
    common list are checked by position, with the stop-word mark required in the
    gaps.  A phrase with slop matches by positions only.
    """
    terms = analyze(chain, text)
    if not terms:
        return None
    if len(terms) == 1:
        return wq.Term(field, terms[0][0])
    first = terms[0][1]
    if slop:
        return ExactPhrase(field, [t for t, _ in terms], [p - first for _, p in terms], slop)
    common = common_stems(chain)
    items: dict[tuple[str, int], None] = {}
    paired: set[tuple[str, int]] = set()  # words a pair term already places
    for (a, pa), (b, pb) in pairwise(terms):
        gap = pb - pa
        if a in common and b in common and gap <= MAX_PAIR_GAP:
            items[pair_term(a, b, gap), pa - first] = None
            paired.update({(a, pa - first), (b, pb - first)})
    for (a, pa), (b, pb) in pairwise(terms):
        if (pair_term(a, b, pb - pa), pa - first) in items:
            continue
        for word, pos in ((a, pa), (b, pb)):
            if (word, pos - first) not in paired:
                items[word, pos - first] = None
        for stop in range(pa + 1, pb):
            items[STOP_MARK, stop - first] = None
    if len(items) == 1:
        return wq.Term(field, next(iter(items))[0])
    ordered = sorted(items, key=lambda item: item[1])
    return ExactPhrase(field, [t for t, _ in ordered], [o for _, o in ordered])


def sequence_starts(toks: list[tuple[str, int]], terms: list[tuple[str, int]]) -> list[int]:
    """Where ``terms`` (analysed query words with positions) stand in ``toks`` (the
    analysed text) as an exact phrase: the same words in a row, the same gaps.

    >>> toks = analyze("en", "the Secretary-General to submit and the Secretary-General also submit")
    >>> sequence_starts(toks, analyze("en", "the Secretary-General to submit"))
    [0]
    """
    n = len(terms)
    base_q = terms[0][1]
    return [
        i
        for i in range(len(toks) - n + 1)
        if all(
            toks[i + k][0] == terms[k][0] and toks[i + k][1] - toks[i][1] == terms[k][1] - base_q
            for k in range(n)
        )
    ]


def _filter_query(node: Filter) -> wq.Query:
    name, value = node.field, node.value
    if not value:
        raise QueryError(f"{name}: needs a value")
    if name in ("symbol", "cites"):
        return wq.Term("symkey" if name == "symbol" else "cites", symbols.normalize(value))
    if name == "lang":
        return wq.Term("lang", value.lower()[:2])
    if name == "kind":
        kind = kinds.lookup(value)
        if kind is None:
            raise QueryError(f"kind:{value}: use one of {kinds.choices()}")
        return wq.Term("kind", kind)
    m = re.fullmatch(r"(\d{1,4})(?:\.\.|-)(\d{1,4})|(\d{1,4})", value)
    if not m:
        raise QueryError(f"{name}:{value}: expected a number or a range like 2020..2024")
    width = 4 if name == "year" else 3  # stored zero-padded, so ranges sort as text
    low, high = (m.group(3), m.group(3)) if m.group(3) else (m.group(1), m.group(2))
    low, high = f"{int(low):0{width}d}", f"{int(high):0{width}d}"
    return wq.Term(name, low) if low == high else wq.TermRange(name, low, high)


def compile_query(node: Node, chain: str) -> wq.Query | None:
    """The Whoosh query for ``node`` on the text field of one analysis chain.

    Returns ``None`` where the node has nothing to match in that chain (a stop word):
    it then constrains nothing.
    """
    field = f"text_{chain}"
    if isinstance(node, Word):
        return _text_query(field, chain, node.text)
    if isinstance(node, Phrase):
        return _text_query(field, chain, node.text, node.slop)
    if isinstance(node, Prefix):
        return wq.Prefix(field, WORD_MARK + word_form(chain, node.text))
    if isinstance(node, Filter):
        return _filter_query(node)
    if isinstance(node, Not):
        inner = compile_query(node.item, chain)
        return wq.Not(inner) if inner is not None else None
    parts = [compile_query(item, chain) for item in node.items]
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    if isinstance(node, Or):
        return parts[0] if len(parts) == 1 else wq.Or(parts)
    positive = [p for p in parts if not isinstance(p, wq.Not)]
    negative = [p.query for p in parts if isinstance(p, wq.Not)]
    if not positive:
        positive = [wq.Every()]
    q = positive[0] if len(positive) == 1 else wq.And(positive)
    if negative:
        q = wq.AndNot(q, negative[0] if len(negative) == 1 else wq.Or(negative))
    return q


def positive_leaves(node: Node) -> list[Node]:
    """The words, phrases and prefixes a hit is expected to show (for highlighting)."""
    if isinstance(node, (Word, Phrase, Prefix)):
        return [node]
    if isinstance(node, (And, Or)):
        return [leaf for item in node.items for leaf in positive_leaves(item)]
    return []
