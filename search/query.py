"""Queries: parse the unsearch query language and compile it to Whoosh queries.

The syntax, in French or English::

    coopération triangulaire         every word must match
    "Nations Unies"  "the Secretary-General to submit"~2
                                     exact phrase (optional slop, at most ~100)
    sud OR nord      sud OU nord     either
    sud AND nord     sud ET nord     both (the default)
    NOT nord  SAUF nord  -nord       without; alone, every paragraph but those
    NOT 58/220  -A/RES/58/220        without that document (as NOT symbol:58/220)
    (sud OR nord) coopér*            grouping, prefix
    symbol:58/220 session:58 year:2003 year:2020..2024 lang:fr kind:op cites:57/263
    year:2020..  session:..79        ranges open on one side

Operators count only in capitals: lower-case "et", "ou", "or" are words.  A
malformed query is parsed leniently (an unclosed quote runs to the end,
unbalanced parentheses are closed or ignored, a dangling operator is dropped).
Every other input raises :class:`~search.errors.QueryError` naming what is wrong,
and where (its ``position``): a query with nothing left to search for, a filter
without a value or with a value that is no number or range, a reversed range, an
unknown kind or language (:class:`~search.errors.UnknownValueError`, listing the
valid ones), and the limits below (:data:`MAX_SLOP`, :data:`MAX_DEPTH`,
:data:`MAX_PREFIXES`, :data:`MAX_QUERY_CHARS`).

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
from collections.abc import Callable
from dataclasses import dataclass, fields
from dataclasses import field as dataclass_field
from functools import lru_cache
from itertools import pairwise
from typing import NamedTuple

from .engine.matching import AndNot  # first: Whoosh is imported by the engine
from .engine.phrases import ExactPhrase

# isort: split
from whoosh import query as wq

from . import kinds, languages, symbols
from .analysis import (
    MAX_PAIR_GAP,
    STOP_MARK,
    WORD_MARK,
    ChainSpec,
    char_tokens,
    common_stems,
    pair_term,
    word_form,
)
from .errors import QueryError, UnknownValueError


@dataclass(frozen=True, repr=False)
class _Node:
    """Query syntax tree node; its repr is the call that builds it."""

    def __repr__(self) -> str:
        args = (getattr(self, f.name) for f in fields(self) if f.repr)
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
    #: where the filter starts in the query (for error messages); not compared
    at: int = dataclass_field(default=0, compare=False, repr=False)


@dataclass(frozen=True, repr=False)
class And(_Node):
    items: tuple[Node, ...]


@dataclass(frozen=True, repr=False)
class Or(_Node):
    items: tuple[Node, ...]


@dataclass(frozen=True, repr=False)
class Not(_Node):
    item: Node


Node = Word | Prefix | Phrase | Filter | And | Or | Not

FILTERS = ("symbol", "session", "year", "lang", "kind", "cites")
_OPS = {"AND": "AND", "ET": "AND", "OR": "OR", "OU": "OR", "NOT": "NOT", "SAUF": "NOT"}

#: The longest query read, in characters (a pasted paragraph fits several times).
MAX_QUERY_CHARS = 10_000
#: The most extra words a phrase's ``~N`` allows.
MAX_SLOP = 100
#: How deep parentheses may nest.
MAX_DEPTH = 100
#: The most prefixes (``coopér*``) a query holds: each reads every word it begins.
MAX_PREFIXES = 20
#: Digits of a year (``year:2003``) and of a session (``session:58``), as stored.
_WIDTH = {"year": 4, "session": 3}

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
_SURROGATE = re.compile("[\ud800-\udfff]")


class _Token(NamedTuple):
    kind: str  # space lpar rpar phrase atom minus op term
    value: str | Node  # the node of a phrase or a filter (atom), else the text
    at: int  # where it starts in the query


def _wrong(what: str, at: int, problem: str) -> QueryError:
    """A :class:`QueryError` naming ``what`` (as written), what is wrong with it,
    and where it stands: ``year:soon: expected … (character 13)``."""
    shown = what if len(what) <= 40 else what[:39] + "…"
    return QueryError(f"{shown}: {problem} (character {at + 1})", at)


def _lex(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    for m in _LEX.finditer(text):
        kind, at = m.lastgroup, m.start()
        if kind == "space":
            continue
        if kind == "phrase" or m.group("phrase"):
            tokens.append(_Token("phrase", _phrase(m, at), at))
        elif m.group("filter"):
            name = m.group("fname").lower()
            value = m.group("fquoted") if m.group("fquoted") is not None else m.group("fvalue")
            if name in FILTERS:
                tokens.append(_Token("atom", _checked(Filter(name, value.strip(), at)), at))
            else:  # "word:word" that is no filter is two words, e.g. a time "10:30"
                tokens.append(_Token("term", m.group("filter"), at))
        elif kind in ("lpar", "rpar", "minus"):
            tokens.append(_Token(kind, m.group(), at))
        else:
            word = m.group("term")
            if word[:-1].lower() in FILTERS and word.endswith(":"):
                raise _wrong(word[:-1], at, "needs a value")
            tokens.append(
                _Token("op", _OPS[word], at) if word in _OPS else _Token("term", word, at)
            )
    return tokens


def _phrase(m: re.Match, at: int) -> Phrase:
    digits = m.group("slop") or "0"
    if len(digits) > 4 or int(digits) > MAX_SLOP:
        raise _wrong(m.group("phrase"), at, f"a phrase allows at most ~{MAX_SLOP} extra words")
    return Phrase(m.group("ptext"), int(digits))


def _checked(node: Filter) -> Filter:
    """``node``, once its value is known to be well formed (a language is checked
    against the index: see :meth:`search.index.Index.search`)."""
    if not node.value:
        raise _wrong(node.field, node.at, "needs a value")
    if node.field == "kind" and kinds.lookup(node.value) is None:
        # the filter names itself: its position is the error's, not its message's
        raise UnknownValueError(
            f"kind:{node.value}: use one of {kinds.choices()}", kinds.NAMES, node.at
        )
    if node.field in _WIDTH:
        bounds(node)
    return node


def bounds(node: Filter) -> tuple[str, str]:
    """The lowest and highest values, as stored (zero-padded), of a ``year:`` or
    ``session:`` filter: a number, a range, or a range open on one side.

    >>> bounds(Filter("year", "2020..2024")), bounds(Filter("session", "..79"))
    (('2020', '2024'), ('000', '079'))
    >>> bounds(Filter("year", "2003")), bounds(Filter("year", "2020.."))
    (('2003', '2003'), ('2020', '9999'))
    """
    name, value, width = node.field, node.value, _WIDTH[node.field]
    m = re.fullmatch(r"(\d{1,4})|(\d{1,4})?(?:\.\.|-)(\d{1,4})?", value)
    if not m or not any(m.groups()):
        example = "2020..2024, 2020.. or ..2024"
        raise _wrong(f"{name}:{value}", node.at, f"expected a number or a range like {example}")
    exact, low, high = m.groups()
    low, high = (exact, exact) if exact else (low or "0", high or "9" * width)
    if int(low) > int(high):
        raise _wrong(
            f"{name}:{value}", node.at, f"the range is reversed; write {name}:{high}..{low}"
        )
    return f"{int(low):0{width}d}", f"{int(high):0{width}d}"


class _Parser:
    """Recursive descent over the lexed tokens; lenient by construction."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.depth = 0  # parentheses open

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def at_op(self, op: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == "op" and tok.value == op

    def at_not(self) -> bool:
        tok = self.peek()
        return self.at_op("NOT") or (tok is not None and tok.kind == "minus")

    def parse(self) -> Node | None:
        # what an expression leaves is a stray ")": skip it and go on
        return _join(And, self.separated(self.or_expr, lambda: self.peek() is not None))

    def or_expr(self) -> Node | None:
        return _join(Or, self.separated(self.and_expr, lambda: self.at_op("OR")))

    def separated(
        self, item: Callable[[], Node | None], separator: Callable[[], bool]
    ) -> list[Node | None]:
        """One ``item``, then another after each token ``separator`` is true of."""
        items = [item()]
        while separator():
            self.i += 1
            items.append(item())
        return items

    def and_expr(self) -> Node | None:
        items = []
        while True:
            tok = self.peek()
            if tok is None or tok.kind == "rpar" or self.at_op("OR"):
                break
            if self.at_op("AND"):
                self.i += 1
                continue
            items.append(self.unary())
        return _join(And, items)

    def unary(self) -> Node | None:
        negations = 0
        while self.at_not():
            self.i += 1
            negations += 1
        if not negations:
            return self.atom()
        tok = self.peek()
        if tok is not None and negations % 2 and tok.kind == "term" and _symbol(tok):
            # NOT before a symbol means that document, not its number as words
            self.i += 1
            return Not(Filter("symbol", str(tok.value), tok.at))
        item = self.atom()
        if item is None or not negations % 2:
            return item
        return Not(item)

    def atom(self) -> Node | None:
        if self.peek() is None:  # a dangling NOT at the end
            return None
        kind, value, at = self.tokens[self.i]
        self.i += 1
        if kind == "lpar":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QueryError(
                    f"parentheses nest more than {MAX_DEPTH} deep (character {at + 1})", at
                )
            node = self.or_expr()
            self.depth -= 1
            tok = self.peek()
            if tok is not None and tok.kind == "rpar":
                self.i += 1
            return node
        if not isinstance(value, str):  # a phrase or a filter
            return value
        if kind == "term":
            text = str(value)
            if text.endswith("*") and len(text.rstrip("*")) >= 2:
                return Prefix(text.rstrip("*"))
            text = text.strip("*")
            return Word(text) if text else None
        return None  # a stray "-" or ")"


def _symbol(tok: _Token) -> bool:
    return symbols.looks_like_symbol(str(tok.value))


def _join(cls: type, items: list) -> Node | None:
    items = [i for i in items if i is not None]
    if not items:
        return None
    if len(items) == 1:
        return items[0]
    return cls(tuple(items))


def parse(text: str) -> Node:
    """Parse a query; raise :class:`QueryError` when nothing is left to search for,
    or when a part of it cannot be read: a filter's value (``year:soon``,
    ``kind:zz``), a phrase's ``~N`` over :data:`MAX_SLOP`, parentheses nested over
    :data:`MAX_DEPTH`, over :data:`MAX_PREFIXES` prefixes, a query over
    :data:`MAX_QUERY_CHARS` characters, a lone surrogate (not text).

    Filters outside parentheses apply to the whole query: ``a OR b kind:op`` is
    ``(a OR b) kind:op``.  ``NOT`` or ``-`` before a symbol excludes that document:
    ``-58/220`` is ``NOT symbol:58/220``.

    >>> parse("development -A/RES/58/220")
    And([Word('development'), Not(Filter('symbol', 'A/RES/58/220'))])
    """
    if not isinstance(text, str):
        raise QueryError(f"a query is text, not {type(text).__name__}")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(text):,} characters long: at most {MAX_QUERY_CHARS:,}")
    odd = _SURROGATE.search(text)
    if odd:
        at = odd.start()
        raise QueryError(f"character {at + 1} is not text (a lone UTF-16 surrogate)", at)
    tokens: list[_Token] = []
    outside: list[Node] = []  # the filters outside parentheses
    depth = 0
    for tok in _lex(text):
        depth += {"lpar": 1, "rpar": -1}.get(tok.kind, 0)
        last = tokens[-1] if tokens else None
        negated = last is not None and (last.kind == "minus" or last[:2] == ("op", "NOT"))
        if depth <= 0 and not isinstance(tok.value, str) and tok.kind == "atom" and not negated:
            outside.append(tok.value)
        else:
            tokens.append(tok)
        depth = max(depth, 0)
    node = _join(And, [_Parser(tokens).parse(), *outside])
    if node is None:
        raise QueryError(f"nothing to search for in {quoted(text)}")
    prefixes = sum(isinstance(leaf, Prefix) for leaf in _leaves(node))
    if prefixes > MAX_PREFIXES:
        raise QueryError(f"the query holds {prefixes} prefixes (word*): at most {MAX_PREFIXES}")
    return node


