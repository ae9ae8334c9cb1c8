r"""Text analysis: one chain of small Whoosh filters per language, built in :func:`analyzer`.

Each of the six official languages of the United Nations has its chain (``fr``,
``en``, ``es``, ``ru``, ``ar``, ``zh``); other languages get the neutral ``xx``
(folded, not stemmed).

The French chain is the heart of unsearch.  It tokenises words, UN symbols and CJK
characters; strips elision (``l'``, ``qu'``, ``jusqu'`` …, with ``'`` or ``’``);
lower-cases; drops a stop list made for UN French while keeping the positions of
dropped words, so that phrases stay exact; stems with the Snowball project's French
stemmer *on the word as written*, whose suffix rules need the accents (adoptée,
adopté and adopter share ``adopt``); and folds accents in the stem (``œ`` → ``oe``),
so that a word typed without accents meets the accented one.  On a word written
without any accent, the accents of the ending are restored first (``adoptee`` →
``adoptée``) so that it reaches the same stem.

>>> tokens("fr", "L’Assemblée générale, aujourd'hui, les États Membres")
['assembl', 'general', "aujourd'hui", 'etat', 'membr']
>>> tokens("fr", "assemblee generale") == tokens("fr", "Assemblée générale")
True
>>> tokens("fr", "coopérations triangulaires") == tokens("fr", "coopération triangulaire")
True
>>> tokens("fr", "les sommes allouées pendant l'été")
['somm', 'allou', 'pend', 'ete']
>>> tokens("fr", "la coopération Sud-Sud, voir résolution 57/263 et A/58/413")
['cooper', 'sud', 'sud', 'voir', 'resolu', '57/263', 'a/58/413']
>>> tokens("fr", "mettre en œuvre")
['mettr', 'oeuvr']
>>> tokens("en", "the Secretary-General's report on States’ cooperation")
['secretari', 'general', 'report', 'state', 'cooper']

Spanish and Russian stem with Snowball (``snowballstemmer``) after a stop list made
for UN texts; Spanish folds accents after stemming (its endings need them), Russian
writes ё as е.  Arabic is normalised (short vowels and tatweel removed, أ إ آ → ا,
ى → ي, ة → ه) and lightly stemmed (و, the article, common suffixes).  Chinese is
cut into overlapping character bigrams, as Lucene's CJK analysis does:

>>> tokens("es", "los derechos humanos") == tokens("es", "derecho humano")
True
>>> tokens("es", "la Organización de las Naciones Unidas")
['organiz', 'nacion', 'unid']
>>> tokens("ru", "права человека") == tokens("ru", "право человека")
True
>>> tokens("ru", "Организации Объединённых Наций") == tokens("ru", "Организация Объединенных Наций")
True
>>> tokens("ar", "حقوق الإنسان") == tokens("ar", "حقوق الانسان")
True
>>> tokens("ar", "الأمم المتحدة") == tokens("ar", "الامم المتحده") == tokens("ar", "للأمم المتحدة")
True
>>> tokens("zh", "联合国宪章")
['联合', '合国', '国宪', '宪章']
>>> tokens("words", "Coopération coopératives")
['cooperation', 'cooperatives']

At index time the chain ends with :class:`IndexTermsFilter`, which adds, beside
each stem, the folded word as written (for prefix queries) and, for two common
words in a row, their pair (so that phrases of common words are cheap lookups):

>>> index_terms("fr", "la coopération Sud-Sud")
['\x03', 'cooper', '\x02cooperation', 'sud', '\x02sud', 'cooper\x01sud', 'sud', '\x02sud', 'sud\x01sud']
>>> index_terms("fr", "coopération triangulaire")
['cooper', '\x02cooperation', 'triangulair', '\x02triangulaire']
>>> index_terms("fr", "l'examen de la coopération")
['examen', '\x02examen', '\x03', '\x03', 'cooper', '\x02cooperation', 'examen\x013\x01cooper']
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from .engine import startup as _startup  # noqa: F401  (before Whoosh: see search/engine/startup.py)

# isort: split
import snowballstemmer
from whoosh.analysis import (
    Analyzer,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
    Token,
    Tokenizer,
)

from .languages import chain_name  # noqa: F401  (the chain of a document language)

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
#: UN symbols (A/RES/58/220, 57/263), single CJK characters, and words with their
#: inner apostrophes (aujourd'hui, l'Assemblée: the elision filter splits those).
#: Combining marks inside a word: Arabic short vowels, shadda and tanween, and
#: accents written apart (they are not word characters to the regular expression).
_MARKS = "\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670"
_LETTER = rf"[^\W_{_CJK}]"


def _token_pattern(letters: str, ascii_only: bool = False) -> str:
    """Symbols, numbers like 57/263, CJK characters one by one, then words of
    ``letters`` (a pattern) joined by apostrophes; in ASCII text no CJK, and only
    the ASCII apostrophe."""
    cjk, apostrophes = ("", "'") if ascii_only else (rf"|[{_CJK}]", "['’]")
    return (
        rf"[A-Z]{{1,4}}(?:/[A-Za-z0-9.\-]+)+|\d{{1,4}}/\d{{1,4}}"
        rf"{cjk}"
        rf"|{letters}(?:{apostrophes}{letters})*"
    )


TOKEN_PATTERN = re.compile(
    _token_pattern(rf"{_LETTER}(?:{_LETTER}|[{_MARKS}])*"),
    # the flag Whoosh compiles a tokenizer's pattern with when it loads the schema of
    # an index, so that both share one compiled pattern
    re.UNICODE,
)
#: :data:`TOKEN_PATTERN` with a word's letters and marks matched as runs rather than
#: one alternative per character (marks are not letters): the same matches, found a
#: quarter faster by Python's engine.  Indexes record TOKEN_PATTERN's text, unchanged.
_FAST_TOKENS = re.compile(_token_pattern(rf"{_LETTER}+(?:[{_MARKS}]{_LETTER}*)*"), re.UNICODE)
#: What TOKEN_PATTERN matches in ASCII text (most paragraphs), a third faster again:
#: a letter is ``[A-Za-z0-9]``, no CJK, no marks, only the ASCII apostrophe.
_ASCII_TOKENS = re.compile(_token_pattern("[A-Za-z0-9]+", ascii_only=True))


def _find_tokens(text: str) -> list[str]:
    """``TOKEN_PATTERN.findall(text)``, fast."""
    return (_ASCII_TOKENS if text.isascii() else _FAST_TOKENS).findall(text)


#: French stop words for UN texts: articles, prepositions, conjunctions and clitic
#: pronouns only.  Whoosh's default list also drops forms of "être"/"avoir" that UN
#: French needs as words ("sommes allouées", "l'été", "étant entendu", "États").
FRENCH_STOP_WORDS = frozenset(
    """
    a à au aux avec ce ces cet cette d dans de des du elle elles en et eux il ils je l
    la le les leur leurs lui m ma mais me même mes moi mon n ne nos notre nous on ou où
    par pas pour qu que qui s sa se ses si son sur t ta te tes toi ton tu un une vos
    votre vous y c j
    """.split()
)

#: English stop words: function words only.
ENGLISH_STOP_WORDS = frozenset(
    """
    a an and are as at be but by for from if in into is it its of on or such that the
    their them then there these they this to was were will with
    """.split()
)

#: Spanish stop words for UN texts: articles, prepositions, conjunctions, clitic and
#: possessive pronouns.  Forms of "ser", "estar", "haber" and numerals stay words.
SPANISH_STOP_WORDS = frozenset(
    """
    a al ante bajo con contra cual cuales cuya cuyas cuyo cuyos de del desde durante e
    el ella ellas ellos en entre esa esas ese esos esta estas este estos hacia hasta la
    las le les lo los me mediante mi mis ni nos nuestra nuestras nuestro nuestros o os
    para pero por que se según si sin so sobre su sus te tras tu tus u un una unas unos
    y ya
    """.split()
)

#: Russian stop words for UN texts: prepositions, conjunctions, particles and
#: pronouns.  "все" (all Members), "может", "должны" and numerals stay words.
RUSSIAN_STOP_WORDS = frozenset(
    """
    а без бы в во для до его ее же за и из или их к как ко ли либо между на над не
    ни но о об обо он она они оно от перед по под при про с со также то того тем том у
    чего что чтобы это этого этой этом этот эти этих эта которая которого которое
    которой котором которую которые который которым которыми которых
    """.split()
)

#: Arabic stop words for UN texts, spelled as :class:`ArabicNormalizeFilter` leaves
#: them (على → علي, إلى → الي, أن → ان): prepositions, conjunctions, particles,
#: relative and demonstrative pronouns written as separate words.
ARABIC_STOP_WORDS = frozenset(
    """
    في من علي الي عن ان او ما لا لم لن قد ثم التي الذي الذين اللتي اللذين هذا هذه
    ذلك تلك هو هي هم هن مع عند حتي اذا اي الا و بين بشان بما بان وفي واذ كما وقد
    ايضا
    """.split()
)

#: French elided words, and the English possessive ending, with either apostrophe
#: (the chains see ' only; highlighting reads the original text).
ELISION = re.compile(r"(?i)^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)['’](?=\w)")
POSSESSIVE = re.compile(r"['’]s?$")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


class _Respell(Filter):
    """A filter that respells each token on its own, whatever the tokens around it:
    ``respell`` on the text of every token that holds ``mark`` (every token where
    ``mark`` is empty)."""

    per_token = True
    mark = ""

    @staticmethod
    def respell(text: str) -> str:
        return text

    def __call__(self, tokens):
        mark, respell = self.mark, self.respell
        for t in tokens:
            if mark in t.text:
                t.text = respell(t.text)
            yield t


class ApostropheFilter(_Respell):
    """Write the typographic apostrophe ’ as ' so that both spell the same word."""

    mark = "’"
    respell = staticmethod(lambda text: text.replace("’", "'"))


