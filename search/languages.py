"""Languages: the one table of what unsearch knows about each language.

For each of the six official languages of the United Nations it says which
analysis chain indexes documents in it (its own, or the neutral chain ``xx``:
folded, not stemmed), how to recognise a text in it (its frequent short words, or
its script), and the words of its citations ("par.", "titre", "troisième alinéa du
préambule").  A language without citation words of its own is cited in English.

>>> chain_name("fr"), chain_name("es"), chain_name("und")
('fr', 'es', 'xx')
>>> CHAINS
('fr', 'en', 'es', 'ru', 'ar', 'zh', 'xx')
>>> citation_words("fr").ordinal(3), citation_words("es").ordinal(3), citation_words("de").para
('troisième', 'tercer', 'para. {}')
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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
    """How a language cites a paragraph: each ``{}`` takes a number (or, in
    ``preambular``, what ``ordinal`` makes of it)."""

    title: str  #: "A/RES/58/220, titre"
    para: str  #: "par. {}"
    footnote: str  #: "note {}"
    annex: str  #: "annexe" ("annexe, par. 5")
    rule: str  #: a rule of procedure in an annex ("rule {}"; French says "art. {}")
    preambular: str  #: "{} alinéa du préambule", the ordinal in the braces
    ordinal: Callable[[int], str]  #: 3 → "troisième"
    sub: str  #: one sub-paragraph: "{})" (French "9 a)") or "({})" (English "9 (a)")
    article_item: str = ""  #: where set, an article's item is "art. 21, par. 2"
    article: str = "art. {}"  #: an article of a declaration
    article_full: str = "Article {}"  #: an article of a treaty cited by name (the Charter)
    chapter: str = "Chapter {}"  #: the chapter's number in the braces
    roman_chapters: bool = True  #: chapters numbered I, II … rather than 1, 2 …
    section: str = "sect. {}"  #: a section of a resolution, its Roman numeral
    sep: str = ", "  #: between the symbol and what follows
    join: str = ", "  #: between the parts after it ("annex, para. 5")
    sub_sep: str = " "  #: before the sub-paragraphs ("para. 9 (a)")


def _cited(
    words: str, ordinal: Callable[[int], str], sub: str, parts: str = "", **more: Any
) -> CitationWords:
    """The citation words of a language.  ``words`` holds the six every language sets,
    separated by ``|``: title, para, footnote, annex, rule, preambular; ``parts``, where
    given, those of articles, chapters and sections: article_item, article,
    article_full, chapter, section."""
    title, para, footnote, annex, rule, preambular = _split(words)
    if parts:
        keys = ("article_item", "article", "article_full", "chapter", "section")
        more = dict(zip(keys, _split(parts), strict=True), **more)
    return CitationWords(title, para, footnote, annex, rule, preambular, ordinal, sub, **more)


def _split(words: str) -> list[str]:
    return [w.strip() for w in words.split("|")]


FRENCH_CITATION = _cited(
    "titre | par. {} | note {} | annexe | art. {} | {} alinéa du préambule",
    _ordinals(
        "premier deuxième troisième quatrième cinquième sixième septième huitième neuvième"
        " dixième onzième douzième treizième quatorzième quinzième seizième dix-septième"
        " dix-huitième dix-neuvième vingtième",
        lambda n: f"{n}e",
    ),
    "{})",
    article_item="par. {}",
    chapter="Chapitre {}",
)

ENGLISH_CITATION = _cited(
    "title | para. {} | footnote {} | annex | rule {} | {} preambular paragraph",
    _ordinals(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth"
        " thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
        " twentieth",
        _english_suffix,
    ),
    "({})",
)

SPANISH_CITATION = _cited(
    "título | párr. {} | nota {} | anexo | art. {} | {} párrafo del preámbulo",
    _ordinals(
        "primer segundo tercer cuarto quinto sexto séptimo octavo noveno décimo undécimo duodécimo",
        lambda n: f"{n}º",
    ),
    "{})",
    "párr. {} | art. {} | Artículo {} | Capítulo {} | secc. {}",
)

RUSSIAN_CITATION = _cited(
    "название | п. {} | сноска {} | приложение | правило {} | пункт {} преамбулы",
    str,
    "{})",
    "п. {} | ст. {} | статья {} | глава {} | разд. {}",
)

ARABIC_CITATION = _cited(
    "العنوان | الفقرة {} | الحاشية {} | المرفق | المادة {} | الفقرة {} من الديباجة",
    str,
    "({})",
    "الفقرة {} | المادة {} | المادة {} | الفصل {} | الفرع {}",
    roman_chapters=False,
    sep="، ",
    join="، ",
)

CHINESE_CITATION = _cited(
    "标题 | 第{}段 | 脚注{} | 附件 | 第{}条 | 序言部分第{}段",
    str,
    "({})",
    "第{}款 | 第{}条 | 第{}条 | 第{}章 | 第{}节",
    roman_chapters=False,
    sep="，",
    join="",
    sub_sep="",
)


@dataclass(frozen=True)
class Language:
    """One language unsearch recognises."""

    code: str  #: ISO 639-1
    name: str
    chain: str = NEUTRAL  #: the analysis chain of its documents
    words: frozenset[str] = frozenset()  #: frequent short words: what tells it apart
    script: re.Pattern[str] | None = None  #: its letters, for a language of its own script
    citation: CitationWords | None = None  #: None: cited in English
    #: letters of the other languages written in its script, which it lacks
    others: re.Pattern[str] | None = None


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _language(
    code: str,
    name: str,
    citation: CitationWords,
    words: str = "",
    script: str | None = None,
    others: str | None = None,
) -> Language:
    """One of the six official languages: indexed with its own chain."""
    return Language(
        code,
        name,
        chain=code,
        words=_words(words),
        script=re.compile(script) if script else None,
        citation=citation,
        others=re.compile(others) if others else None,
    )


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        _language(
            "fr",
            "French",
            FRENCH_CITATION,
            "le la les des du de et en est une un dans pour que qui sur au aux par avec ses"
            " ces cette son sont leur leurs ne pas nous ou été être aussi entre dont",
        ),
        _language(
            "en",
            "English",
            ENGLISH_CITATION,
            "the of and to in is that for on with as by are this be its at from which"
            " it or an have has not was were been shall their all any",
        ),
        _language(
            "es",
            "Spanish",
            SPANISH_CITATION,
            "el la los las del de y en que por con para un una se su al lo como sus es"
            " ha han sobre entre este esta",
        ),
        # Russian and Arabic share their scripts with other languages: letters those
        # have (Ukrainian і ї є ґ, Belarusian ў; Persian and Urdu پ چ ژ گ ک ی) and the
        # function words of a long enough text tell them apart.
        _language(
            "ru",
            "Russian",
            RUSSIAN_CITATION,
            "и в на не с что по к из для как от о это или при",
            script=r"[\u0400-\u052f]",
            others="[іїєґўІЇЄҐЎ]",
        ),
        _language(
            "ar",
            "Arabic",
            ARABIC_CITATION,
            "في من على إلى أن التي الذي عن أو ما لا مع",
            script=r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufeff]",
            others="[پچژگکیٹڈڑےں]",
        ),
        _language("zh", "Chinese", CHINESE_CITATION, script=r"[\u3400-\u4dbf\u4e00-\u9fff]"),
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


def code(value: str) -> str:
    """The language code ``value`` means: a code (any case), an English name, or a
    longer code whose first two letters are one (``fra``); otherwise ``value`` in
    lower case, which names no language of the table.

    >>> code("FR"), code("French"), code("eng"), code("und"), code("xx")
    ('fr', 'fr', 'en', 'und', 'xx')
    """
    v = value.strip().lower()
    if v in LANGUAGES:
        return v
    named = next((la.code for la in LANGUAGES.values() if la.name.lower() == v), None)
    if named is not None:
        return named
    return v[:2] if v[:2] in LANGUAGES else v


def codes(sep: str = ", ") -> str:
    """The language codes, for help text and error messages."""
    return sep.join(LANGUAGES)