def _leaves(node: Node) -> list[Node]:
    """The words, phrases, prefixes and filters of a query, negated or not."""
    if isinstance(node, Not):
        return _leaves(node.item)
    if isinstance(node, (And, Or)):
        return [leaf for item in node.items for leaf in _leaves(item)]
    return [node]


def quoted(text: str, n: int = 60) -> str:
    """A query as a message quotes it: whole, or its first ``n`` characters."""
    return repr(text if len(text) <= n else text[: n - 1] + "…")


def filters(node: Node) -> list[Filter]:
    """Every filter of a query, negated or not."""
    return [leaf for leaf in _leaves(node) if isinstance(leaf, Filter)]


# --- compilation to Whoosh -------------------------------------------------------


def analyze(chain: str | ChainSpec, text: str) -> list[tuple[str, int]]:
    """Terms and positions of ``text`` under an analysis chain (stop words dropped,
    their positions kept)."""
    return list(_analyzed(chain, text))


@lru_cache(maxsize=4096)
def _analyzed(chain: str | ChainSpec, text: str) -> tuple[tuple[str, int], ...]:
    # a query's words are analysed again for every hit they highlight
    return tuple((t, pos) for t, pos, _, _ in char_tokens(chain)(text))


def _text_query(field: str, chain: str | ChainSpec, text: str, slop: int = 0) -> wq.Query | None:
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


