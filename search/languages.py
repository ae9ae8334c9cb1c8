"""Languages: the one table of what unsearch knows about each language.

For each of the six official languages of the United Nations it says which
analysis chain indexes documents in it (its own, or the neutral chain ``xx``:
folded, not stemmed), how to recognise a text in it (its frequent short words, or
its script), and the words of its citations ("par.", "titre", "troisième alinéa du
préambule").  A language without citation words of its own is cited in English.

>>> chain_name("fr"), chain_name("es"), chain_name("und")
('fr', 'xx', 'xx')
>>> CHAINS
('fr', 'en', 'xx')
>>> citation_words("fr").ordinal(3), citation_words("ru").ordinal(3)
('troisième', 'third')
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

#: The chain of every language without one of its own.
NEUTRAL = "xx"


def _ordinals(words: str, beyond: Callable[[int], str]) -> Callable[[int], str]:
    table = words.split()
    return lambda n: table[n - 1] if 1 <= n <= len(table) else beyond(n)


def _english_suffix(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@dataclass(frozen=True)
class CitationWords:
    """How a language cites a paragraph of a resolution."""

    title: str  #: "A/RES/58/220, titre"
    para: str  #: "par. 4"
    footnote: str  #: "note 6"
    annex: str  #: "annexe, par. 5"
    rule: str  #: a rule of procedure in an annex ("rule 8"; French says "art.")
    preambular: str  #: "{} alinéa du préambule", the ordinal in the braces
    ordinal: Callable[[int], str]  #: 3 → "troisième"
    sub: str  #: one sub-paragraph: "{})" (French "9 a)") or "({})" (English "9 (a)")
    article_item: str = ""  #: where set, an article's item is "art. 21, par. 2"


FRENCH_CITATION = CitationWords(
    title="titre",
    para="par.",
    footnote="note",
    annex="annexe",
    rule="art.",
    preambular="{} alinéa du préambule",
    ordinal=_ordinals(
        "premier deuxième troisième quatrième cinquième sixième septième huitième neuvième"
        " dixième onzième douzième treizième quatorzième quinzième seizième dix-septième"
        " dix-huitième dix-neuvième vingtième",
        lambda n: f"{n}e",
    ),
    sub="{})",
    article_item="par.",
)

ENGLISH_CITATION = CitationWords(
    title="title",
    para="para.",
    footnote="footnote",
    annex="annex",
    rule="rule",
    preambular="{} preambular paragraph",
    ordinal=_ordinals(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth"
        " thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
        " twentieth",
        _english_suffix,
    ),
    sub="({})",
)


@dataclass(frozen=True)
class Language:
    """One language unsearch recognises."""

    code: str  #: ISO 639-1
    name: str
    chain: str = NEUTRAL  #: the analysis chain of its documents
    words: frozenset[str] = frozenset()  #: frequent short words: a Latin-script text's hint
    script: re.Pattern[str] | None = None  #: its letters, for a language of its own script
    citation: CitationWords | None = None  #: None: cited in English


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language(
            "fr",
            "French",
            chain="fr",
            words=_words(
                "le la les des du de et en est une un dans pour que qui sur au aux par avec ses"
                " ces cette son sont leur leurs ne pas nous ou été être aussi entre dont"
            ),
            citation=FRENCH_CITATION,
        ),
        Language(
            "en",
            "English",
            chain="en",
            words=_words(
                "the of and to in is that for on with as by are this be its at from which"
                " it or an have has not was were been shall their all any"
            ),
            citation=ENGLISH_CITATION,
        ),
        Language(
            "es",
            "Spanish",
            words=_words(
                "el la los las del de y en que por con para un una se su al lo como sus es"
                " ha han sobre entre este esta"
            ),
        ),
        Language("ru", "Russian", script=re.compile(r"[\u0400-\u052f]")),
        Language("ar", "Arabic", script=re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufeff]")),
        Language("zh", "Chinese", script=re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")),
    )
}

#: Frequent words of Latin-script languages unsearch does not index as such: they
#: compete in detection so that Italian, Portuguese or German is not taken for
#: French or Spanish (such a text is ``und``).
RIVAL_WORDS: dict[str, frozenset[str]] = {
    "it": _words(
        "il la di che della delle degli dei per non sono gli nel nella alla con un una ed"
        " anche questo"
    ),
    "pt": _words("o os da das do dos em para com uma não que por ao às são pelo pela seus sua"),
    "de": _words(
        "der die das und ist nicht mit den dem von zu für auf ein eine sich im werden wird"
    ),
}

#: The analysis chains an index holds a text field for: each language's, then the
#: neutral one.
CHAINS: tuple[str, ...] = tuple(dict.fromkeys([*(la.chain for la in LANGUAGES.values()), NEUTRAL]))


def chain_name(lang: str) -> str:
    """The analysis chain a document language gets: its own, or the neutral ``xx``."""
    known = LANGUAGES.get(lang)
    return known.chain if known is not None else NEUTRAL


def citation_words(lang: str) -> CitationWords:
    """The words citations in ``lang`` use (English where the language has none)."""
    known = LANGUAGES.get(lang)
    return known.citation if known is not None and known.citation else ENGLISH_CITATION


def codes(sep: str = ", ") -> str:
    """The language codes, for help text and error messages."""
    return sep.join(LANGUAGES)