class ElisionFilter(_Respell):
    """Strip French elided articles and pronouns: l'examen → examen, qu'il → il.

    "aujourd'hui" is left whole.
    """

    mark = "'"
    respell = staticmethod(lambda text: ELISION.sub("", text, count=1))


class PossessiveFilter(_Respell):
    """Strip English possessives: Secretary-General's → Secretary-General, States' → States."""

    mark = "'"
    respell = staticmethod(lambda text: POSSESSIVE.sub("", text))


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Remove accents and spell ligatures out: ``Œuvre`` → ``Oeuvre``, ``États`` → ``Etats``.

    >>> fold("coopération œuvre Pérez")
    'cooperation oeuvre Perez'
    """
    text = text.translate(_LIGATURES)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


#: Accented endings that Snowball's French rules are written for, as they read once
#: folded: put back on words written without any accent, so that the rules apply.
#: Chosen by their effect on UN French word families (benchmarks/french_families.py).
_RESTORED = {
    "ee": "ée",
    "ees": "ées",
    "ite": "ité",
    "ites": "ités",
    "ere": "ère",
    "eres": "ères",
    "fies": "fiés",
    "oye": "oyé",
    "yes": "yés",
    "erent": "èrent",
    "herent": "hérent",
    "fferent": "fférent",
}
_RESTORE = re.compile("(?:" + "|".join(sorted(_RESTORED, key=len, reverse=True)) + ")$")


def restore_accents(word: str) -> str:
    """The accents of a French ending that Snowball's rules need, put back on a word
    written without them: ``adoptee`` → ``adoptée``, as the accented word stems.

    >>> restore_accents("adoptees"), restore_accents("financieres"), restore_accents("etats")
    ('adoptées', 'financières', 'etats')
    """
    m = _RESTORE.search(word)
    if m is None:
        return word
    return word[: m.start()] + _RESTORED[m.group()]


class AccentRestoreFilter(_Respell):
    """French words written without any accent get the accents of their ending back
    (:func:`restore_accents`), so that ``adoptee`` stems as ``adoptée`` does; words
    with accents are left as written."""

    respell = staticmethod(lambda text: restore_accents(text) if text.isascii() else text)


class FoldFilter(_Respell):
    """Accent-insensitive matching: fold each token (see :func:`fold`)."""

    respell = staticmethod(fold)


class YoFilter(_Respell):
    """Russian: ё is written е in most texts; both spell one word (Объединённых, Объединенных)."""

    mark = "ё"
    respell = staticmethod(lambda text: text.replace("ё", "е"))


_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u0640]")
_ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})


@lru_cache(maxsize=200_000)
def normalize_arabic(text: str) -> str:
    """Arabic spelled one way: short vowels, shadda and tatweel removed; أ إ آ → ا;
    ى → ي; ة → ه (so that "الامم المتحده" is "الأمم المتحدة").

    >>> normalize_arabic("الأمم المتحدة") == normalize_arabic("الامم المتحده")
    True
    >>> normalize_arabic("أحزاناً مقاصـد") == "احزانا مقاصد"
    True
    """
    return _ARABIC_MARKS.sub("", text).translate(_ARABIC_LETTERS)


class ArabicNormalizeFilter(_Respell):
    """Arabic spelling variants made one (see :func:`normalize_arabic`)."""

    respell = staticmethod(normalize_arabic)


#: Light stemming of Arabic (Larkey, Ballesteros and Connell's "light10", as in
#: Lucene's ArabicStemmer), on normalised words: و, then a definite article, then
#: suffixes, each only where two letters or more remain.  Measured on the Charter
#: and the Declaration it joins the forms of a word more often than Snowball's
#: Arabic stemmer, which keeps "والأمن" apart from "الأمن", "إنسان" from "الإنسان",
#: and "دولة" from "الدولة".
ARABIC_ARTICLES = ("وال", "بال", "كال", "فال", "ال", "لل")
ARABIC_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")


@lru_cache(maxsize=200_000)
def arabic_stem(word: str) -> str:
    """The light stem of a normalised Arabic word.

    >>> [arabic_stem(normalize_arabic(w)) for w in ("الأمم", "وللأمم", "المتحدة", "والأمن")]
    ['امم', 'امم', 'متحد', 'امن']
    """
    if not "\u0600" <= word[:1] <= "\u06ff":
        return word
    if word.startswith("و") and len(word) > 3:
        word = word[1:]
    for article in ARABIC_ARTICLES:
        if word.startswith(article) and len(word) >= len(article) + 2:
            word = word[len(article) :]
            break
    for suffix in ARABIC_SUFFIXES:
        if word.endswith(suffix) and len(word) >= len(suffix) + 2:
            word = word[: -len(suffix)]
    return word


class ArabicStemFilter(Filter):
    """Light stemming of Arabic words (see :func:`arabic_stem`); others are left alone."""

    per_token = True
    stems = True

    def __call__(self, tokens):
        for t in tokens:
            if not t.stopped:
                t.text = arabic_stem(t.text)
            yield t


@cache
def stemmer(language: str):
    """The Snowball project's stemmer of ``language`` (``snowballstemmer``, which runs
    PyStemmer's compiled C code when it is installed): ``word -> stem``, remembering
    recent words.

    >>> stemmer("french")("intitulée"), stemmer("english")("cooperation")
    ('intitul', 'cooper')
    """
    return lru_cache(maxsize=200_000)(snowballstemmer.stemmer(language).stemWord)


class SnowballFilter(Filter):
    """Stemming with the Snowball project's algorithm for ``lang`` (``french``,
    ``english``, ``spanish``, ``russian``…: see :func:`stemmer`), leaving UN symbols
    and numbers alone.

    >>> [t.text for t in SnowballFilter("french")(_tokenizer()("adoptées 57/263"))]
    ['adopt', '57/263']

    With ``fold_after``, the stem loses its accents: Spanish stemming needs the accents
    of a word to find its ending (abolirá), and folding the stem lets a query
    without accents ("nacion") find the word with them.
    """

    per_token = True
    stems = True

    def __init__(self, lang: str, fold_after: bool = False) -> None:
        self.lang = lang
        self.fold_after = fold_after

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(other) == vars(self)

    def __call__(self, tokens):
        stem = stemmer(self.lang)
        for t in tokens:
            if not t.stopped and t.text.isalpha():
                t.text = stem(t.text)
                if self.fold_after:
                    t.text = fold(t.text)
            yield t


def _is_cjk(ch: str) -> bool:
    return "\u3040" <= ch <= "\u30ff" or "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


class CJKBigramTokenizer(Tokenizer):
    """Tokens of :data:`TOKEN_PATTERN`, with Chinese (CJK) characters as overlapping
    bigrams, one position per character, the way Lucene's CJK analysis does:
    "联合国" is 联合 and 合国.  A character standing alone is a token by itself.

    When indexing, each character is also indexed alone (at the position of the
    bigram it opens, or closes at the end of a run), so that a one-character query
    finds it; queries of two characters or more look up bigrams, and their phrases
    are exact.
    """

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for text, pos, a, b in self.spans(value, unigrams=mode == "index"):
            t.text, t.boost, t.stopped = text, 1.0, False
            if keeporiginal:
                t.original = text
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar, t.endchar = start_char + a, start_char + b
            yield t

    @staticmethod
    def spans(value: str, unigrams: bool = False):
        """``(token, position, start, end)`` for each token of ``value``.

        >>> list(CJKBigramTokenizer.spans("联合国 A/58/3"))
        [('联合', 0, 0, 2), ('合国', 1, 1, 3), ('A/58/3', 2, 4, 10)]
        """
        pos = 0
        for m in TOKEN_PATTERN.finditer(value):
            s, e = m.span()
            if e - s == 1 and _is_cjk(value[s]):
                if e < len(value) and _is_cjk(value[e]):
                    yield value[s : e + 1], pos, s, e + 1
                    if unigrams:
                        yield value[s], pos, s, e
                        if not (e + 1 < len(value) and _is_cjk(value[e + 1])):
                            yield value[e], pos, e, e + 1  # the run's last one
                elif s > 0 and _is_cjk(value[s - 1]):
                    continue  # the last character of a run: in the bigram before it
                else:
                    yield value[s], pos, s, e
            else:
                yield m.group(), pos, s, e
            pos += 1


#: Marks the index terms that hold a word as written (folded, not stemmed).
WORD_MARK = "\x02"
#: Joins the two words of a pair term; a gap of stop words adds its width.
PAIR_MARK = "\x01"
#: The term indexed at the position of every stop word left out, so that a phrase
#: can require a stop word (and not just any word) where the query has one.
STOP_MARK = "\x03"
#: Pairs are indexed across at most this many positions (stop words in between).
MAX_PAIR_GAP = 4


#: The version of what the chains do beyond their data.  An index records it with
#: each chain's stop list and common stems (:class:`ChainSpec`), and searches with
#: that data, not the package's; an index recorded under another version gives
#: :class:`~search.errors.IndexFormatError` (rebuild it).  **Bump it whenever a
#: change here makes a chain index other terms for the same text**: a filter added,
#: removed or changed, another token pattern, elision rule or stemmer.  Changing only
#: a stop list or ``data/common-*.txt`` needs no bump (existing indexes keep theirs).
CHAIN_VERSION = 2


@dataclass(frozen=True)
class ChainSpec:
    """An analysis chain by name with its data: its stop list and the common stems
    whose pairs it indexes.  An index keeps the specs it was built with and searches
    with them.  Every function of this module that takes a chain name takes a spec
    too, and a spec formats as its name (``f"text_{spec}"`` is its field).
    """

    name: str
    stops: frozenset[str] = frozenset()
    common: frozenset[str] = frozenset()

    def __str__(self) -> str:
        return self.name


@cache
def chain_spec(name: str) -> ChainSpec:
    """The package's current spec of chain ``name`` (``fr``, ``en``, ``words``; any
    other name is the neutral chain, with no stop words)."""
    stops = {
        "fr": FRENCH_STOP_WORDS,
        "en": ENGLISH_STOP_WORDS,
        "es": SPANISH_STOP_WORDS,
        "ru": RUSSIAN_STOP_WORDS,
        "ar": ARABIC_STOP_WORDS,
    }.get(name, frozenset())
    return ChainSpec(name, stops, package_common(name))


def _spec(chain: str | ChainSpec) -> ChainSpec:
    return chain if isinstance(chain, ChainSpec) else chain_spec(chain)


def package_common(name: str) -> frozenset[str]:
    """The stems of a chain whose pairs are indexed: the most frequent stems of UN
    texts in that language (``search/data/common-*.txt``; none for other chains).
    Pairs of rarer words are not worth their index space: a phrase with a rare word
    is cheap to check by positions."""
    try:
        text = resources.files(__package__).joinpath(f"data/common-{name}.txt").read_text("utf-8")
    except FileNotFoundError:
        return frozenset()
    return frozenset(text.split())


def common_stems(chain: str | ChainSpec) -> frozenset[str]:
    """The common stems of a chain (see :func:`package_common`), from its spec."""
    return _spec(chain).common


def pair_term(first: str, second: str, gap: int = 1) -> str:
    r"""The index term for ``second`` standing ``gap`` positions after ``first``
    with only stop words in between.

    >>> pair_term("unit", "nation"), pair_term("general", "submit", 2)
    ('unit\x01nation', 'general\x012\x01submit')
    """
    if gap == 1:
        return f"{first}{PAIR_MARK}{second}"
    return f"{first}{PAIR_MARK}{gap}{PAIR_MARK}{second}"


class KeepWordFilter(Filter):
    """Remember each token's folded spelling before stemming (``t.word``); with
    ``fold``, fold it here (for chains that fold after stemming)."""

    per_token = True

    def __init__(self, fold: bool = False) -> None:
        self.fold = fold

    def __call__(self, tokens):
        for t in tokens:
            t.word = fold(t.text) if self.fold else t.text
            yield t


class IndexTermsFilter(Filter):
    r"""Beside each stem, emit the word as written, the pair of two common words in
    a row (only stop words between them), and :data:`STOP_MARK` where stop words
    were left out.

    Phrases of common words then need no position checks: "United Nations" is the
    single term ``unit\x01nation``.  Prefix queries look up ``\x02word``.
    """

    def __init__(self, common: frozenset[str] = frozenset()) -> None:
        self.common = common

    def terms(self, words):
        """The ``(term, position)`` pairs for ``(stem, word, position)`` triples, in order."""
        common = self.common
        prev_text = prev_pos = None
        last = -1  # position of the previous token, stop words aside
        for text, word, pos in words:
            for gap in range(last + 1, pos):
                yield STOP_MARK, gap
            last = pos
            yield text, pos
            yield WORD_MARK + word, pos
            if text not in common:
                prev_text = None
                continue
            if prev_text is not None and pos - prev_pos <= MAX_PAIR_GAP:
                yield pair_term(prev_text, text, pos - prev_pos), prev_pos
            prev_text, prev_pos = text, pos

    def __call__(self, tokens):
        current = None

        def words():
            nonlocal current
            for t in tokens:
                current = t
                yield t.text, t.word, t.pos

        # terms() is lazy: each term comes while its token is the current one
        for text, pos in self.terms(words()):
            assert current is not None  # words() has yielded the token of this term
            t = current.copy()
            t.text, t.pos = text, pos
            yield t


def _tokenizer() -> RegexTokenizer:
    return RegexTokenizer(TOKEN_PATTERN)


def analyzer(chain: str | ChainSpec) -> Analyzer:
    """The analysis chain for a language code (``fr``, ``en``, anything else: neutral),
    or ``words``: the folded, unstemmed words used for prefix queries and highlighting.
    ``chain`` is a name (the package's spec) or a :class:`ChainSpec`.
    """
    return _analyzer(_spec(chain))


#: The chains with stop words: after the tokenizer, :class:`ApostropheFilter` and
#: lower case, the steps before the stop words and those after them (the stemmer last).
_AROUND_STOPS: dict[str, tuple[tuple[Filter, ...], tuple[Filter, ...]]] = {
    "fr": ((ElisionFilter(),), (AccentRestoreFilter(), SnowballFilter("french", fold_after=True))),
    "en": ((PossessiveFilter(),), (FoldFilter(), SnowballFilter("english"))),
    "es": ((), (SnowballFilter("spanish", fold_after=True),)),
    "ru": ((YoFilter(),), (SnowballFilter("russian"),)),
    "ar": ((ArabicNormalizeFilter(),), (ArabicStemFilter(),)),
}


@cache
def _analyzer(spec: ChainSpec) -> Analyzer:
    name = spec.name
    if name == "zh":
        return CJKBigramTokenizer() | LowercaseFilter() | FoldFilter()
    chain = _tokenizer() | ApostropheFilter() | LowercaseFilter()
    if name == "words":
        return chain | ElisionFilter() | PossessiveFilter() | FoldFilter()
    if name not in _AROUND_STOPS:
        return chain | FoldFilter()
    before, after = _AROUND_STOPS[name]
    stops = StopFilter(stoplist=spec.stops, minsize=1, renumber=False)
    for step in (*before, stops, *after):
        chain = chain | step
    return chain


def index_analyzer(chain: str | ChainSpec) -> Analyzer:
    """The chain used when indexing: :func:`analyzer` with the stem step preceded by
    :class:`KeepWordFilter` and followed by :class:`IndexTermsFilter`."""
    return _index_analyzer(_spec(chain))


@cache
def _index_analyzer(spec: ChainSpec) -> Analyzer:
    filters = list(_analyzer(spec).items)
    stem = next((i for i, f in enumerate(filters) if getattr(f, "stems", False)), len(filters))
    fold_word = stem < len(filters) and getattr(filters[stem], "fold_after", False)
    filters[stem:stem] = [KeepWordFilter(fold=fold_word)]
    chain = filters[0]
    for f in filters[1:]:
        chain = chain | f
    return chain | IndexTermsFilter(spec.common)


def describe(chain: str | ChainSpec) -> list[str]:
    """The steps of an index chain, as an index records them: each filter's class,
    with the tokenizer's pattern, the stemmer's language and whether it folds.

    >>> describe("en")[1:]
    ['ApostropheFilter', 'LowercaseFilter', 'PossessiveFilter', 'StopFilter', 'FoldFilter', 'KeepWordFilter', 'SnowballFilter(english)', 'IndexTermsFilter']
    >>> describe("es")[-3:]
    ['KeepWordFilter(fold)', 'SnowballFilter(spanish fold)', 'IndexTermsFilter']
    """
    steps = []
    for f in index_analyzer(chain).items:
        params = [getattr(f, "lang", None)]
        if isinstance(f, RegexTokenizer):
            params = [f.expression.pattern]
        params += ["fold" for a in ("fold", "fold_after") if getattr(f, a, False) is True]
        shown = " ".join(p for p in params if p)
        steps.append(f"{type(f).__name__}({shown})" if shown else type(f).__name__)
    return steps


def index_terms(name: str | ChainSpec, text: str) -> list[str]:
    """The terms :func:`index_analyzer` indexes for ``text``."""
    return [t.text for t in index_analyzer(name)(text, positions=True, mode="index")]


def word_form(name: str | ChainSpec, text: str) -> str:
    """A word as chain ``name`` indexes it as written, for prefix queries: lower-cased,
    and folded (Russian: ё → е only, so that й stays; Arabic: normalised).

    >>> word_form("fr", "Coopér"), word_form("ru", "Объединённ"), word_form("ar", "الأمم")
    ('cooper', 'объединенн', 'الامم')
    >>> word_form(chain_spec("ru"), "Действ")
    'действ'
    """
    name = _spec(name).name
    text = text.lower()
    if name == "ru":
        return text.replace("ё", "е")
    if name == "ar":
        return normalize_arabic(text)
    return fold(text)


def tokens(name: str | ChainSpec, text: str) -> list[str]:
    """The indexed terms of ``text`` under chain ``name`` (stop words left out)."""
    return [t.text for t in analyzer(name)(text, removestops=True)]


# -- the index chain, fast ------------------------------------------------------------


def _per_token(f) -> bool:
    """Whether filter ``f`` maps each token on its own, whatever the tokens around it,
    so that what it makes of a token can be remembered."""
    if isinstance(f, StopFilter):
        return not f.renumber
    return isinstance(f, (LowercaseFilter, StemFilter)) or getattr(f, "per_token", False)


class _Memo:
    """What a chain's per-token filters make of each distinct raw token: the chain
    is run on that one token, once, and its output remembered as ``attrs`` tuples
    (positions relative to the token's)."""

    SIZE = 500_000

    def __init__(self, filters, attrs: tuple[str, ...]) -> None:
        self._filters = filters
        self._attrs = attrs
        self._memo: dict[str, tuple] = {}

    def __call__(self, raw: str) -> tuple:
        got = self._memo.get(raw)
        if got is None:
            if len(self._memo) > self.SIZE:
                self._memo.clear()
            got = self._memo[raw] = self._run(raw)
        return got

    def _run(self, raw: str) -> tuple:
        t = Token(positions=True, chars=False, removestops=True, mode="index", boosts=True)
        t.text, t.boost, t.stopped, t.pos = raw, 1.0, False, 0
        tokens = iter((t,))
        for f in self._filters:
            tokens = f(tokens)
        return tuple(tuple(getattr(x, a) for a in self._attrs) for x in tokens)


def _fast_chain(chain, last=None) -> bool:
    """Whether ``chain`` is a regular-expression tokenizer followed by per-token
    filters (and, if given, ends with a filter of type ``last``)."""
    items = getattr(chain, "items", None)
    if not items or not isinstance(items[0], (RegexTokenizer, CJKBigramTokenizer)):
        return False
    if isinstance(items[0], RegexTokenizer) and (items[0].gaps or items[0].expression.groups != 0):
        return False
    middle = items[1:]
    if last is not None:
        if len(items) < 2 or not isinstance(items[-1], last):
            return False
        middle = items[1:-1]
    return all(_per_token(f) for f in middle)


class IndexTerms:
    """The ``(term, position)`` pairs an index chain gives for a text, computed fast.

    The chain is run once per distinct token: its tokenizer's matches go one at a
    time through its per-token filters, and what comes out (the stem and the word
    as written, or nothing for a stop word) is remembered.  :meth:`IndexTermsFilter.terms`,
    the chain's last step, then makes the terms of the text from those.
    """

    def __init__(self, chain: Analyzer) -> None:
        tokenizer, *filters, last = chain.items
        #: ``text -> [raw token]``, one per position, where the tokenizer is a plain
        #: regular expression (None: CJK bigrams, several tokens at a position)
        self.findall = None
        if isinstance(tokenizer, CJKBigramTokenizer):
            self._raw = lambda text: ((t, pos) for t, pos, _, _ in tokenizer.spans(text, True))
        else:
            findall = self.findall = _fast_findall(tokenizer.expression)
            self._raw = lambda text: ((raw, pos) for pos, raw in enumerate(findall(text)))
        self._memo = _Memo(filters, ("text", "word", "pos"))
        self._terms = last.terms
        #: the stems whose pairs the chain indexes
        self.common: frozenset[str] = last.common

    def token(self, raw: str) -> tuple:
        """What the chain's per-token filters make of the raw token ``raw``: its
        ``(stem, word, shift)`` triples (none for a stop word)."""
        return self._memo(raw)

    def __call__(self, text: str):
        memo = self._memo
        known = memo._memo  # read directly: this loop runs once per token indexed

        def words():
            for raw, pos in self._raw(text):
                got = known.get(raw)
                for stem, word, shift in memo(raw) if got is None else got:
                    yield stem, word, pos + shift

        return self._terms(words())


def char_tokens(chain: str | ChainSpec):
    """``text -> [(term, position, startchar, endchar)]`` for :func:`analyzer` chain
    ``chain`` with stop words left out: what ``analyzer(chain)(text, positions=True,
    chars=True, removestops=True)`` gives, from remembered tokens.

    >>> char_tokens("fr")("L'Assemblée générale")
    [('assembl', 0, 0, 11), ('general', 1, 12, 20)]
    """
    return _char_tokens(_spec(chain))


@cache
def _char_tokens(spec: ChainSpec):
    chain = _analyzer(spec)
    if not _fast_chain(chain):
        return lambda text: [
            (t.text, t.pos, t.startchar, t.endchar)
            for t in chain(text, positions=True, chars=True, removestops=True)
        ]
    tokenizer, *filters = chain.items
    memo = _Memo(filters, ("text", "pos"))
    known = memo._memo  # read directly: these loops run once per token of a hit
    if isinstance(tokenizer, CJKBigramTokenizer):

        def bigrams(text: str) -> list[tuple[str, int, int, int]]:
            out = []
            for raw, pos, start, end in tokenizer.spans(text):
                got = known.get(raw)
                for term, shift in memo(raw) if got is None else got:
                    out.append((term, pos + shift, start, end))
            return out

        return bigrams
    finditer = tokenizer.expression.finditer

    def run(text: str) -> list[tuple[str, int, int, int]]:
        out = []
        for pos, m in enumerate(finditer(text)):
            raw = m.group()
            got = known.get(raw)
            for term, shift in memo(raw) if got is None else got:
                out.append((term, pos + shift, m.start(), m.end()))
        return out

    return run


def _fast_findall(expression: re.Pattern[str]) -> Callable[[str], list[str]]:
    """:func:`_find_tokens` for :data:`TOKEN_PATTERN` (as compiled from an index's
    schema too), ``findall`` of any other tokenizer's expression."""
    if (expression.pattern, expression.flags) == (TOKEN_PATTERN.pattern, TOKEN_PATTERN.flags):
        return _find_tokens
    return expression.findall


_FAST: dict[int, tuple[weakref.ref, IndexTerms | None]] = {}


def fast_index_terms(chain) -> IndexTerms | None:
    """An :class:`IndexTerms` for ``chain`` if it is an index chain (a regular
    expression tokenizer, per-token filters, :class:`IndexTermsFilter`), else None."""
    key = id(chain)
    found = _FAST.get(key)
    if found is not None and found[0]() is chain:
        return found[1]
    fast = IndexTerms(chain) if _fast_chain(chain, IndexTermsFilter) else None
    _FAST[key] = (weakref.ref(chain, lambda _ref: _FAST.pop(key, None)), fast)
    return fast


def index_positions(chain, text: str) -> dict[str, list[int]] | None:
    """The positions of each term ``chain`` indexes for ``text`` (None if ``chain``
    has no fast path): what Whoosh's positions format gathers from the chain."""
    fast = fast_index_terms(chain)
    if fast is None:
        return None
    poses: dict[str, list[int]] = {}
    for term, pos in fast(text):
        got = poses.get(term)
        if got is None:
            poses[term] = [pos]
        else:
            got.append(pos)
    return poses