def _filter_query(node: Filter) -> wq.Query:
    name, value = node.field, _checked(node).value
    if name in ("symbol", "cites"):
        return wq.Term("symkey" if name == "symbol" else "cites", symbols.normalize(value))
    if name == "lang":
        return wq.Term("lang", languages.code(value))
    if name == "kind":
        return wq.Term("kind", kinds.lookup(value))
    low, high = bounds(node)
    return wq.Term(name, low) if low == high else wq.TermRange(name, low, high)


def compile_query(node: Node, chain: str | ChainSpec) -> wq.Query | None:
    """The Whoosh query for ``node`` on the text field of one analysis chain.

    Returns ``None`` where the node has nothing to match in that chain (a stop word):
    it then constrains nothing.  A negation with nothing beside it is everything
    but what it names: ``AndNot(wq.Every(), …)``; the result holds no
    ``wq.Not``, which the engine does not evaluate.
    """
    q = _compiled(node, chain)
    return _everything_but(q) if isinstance(q, wq.Not) else q


def _everything_but(q: wq.Not) -> wq.Query:
    return AndNot(wq.Every(), q.query)


def _compiled(node: Node, chain: str | ChainSpec) -> wq.Query | None:
    """:func:`compile_query`, with a negation still a ``wq.Not`` for its ``And``."""
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
        inner = _compiled(node.item, chain)
        if inner is None:
            return None
        return inner.query if isinstance(inner, wq.Not) else wq.Not(inner)
    parts = [_compiled(item, chain) for item in node.items]
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    if isinstance(node, Or):
        parts = [_everything_but(p) if isinstance(p, wq.Not) else p for p in parts]
        return parts[0] if len(parts) == 1 else wq.Or(parts)
    positive = [p for p in parts if not isinstance(p, wq.Not)]
    negative = [p.query for p in parts if isinstance(p, wq.Not)]
    if not positive:
        # only negations: a wq.Not for an enclosing And, or everything but them
        return wq.Not(negative[0] if len(negative) == 1 else wq.Or(negative))
    q = positive[0] if len(positive) == 1 else wq.And(positive)
    if negative:
        q = AndNot(q, negative[0] if len(negative) == 1 else wq.Or(negative))
    return q


