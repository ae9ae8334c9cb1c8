"""Each rule of the French and English analysis chains, on real UN wording."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search.analysis import (
    _ASCII_TOKENS,
    _FAST_TOKENS,
    ENGLISH_STOP_WORDS,
    FRENCH_STOP_WORDS,
    TOKEN_PATTERN,
    analyzer,
    tokens,
)

#: Characters where the token pattern's alternatives meet: symbols, numbers, letters,
#: accents written apart, Arabic letters and short vowels, apostrophes, CJK, kana.
_TOKEN_CHARS = "AERSaez09/.-_ '’\u0301\u064e\u0670éÉبسم\u4e00\u30a2\uac00²\n"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_TOKEN_CHARS, max_size=40))
def test_fast_token_pattern_matches_as_the_token_pattern(text):
    assert _FAST_TOKENS.findall(text) == TOKEN_PATTERN.findall(text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="AERSaez09/.-_ '\"\n", max_size=40))
def test_ascii_token_pattern_matches_as_the_token_pattern_in_ascii_text(text):
    assert _ASCII_TOKENS.findall(text) == TOKEN_PATTERN.findall(text)


def test_fast_token_pattern_on_words_with_marks():
    text = "A/RES/58/220 57/263 cafe\u0301 \u0301x بِسْمِ l’État 国連 x_y"
    assert _FAST_TOKENS.findall(text) == TOKEN_PATTERN.findall(text)
    assert "cafe\u0301" in TOKEN_PATTERN.findall(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("l'Assemblée", ["assembl"]),
        ("l’Assemblée", ["assembl"]),
        ("d'intensifier", ["intensifi"]),
        ("qu'il", ["il"]),
        ("jusqu'ici", ["ici"]),
        ("lorsqu'elle", ["elle"]),
        ("puisqu'aucun", ["aucun"]),
        ("quoiqu'elle", ["elle"]),
        ("c'est", ["est"]),
        ("j'ai m'a n'est s'est t'a", ["ai", "a", "est", "est", "a"]),
    ],
)
def test_french_elision_is_stripped(text, expected):
    # keep stopped tokens ("il", "elle") to see what elision left of them
    assert [t.text for t in analyzer("fr")(text, removestops=False)] == expected


def test_elision_strips_the_article_not_the_word():
    assert tokens("fr", "l'examen d'ensemble") == tokens("fr", "examen ensemble")


def test_aujourdhui_stays_one_word():
    assert tokens("fr", "aujourd'hui") == ["aujourd'hui"]
    assert tokens("fr", "aujourd’hui") == ["aujourd'hui"]


@pytest.mark.parametrize(
    ("plain", "accented"),
    [
        ("cooperation", "coopération"),
        ("developpement", "développement"),
        ("Etats", "États"),
        ("assemblee", "Assemblée"),
        ("oeuvre", "œuvre"),
        ("ex aequo", "ex æquo"),
    ],
)
def test_french_matching_ignores_accents(plain, accented):
    assert tokens("fr", plain) == tokens("fr", accented)


def test_unaccented_words_reach_the_stem_of_the_accented_ones():
    # Snowball's rules need the accents of the ending: the accented word is stemmed
    # as written ("assembl"), the unaccented one gets its ending's accents back
    # ("assemblee" -> "assemblée") first, and the stem is folded.
    assert tokens("fr", "Assemblée") == tokens("fr", "assemblee") == ["assembl"]


def test_french_stemming_joins_plural_and_singular():
    assert tokens("fr", "coopérations triangulaires") == tokens("fr", "coopération triangulaire")


@pytest.mark.parametrize("word", ["été", "sommes", "avions", "étant", "États"])
def test_un_french_keeps_words_default_lists_drop(word):
    assert tokens("fr", word), f"{word!r} must be searchable"


def test_french_stop_list_drops_articles_including_les():
    assert tokens("fr", "les de la du des et") == []
    assert "les" in FRENCH_STOP_WORDS


def test_stop_words_keep_their_positions():
    toks = [
        (t.text, t.pos) for t in analyzer("en")("the Secretary-General to submit", positions=True)
    ]
    assert toks == [("secretari", 1), ("general", 2), ("submit", 4)]


def test_hyphenated_compounds_give_their_parts_in_sequence():
    toks = [
        (t.text, t.pos)
        for t in analyzer("fr")("coopération Sud-Sud, Pérez-Guerrero", positions=True)
    ]
    assert toks == [("cooper", 0), ("sud", 1), ("sud", 2), ("per", 3), ("guerrero", 4)]


def test_cited_symbols_are_single_tokens():
    assert tokens("fr", "résolution 57/263 et A/58/413") == ["resolu", "57/263", "a/58/413"]


def test_english_chain_stems_and_strips_possessives():
    assert tokens("en", "the Secretary-General's reports") == ["secretari", "general", "report"]
    assert tokens("en", "States’ cooperation") == tokens("en", "State cooperating")


def test_english_stop_words_are_function_words_only():
    assert "united" not in ENGLISH_STOP_WORDS
    assert tokens("en", "of the United Nations") == ["unit", "nation"]


def test_neutral_chain_does_not_stem_and_splits_cjk():
    assert tokens("xx", "Asambleas Generales") == ["asambleas", "generales"]
    assert tokens("xx", "人人生而自由") == ["人", "人", "生", "而", "自", "由"]


def test_prefix_words_are_folded_but_not_stemmed():
    assert tokens("words", "Coopération coopératives l'Assemblée") == [
        "cooperation",
        "cooperatives",
        "assemblee",
    ]


# -- the fast path of the index chains ---------------------------------------------


def _chain_postings(name: str, text: str) -> dict:
    """(frequency, positions) of each term, as the filter chain itself gives them."""
    from whoosh.formats import Positions

    from search.analysis import index_analyzer

    out = {}
    chain = index_analyzer(name)
    for term, freq, weight, encoded in Positions().word_values(text, chain, mode="index"):
        out[term] = (freq, weight, Positions().decode_positions(encoded))
    return out


def _fast_postings(name: str, text: str) -> dict:
    from whoosh.formats import Positions

    from search.analysis import index_analyzer, index_positions

    return {
        term: (len(p), float(len(p)), Positions().decode_positions(Positions().encode(p)))
        for term, p in index_positions(index_analyzer(name), text).items()
    }


def _samples():
    from conftest import CORPUS, RESOLUTIONS

    en_md = sorted((RESOLUTIONS / "en-md").glob("*.md"))
    en_txt = sorted((RESOLUTIONS / "en-txt").glob("*.txt"))
    yield RESOLUTIONS / "fr" / "A_RES_58_220.md"
    yield from en_md[::11]
    yield from en_txt[::150]
    for name in ("cmn_hans", "arb", "rus", "fra"):
        yield CORPUS / "udhr" / f"{name}.html"


@pytest.mark.parametrize("path", list(_samples()), ids=lambda p: p.name)
def test_fast_index_terms_are_the_chain_s_terms(corpus, path):
    from search.analysis import chain_name, index_analyzer
    from search.documents import read_document
    from search.engine.codec import TextPositions
    from search.index import make_schema

    doc = read_document(path)
    name = chain_name(doc.lang)
    field = make_schema()[f"text_{name}"]
    assert isinstance(field.format, TextPositions)
    for p in doc.paragraphs:
        assert _fast_postings(name, p.text) == _chain_postings(name, p.text), p.label
        # what the field indexes: the same terms, frequencies and positions (an
        # argument other than mode takes the format through the chain itself)
        fast = sorted(field.index(p.text))
        slow = sorted(
            (t.encode(), f, w, v)
            for t, f, w, v in TextPositions.word_values(
                field.format, p.text, index_analyzer(name), boosts=True, mode="index"
            )
        )
        assert fast == slow, p.label


def test_fast_index_terms_need_an_index_chain():
    from search.analysis import analyzer, fast_index_terms, index_analyzer

    assert fast_index_terms(index_analyzer("fr")) is not None
    assert fast_index_terms(analyzer("fr")) is None  # no IndexTermsFilter at its end


@pytest.mark.parametrize(
    ("chain", "path"),
    [
        ("fr", "resolutions/fr/A_RES_58_220.md"),
        ("en", "resolutions/en-md/A_RES_80_7.md"),
        ("en", "resolutions/en-txt/A_RES_78_220.txt"),
        ("xx", "udhr/cmn_hans.html"),
        ("xx", "udhr/arb.html"),
        ("xx", "udhr/rus.html"),
        ("zh", "udhr/cmn_hans.html"),
        ("ar", "udhr/arb.html"),
        ("ru", "charter/raw_un_charter_ru.txt"),
        ("es", "charter/raw_un_charter_es.txt"),
        ("words", "udhr/fra.html"),
    ],
)
def test_remembered_tokens_are_the_chains_tokens(corpus, chain, path):
    from search.analysis import char_tokens
    from search.documents import read_document

    fast = char_tokens(chain)
    for p in read_document(corpus / path).paragraphs:
        expected = [
            (t.text, t.pos, t.startchar, t.endchar)
            for t in analyzer(chain)(p.text, positions=True, chars=True, removestops=True)
        ]
        assert fast(p.text) == expected