def within_chain(q: wq.Query, chain: str | ChainSpec) -> wq.Query:
    """``q``, kept to the paragraphs of ``chain``: as it is where each document it
    matches has a word in the chain's text field (a word, a phrase or a prefix
    there: only a paragraph of the chain has that field), otherwise with the
    ``chain`` term added (a negation or filters alone match paragraphs of every
    language).

    >>> within_chain(wq.Prefix("text_en", "cooperat"), "en")
    Prefix('text_en', 'cooperat')
    >>> within_chain(wq.Term("year", "2024"), "en")
    And([Term('year', '2024'), Term('chain', 'en')])
    """
    return q if _bound(q, f"text_{chain}") else wq.And([q, wq.Term("chain", str(chain))])


def _bound(q: wq.Query, field: str) -> bool:
    if isinstance(q, (wq.Term, wq.Prefix, ExactPhrase)):
        return q.fieldname == field
    if isinstance(q, wq.And):
        return any(_bound(sub, field) for sub in q.subqueries)
    if isinstance(q, wq.Or):
        return all(_bound(sub, field) for sub in q.subqueries)
    if isinstance(q, wq.AndNot):
        return _bound(q.a, field)
    return False


def positive_leaves(node: Node) -> list[Word | Phrase | Prefix]:
    """The words, phrases and prefixes a hit is expected to show (for highlighting)."""
    if isinstance(node, (Word, Phrase, Prefix)):
        return [node]
    if isinstance(node, (And, Or)):
        return [leaf for item in node.items for leaf in positive_leaves(item)]
    return []
